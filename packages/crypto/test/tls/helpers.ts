// Small async helpers for real handshakes on 127.0.0.1.
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';

/** Listen on 127.0.0.1, an ephemeral port; resolves to the port. */
export async function listen(server: https.Server | tls.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Close a server and every connection it still has. */
export async function close(server: https.Server | tls.Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  if (server instanceof https.Server) server.closeAllConnections();
  server.close();
  await closed;
}

export interface HandshakeResult {
  readonly protocol: string | null;
  readonly cipher: string;
  readonly serial: string;
  readonly fingerprint256: string;
  readonly authorized: boolean;
}

/** Complete a TLS handshake as a client, report what was negotiated, and hang up. */
export function handshake(port: number, options: tls.ConnectionOptions = {}): Promise<HandshakeResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      const peer = socket.getPeerCertificate();
      const result: HandshakeResult = {
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().standardName,
        serial: peer.serialNumber,
        fingerprint256: peer.fingerprint256,
        authorized: socket.authorized,
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

/** Resolves with the next `tlsClientError` the server reports (the server refusing a handshake). */
export function nextClientError(server: tls.Server): Promise<Error> {
  return once(server, 'tlsClientError').then(([error]) => error as Error);
}

export interface Response {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** An HTTPS GET; resolves with the response or rejects with the request's error. */
export function get(port: number, options: https.RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.once('error', reject);
  });
}

/** The rejection reason of a promise that must fail. */
export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
