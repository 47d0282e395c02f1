// Builds the plain-Node unit tests with esbuild (our code bundled, npm packages left external)
// and runs them with node's test runner. Type checking is `tsc -b`'s job, not this script's,
// so one file's type error does not stop every other test from running.
//
//   node scripts/unitTests.mjs                 all of test/unit
//   node scripts/unitTests.mjs test/unit/toolkit/init  only tests under that folder (or one file)
//   node scripts/unitTests.mjs test/unit/harness/fixtures/hangingTests.ts  a file named outright
//                                              runs even if it is no *.test.ts (the harness's fixtures)
//   node scripts/unitTests.mjs test/unit/toolkit --exclude=test/unit/toolkit/models  all but that folder
//
// Every test and hook has a time limit, TEST_TIMEOUT_MS unless it sets its own `timeout`: the
// bundles import `node:test` through test/unit/support/nodeTestWithTimeout.ts, which gives it.
// A hung test fails as "test timed out after N ms" and its file goes on; `--test-force-exit`
// then ends a file whose tests are done but left a process or timer behind, and FILE_TIMEOUT_MS
// ends a file that hangs outright (a synchronous loop, which no test's timer can interrupt).
// test/unit/harness/testTimeout.test.ts runs a fixture of hanging tests to check all three.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const excluded = args.filter((a) => a.startsWith('--exclude=')).map((a) => path.resolve(a.slice('--exclude='.length)));
const filters = args.filter((a) => !a.startsWith('--exclude=')).map((p) => path.resolve(p));
const isUnder = (file, p) => file === p || file.startsWith(p + path.sep);

/**
 * The limit for each test. The slowest, lesson C run top to bottom in a kernel, took 95 to 123 s
 * on a 2-core machine under a load average of 11 to 14 (other test runs beside it); the next,
 * lesson A and the next-comparison test, 77 s and 66 s at most: 300 s is 2.4 times the worst
 * seen. INITLAB_TEST_TIMEOUT_MS overrides it (a slower machine, or a quick check that a hang is caught).
 */
const TEST_TIMEOUT_MS = Number(process.env.INITLAB_TEST_TIMEOUT_MS) > 0 ? Number(process.env.INITLAB_TEST_TIMEOUT_MS) : 300_000;
/**
 * The limit for each test file, for a hang no test's timeout can end. Node 20 applies
 * `--test-timeout` to each file as a whole (nodejs/node#57656); later Nodes apply it to each test
 * instead, where nodeTestWithTimeout.ts's TEST_TIMEOUT_MS replaces it. The longest file, the
 * lessons run top to bottom, took about 250 s under heavy load. INITLAB_FILE_TIMEOUT_MS overrides it.
 */
const FILE_TIMEOUT_MS = Number(process.env.INITLAB_FILE_TIMEOUT_MS) > 0 ? Number(process.env.INITLAB_FILE_TIMEOUT_MS) : 1_200_000;
/** `--test-force-exit` came in Node 20.14 and 22.0. */
const [major, minor] = process.versions.node.split('.').map(Number);
const canForceExit = major > 20 || (major === 20 && minor >= 14);

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const named = filters.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && fs.existsSync(f));
const tests = [
  ...findTests(path.join(root, 'test', 'unit')).filter((file) => (filters.length === 0 || filters.some((f) => isUnder(file, f))) && !excluded.some((x) => isUnder(file, x))),
  ...named,
];
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
  plugins: [
    {
      // Tests import `node:test`; they get it with the per-test timeout (nodeTestWithTimeout.ts).
      name: 'node-test-with-timeout',
      setup(build) {
        const shim = path.join(root, 'test', 'unit', 'support', 'nodeTestWithTimeout.ts');
        build.onResolve({ filter: /^node:test$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
      },
    },
  ],
});

const files = tests.map((t) => path.join(outdir, path.relative(path.join(root, 'test', 'unit'), t)).replace(/\.ts$/, '.js'));
const runnerFlags = ['--test-reporter=spec', `--test-timeout=${FILE_TIMEOUT_MS}`, ...(canForceExit ? ['--test-force-exit'] : [])];
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...runnerFlags, ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, INITLAB_REPO_ROOT: root, INITLAB_TEST_TIMEOUT_MS: String(TEST_TIMEOUT_MS) },
});
process.exit(result.status ?? 1);
