// `npm test`: every check, in order, each printing its own results, then one closing line
// `tests: N passed, M failed` that adds them up.
//   1. type-check every side (tsc -b)      4. package the .vsix (what the UI tests install)
//   2. lint, with the import boundaries    5. tests inside a real VS Code (code-server) and Chromium
//   3. unit tests in plain Node
// `--only unit` runs 1-3 only (no VS Code), for quick local runs.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const onlyUnit = process.argv.includes('--only') && process.argv.includes('unit');
const node = process.execPath;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** Runs a command, echoing its output, and resolves with its exit code and output. */
function run(label, command, args) {
  console.log(`\n=== ${label}: ${[path.basename(command), ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    const relay = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const totals = { passed: 0, failed: 0 };
const failures = [];

async function step(label, command, args, countTests) {
  const { code, output } = await run(label, command, args);
  const counts = countTests?.(output);
  if (counts) {
    totals.passed += counts.passed;
    totals.failed += counts.failed;
  }
  if (code !== 0) {
    failures.push(label);
    // A failing step with no test counts (a crash, a type error) still counts as one failure.
    if (!counts || counts.failed === 0) totals.failed += 1;
  }
  return code === 0;
}

const nodeTestCounts = (output) => {
  const pass = /^ℹ pass (\d+)$/m.exec(output);
  const fail = /^ℹ fail (\d+)$/m.exec(output);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
};
const vscodeCounts = (output) => {
  const m = /^vscode: (\d+) passed, (\d+) failed$/m.exec(output);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
};

const started = Date.now();
await step('type-check', node, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b']);
await step('lint', bin('eslint'), ['src', 'test', 'scripts', 'bench']);
await step('unit tests', node, [path.join(root, 'scripts/unitTests.mjs')], nodeTestCounts);
if (!onlyUnit) {
  const packaged = await step('package', node, [path.join(root, 'scripts/package.mjs')]);
  if (packaged) await step('VS Code tests', node, [path.join(root, 'scripts/vscodeTests.mjs')], vscodeCounts);
  else failures.push('VS Code tests (not run: packaging failed)');
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(`\n${failures.length ? `FAILED: ${failures.join(', ')}` : 'All steps passed'} in ${seconds} s`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(failures.length ? 1 : 0);
