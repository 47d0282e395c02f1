// `npm test`: every check, in order, each printing its own results, then one closing line
// `tests: N passed, M failed, K skipped` that adds them up (testSteps.mjs).
//   1. type-check every side (tsc -b)      4. package the .vsix (what the UI tests install)
//   2. lint, with the import boundaries    5. tests inside a real VS Code (code-server) and Chromium
//   3. unit tests in plain Node, in every engine configuration a user can choose:
//      a. every unit test, on the default engine (the WASM backend, threaded on every core);
//      b. the kernel and toolkit suites again on one WASM thread (INITLAB_WASM_THREADS=1);
//      c. the engine smoke test on the CPU backend (INITLAB_BACKEND=cpu): a probe, a comparison
//         and a kernel cell; the CPU backend is too slow for the whole suites.
//      (tfjs-node, INITLAB_BACKEND=tensorflow, cannot be installed here: its install downloads
//      libtensorflow.)
// `--only unit` runs 1-3 only (no VS Code), for quick local runs.
import * as path from 'node:path';
import { nodeTestCounts, run, Tally, vscodeCounts } from './testSteps.mjs';

const root = path.resolve(import.meta.dirname, '..');
const onlyUnit = process.argv.includes('--only') && process.argv.includes('unit');
const node = process.execPath;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const unitTests = path.join(root, 'scripts/unitTests.mjs');

const tally = new Tally();
const stepTimes = [];
/** Runs one step and records it; `env` is added to this process's environment. */
async function step(label, command, args, countTests, env = {}) {
  const stepStarted = Date.now();
  const result = await run(label, command, args, { cwd: root, env: { ...process.env, ...env } });
  stepTimes.push(`${label} ${((Date.now() - stepStarted) / 1000).toFixed(0)} s`);
  return tally.record(label, result, countTests);
}

/**
 * The suites whose results depend on the engine's threads: the kernel process and the toolkit.
 * Not the model-file corpus (test/unit/toolkit/models): it reads files and probes dozens of real
 * models, 3 to 4 minutes on its own, and what one thread changes in a probe the probe suites check.
 */
const ENGINE_SUITES = ['test/unit/kernel', 'test/unit/toolkit', 'test/unit/host/kernelClient.test.ts', 'test/unit/configurations', '--exclude=test/unit/toolkit/models'];

/** Each configuration builds its bundles to its own folder (INITLAB_UNIT_OUT, unitTests.mjs). */
const unitOut = process.env.INITLAB_UNIT_OUT ?? path.join('out', 'unit');

const started = Date.now();
await step('type-check', node, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b']);
await step('lint', bin('eslint'), ['src', 'test', 'scripts', 'bench']);
await step('unit tests', node, [unitTests], nodeTestCounts);
await step('unit tests, one WASM thread', node, [unitTests, ...ENGINE_SUITES], nodeTestCounts, { INITLAB_WASM_THREADS: '1', INITLAB_UNIT_OUT: `${unitOut}-one-thread` });
await step('unit tests, CPU backend', node, [unitTests, 'test/unit/configurations'], nodeTestCounts, { INITLAB_BACKEND: 'cpu', INITLAB_UNIT_OUT: `${unitOut}-cpu` });
if (!onlyUnit) {
  const packaged = await step('package', node, [path.join(root, 'scripts/package.mjs')]);
  if (packaged) await step('VS Code tests', node, [path.join(root, 'scripts/vscodeTests.mjs')], vscodeCounts);
  else tally.failures.push('VS Code tests (not run: packaging failed)');
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(`\n${tally.failures.length ? `FAILED: ${tally.failures.join(', ')}` : 'All steps passed'} in ${seconds} s (${stepTimes.join(', ')})`);
console.log(tally.closingLine());
process.exit(tally.failures.length ? 1 : 0);
