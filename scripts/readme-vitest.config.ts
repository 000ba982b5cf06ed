// Runs README quick starts that are test files, with @secbot/* resolved to the sources.
import { defineConfig } from 'vitest/config';

const src = (path: string) => new URL(`../packages/${path}`, import.meta.url).pathname;

export default defineConfig({
  resolve: {
    alias: [
      { find: '@secbot/core/node', replacement: src('core/src/node/index.ts') },
      { find: /^@secbot\/([a-z-]+)$/, replacement: src('$1/src/index.ts') },
    ],
  },
  test: { include: ['.tmp/readmes/*.test.ts'] },
});
