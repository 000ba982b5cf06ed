// Writes corpus.jsonl: every template instantiated `rounds` times with fresh synthetic values
// from a fixed seed, then the negatives. Run: npx tsx packages/privacy/test/corpus/generate.ts
import { writeFileSync } from 'node:fs';
import type { Draft, LabelledMessage } from './labelled.js';
import { createLabeller, type Labeller } from './labeller.js';
import { negatives } from './negatives.js';
import { banking } from './templates-banking.js';
import { government } from './templates-government.js';
import { health } from './templates-health.js';

const rounds = 3;
const labeller = createLabeller(20_261_126);

type Template = (l: Labeller) => Draft;
const sets: readonly (readonly [LabelledMessage['domain'], readonly Template[]])[] = [
  ['banking', banking],
  ['health', health],
  ['government', government],
];

const messages: LabelledMessage[] = [];
for (const [domain, templates] of sets) {
  for (let round = 0; round < rounds; round++) {
    templates.forEach((template, index) => {
      messages.push({ id: `${domain}-${index + 1}-${round + 1}`, domain, ...template(labeller) });
    });
  }
}
negatives.forEach((template, index) => {
  const domain = sets[index % sets.length]?.[0] ?? 'banking';
  messages.push({ id: `negative-${index + 1}`, domain, ...template(labeller) });
});

const target = new URL('./corpus.jsonl', import.meta.url);
writeFileSync(target, `${messages.map((message) => JSON.stringify(message)).join('\n')}\n`);
process.stdout.write(`wrote ${messages.length} messages to ${target.pathname}\n`);
