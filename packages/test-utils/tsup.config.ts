import { packageBuild } from '../../tsup.base.js';

// ESM only: test runners that use this (vitest) are ESM themselves.
export default packageBuild({ index: 'src/index.ts' }, { format: ['esm'], treeshake: false });
