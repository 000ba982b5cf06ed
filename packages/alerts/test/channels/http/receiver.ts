import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the local receiver got. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers; it may also never answer. */
export type Responder = (request: Received, response: ServerResponse) => void;

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: Received[];
  respond: Responder;
  close(): Promise<void>;
}

export const answer =
  (status: number, body = '', headers: Record<string, string> = {}): Responder =>
  (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };

/** A local stand-in for a receiver's endpoint, on 127.0.0.1 and a free port. Answers 200 by default. */
export async function startReceiver(respond: Responder = answer(200, 'ok')): Promise<Receiver> {
  const requests: Received[] = [];
  const receiver = {
    url: '',
    requests,
    respond,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      receiver.respond(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
