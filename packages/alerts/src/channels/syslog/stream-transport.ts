import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { bounded, type SyslogEndpoint, type SyslogTransport, socketFailure } from './syslog-transport.js';

/** A TCP endpoint, or a TLS one when `tls` is set. */
export interface StreamEndpoint extends SyslogEndpoint {
  /** TLS client options (verification on); absent for plain TCP. */
  readonly tls?: ConnectionOptions;
}

/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425) with octet-counting framing, `LEN SP MSG` per
 * message. One persistent connection, opened on the first send; when it fails or the receiver
 * closes it, it is dropped and the next send connects again. A send resolves once the socket
 * took the bytes (the write callback): syslog has no acknowledgement, so a message written just
 * before the receiver dies can be lost. A send that is aborted or times out mid-write destroys the
 * connection, so a half-written frame can never corrupt the next one.
 */
export function streamTransport(endpoint: StreamEndpoint): SyslogTransport {
  const failure = (what: string, cause?: unknown) => socketFailure(endpoint.channel, what, cause);
  const secure = endpoint.tls !== undefined;
  let current: Promise<Socket> | undefined;
  let latest: Socket | undefined;
  let established: Socket | undefined;
  let closed = false;

  const open = (): Promise<Socket> => {
    if (current !== undefined) return current;
    const target = { host: endpoint.host, port: endpoint.port, timeout: endpoint.timeoutMs };
    const socket = secure ? tlsConnect({ ...endpoint.tls, ...target }) : netConnect(target);
    latest = socket;
    const opening = new Promise<Socket>((resolve, reject) => {
      const fail = (what: string, error?: unknown): void => {
        if (current === opening) current = undefined;
        socket.destroy();
        reject(failure(what, error));
      };
      socket.on('error', (error) =>
        fail(secure ? 'the TLS connection failed' : 'the connection failed', error),
      );
      socket.on('timeout', () => fail(`no connection within ${endpoint.timeoutMs} ms`));
      socket.on('close', () => fail('the receiver closed the connection'));
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        socket.setTimeout(0);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        socket.resume(); // a receiver has nothing to say: read and discard
        established = socket;
        resolve(socket);
      });
    });
    current = opening;
    opening.catch(() => undefined);
    return opening;
  };
  const usable = async (signal: AbortSignal): Promise<Socket> => {
    const socket = await bounded(open(), signal, endpoint.timeoutMs, failure);
    if (socket.writable && !socket.destroyed) return socket;
    socket.destroy(); // half-closed by the receiver: its 'close' forgets it
    if ((await current?.catch(() => undefined)) === socket) current = undefined;
    return bounded(open(), signal, endpoint.timeoutMs, failure);
  };
  const write = (socket: Socket, frame: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      socket.write(frame, (error) => (error ? reject(failure('writing failed', error)) : resolve()));
    });

  return {
    async send(messages, signal) {
      if (closed) throw failure('the channel is closed');
      const socket = await usable(signal);
      const frame = Buffer.concat(
        messages.flatMap((message) => [Buffer.from(`${message.length} `), message]),
      );
      await bounded(write(socket, frame), signal, endpoint.timeoutMs, failure, () => socket.destroy());
    },
    async close() {
      closed = true;
      const socket = latest;
      current = undefined;
      latest = undefined;
      if (socket === undefined || socket.destroyed) return;
      if (socket !== established) {
        socket.destroy(); // still connecting: nothing to flush
        return;
      }
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        setTimeout(() => socket.destroy(), endpoint.timeoutMs).unref();
        socket.end();
      });
    },
  };
}
