import { cpus } from 'node:os';

/** One contestant: a name and an operation, sync or async, run back to back. */
export interface Contestant {
  readonly name: string;
  readonly run: () => unknown;
}

/** Throughput of one contestant. */
export interface Measurement {
  readonly name: string;
  readonly opsPerSec: number;
}

const sleep = () => new Promise((resolve) => setImmediate(resolve));

async function timeBatch(run: () => unknown, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Tuning of {@link measure} and {@link compare}. */
export interface MeasureOptions {
  /** Rounds timed after the warm-up; the median is reported. Default 7. */
  readonly rounds?: number;
  /**
   * Calls in the first calibration batch, doubled until a batch takes ~50 ms. Default 64; lower it
   * for operations of several milliseconds (1 MiB encryptions), or the minimum batch alone takes seconds.
   */
  readonly startBatch?: number;
}

/**
 * Ops per second of `run`: batches sized to take ~50 ms, several rounds after a warm-up, median
 * round reported. Calls run back to back, so per-call timer overhead does not distort fast operations.
 */
export async function measure(contestant: Contestant, rounds = 7, startBatch = 64): Promise<Measurement> {
  let n = Math.max(1, Math.floor(startBatch));
  while ((await timeBatch(contestant.run, n)) < 50 && n < 1 << 26) n *= 2;
  await timeBatch(contestant.run, n);
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep();
    rates.push((n / (await timeBatch(contestant.run, n))) * 1000);
  }
  rates.sort((a, b) => a - b);
  return { name: contestant.name, opsPerSec: rates[Math.floor(rates.length / 2)] ?? 0 };
}

const format = (ops: number): string =>
  ops >= 1e6
    ? `${(ops / 1e6).toFixed(2)} M/s`
    : ops >= 1e3
      ? `${(ops / 1e3).toFixed(1)} k/s`
      : `${ops.toFixed(0)} /s`;

/** Print where the figures come from: Node version, CPU, cores. */
export function printEnvironment(): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Node ${process.version} on ${cpu} (${cpus().length} cores)`);
}

/**
 * Measure ours and the peers in one run and print each with its ratio to ours
 * (ratio = ours / peer: above 1 means ours is faster).
 */
export async function compare(
  title: string,
  ours: Contestant,
  peers: readonly Contestant[],
  options: MeasureOptions = {},
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const contestant of [ours, ...peers])
    results.push(await measure(contestant, options.rounds, options.startBatch));
  report(title, results, 44);
  return results;
}

/** Print ours, then each peer with the ratio ours/peer. */
function report(title: string, results: readonly Measurement[], width: number): void {
  const [mine, ...theirs] = results as [Measurement, ...Measurement[]];
  console.log(`\n${title}`);
  console.log(`  ${mine.name.padEnd(width)} ${format(mine.opsPerSec).padStart(12)}`);
  for (const peer of theirs) {
    const ratio = mine.opsPerSec / peer.opsPerSec;
    console.log(
      `  ${peer.name.padEnd(width)} ${format(peer.opsPerSec).padStart(12)}   ours/peer = ${ratio.toFixed(2)}x`,
    );
  }
}

/**
 * Like {@link compare} (same output, ratio = ours / peer), but interleaved: after a calibration per
 * contestant, each round times one batch of every contestant in turn, the order rotating, so load
 * from other processes on a shared machine falls on all of them alike.
 */
export async function compareInterleaved(
  title: string,
  ours: Contestant,
  peers: readonly Contestant[],
  rounds = 15,
): Promise<Measurement[]> {
  const all = [ours, ...peers];
  const sizes: number[] = [];
  for (const contestant of all) {
    const { opsPerSec } = await measure(contestant, 1); // warm-up and a first estimate
    sizes.push(Math.max(64, Math.round(opsPerSec * 0.05)));
  }
  const rates = all.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    // Rotate who goes first, so no contestant always follows the same neighbour (GC debt, caches).
    for (let k = 0; k < all.length; k++) {
      const index = (round + k) % all.length;
      await new Promise((resolve) => setImmediate(resolve));
      const n = sizes[index]!;
      rates[index]!.push((n / (await timeBatch(all[index]!.run, n))) * 1000);
    }
  }
  const results = all.map((contestant, index) => {
    const sorted = [...rates[index]!].sort((a, b) => a - b);
    return { name: contestant.name, opsPerSec: sorted[Math.floor(sorted.length / 2)] ?? 0 };
  });
  report(title, results, 52);
  return results;
}
