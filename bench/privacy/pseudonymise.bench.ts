import { randomBytes } from 'node:crypto';
import { createMemoryStore } from '@secbot/core';
import { createEnvelope, localKeyProvider, memoryKeyringStore } from '@secbot/crypto';
import { createPseudonymizer, createVault, type Finding } from '@secbot/privacy';
import { compareInterleaved } from '../harness.js';

// Pseudonymise a 1 KiB chat message holding 6 values, then restore a reply naming them, against a
// naive peer: a Map from value to placeholder and string replacement, no encryption and no store.
// Ours seals each new value (AES-256-GCM envelope) and keeps it in a Store with a TTL; a value
// already vaulted costs a keyed-hash lookup on the way out and an envelope open on the way back.

const values = [
  ['EMAIL', 'ann.smith@example.com'],
  ['PHONE', '+442079460958'],
  ['CREDIT_CARD', '4111 1111 1111 1111'],
  ['EMAIL', 'bob@example.org'],
  ['IBAN', 'GB82WEST12345698765432'],
  ['US_SSN', '078-05-1120'],
] as const;

function message(): { text: string; findings: Finding[] } {
  const filler = 'Thanks for getting back to me about the order, here are the details you asked for. ';
  let text = '';
  const findings: Finding[] = [];
  for (const [type, value] of values) {
    text += filler.slice(0, 150);
    findings.push({
      type,
      start: text.length,
      end: text.length + value.length,
      confidence: 1,
      detector: 'bench',
    });
    text += `${value} `;
  }
  text = text.padEnd(1024, ' end of message.');
  return { text, findings };
}

function naivePeer(): (text: string, findings: readonly Finding[]) => string {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, string>();
  const counters = new Map<string, number>();
  return (text, findings) => {
    let out = text;
    for (const finding of [...findings].sort((a, b) => b.start - a.start)) {
      const value = text.slice(finding.start, finding.end);
      let placeholder = byValue.get(value);
      if (placeholder === undefined) {
        const n = (counters.get(finding.type) ?? 0) + 1;
        counters.set(finding.type, n);
        placeholder = `<${finding.type}_${n}>`;
        byValue.set(value, placeholder);
        byPlaceholder.set(placeholder, value);
      }
      out = out.slice(0, finding.start) + placeholder + out.slice(finding.end);
    }
    return out.replace(/<([A-Z][A-Z0-9_]{0,31})_([1-9][0-9]{0,6})>/g, (p) => byPlaceholder.get(p) ?? p);
  };
}

export default async function pseudonymiseBench(): Promise<void> {
  const envelope = createEnvelope({
    keyProvider: localKeyProvider({ keys: [{ id: 'kek-bench', key: randomBytes(32) }] }),
    keyStore: memoryKeyringStore(),
  });
  const store = createMemoryStore({ maxKeys: 2_000_000 });
  const pseudonymizer = createPseudonymizer({ vault: createVault({ envelope, store }) });
  const { text, findings } = message();
  const scope = { conversationId: 'conv-bench' };
  const roundTrip = async (conversationId: string): Promise<void> => {
    const out = await pseudonymizer.pseudonymize(text, findings, { conversationId });
    const back = await pseudonymizer.restore(out.text, { conversationId });
    if (back.restored !== findings.length) throw new Error('bench: restore failed');
  };
  await roundTrip(scope.conversationId);
  const naive = naivePeer();

  const [warm] = await compareInterleaved(
    'pseudonymise + restore, 1 KiB message, 6 findings, values already in the vault',
    { name: 'createPseudonymizer (sealed, Store, TTL)', run: () => roundTrip(scope.conversationId) },
    [{ name: 'naive Map + string replace (no encryption)', run: () => naive(text, findings) }],
  );
  let conversation = 0;
  const [cold] = await compareInterleaved(
    'pseudonymise + restore, 1 KiB message, 6 findings, a new conversation each time (6 seals)',
    { name: 'createPseudonymizer, new conversation', run: () => roundTrip(`conv-${conversation++}`) },
    [{ name: 'naive Map + string replace (no encryption)', run: () => naivePeer()(text, findings) }],
  );
  const us = (ops: number | undefined): number => 1e6 / (ops ?? 1);
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  console.log(
    `  warm: ${us(warm?.opsPerSec).toFixed(1)} us per round trip <= 20 us: ${verdict(us(warm?.opsPerSec) <= 20)}`,
  );
  console.log(`  cold: ${us(cold?.opsPerSec).toFixed(1)} us per round trip (each value sealed once)`);
}
