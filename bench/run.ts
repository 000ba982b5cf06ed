// Runs every benchmark in bench/ (or those whose path contains the first argument), one after
// another, each file in a fresh Node process (so one benchmark's JIT state, inline caches and heap
// cannot slow the next), and prints each comparison with its ratio to the peer. Ours and the peers
// of one comparison always run in the same process, in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printEnvironment } from './harness.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const [filter = '', single] = process.argv.slice(2);

if (filter === '--one' && single !== undefined) {
  // a child: run one file
  const module = (await import(pathToFileURL(single).href)) as { default: () => Promise<void> };
  await module.default();
  process.exit(0);
}

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
let failed = 0;
for (const file of files) {
  console.log(`\n== ${relative(root, file)}`);
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--one', file],
    {
      stdio: 'inherit',
    },
  );
  if (child.status !== 0) {
    failed += 1;
    console.log(`   (exited with ${child.status ?? child.signal})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
