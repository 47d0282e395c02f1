/**
 * The reference check `npm run bench` runs before timing (scripts/benchCheck.mjs) judges whether
 * InitLab's probe and the PyTorch reference measured the same tensors and got the same numbers.
 * The check needs PyTorch, which the tests do not have; its judgement does not, and is tested
 * here on measurements written out by hand: agreement passes, and each way the two sides can
 * differ (a tensor measured twice, one missing, a figure off, values in other bins) fails,
 * naming the tensor, while float32 rounding and a reference whose own float32 error is large do not.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/paths';

interface Stats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  zeros?: number;
  histogram?: number[];
}
type Entry = Stats & { layer: number; kind: string };
type Measured = Stats & { labels: string[] };
interface Side {
  tensors: Measured[];
  handed: number;
  exact?: Measured[];
}
interface BenchCheck {
  compareMeasurements(initlab: { tensors: Entry[] }, reference: Side): { ok: boolean; lines: string[] };
  initlabTensors(entries: Entry[]): { labels: string[]; stats: Entry }[];
}

let check: BenchCheck;
before(async () => {
  check = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'benchCheck.mjs')).href)) as BenchCheck;
});

/** 800 values spread over 30 bins of [−3, 3], more near the middle: a tensor's statistics. */
function stats(mean: number, std: number): Required<Stats> {
  const histogram = Array.from({ length: 30 }, (_, k) => 20 + 20 * Math.round(Math.exp(-(((k - 14.5) / 6) ** 2))));
  const count = histogram.reduce((a, b) => a + b, 0);
  return { count, mean, std, min: -3, max: 3, zeros: 0, histogram };
}

// A dense layer followed by a ReLU layer: the dense output is the ReLU's pre-activation, and the
// ReLU's input gradient is the dense layer's output gradient: one tensor each, two labels.
const kernel = stats(0.01, 0.1);
const dense = stats(0.2, 1);
const relu = { ...stats(0.5, 0.7), min: 0, zeros: 400 };
const dOut = stats(0, 0.05);
const dIn = stats(0, 0.08);
const dKernel = stats(0.001, 0.02);

function initlab(): { tensors: Entry[] } {
  return {
    tensors: [
      { layer: 0, kind: 'weights', ...kernel },
      { layer: 0, kind: 'preActivation', ...dense },
      { layer: 0, kind: 'outputGrad', ...dIn },
      { layer: 0, kind: 'weightGrad', ...dKernel },
      { layer: 1, kind: 'preActivation', ...dense },
      { layer: 1, kind: 'activation', ...relu },
      { layer: 1, kind: 'inputGrad', ...dIn },
      { layer: 1, kind: 'outputGrad', ...dOut },
    ],
  };
}

function reference(): Side {
  const tensors: Measured[] = [
    { labels: ['0:weights'], ...kernel },
    { labels: ['0:input'], ...stats(0, 1), zeros: undefined, histogram: undefined },
    { labels: ['0:preActivation', '1:preActivation', '1:input'], ...dense },
    { labels: ['1:activation'], ...relu },
    { labels: ['1:outputGrad'], ...dOut },
    { labels: ['0:outputGrad', '1:inputGrad'], ...dIn },
    { labels: ['0:weightGrad'], ...dKernel },
  ];
  return { tensors, handed: 10 };
}

test("InitLab's report entries that share a tensor (equal figures, kinds that can show one tensor twice) are grouped; weights never are", () => {
  const groups = check.initlabTensors(initlab().tensors).map((g) => g.labels.join(' '));
  assert.deepEqual(groups, ['0:weights', '0:preActivation 1:preActivation', '0:outputGrad 1:inputGrad', '0:weightGrad', '1:activation', '1:outputGrad']);
  // Two weights with equal figures stay two tensors.
  const twins = check.initlabTensors([{ layer: 0, kind: 'bias', ...stats(0, 0) }, { layer: 1, kind: 'bias', ...stats(0, 0) }]);
  assert.equal(twins.length, 2);
});

test('the same tensors with the same numbers pass; the data, measured for its moments only, is counted apart', () => {
  const result = check.compareMeasurements(initlab(), reference());
  assert.ok(result.ok, result.lines.join('\n'));
  assert.match(result.lines.join('\n'), /InitLab: 6 distinct tensors in its report \(8 entries\)/);
  assert.match(result.lines.join('\n'), /PyTorch: 6 distinct tensors, and the data's moments \(its hooks and code handed it 10 tensors/);
  assert.match(result.lines[result.lines.length - 1], /the same tensors, the same numbers: passed/);
});

test('float32 rounding between the engines passes: every figure 1e-6 of its scale apart', () => {
  const theirs = reference();
  for (const t of theirs.tensors) {
    t.mean += 1e-6 * (t.std + Math.abs(t.mean));
    t.max += 1e-6 * (t.max - t.min);
  }
  assert.ok(check.compareMeasurements(initlab(), theirs).ok);
});

test('a gradient the reference measures twice (once per hook) fails, naming both sides’ labels', () => {
  const theirs = reference();
  theirs.tensors = theirs.tensors.filter((t) => !t.labels.includes('1:inputGrad'));
  theirs.tensors.push({ labels: ['0:outputGrad'], ...dIn }, { labels: ['1:inputGrad'], ...dIn });
  const result = check.compareMeasurements(initlab(), theirs);
  assert.equal(result.ok, false);
  const text = result.lines.join('\n');
  assert.match(text, /InitLab measured 0:outputGrad 1:inputGrad; the reference has no tensor with exactly these labels/);
  assert.match(text, /the reference measured 0:outputGrad; InitLab's report has no tensor/);
  assert.match(text, /the reference measured 1:inputGrad; InitLab's report has no tensor/);
});

test('a tensor missing on one side fails', () => {
  const theirs = reference();
  theirs.tensors = theirs.tensors.filter((t) => !t.labels.includes('0:weightGrad'));
  const result = check.compareMeasurements(initlab(), theirs);
  assert.equal(result.ok, false);
  assert.match(result.lines.join('\n'), /InitLab measured 0:weightGrad; the reference has no tensor with exactly these labels/);
});

test('a forward figure off by 1e-3 of its scale fails (tolerance 1e-4), naming the tensor, the figure and both sides’ values', () => {
  const theirs = reference();
  theirs.tensors.find((t) => t.labels[0] === '1:activation')!.std += 1e-3 * (relu.std + relu.mean);
  const result = check.compareMeasurements(initlab(), theirs);
  assert.equal(result.ok, false);
  assert.match(result.lines.join('\n'), /1:activation: std 10\.0x its tolerance\n {4}InitLab: {9}count 800, mean 0\.500000, std 0\.700000/);
});

test("the tolerance follows the reference's own float32 error against its float64 pass: 8 times it, for every gradient of the pass", () => {
  // The reference's float32 gradients are 1e-3 of their scale off its float64 ones: InitLab 5e-3
  // off the reference is within 8e-3; 2e-2 is not.
  const run = (ours: number) => {
    const theirs = reference();
    theirs.exact = theirs.tensors.map((t) => ({ ...t, mean: t.labels.some((l) => l.endsWith('Grad')) ? t.mean + 1e-3 * (t.std + Math.abs(t.mean)) : t.mean }));
    const mine = initlab();
    const entry = mine.tensors.find((e) => e.kind === 'weightGrad')!;
    entry.mean += ours * (entry.std + Math.abs(entry.mean));
    return check.compareMeasurements(mine, theirs);
  };
  const within = run(5e-3);
  assert.ok(within.ok, within.lines.join('\n'));
  assert.match(within.lines.join('\n'), /largest float32 error against PyTorch's float64 pass, as a share of the tensor's scale: InitLab 4\.0e-3 \(0:weightGrad\), PyTorch 1\.0e-3/);
  const beyond = run(2e-2);
  assert.equal(beyond.ok, false);
  assert.match(beyond.lines.join('\n'), /0:weightGrad: mean 2\.5x its tolerance/);
});

test('values counted in other bins fail beyond what the figures’ tolerance allows; exact zeros the same', () => {
  const moved = (count: number, field: 'histogram' | 'zeros') => {
    const theirs = reference();
    const t = theirs.tensors.find((m) => m.labels[0] === '1:activation')!;
    if (field === 'histogram') {
      t.histogram = [...t.histogram!];
      t.histogram[10] -= count;
      t.histogram[20] += count;
    } else t.zeros! += count;
    return check.compareMeasurements(initlab(), theirs);
  };
  // Two values may differ whatever the tolerance; beyond them 1e-3 of the count (0.8) is the least allowance: 28 / 0.8 = 35.
  assert.ok(moved(2, 'histogram').ok);
  const far = moved(40, 'histogram');
  assert.equal(far.ok, false);
  assert.match(far.lines.join('\n'), /1:activation: histogram \d+\.\dx its tolerance/);
  assert.ok(moved(2, 'zeros').ok);
  assert.match(moved(30, 'zeros').lines.join('\n'), /1:activation: zeros 35\.0x its tolerance/);
});
