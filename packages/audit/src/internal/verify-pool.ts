import { Worker } from 'node:worker_threads';
import type { ChunkReply, ChunkRequest, PoolInit } from './verify-messages.js';

/** Worker threads that check chunks of a log in parallel; see `verifyAuditLog`'s `workers`. */
export interface VerifyPool {
  /** Check whole lines (the buffer is transferred to a worker and unusable afterwards). */
  check(file: string, data: Buffer): Promise<ChunkReply>;
  /** Stop the workers. */
  close(): Promise<void>;
}

/**
 * Start the worker script beside this module: `.js` in the ESM build, `.cjs` in the CommonJS one.
 * Run from the TypeScript sources (the repository's own tests), the worker first registers tsx.
 */
function spawnWorker(): Worker {
  const self = import.meta.url;
  const ext = self.endsWith('.ts') ? 'ts' : self.endsWith('.cjs') ? 'cjs' : 'js';
  const script = new URL(`./verify-worker.${ext}`, self);
  if (ext !== 'ts') return new Worker(script);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * Start `size` workers. Chunks go to the worker with the fewest outstanding; each worker answers
 * in order. A worker that dies fails every chunk it held.
 */
export function startVerifyPool(size: number, init: PoolInit): VerifyPool {
  let nextId = 0;
  const slots = Array.from({ length: size }, () => {
    const worker = spawnWorker();
    const waiting = new Map<
      number,
      { resolve: (reply: ChunkReply) => void; reject: (error: Error) => void }
    >();
    const failAll = (error: Error): void => {
      for (const { reject } of waiting.values()) reject(error);
      waiting.clear();
    };
    worker.on('message', (reply: ChunkReply) => {
      const entry = waiting.get(reply.id);
      waiting.delete(reply.id);
      entry?.resolve(reply);
    });
    worker.on('error', (error) => failAll(error));
    worker.on('exit', (code) => failAll(new Error(`a verify worker exited (${code})`)));
    worker.postMessage(init);
    return { worker, waiting };
  });
  return {
    check(file, data) {
      const slot = slots.reduce((best, next) => (next.waiting.size < best.waiting.size ? next : best));
      const id = nextId++;
      const reply = new Promise<ChunkReply>((resolve, reject) => {
        slot.waiting.set(id, { resolve, reject });
        const request: ChunkRequest = { type: 'chunk', id, file, data };
        slot.worker.postMessage(request, [data.buffer as ArrayBuffer]);
      });
      // a reply nobody waits for any more (verification stopped earlier) must not go unhandled
      reply.catch(() => undefined);
      return reply;
    },
    async close() {
      for (const slot of slots) slot.worker.removeAllListeners('exit');
      await Promise.all(slots.map(({ worker }) => worker.terminate()));
    },
  };
}
