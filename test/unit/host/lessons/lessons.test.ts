// The lesson notebooks, executed headless with the real kernel, and their key figures checked
// against the lessons and against theory.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { executeNotebook } from '../../../../src/cli/runNotebook';
import { LESSONS, lessonNotebook, type Lesson } from '../../../../src/host/lessons';
import { lessonA } from '../../../../src/host/lessons/lessonA';
import { lessonB } from '../../../../src/host/lessons/lessonB';
import { lessonC } from '../../../../src/host/lessons/lessonC';
import { MimeTypes } from '../../../../src/shared/mimeTypes';
import type { CodeCell, Notebook } from '../../../../src/shared/notebookFormat';
import { joinLines } from '../../../../src/format/initnbFormat';
import { kernelEntry } from '../../support/kernelBuild';
import { repoRoot } from '../../support/paths';
import { HEALTHY_ACTIVATION_STD, stepsToLeave } from '../../../../src/toolkit/probe/trend';

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

/** Runs a lesson headless; how long it takes with Run All in VS Code is npm run bench:vscode's figure. */
async function run(lesson: Lesson, language: 'en' | 'th' | 'vi'): Promise<{ notebook: Notebook }> {
  const notebook = lessonNotebook(lesson, language);
  const summary = await executeNotebook(notebook, { cwd: os.tmpdir(), kernelEntry: await kernelEntry(), stdout: quiet(), stderr: quiet() });
  const failed = summary.failedCell ? notebook.cells[summary.failedCell - 1] : undefined;
  assert.ok(summary.ok, `cell ${summary.failedCell} failed: ${failed?.cell_type === 'code' ? JSON.stringify(failed.outputs) : ''}`);
  return { notebook };
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
function reports(notebook: Notebook, id: string): { label: string; layers: { kind: string; activation: string; tensors: Record<string, { std: number; mean: number }> }[] }[] {
  return cell(notebook, id).outputs.flatMap((o) => {
    if (o.output_type !== 'execute_result' && o.output_type !== 'display_data') return [];
    const payload = o.data[MimeTypes.chart] as { data?: { kind: string; label?: string; reports?: unknown[] } } | undefined;
    if (!payload?.data) return [];
    return (payload.data.kind === 'initlab.comparison' ? payload.data.reports : [payload.data]) as never[];
  });
}
const number = (line: RegExp, output: string) => Number(output.match(line)?.[1]);

/** PyTorch's range for each of lesson A's figures over many seeds (scripts/reference/lessonARange.py). */
interface Range {
  min: number;
  median: number;
  max: number;
}
const pytorchRanges = () => JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'unit', 'host', 'lessons', 'lessonARange.json'), 'utf8')) as { seeds: number; torch: string; schemes: Record<string, Record<string, Range>> };

/** Lesson A's live figures for one experiment, named as the PyTorch script names them. */
function lessonAFigures(report: ReturnType<typeof reports>[number], printed: string): Record<string, number> {
  const t = (layer: number, kind: string) => report.layers[layer - 1].tensors[kind];
  const alone = printed.match(/first layer alone, ReLU(?: − 0\.5)?:\s+mean (\S+), std (\S+)/)!;
  return {
    ...Object.fromEntries([1, 2, 3, 4].map((l) => [`w${l} std`, t(l, 'weights').std])),
    'x@w1 mean': t(1, 'preActivation').mean,
    'x@w1 std': t(1, 'preActivation').std,
    'ReLU out mean': Number(alone[1]),
    'ReLU out std': Number(alone[2]),
    ...Object.fromEntries([1, 2, 3].map((l) => [`layer ${l} activation std`, t(l, 'activation').std])),
    'layer 4 pre-activation std': t(4, 'preActivation').std,
    ...Object.fromEntries([4, 3, 2, 1].map((l) => [`w${l}.g std`, t(l, 'weightGrad').std])),
    'w4.g mean': t(4, 'weightGrad').mean,
  };
}

test('every lesson comes in English and its own languages, every markdown cell written in each', () => {
  assert.deepEqual(
    LESSONS.map((l) => l.languages),
    [
      ['en', 'th'],
      ['en', 'vi'],
      ['en', 'th', 'vi'],
      ['en', 'th', 'vi'],
    ],
  );
  for (const lesson of LESSONS) {
    for (const own of lesson.languages.slice(1)) {
      assert.ok(lesson.title[own], `lesson ${lesson.id} has no ${own} title`);
      for (const c of lesson.cells) if (c.kind === 'markdown') assert.ok(c.text[own]?.trim(), `lesson ${lesson.id} cell ${c.id} has no ${own} text`);
    }
  }
  assert.match(String(lessonNotebook(lessonA, 'th').cells[0].source), /ค่าเริ่มต้น/);
  assert.match(String(lessonNotebook(lessonB, 'vi').cells[0].source), /Gradient biến mất/);
  assert.match(String(lessonNotebook(lessonC, 'th').cells[0].source), /คอนโวลูชัน/);
  assert.match(String(lessonNotebook(lessonC, 'vi').cells[0].source), /Tích chập/);
});

test('lesson A runs top to bottom and reproduces the lesson’s figures', async () => {
  const { notebook } = await run(lessonA, 'th');
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
  // Xavier normal with gain √2: std √2·√(2/(fanIn+fanOut)); the double-gain "Kaiming" 2/√fanIn;
  // He's √2/√fanIn. w4 has only 100 weights, so its std is a draw within ±7% (one sd): 25% there.
  const fans: [number, number][] = [
    [784, 100],
    [100, 100],
    [100, 100],
    [100, 1],
  ];
  const near = (label: string, measured: number[], expected: (fanIn: number, fanOut: number) => number) =>
    measured.forEach((s, i) => assert.ok(Math.abs(s / expected(...fans[i]) - 1) < (i === 3 ? 0.25 : 0.05), `${label} w${i + 1} std ${s}`));
  near('Xavier', stds(xavier, 'weights'), (fi, fo) => Math.SQRT2 * Math.sqrt(2 / (fi + fo)));
  near('written', stds(written, 'weights'), (fi) => 2 / Math.sqrt(fi));
  near('He', stds(kaiming, 'weights'), (fi) => Math.sqrt(2 / fi));
  // Kaiming keeps the activations' std between 0.5 and 2 at every hidden layer.
  assert.equal(stds(kaiming, 'activation').length, 3);
  stds(kaiming, 'activation').forEach((s, i) => assert.ok(s > 0.5 && s < 2, `Kaiming layer ${i + 1} activation std ${s}`));
  // The model's ReLU is plain in every experiment: the −0.5 is only in the standalone first-layer cells.
  for (const r of [normal, xavier, written, kaiming]) assert.deepEqual(r.layers.map((l) => l.activation), ['ReLU', 'ReLU', 'ReLU', 'none'], r.label);
  assert.match(stdout(notebook, 'normal'), /first layer alone, ReLU − 0\.5:/);
  assert.match(stdout(notebook, 'kaiming-written'), /first layer alone, ReLU − 0\.5:/);
  assert.match(stdout(notebook, 'xavier'), /first layer alone, ReLU:/);
  assert.match(stdout(notebook, 'kaiming'), /first layer alone, ReLU:/);

  const compared = text(notebook, 'compare');
  assert.match(compared, /✓ Kaiming normal: healthy at every layer/);
  assert.match(compared, /✗ normal\(0, 1\): activations explode/);
  // The verdict tells the original's double gain apart from He's: ×√2 per layer in theory, and
  // out of the band where √2 per layer takes layer 3's measured std past 10 (checked below
  // against the layers PyTorch's range of that std gives).
  const doubleGain = compared.match(/⚠ "Kaiming" as written: healthy at these 4 layers, but activations ×(1\.4\d) per layer \(measured ×\S+\): out of the band by layer (\d+)/);
  assert.ok(doubleGain, 'the double gain is named as healthy at this depth only');
  assert.match(compared, /^Healthy at every layer: Xavier normal, Kaiming normal\. Healthy at this depth only: "Kaiming" as written\.$/m);
  // The theory chart continued to layer 20: the double gain near 1000, He's near 1.
  const at20 = (label: string) => number(new RegExp(`${label} layer 20 pre-activation in a deeper net: predicted (\\S+)`), compared);
  assert.ok(at20('"Kaiming" as written') > 300, `double gain at layer 20: ${at20('"Kaiming" as written')}`);
  assert.ok(at20('Kaiming normal') > 0.5 && at20('Kaiming normal') < 2, `He at layer 20: ${at20('Kaiming normal')}`);
  console.log(`figure: lesson A verdict\n${compared.slice(compared.indexOf('Healthy'))}`);

  // Every figure within the range PyTorch gives for the same protocol over many seeds. The extremes
  // of 50 seeds are not the distribution's: a new draw falls outside them with probability 2/51
  // for each figure, and we check 68 figures. So each figure must lie within 10% beyond PyTorch's
  // extremes, and at most two of them (the expected number, 2.7, rounded down) outside the extremes
  // themselves. Every figure the original notebook prints was within the strict range on
  // 2026-11-24; the one outside was seed 1's normal(0, 1) layer-3 activation std (617 against 659).
  const cells = { 'normal(0, 1)': 'normal', 'Xavier normal': 'xavier', '"Kaiming" as written': 'kaiming-written', 'Kaiming normal': 'kaiming' } as const;
  const pytorch = pytorchRanges();
  const outside: string[] = [];
  const beyond: string[] = [];
  for (const r of [normal, xavier, written, kaiming]) {
    const ranges = pytorch.schemes[r.label];
    assert.ok(ranges, `PyTorch ranges for ${r.label}`);
    const figures = lessonAFigures(r, stdout(notebook, cells[r.label as keyof typeof cells]));
    assert.deepEqual(Object.keys(figures).sort(), Object.keys(ranges).sort(), 'the same figures as the PyTorch script');
    for (const [name, value] of Object.entries(figures)) {
      const { min, max } = ranges[name];
      console.log(`figure: lesson A ${r.label} ${name} = ${value.toPrecision(3)}; PyTorch over ${pytorch.seeds} seeds ${min.toPrecision(3)} … ${max.toPrecision(3)}`);
      const widened = (v: number, outward: number) => v + outward * 0.1 * Math.abs(v);
      if (!(value >= min && value <= max)) outside.push(`${r.label} ${name} = ${value} outside PyTorch's [${min}, ${max}]`);
      if (!(value >= widened(min, -1) && value <= widened(max, 1))) beyond.push(`${r.label} ${name} = ${value}, more than 10% beyond PyTorch's [${min}, ${max}]`);
    }
  }
  assert.deepEqual(beyond, [], 'every figure within 10% of the PyTorch range');
  assert.ok(outside.length <= 2, `at most two figures outside PyTorch's extremes: ${outside.join('; ')}`);
  if (outside.length > 0) console.log(`figure: outside PyTorch's 50-seed extremes (within 10%): ${outside.join('; ')}`);
  // The layer where the double gain leaves the band, for every layer-3 std PyTorch drew.
  const layer3 = pytorch.schemes['"Kaiming" as written']['layer 3 activation std'];
  const leaves = (std: number) => 3 + stepsToLeave(std, Math.SQRT2, HEALTHY_ACTIVATION_STD)!;
  const layer = Number(doubleGain[2]);
  assert.ok(layer >= leaves(layer3.max) && layer <= leaves(layer3.min), `out of the band by layer ${layer}; PyTorch's draws: layers ${leaves(layer3.max)}–${leaves(layer3.min)}`);
});

test('lesson B runs top to bottom: saturation, the 0.25 ceiling, vanishing, exploding, and the fix', async () => {
  const { notebook } = await run(lessonB, 'vi');
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

test('lesson C runs top to bottom: a convolution’s fans, a wrong fan ×3 per layer, BatchNorm’s rescue and cost, LSUV, and a good and a bad start trained', async () => {
  const { notebook } = await run(lessonC, 'vi');
  // Fans of a [3, 3, 16, 32] kernel, and Kaiming's std √(2 / 144) drawn over 4,608 weights
  // (a relative sd of about 1%; 3% allowed).
  const fans = stdout(notebook, 'fans');
  assert.match(fans, /fanIn = 3·3·16 = 144, fanOut = 3·3·32 = 288/);
  const drawn = number(/measured (\S+)/, fans);
  assert.ok(Math.abs(drawn / Math.sqrt(2 / 144) - 1) < 0.03, `Kaiming conv std ${drawn}`);

  // Each convolution's output: Kaiming keeps its scale; the channels-only fan multiplies it by
  // √9 = 3 per layer (its variance by 9 in expectation; the geometric mean over 9 layers within 15%).
  // A convolution's output is the pre-activation of the ReLU layer after it.
  const convStds = (report: ReturnType<typeof reports>[number]) => report.layers.filter((l) => l.kind === 'conv2d').map((l) => l.tensors.preActivation.std);
  const [kaiming] = reports(notebook, 'deep');
  const good = convStds(kaiming);
  assert.equal(good.length, 10);
  good.forEach((s, i) => assert.ok(s > 0.5 && s < 3, `Kaiming conv ${i + 1} output std ${s}`));
  const [, wrong] = reports(notebook, 'wrong-fan');
  const bad = convStds(wrong);
  const growth = (bad[9] / bad[0]) ** (1 / 9);
  assert.ok(Math.abs(growth / 3 - 1) < 0.15, `growth per layer ${growth}, theory 3`);
  assert.ok(bad[9] > 1e3, `the tenth layer's std ${bad[9]}`);

  // BatchNorm hands ReLU std 1 at every layer; ReLU of a standard normal has std √(1/2 − 1/(2π)).
  // Each channel's values are nearly normal (72 products summed, of correlated images): each
  // layer within 25% of that, their mean within 10%.
  const [, withBn] = reports(notebook, 'batchnorm');
  const ofKind = (kind: string) => withBn.layers.filter((l) => l.kind === kind).map((l) => (l.tensors.activation ?? l.tensors.preActivation).std);
  ofKind('batchNormalization').forEach((s, i) => assert.ok(Math.abs(s - 1) < 0.05, `BatchNorm ${i + 1} output std ${s}`));
  const reluStd = Math.sqrt(0.5 - 1 / (2 * Math.PI));
  const reluStds = ofKind('reLU');
  reluStds.forEach((s, i) => assert.ok(Math.abs(s / reluStd - 1) < 0.25, `ReLU ${i + 1} output std ${s}, theory ${reluStd}`));
  const meanReluStd = reluStds.reduce((a, b) => a + b, 0) / reluStds.length;
  assert.ok(Math.abs(meanReluStd / reluStd - 1) < 0.1, `mean ReLU output std ${meanReluStd}, theory ${reluStd}`);
  // Its cost: an image's output depends on its batch with BatchNorm, not without.
  const cost = stdout(notebook, 'batchnorm-cost');
  assert.equal(number(/without BatchNorm, the first image's output changes with its batch by (\S+)/, cost), 0);
  assert.ok(number(/with BatchNorm, by (\S+)/, cost) > 1e-4, cost);
  assert.match(cost, /a training step: \d+ ms without BatchNorm, \d+ ms with it/);

  // LSUV: every convolution's output std within the paper's 0.1 of 1, and the probe agrees.
  const lsuvStds = stdout(notebook, 'lsuv').match(/after LSUV, std of each convolution’s output: (.*)/)![1].split(', ').map(Number);
  assert.equal(lsuvStds.length, 10);
  lsuvStds.forEach((s, i) => assert.ok(Math.abs(s - 1) < 0.1, `LSUV conv ${i + 1} std ${s}`));
  const [, afterLsuv] = reports(notebook, 'lsuv');
  convStds(afterLsuv).forEach((s, i) => assert.ok(Math.abs(s - 1) < 0.1, `probe after LSUV, conv ${i + 1} std ${s}`));

  // 200 steps: Kaiming learns; std 0.01 vanishes (its last convolution's output std is about
  // 1e-8 in theory) and its loss stays at ln 10, the loss of a uniform guess.
  // (Losses are the means of the first and the last 20 steps.)
  const trained = (id: string) => stdout(notebook, id).match(/loss (\S+) → (\S+) in (\d+) steps/)!.slice(1).map(Number);
  const [goodFirst, goodLast, goodSteps] = trained('colorful-good');
  const [badFirst, badLast, badSteps] = trained('colorful-bad');
  assert.equal(goodSteps, 200);
  assert.equal(badSteps, 200);
  assert.ok(goodLast < 0.8 * goodFirst, `Kaiming: ${goodFirst} → ${goodLast}`);
  for (const loss of [badFirst, badLast]) assert.ok(Math.abs(loss - Math.log(10)) < 0.05, `std 0.01: loss ${loss}, ln 10 = ${Math.log(10)}`);
  assert.ok(number(/at step 0 has std (\S+)/, stdout(notebook, 'colorful-bad')) < 1e-4);
  // Each training shows one chart, the watch chart left as training ended: its last panel is the
  // colorful dimension over all 200 steps (a second charts.colorful of the same record would
  // only repeat it).
  for (const id of ['colorful-good', 'colorful-bad']) {
    const charts = cell(notebook, id).outputs.flatMap((o) => (o.output_type === 'display_data' || o.output_type === 'execute_result' ? [o.data[MimeTypes.chart]] : [])).filter(Boolean);
    assert.equal(charts.length, 1, `${id} shows one chart`);
    const watch = charts[0] as { kind: string; spec: { vconcat: { title?: string; data?: { values: { step: number }[] } }[] } };
    assert.equal(watch.kind, 'watch');
    const colorful = watch.spec.vconcat[watch.spec.vconcat.length - 1];
    assert.match(String(colorful.title), /colorful dimension/);
    assert.equal(Math.max(...colorful.data!.values.map((v) => v.step)), 200, `${id}'s colorful dimension reaches the last step`);
  }
});
