// Proves every package README's quick start: extracts the ```ts blocks under "## Quick start",
// typechecks them against the sources with the repository's strict settings, and runs each one
// (a quick start meant for a test runner, one that imports vitest or @secbot/test-utils, runs
// under vitest). Fails on the first block that does not compile or throws.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const out = join(root, '.tmp', 'readmes');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

interface Snippet {
  readonly pkg: string;
  readonly file: string;
  readonly forTestRunner: boolean;
}

const snippets: Snippet[] = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  let readme: string;
  try {
    readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  } catch {
    throw new Error(`packages/${pkg} has no README.md`);
  }
  const section = readme.split(/^## /m).find((part) => part.startsWith('Quick start'));
  const blocks = [...(section ?? '').matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  if (blocks.length === 0)
    throw new Error(`packages/${pkg}/README.md has no \`\`\`ts block under "## Quick start"`);
  blocks.forEach((code, i) => {
    const forTestRunner = /from '(vitest|@secbot\/test-utils)'/.test(code);
    const file = join(out, `${pkg}-${i}${forTestRunner ? '.test' : ''}.ts`);
    writeFileSync(file, `${code}\nexport {};\n`);
    snippets.push({ pkg, file, forTestRunner });
  });
}

writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: { noUnusedLocals: false },
    include: ['*.ts'],
  }),
);
execFileSync('pnpm', ['exec', 'tsc', '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' });
console.log(`ok typecheck ${snippets.length} quick start block(s)`);

for (const snippet of snippets) {
  if (snippet.forTestRunner) {
    execFileSync(
      'pnpm',
      ['exec', 'vitest', 'run', '--config', 'scripts/readme-vitest.config.ts', snippet.file],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } else {
    execFileSync('pnpm', ['exec', 'tsx', snippet.file], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  console.log(`ok run ${snippet.pkg} quick start`);
}
