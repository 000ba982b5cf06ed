import type { Detector } from '../../../src/finding.js';
import { createScanContext } from '../../../src/scan-text.js';

/** A detector's raw findings as `[type, matched text, confidence]`, sorted by start. */
export function found(detector: Detector, text: string): [string, string, number][] {
  return [...detector.scan(text, createScanContext(text))]
    .sort((a, b) => a.start - b.start)
    .map((f) => [f.type, text.slice(f.start, f.end), f.confidence]);
}

/** Just the matched texts. */
export function texts(detector: Detector, text: string): string[] {
  return found(detector, text).map(([, value]) => value);
}

/** Milliseconds one scan takes (best of three, after a warm-up, so a GC pause does not count). */
export function scanMillis(detector: Detector, text: string): number {
  detector.scan(text.slice(0, 1000), createScanContext(text.slice(0, 1000)));
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    detector.scan(text, createScanContext(text));
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
