import * as path from 'node:path';

/** The repository root: set by scripts/unitTests.mjs, since tests run from a bundle in out/. */
export const repoRoot = process.env.INITLAB_REPO_ROOT ?? path.resolve(__dirname, '..', '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
