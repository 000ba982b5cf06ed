// Runs every benchmark in bench/ (or those whose path contains the first argument), one after
// another in this one process, and prints each comparison with its ratio to the peer.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printEnvironment } from './harness.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';

function find(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(path);
    return entry.name.endsWith('.bench.ts') ? [path] : [];
  });
}

const files = find(root)
  .filter((file) => relative(root, file).includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
printEnvironment();
for (const file of files) {
  console.log(`\n== ${relative(root, file)}`);
  const module = (await import(pathToFileURL(file).href)) as { default: () => Promise<void> };
  await module.default();
}
