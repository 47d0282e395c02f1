// The steps of `npm test` (scripts/test.mjs) and how their results add up: each step's exit code
// and the test counts it printed, into totals and one closing line `tests: N passed, M failed,
// K skipped`. Apart from test.mjs so that its rules are unit-tested (test/unit/harness/testSteps.test.ts).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** Runs a command, echoing its output, and resolves with its exit code and output. */
export function run(label, command, args, { cwd, env = process.env, quiet = false } = {}) {
  if (!quiet) console.log(`\n=== ${label}: ${[path.basename(command), ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    const relay = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        if (!quiet) sink.write(chunk);
      });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('error', (err) => (output += `\n${label} could not start: ${err.message}\n`));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * node --test's summary (`ℹ pass N`, `ℹ fail N`, ...). A cancelled test failed: Node 20 reports a
 * test that ran out of time as cancelled. Todo tests count as skipped.
 */
export function nodeTestCounts(output) {
  const count = (name) => {
    const m = new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(output);
    return m ? Number(m[1]) : undefined;
  };
  const passed = count('pass');
  const failed = count('fail');
  if (passed === undefined || failed === undefined) return undefined;
  return { passed, failed: failed + (count('cancelled') ?? 0), skipped: (count('skipped') ?? 0) + (count('todo') ?? 0) };
}

/** scripts/vscodeTests.mjs's closing line. */
export function vscodeCounts(output) {
  const m = /^vscode: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(output);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) } : undefined;
}

/** Adds up the steps: totals for the closing line, and the labels of the steps that failed. */
export class Tally {
  totals = { passed: 0, failed: 0, skipped: 0 };
  failures = [];

  constructor({ log = console.log } = {}) {
    this.log = log;
  }

  /**
   * One step's result. A step that runs tests must print their counts (`countTests` finds them):
   * one that exits 0 without them ran nothing anyone can see, and fails. A failing step with no
   * failed test counted (a crash, a type error) counts as one failure.
   */
  record(label, { code, output }, countTests) {
    const counts = countTests?.(output);
    if (counts) {
      this.totals.passed += counts.passed;
      this.totals.failed += counts.failed;
      this.totals.skipped += counts.skipped ?? 0;
    }
    if (countTests && !counts) {
      this.log(`\n✖ ${label} exited with code ${code} but printed no test counts: its tests cannot be counted, so the step fails.`);
      this.failures.push(`${label} (no test counts)`);
      this.totals.failed += 1;
      return false;
    }
    if (code !== 0 || (counts && counts.failed > 0)) {
      this.failures.push(label);
      if (!counts || counts.failed === 0) this.totals.failed += 1;
      return false;
    }
    return true;
  }

  closingLine() {
    return `tests: ${this.totals.passed} passed, ${this.totals.failed} failed, ${this.totals.skipped} skipped`;
  }
}
