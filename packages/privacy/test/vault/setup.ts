import { randomBytes } from 'node:crypto';
import { createMemoryStore, type Store } from '@secbot/core';
import { createEnvelope, type KeyScope, localKeyProvider, memoryKeyringStore } from '@secbot/crypto';
import { createManualClock } from '@secbot/test-utils';
import type { Detector, Finding } from '../../src/finding.js';
import { createScanContext } from '../../src/scan-text.js';

/** A store that records every value written, to look at what the vault keeps. */
export function recordingStore(now: () => number): Store & { readonly writes: Map<string, string> } {
  const inner = createMemoryStore({ now });
  const writes = new Map<string, string>();
  return Object.assign(Object.create(null) as object, {
    writes,
    increment: inner.increment.bind(inner),
    get: inner.get.bind(inner),
    async set(key: string, value: string, options?: Parameters<Store['set']>[2]) {
      const written = await inner.set(key, value, options);
      if (written) writes.set(key, value);
      return written;
    },
    delete: inner.delete.bind(inner),
    setAdd: inner.setAdd.bind(inner),
    setHas: inner.setHas.bind(inner),
    setRemove: inner.setRemove.bind(inner),
    setSize: inner.setSize.bind(inner),
    close: inner.close.bind(inner),
  }) as Store & { readonly writes: Map<string, string> };
}

/** A real envelope (local KEK, memory keyring), a manual clock and a recording store. */
export function setup(keyScope: KeyScope = 'tenant') {
  const clock = createManualClock();
  const envelope = createEnvelope({
    keyProvider: localKeyProvider({ keys: [{ id: 'kek-test', key: randomBytes(32) }] }),
    keyStore: memoryKeyringStore(),
    keyScope,
    now: clock.now,
  });
  const store = recordingStore(clock.now);
  return { clock, envelope, store };
}

const emailPattern = /[a-z0-9._-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}/g;
const phonePattern = /\+[0-9]{8,15}/g;

/** A small email and phone finder (the real detectors live elsewhere). */
export const testDetector: Detector = {
  name: 'test-email-phone',
  types: ['EMAIL', 'PHONE'],
  scan(text) {
    const out: Finding[] = [];
    for (const [pattern, type] of [
      [emailPattern, 'EMAIL'],
      [phonePattern, 'PHONE'],
    ] as const) {
      for (const m of text.matchAll(pattern))
        out.push({ type, start: m.index, end: m.index + m[0].length, confidence: 0.9, detector: this.name });
    }
    return out;
  },
};

/** Findings of {@link testDetector} in `text`. */
export const findIn = (text: string): readonly Finding[] => testDetector.scan(text, createScanContext(text));
