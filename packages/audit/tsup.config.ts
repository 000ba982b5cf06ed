import { packageBuild } from '../../tsup.base.js';

// verify-worker is the script of `verifyAuditLog`'s worker threads, loaded beside the bundle that
// starts them (`shims` gives the CommonJS build its `import.meta.url`).
export default packageBuild(
  { index: 'src/index.ts', cli: 'src/cli/main.ts', 'verify-worker': 'src/internal/verify-worker.ts' },
  { shims: true },
);
