// Builds the plain-Node unit tests with esbuild (our code bundled, npm packages left external)
// and runs them with node's test runner. Type checking is `tsc -b`'s job, not this script's,
// so one file's type error does not stop every other test from running.
//
//   node scripts/unitTests.mjs                 all of test/unit
//   node scripts/unitTests.mjs test/unit/toolkit/init  only tests under that folder (or one file)
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).map((p) => path.resolve(p));

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const tests = findTests(path.join(root, 'test', 'unit')).filter(
  (file) => filters.length === 0 || filters.some((f) => file === f || file.startsWith(f + path.sep)),
);
if (tests.length === 0) {
  console.error('No unit test files matched.');
  process.exit(1);
}

// INITLAB_UNIT_OUT lets two runs in one checkout build to different folders.
const outdir = path.resolve(root, process.env.INITLAB_UNIT_OUT ?? path.join('out', 'unit'));
fs.rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: tests,
  outbase: path.join(root, 'test', 'unit'),
  outdir,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
});

const files = tests.map((t) => path.join(outdir, path.relative(path.join(root, 'test', 'unit'), t)).replace(/\.ts$/, '.js'));
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, INITLAB_REPO_ROOT: root },
});
process.exit(result.status ?? 1);
