import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: ESM + CJS + `.d.ts`/`.d.cts` for Node 20, from `src/`, typed
 * against the package's own `tsconfig.build.json`. A package passes its entries (the single
 * source of its `exports` map) and, for an ESM-only package, `formats: ['esm']`.
 */
export function packageBuild(entry: Record<string, string>, overrides: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    tsconfig: 'tsconfig.build.json',
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: true,
    treeshake: true,
    ...overrides,
  });
}
