import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { AlertDeliveryError } from '../../alert-channel.js';
import { bounded, type SyslogEndpoint, type SyslogTransport, socketFailure } from './syslog-transport.js';

/**
 * Syslog over UDP (RFC 5426): one datagram per message, on a connected socket, so an ICMP port
 * unreachable from the receiver fails a later send instead of vanishing. A failed socket is
 * dropped and the next send opens a new one. UDP does not tell whether anything arrived.
 */
export function udpTransport(endpoint: SyslogEndpoint): SyslogTransport {
  const failure = (what: string, cause?: unknown) => socketFailure(endpoint.channel, what, cause);
  let current: Promise<Socket> | undefined;
  let closed = false;

  const drop = (socket: Socket): void => {
    socket.removeAllListeners();
    socket.on('error', () => undefined);
    socket.close();
  };
  const open = (): Promise<Socket> => {
    if (current !== undefined) return current;
    const socket = createSocket(isIPv6(endpoint.host) ? 'udp6' : 'udp4');
    const opening = new Promise<Socket>((resolve, reject) => {
      socket.once('error', (error) => {
        if (current === opening) current = undefined;
        drop(socket);
        reject(failure('the UDP socket failed', error));
      });
      socket.connect(endpoint.port, endpoint.host, () => resolve(socket));
    });
    current = opening;
    opening.catch(() => undefined);
    return opening;
  };
  const sendOne = (socket: Socket, message: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      socket.send(message, (error) => (error ? reject(error) : resolve()));
    });

  return {
    async send(messages, signal) {
      if (closed) throw failure('the channel is closed');
      const socket = await bounded(open(), signal, endpoint.timeoutMs, failure);
      try {
        await bounded(
          Promise.all(messages.map((message) => sendOne(socket, message))),
          signal,
          endpoint.timeoutMs,
          failure,
        );
      } catch (error) {
        if (current !== undefined && (await current.catch(() => undefined)) === socket) {
          current = undefined;
          drop(socket);
        }
        throw error instanceof AlertDeliveryError ? error : failure('sending the datagram failed', error);
      }
    },
    async close() {
      closed = true;
      const socket = await current?.catch(() => undefined);
      current = undefined;
      if (socket !== undefined) drop(socket);
    },
  };
}
