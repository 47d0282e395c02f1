/**
 * How `npm test` adds up its steps (scripts/testSteps.mjs, used by scripts/test.mjs): a step that
 * runs tests must show their counts, skipped tests reach the closing line, and CI's parser still
 * reads that line.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/paths';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
interface StepsModule {
  run(label: string, command: string, args: string[], options?: { cwd?: string; quiet?: boolean }): Promise<{ code: number; output: string }>;
  nodeTestCounts(output: string): Counts | undefined;
  vscodeCounts(output: string): Counts | undefined;
  Tally: new (options?: { log?: (line: string) => void }) => {
    totals: Counts;
    failures: string[];
    record(label: string, result: { code: number; output: string }, countTests?: (output: string) => Counts | undefined): boolean;
    closingLine(): string;
  };
}

let steps: StepsModule;
before(async () => {
  steps = (await import(pathToFileURL(path.join(repoRoot, 'scripts/testSteps.mjs')).href)) as StepsModule;
});

const summary = (pass: number, fail: number, cancelled: number, skipped: number, todo: number) =>
  `ℹ tests ${pass + fail + cancelled + skipped + todo}\nℹ suites 0\nℹ pass ${pass}\nℹ fail ${fail}\nℹ cancelled ${cancelled}\nℹ skipped ${skipped}\nℹ todo ${todo}\nℹ duration_ms 12.5\n`;

test('a test step that exits 0 without printing its counts fails the run, saying so', async () => {
  const said: string[] = [];
  const tally = new steps.Tally({ log: (line) => said.push(line) });
  // A real process: a runner that crashed quietly, or printed its summary somewhere else.
  const silent = await steps.run('unit tests', process.execPath, ['-e', 'console.log("all fine, trust me")'], { quiet: true });
  assert.equal(silent.code, 0);
  assert.equal(tally.record('unit tests', silent, steps.nodeTestCounts), false);
  assert.deepEqual(tally.failures, ['unit tests (no test counts)']);
  assert.match(said.join('\n'), /unit tests exited with code 0 but printed no test counts: its tests cannot be counted, so the step fails/);
  assert.equal(tally.closingLine(), 'tests: 0 passed, 1 failed, 0 skipped');
  // A step that runs no tests (type-check, lint) needs no counts.
  assert.equal(tally.record('lint', { code: 0, output: '' }), true);
  assert.deepEqual(tally.failures, ['unit tests (no test counts)']);
});

test('skipped and todo tests reach the closing line; cancelled ones (Node 20’s timed-out tests) count as failed', () => {
  const tally = new steps.Tally();
  assert.equal(tally.record('unit tests', { code: 0, output: summary(10, 0, 0, 2, 1) }, steps.nodeTestCounts), true);
  assert.equal(tally.record('unit tests, CPU backend', { code: 1, output: summary(3, 1, 2, 0, 0) }, steps.nodeTestCounts), false);
  assert.equal(tally.record('VS Code tests', { code: 0, output: 'vscode: 7 passed, 0 failed\n' }, steps.vscodeCounts), true);
  assert.deepEqual(tally.totals, { passed: 20, failed: 3, skipped: 3 });
  assert.deepEqual(tally.failures, ['unit tests, CPU backend']);
  assert.equal(tally.closingLine(), 'tests: 20 passed, 3 failed, 3 skipped');
});

test('a failing step with no failed test counted counts as one failure; failed tests under exit code 0 still fail the step', () => {
  const tally = new steps.Tally();
  assert.equal(tally.record('type-check', { code: 2, output: 'error TS2322' }), false);
  assert.equal(tally.record('unit tests', { code: 0, output: summary(5, 2, 0, 0, 0) }, steps.nodeTestCounts), false);
  assert.deepEqual(tally.totals, { passed: 5, failed: 3, skipped: 0 });
  assert.deepEqual(tally.failures, ['type-check', 'unit tests']);
});

test('CI’s parser reads the closing line: `N passed, N failed`, then `, N skipped`', () => {
  const tally = new steps.Tally();
  tally.record('unit tests', { code: 0, output: summary(341, 0, 0, 4, 0) }, steps.nodeTestCounts);
  const line = tally.closingLine();
  assert.match(line, /^tests: \d+ passed, \d+ failed(, \d+ skipped)?$/);
  assert.deepEqual(/(\d+) passed, (\d+) failed/.exec(line)?.slice(1), ['341', '0']);
  // The VS Code step's line, with or without skipped tests.
  assert.deepEqual(steps.vscodeCounts('x\nvscode: 3 passed, 1 failed, 2 skipped\n'), { passed: 3, failed: 1, skipped: 2 });
  assert.equal(steps.nodeTestCounts('ℹ pass 3\n'), undefined, 'no fail line: no counts');
});
