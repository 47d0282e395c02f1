/**
 * The unit tests' time limits (scripts/unitTests.mjs, test/unit/support/nodeTestWithTimeout.ts),
 * checked on fixtures that hang: unitTests.mjs runs them as it runs every test file, with limits
 * of a second or so instead of minutes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';
import { tempDir } from '../support/tempDirs';

const TEST_LIMIT_MS = 1500;

/** Runs unitTests.mjs on fixtures with these limits; kills it if it has not ended in `killAfterMs`. */
function runUnitTests(fixtures: string[], fileLimitMs: number, killAfterMs = 60_000): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  // Not a child of this test run: a nested `node --test` that sees NODE_TEST_CONTEXT runs nothing.
  const env: NodeJS.ProcessEnv = { ...process.env, INITLAB_TEST_TIMEOUT_MS: String(TEST_LIMIT_MS), INITLAB_FILE_TIMEOUT_MS: String(fileLimitMs), INITLAB_UNIT_OUT: tempDir('unit-fixtures') };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/unitTests.mjs'), ...fixtures.map((f) => path.join(repoRoot, 'test/unit/harness/fixtures', f))], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output, ms: Date.now() - started });
    }),
  );
}

test('a hung test fails as timed out after the per-test limit, the file goes on, and the failure points at the test', async () => {
  // A file limit far above what these files take (about 4 s: their hung tests, and starting).
  const { code, output, ms } = await runUnitTests(['hangingTests.ts', 'hangingHook.ts'], 30_000);
  assert.equal(code, 1, output);
  assert.match(output, /✔ passes before the hang/);
  assert.match(output, new RegExp(`✖ hangs, holding a timer that would keep its process alive \\([\\d.]+ms\\)\\n\\s+'test timed out after ${TEST_LIMIT_MS}ms'`), output);
  assert.match(output, /✔ runs after the hung one/, output);
  assert.match(output, new RegExp(`✖ a subtest takes its test’s limit \\([\\d.]+ms\\)\\n+\\s+'test timed out after ${TEST_LIMIT_MS}ms'`), output);
  assert.match(output, /✖ a test’s own timeout wins \([\d.]+ms\)\n\s+'test timed out after 200ms'/, output);
  // The hook's file: its test does not wait forever for it.
  assert.match(output, new RegExp(`✖ waits for the hook \\([\\d.]+ms\\)\\n\\s+'test timed out after ${TEST_LIMIT_MS}ms'`), output);
  // Node names a test's place in the failure report: the test's own file, not the module that gives the limit.
  assert.match(output, /test at (test\/unit\/)?harness\/fixtures\/hangingTests\.ts:9:1/, output);
  assert.doesNotMatch(output, /nodeTestWithTimeout/, output);
  assert.ok(ms < 45_000, `the run ended after ${ms} ms, the interval the hung test left behind notwithstanding`);
});

test('a synchronous loop, which no test timer can stop, is ended by the file limit', { skip: Number(process.versions.node.split('.')[0]) !== 20 && 'the file limit is Node 20’s --test-timeout' }, async () => {
  const fileLimitMs = 3000;
  const { code, output, ms } = await runUnitTests(['spinningTest.ts'], fileLimitMs);
  assert.equal(code, 1, output);
  assert.match(output, new RegExp(`spinningTest\\.js \\([\\d.]+ms\\)\\n\\s+'test timed out after ${fileLimitMs}ms'`), output);
  assert.ok(ms < 45_000, `ended after ${ms} ms`);
});
