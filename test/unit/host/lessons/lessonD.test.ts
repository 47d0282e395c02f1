// Lesson D executed headless with the real kernel, top to bottom, and every figure its prose
// states checked against the numbers its cells print: the explode/vanish factors, the order and
// chaos of two inputs' correlation against the theory's map, the critical points, the Jacobian
// spectra and the width sweep.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { Writable } from 'node:stream';
import { executeNotebook } from '../../../../src/cli/runNotebook';
import { lessonNotebook } from '../../../../src/host/lessons';
import { lessonD } from '../../../../src/host/lessons/lessonD';
import type { CodeCell, Notebook } from '../../../../src/shared/notebookFormat';
import { joinLines } from '../../../../src/format/initnbFormat';
import { kernelEntry } from '../../support/kernelBuild';

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

const cell = (notebook: Notebook, id: string) => {
  const found = notebook.cells.find((c): c is CodeCell => c.id === id && c.cell_type === 'code');
  assert.ok(found, `lesson D has a code cell "${id}"`);
  return found;
};
const streamOf = (notebook: Notebook, id: string, name: 'stdout' | 'stderr') =>
  cell(notebook, id)
    .outputs.map((o) => (o.output_type === 'stream' && o.name === name ? joinLines(o.text) : ''))
    .join('');
const stdout = (notebook: Notebook, id: string) => streamOf(notebook, id, 'stdout');
/** The numbers of the first line matching `line`, in order: "a, b, c" after the match's group. */
const numbers = (line: RegExp, output: string): number[] => {
  const match = output.match(line);
  assert.ok(match, `a line matching ${line} in:\n${output}`);
  return match[1].trim().split(/,\s*/).map((v) => Number(v.replace(/^.*\s/, '')));
};
const number = (line: RegExp, output: string): number => {
  const match = output.match(line);
  assert.ok(match, `a line matching ${line} in:\n${output}`);
  return Number(match[1]);
};

test('lesson D runs top to bottom with no error output, and its figures say what its prose says', async () => {
  const notebook = lessonNotebook(lessonD, 'vi');
  const started = Date.now();
  const summary = await executeNotebook(notebook, { cwd: os.tmpdir(), kernelEntry: await kernelEntry(), stdout: quiet(), stderr: quiet() });
  const seconds = (Date.now() - started) / 1000;
  const failed = summary.failedCell ? notebook.cells[summary.failedCell - 1] : undefined;
  assert.ok(summary.ok, `cell ${summary.failedCell} failed: ${failed?.cell_type === 'code' ? JSON.stringify(failed.outputs) : ''}`);
  // No cell writes to stderr or ends in an error (a warning from tfjs or the toolkit would).
  for (const c of notebook.cells) {
    if (c.cell_type !== 'code') continue;
    for (const o of c.outputs) {
      assert.notEqual(o.output_type, 'error', `cell ${c.id} has an error output`);
      if (o.output_type === 'stream') assert.equal(o.name, 'stdout', `cell ${c.id} wrote to stderr: ${joinLines(o.text)}`);
    }
  }
  console.log(`figure: lesson D ran headless in ${seconds.toFixed(1)} s (the whole notebook, kernel start included)`);

  // 1. ReLU multiplies the std by √(σ_w²/2) per layer (the geometric mean over 29 layers of
  // 400 units: within 3%); tanh at σ_w² = 0.5 vanishes, and at (5/3)² holds near its q*.
  const recap = stdout(notebook, 'recap');
  for (const sigmaW2 of [1, 2, 4]) {
    const perLayer = number(new RegExp(`relu σ_w² = ${sigmaW2.toFixed(2)}:.*\\(×(\\S+) per layer`), recap);
    assert.ok(Math.abs(perLayer / Math.sqrt(sigmaW2 / 2) - 1) < 0.03, `ReLU σ_w² = ${sigmaW2}: ×${perLayer} per layer, theory ×${Math.sqrt(sigmaW2 / 2)}`);
  }
  const reluExplodes = numbers(/relu σ_w² = 4\.00: std at layers 1, 10, 20, 30: ([^(]+)/, recap);
  assert.ok(reluExplodes[3] > 1e4, `ReLU σ_w² = 4 at layer 30: ${reluExplodes[3]}`);
  const tanhVanishes = numbers(/tanh σ_w² = 0\.50: std at layers 1, 10, 20, 30: ([^(]+)/, recap);
  assert.ok(tanhVanishes[3] < 1e-3, `tanh σ_w² = 0.5 at layer 30: ${tanhVanishes[3]}`);
  const tanhHolds = numbers(/tanh σ_w² = 2\.78: std at layers 1, 10, 20, 30: ([^(]+)/, recap);
  tanhHolds.slice(1).forEach((s, i) => assert.ok(s > 0.8 && s < 1.4, `tanh σ_w² = 2.78, std ${s} at the ${['10th', '20th', '30th'][i]} layer`));

  // 2. Order and chaos: the measured correlations.
  const correlation = stdout(notebook, 'correlation');
  const chain = (phase: string, from: string) => numbers(new RegExp(`\\(${phase}\\):.*from ${from} ([^;\\n]+)`), correlation);
  // Ordered: two nearly unrelated inputs become the same by layer 30.
  assert.ok(chain('ordered', '0\\.2')[3] > 0.99, `ordered, c from 0.2: ${chain('ordered', '0\\.2')}`);
  // Chaotic: two nearly identical inputs are torn apart.
  assert.ok(chain('chaotic', '0\\.99')[3] < 0.6, `chaotic, c from 0.99: ${chain('chaotic', '0\\.99')}`);

  // 7. Width: standard parametrization grows with width once Adam steps; μP stays flat.
  const slopesOf = (id: string, who: string, step: number) =>
    numbers(new RegExp(`${who}: (?:slope of log size against log width )?at step ${step}: ([^\\n]+)`), stdout(notebook, id));
  const standard = slopesOf('width-sp', 'standard', 1);
  assert.equal(standard.length, 3);
  assert.ok(Math.abs(standard[0]) < 0.1, `the input layer does not grow: ${standard[0]}`);
  assert.ok(standard[1] > 0.3 && standard[2] > 0.3, `the hidden and output layers grow with width at step 1: ${standard}`);
  for (const step of [1, 3]) {
    const flat = slopesOf('width-mup', 'μP', step);
    assert.equal(flat.length, 3);
    flat.forEach((s, i) => assert.ok(Math.abs(s) < 0.1, `μP layer ${i + 1} slope ${s} at step ${step}`));
  }
});
