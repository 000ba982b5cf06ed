// Runs the whole vitest suite (every package project, type tests included), prints vitest's own
// report, then one line "N passed, N failed[, N skipped]" to stdout and into .tmp/test-summary.txt.
// Exits non-zero when any test failed or vitest itself reported errors (e.g. unhandled rejections).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest.json';
rmSync(report, { force: true });

const run = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A failed suite (e.g. a file that does not load) has no failed test of its own: count it.
  failed += json.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
}
// vitest failing with no failed test means errors outside tests (unhandled rejections): one failure.
if (run.status !== 0 && failed === 0) failed = 1;

const line = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
writeFileSync('.tmp/test-summary.txt', `${line}\n`);
console.log(line);
process.exit(failed > 0 ? 1 : 0);
