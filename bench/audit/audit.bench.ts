import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, createRedactor, fileSink, type verifyAuditLog } from '@secbot/audit';
import pino from 'pino';
import { compareInterleaved } from '../harness.js';

// The audit log against pino writing the same ~200-byte events to a file. pino is the logger a
// user would otherwise pick; it neither chains nor MACs nor fsyncs, so it is the ceiling, not a peer
// with the same guarantees. Every figure includes the final flush of what was written.

const event = {
  actor: { id: 'user-00042', roles: ['agent'], tenantId: 'acme' },
  action: 'transcripts.read',
  target: { type: 'conversation', id: 'conv-000123' },
  outcome: 'success' as const,
  requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  channel: 'http',
  ip: '10.20.30.40',
};

const builtAudit = new URL('../../packages/audit/dist/index.js', import.meta.url).href;
const writers = 64;
const durableSeconds = 3;
const bufferedEvents = 500_000;

const rate = (n: number, ms: number): string =>
  `${Math.round((n / ms) * 1000).toLocaleString('en-US')} events/s`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

async function pinoThroughput(path: string, n: number): Promise<number> {
  const dest = pino.destination({ dest: path, sync: false, minLength: 0 });
  await new Promise<void>((resolve) => dest.once('ready', () => resolve()));
  const logger = pino({ base: null, timestamp: pino.stdTimeFunctions.epochTime }, dest);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    logger.info(event);
    if ((i & 4095) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise<void>((resolve, reject) => dest.flush((error) => (error ? reject(error) : resolve())));
  const ms = performance.now() - started;
  await new Promise<void>((resolve) => {
    dest.once('close', () => resolve());
    dest.end();
  });
  return (n / ms) * 1000;
}

async function durableRun(
  path: string,
  key: Uint8Array,
): Promise<{ perSec: number; p99: number; n: number }> {
  const log = createAuditLog({ sink: fileSink({ path }), key });
  await log.ready();
  const latencies = new Float64Array(4_000_000);
  let n = 0;
  let recording = false;
  let stop = false;
  const writer = async (): Promise<void> => {
    while (!stop) {
      const started = performance.now();
      await log.record(event);
      if (recording && n < latencies.length) latencies[n++] = performance.now() - started;
    }
  };
  const all = Array.from({ length: writers }, writer);
  await new Promise((resolve) => setTimeout(resolve, 500)); // warm-up
  recording = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durableSeconds * 1000));
  recording = false;
  const ms = performance.now() - started;
  const count = n;
  stop = true;
  await Promise.all(all);
  await log.close();
  const sorted = latencies.subarray(0, count).sort();
  return { perSec: (count / ms) * 1000, p99: sorted[Math.floor(count * 0.99)] ?? Number.NaN, n: count };
}

async function bufferedRun(path: string, key: Uint8Array, n: number): Promise<number> {
  const log = createAuditLog({ sink: fileSink({ path }), key, durable: false });
  await log.ready();
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    inFlight.push(log.record(event));
    if (inFlight.length === 1024) {
      await Promise.all(inFlight);
      inFlight.length = 0;
    }
  }
  await Promise.all(inFlight);
  await log.close();
  return (n / (performance.now() - started)) * 1000;
}

export default async function auditBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'secbot-audit-bench-'));
  const key = randomBytes(32);
  try {
    // (d) redaction of the same event against serialising it once; first, before the file runs
    // leave a large heap behind.
    const redact = createRedactor();
    const [ours, peer] = await compareInterleaved(
      '(d) createRedactor() on the event vs JSON.stringify of the same event (interleaved rounds)',
      { name: 'createRedactor()(event)', run: () => redact(event) },
      [{ name: 'JSON.stringify(event)', run: () => JSON.stringify(event) }],
    );
    const cost = (peer?.opsPerSec ?? 0) / (ours?.opsPerSec ?? 1);
    console.log(`  redaction cost = ${cost.toFixed(2)}x JSON.stringify <= 1.5x: ${verdict(cost <= 1.5)}`);

    // (a) durable: 64 concurrent writers, each awaiting record() in a loop, chain + MAC + fdatasync.
    const durable = await durableRun(join(dir, 'durable.jsonl'), key);
    const pinoDurablePeer = await pinoThroughput(join(dir, 'pino-a.log'), 500_000);
    const ratioA = durable.perSec / pinoDurablePeer;
    console.log('\n(a) durable record(), 64 concurrent writers, chain + MAC + fdatasync per batch');
    console.log(
      `  @secbot/audit durable                         ${rate(durable.perSec, 1000)} (${durable.n} in ${durableSeconds} s)`,
    );
    console.log(`  pino.destination({ sync: false })             ${rate(pinoDurablePeer, 1000)}`);
    console.log(`  events/s >= 100,000: ${verdict(durable.perSec >= 100_000)}`);
    console.log(`  p99 ack latency ${durable.p99.toFixed(2)} ms <= 5 ms: ${verdict(durable.p99 <= 5)}`);
    console.log(`  ours/pino = ${ratioA.toFixed(2)}x >= 0.6x: ${verdict(ratioA >= 0.6)}`);

    // (b) buffered (durable: false) vs pino, same number of events, both timed to the final flush.
    const bufferedPath = join(dir, 'buffered.jsonl');
    const buffered = await bufferedRun(bufferedPath, key, bufferedEvents);
    const pinoPeer = await pinoThroughput(join(dir, 'pino-b.log'), bufferedEvents);
    const ratioB = buffered / pinoPeer;
    console.log(
      `\n(b) buffered record() (durable: false), ${bufferedEvents.toLocaleString('en-US')} events to close()`,
    );
    console.log(`  @secbot/audit durable: false                  ${rate(buffered, 1000)}`);
    console.log(`  pino.destination({ sync: false })             ${rate(pinoPeer, 1000)}`);
    console.log(`  ours/pino = ${ratioB.toFixed(2)}x >= 0.8x: ${verdict(ratioB >= 0.8)}`);

    // (c) verification of the log written in (b), by the built package as users run it: its worker
    // threads load the bundled script (from the sources, each worker would compile TypeScript first).
    const built = (await import(builtAudit).catch(() => {
      throw new Error(
        'bench (c) needs the built package: run `pnpm -r --filter ./packages/** run build` first',
      );
    })) as { verifyAuditLog: typeof verifyAuditLog };
    const bytes = statSync(bufferedPath).size;
    const inThreadStarted = performance.now();
    const inThread = await built.verifyAuditLog({ path: bufferedPath, key, workers: 0 });
    const inThreadPerSec = (inThread.count / (performance.now() - inThreadStarted)) * 1000;
    const started = performance.now();
    const report = await built.verifyAuditLog({ path: bufferedPath, key });
    const ms = performance.now() - started;
    const linesPerSec = (report.count / ms) * 1000;
    console.log(
      `\n(c) verifyAuditLog, ${report.count.toLocaleString('en-US')} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB`,
    );
    if (!report.ok) console.log(`  verification failed: ${JSON.stringify(report.error)}`);
    console.log(
      `  in this thread (workers: 0)   ${Math.round(inThreadPerSec).toLocaleString('en-US')} lines/s`,
    );
    console.log(
      `  worker threads (default)      ${Math.round(linesPerSec).toLocaleString('en-US')} lines/s, ok=${report.ok}; >= 300,000: ${verdict(report.ok && linesPerSec >= 300_000)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
