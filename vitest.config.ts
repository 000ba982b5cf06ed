import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// Tests run against sources, not builds: each @secbot/* import resolves to its src entry.
const alias = [
  { find: '@secbot/core/node', replacement: `${root}packages/core/src/node/index.ts` },
  ...packages.map((name) => ({
    find: new RegExp(`^@secbot/${name}$`),
    replacement: `${root}packages/${name}/src/index.ts`,
  })),
];

export default defineConfig({
  test: {
    projects: packages.map((name) => ({
      resolve: { alias },
      test: {
        name,
        root: `${root}packages/${name}`,
        include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
        typecheck: {
          enabled: true,
          include: ['test/**/*.test-d.ts'],
          tsconfig: `${root}packages/${name}/tsconfig.json`,
        },
        testTimeout: 20_000,
        hookTimeout: 30_000,
      },
    })),
  },
});
