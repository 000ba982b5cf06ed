// Local syslog receivers on 127.0.0.1:0: a UDP socket, and a TCP or TLS server that splits
// octet-counted frames. Each records what arrived so tests can read it back.
import { createSocket } from 'node:dgram';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { vi } from 'vitest';
import { octetFrames } from './parse.js';

export interface UdpListener {
  readonly port: number;
  readonly datagrams: Buffer[];
  close(): Promise<void>;
}

export async function udpListener(port = 0): Promise<UdpListener> {
  const socket = createSocket('udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (message) => datagrams.push(message));
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    datagrams,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export interface StreamListener {
  readonly port: number;
  /** Every complete frame, in arrival order, across connections. */
  readonly frames: Buffer[];
  /** How many connections were accepted (TLS: handshakes completed). */
  connections(): number;
  /** How many of them are still open. */
  openConnections(): number;
  /** Destroy open connections and stop listening. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  /** Wait until `count` frames arrived. */
  waitForFrames(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function streamListener(tls?: { cert: string; key: string }): Promise<StreamListener> {
  const frames: Buffer[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const onSocket = (socket: Socket): void => {
    accepted++;
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { frames: complete, rest } = octetFrames(Buffer.concat([pending, chunk]));
      frames.push(...complete);
      pending = Buffer.from(rest);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const make = (): Server =>
    tls === undefined
      ? createNetServer(onSocket)
      : createTlsServer({ cert: tls.cert, key: tls.key }, onSocket).on('tlsClientError', () => undefined);
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    frames,
    connections: () => accepted,
    openConnections: () => sockets.size,
    stop,
    async restart() {
      server = make();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    waitForFrames: (count) =>
      vi.waitFor(
        () => {
          if (frames.length < count) throw new Error(`${frames.length} of ${count} frames`);
        },
        { timeout: 3000, interval: 5 },
      ),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

/** A TCP server that accepts connections and never says or reads anything. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
