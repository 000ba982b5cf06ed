import { readFileSync } from 'node:fs';
import { builtinDetectors, createPrivacy } from '@secbot/privacy';
import { compare, compareInterleaved } from '../harness.js';

// Scanning throughput over the labelled support-chat corpus (packages/privacy/test/corpus), with
// every built-in detector on and phone numbers read for the US and GB, against a naive peer: one
// regular expression per type (email, phone, card, IBAN, SSN, IPv4) run with matchAll, with no
// checksum, no validation, no context words and no overlap resolution. The peer is a floor on the
// work, not a detector of the same quality. Target: >= 50 MB/s (UTF-8 bytes of chat text).

const corpusUrl = new URL('../../packages/privacy/test/corpus/corpus.jsonl', import.meta.url);
const messages = readFileSync(corpusUrl, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { text: string }).text);

const targetBytes = 4 * 1024 * 1024;
const parts: string[] = [];
for (let size = 0, index = 0; size < targetBytes; index++) {
  const text = messages[index % messages.length] as string;
  parts.push(text);
  size += Buffer.byteLength(text) + 2;
}
const big = parts.join('\n\n');
const bigBytes = Buffer.byteLength(big);
const corpusBytes = messages.reduce((sum, text) => sum + Buffer.byteLength(text), 0);

const naive = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  /(?:\+\d{1,3}[ -]?)?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}/g,
  /\b(?:\d[ -]?){12,18}\d\b/g,
  /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
  /\b\d{3}-\d{2}-\d{4}\b/g,
  /\b(?:\d{1,3}\.){3}\d{1,3}\b/g,
];

function naiveScan(text: string): number {
  let found = 0;
  for (const pattern of naive) for (const _ of text.matchAll(pattern)) found++;
  return found;
}

const privacy = createPrivacy({ detectors: builtinDetectors({ phoneCountries: ['US', 'GB'] }) });
const mbPerSec = (opsPerSec: number | undefined, bytes: number): number => ((opsPerSec ?? 0) * bytes) / 1e6;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

export default async function scanBench(): Promise<void> {
  if (privacy.scan(big).length === 0) throw new Error('bench: nothing found in the corpus');
  const [ours, peer] = await compare(
    `scan one ${(bigBytes / 1e6).toFixed(1)} MB text (${messages.length} corpus messages repeated), all built-in detectors`,
    { name: 'createPrivacy().scan (14 detectors)', run: () => privacy.scan(big) },
    [{ name: 'naive: 6 regexes with matchAll', run: () => naiveScan(big) }],
    { startBatch: 1, rounds: 5 },
  );
  const [each, eachPeer] = await compareInterleaved(
    `scan each of the ${messages.length} corpus messages on its own (${(corpusBytes / 1e3).toFixed(1)} KB in all)`,
    {
      name: 'createPrivacy().scan per message',
      run: () => {
        for (const text of messages) privacy.scan(text);
      },
    },
    [
      {
        name: 'naive: 6 regexes with matchAll per message',
        run: () => {
          for (const text of messages) naiveScan(text);
        },
      },
    ],
  );
  const bigRate = mbPerSec(ours?.opsPerSec, bigBytes);
  const eachRate = mbPerSec(each?.opsPerSec, corpusBytes);
  console.log(
    `\n  one text:     ${bigRate.toFixed(1)} MB/s (naive ${mbPerSec(peer?.opsPerSec, bigBytes).toFixed(1)} MB/s) >= 50 MB/s: ${verdict(bigRate >= 50)}`,
  );
  console.log(
    `  per message:  ${eachRate.toFixed(1)} MB/s (naive ${mbPerSec(eachPeer?.opsPerSec, corpusBytes).toFixed(1)} MB/s) >= 50 MB/s: ${verdict(eachRate >= 50)}`,
  );
}
