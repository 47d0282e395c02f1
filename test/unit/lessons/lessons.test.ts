// The lesson notebooks, executed headless with the real kernel, and their key figures checked
// against the lessons and against theory.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { Writable } from 'node:stream';
import { executeNotebook } from '../../../src/cli/runNotebook';
import { LESSONS, lessonNotebook, type Lesson } from '../../../src/common/lessons';
import { lessonA } from '../../../src/common/lessons/lessonA';
import { lessonB } from '../../../src/common/lessons/lessonB';
import { MimeTypes } from '../../../src/common/mimeTypes';
import type { CodeCell, Notebook } from '../../../src/common/notebookFormat';
import { joinLines } from '../../../src/kernel/format/initnbFormat';
import { kernelEntry } from '../support/kernelBuild';

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

async function run(lesson: Lesson, language: 'en' | 'th' | 'vi'): Promise<{ notebook: Notebook; seconds: number }> {
  const notebook = lessonNotebook(lesson, language);
  const started = Date.now();
  const summary = await executeNotebook(notebook, { cwd: os.tmpdir(), kernelEntry: await kernelEntry(), stdout: quiet(), stderr: quiet() });
  const failed = summary.failedCell ? notebook.cells[summary.failedCell - 1] : undefined;
  assert.ok(summary.ok, `cell ${summary.failedCell} failed: ${failed?.cell_type === 'code' ? JSON.stringify(failed.outputs) : ''}`);
  return { notebook, seconds: (Date.now() - started) / 1000 };
}

const cell = (notebook: Notebook, id: string) => notebook.cells.find((c): c is CodeCell => c.id === id && c.cell_type === 'code')!;
const stdout = (notebook: Notebook, id: string) =>
  cell(notebook, id)
    .outputs.map((o) => (o.output_type === 'stream' && o.name === 'stdout' ? joinLines(o.text) : ''))
    .join('');
const text = (notebook: Notebook, id: string) =>
  cell(notebook, id)
    .outputs.map((o) => (o.output_type === 'execute_result' || o.output_type === 'display_data' ? joinLines((o.data[MimeTypes.plain] as string) ?? '') : ''))
    .join('\n');
/** The probe reports a cell displayed, read back from its chart payload's data. */
function reports(notebook: Notebook, id: string): { label: string; layers: { tensors: Record<string, { std: number; mean: number }> }[] }[] {
  return cell(notebook, id).outputs.flatMap((o) => {
    if (o.output_type !== 'execute_result' && o.output_type !== 'display_data') return [];
    const payload = o.data[MimeTypes.chart] as { data?: { kind: string; label?: string; reports?: unknown[] } } | undefined;
    if (!payload?.data) return [];
    return (payload.data.kind === 'initlab.comparison' ? payload.data.reports : [payload.data]) as never[];
  });
}
const number = (line: RegExp, output: string) => Number(output.match(line)?.[1]);

test('every lesson comes in English and its own language, every markdown cell written in both', () => {
  assert.deepEqual(
    LESSONS.map((l) => l.languages),
    [
      ['en', 'th'],
      ['en', 'vi'],
    ],
  );
  for (const lesson of LESSONS) {
    const own = lesson.languages[1];
    for (const c of lesson.cells) if (c.kind === 'markdown') assert.ok(c.text[own]?.trim(), `lesson ${lesson.id} cell ${c.id} has no ${own} text`);
  }
  assert.match(String(lessonNotebook(lessonA, 'th').cells[0].source), /ค่าเริ่มต้น/);
  assert.match(String(lessonNotebook(lessonB, 'vi').cells[0].source), /Gradient biến mất/);
});

test('lesson A runs top to bottom and reproduces the lesson’s figures', async () => {
  const { notebook, seconds } = await run(lessonA, 'th');
  console.log(`figure: lesson A (th) ran top to bottom in ${seconds.toFixed(1)} s`);
  const loaded = stdout(notebook, 'load');
  assert.match(loaded, /n = 50000, m = 784, c = 10/);
  assert.match(loaded, /train mean 0\.1304, std 0\.3073/);
  assert.ok(Math.abs(number(/normalized train: mean (\S+),/, stdout(notebook, 'normalize'))) < 1e-4);
  assert.ok(number(/autodiff: (\S+)/, stdout(notebook, 'linear-by-hand')) < 1e-4, 'the hand-written Linear matches autodiff');

  const [normal, xavier, written, kaiming] = reports(notebook, 'compare');
  const stds = (r: typeof normal, kind: string) => r.layers.flatMap((l) => (l.tensors[kind] ? [l.tensors[kind].std] : []));
  // N(0, 1): x @ w1 has std ≈ √784 = 28 and the gradients are in the millions at the output.
  assert.ok(Math.abs(stds(normal, 'preActivation')[0] / 28 - 1) < 0.1);
  assert.ok(stds(normal, 'weightGrad')[3] > 1e5);
  // Xavier normal with gain √2: std √2·√(2/(fanIn+fanOut)).
  assert.deepEqual(
    stds(xavier, 'weights').map((s) => Number(s.toFixed(2))),
    [0.07, 0.14, 0.14, 0.2],
  );
  // The double-gain "Kaiming" has std 2/√fanIn; He's has √2/√fanIn.
  stds(written, 'weights').forEach((s, i) => assert.ok(Math.abs(s / (2 / Math.sqrt(i === 0 ? 784 : 100)) - 1) < 0.05, `written w${i + 1} std ${s}`));
  stds(kaiming, 'weights').forEach((s, i) => assert.ok(Math.abs(s / Math.sqrt(2 / (i === 0 ? 784 : 100)) - 1) < 0.05, `He w${i + 1} std ${s}`));
  // Kaiming keeps the activations' std between 0.5 and 2 at every hidden layer.
  assert.equal(stds(kaiming, 'activation').length, 3);
  stds(kaiming, 'activation').forEach((s, i) => assert.ok(s > 0.5 && s < 2, `Kaiming layer ${i + 1} activation std ${s}`));
  assert.match(text(notebook, 'compare'), /✓ Kaiming normal: healthy at every layer/);
  assert.match(text(notebook, 'compare'), /✗ normal\(0, 1\): activations explode/);
});

test('lesson B runs top to bottom: saturation, the 0.25 ceiling, vanishing, exploding, and the fix', async () => {
  const { notebook, seconds } = await run(lessonB, 'vi');
  console.log(`figure: lesson B (vi) ran top to bottom in ${seconds.toFixed(1)} s`);
  assert.match(stdout(notebook, 'case1'), /z = 14\.15\n/);
  // σ'(z) = e^−z / (1 + e^−z)² exactly; the original's 7.08e-7 comes from a rounded σ(14.15).
  const exact = Math.exp(-14.15) / (1 + Math.exp(-14.15)) ** 2;
  assert.equal(exact.toExponential(2), '7.16e-7');
  assert.match(stdout(notebook, 'case1'), /sigmoid'\(z\) = 7\.16e-7\n/, 'the exact figure to 3 digits');
  assert.ok(Math.abs(exact / 7.08e-7 - 1) < 0.011, 'within 1.1% of the original lesson’s 7.08e-7');
  assert.ok(number(/dL\/dw = (\S+):/, stdout(notebook, 'case1')) < 2e-6);
  assert.match(stdout(notebook, 'powers'), /2 sigmoid layer\(s\): at most 0\.0625\n3 sigmoid layer\(s\): at most 0\.015625/);
  const gains = [...stdout(notebook, 'deep').matchAll(/backward gain (\S+)/g)].map((m) => Number(m[1]));
  assert.equal(gains.length, 10);
  assert.ok(
    gains.every((g) => g <= 0.26),
    `each sigmoid layer passes back at most about 0.25: ${gains}`,
  );
  assert.ok(number(/moves (\S+) times less/, stdout(notebook, 'update')) > 1e4, 'the first layer barely moves');
  assert.match(stdout(notebook, 'explode'), /the loss became (Infinity|NaN) at step \d+/);
  const fix = text(notebook, 'fix');
  assert.match(fix, /✓ tanh, Xavier: healthy/);
  assert.match(fix, /✓ ReLU, Kaiming: healthy/);
  assert.match(fix, /✗ ReLU, N\(0, 1\): activations explode/);
  assert.match(stdout(notebook, 'fix-train'), /N\(0, 1\), lr 0\.01: diverged at step \d/);
  const [first, last] = stdout(notebook, 'fix-train')
    .match(/loss (\S+) → (\S+) in 30 steps/)!
    .slice(1)
    .map(Number);
  assert.ok(last < first * 0.8, `Kaiming trains: ${first} → ${last}`);
});
