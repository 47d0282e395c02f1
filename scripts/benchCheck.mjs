// The reference check `npm run bench` runs before it times anything: on a small batch, InitLab's
// probe and the PyTorch reference measure the same tensors and get the same numbers, so the two
// sides of a probe row do the same work.
//
// bench/probeCheckWorker.ts builds the network, writes its weights and the batch to a temporary
// folder and prints its probe report's measurements; the reference (bench/cnn_torch.py,
// bench/mobilenet_torch.py, bench/lesson_pass_torch.py in `check` mode) loads the same weights
// and batch and prints each of its measurements with the labels it gave it. Then:
//
// - The same tensors. InitLab's report names a tensor once per place it shows (a layer's input
//   gradient is the layer before's output gradient; an activation layer's pre-activation is the
//   layer before's output) and its probe reads each distinct tensor once (tensorStats.ts keys
//   them by their values' id). Report entries of those kinds with identical figures are one
//   tensor; every weight, bias and weight gradient is a tensor of its own. The reference labels
//   each distinct tensor it measured (keyed by storage). The groups of labels must be the same
//   on both sides: a tensor measured twice, or missing on one side, fails the check.
// - The same numbers, within float32 tolerance: the two engines sum in different orders (XNNPACK
//   and oneDNN convolutions, float32 and float64 accumulators), and a value next to a histogram
//   edge may land in the neighbouring bin. How far float32 can be off on this pass is measured:
//   the reference runs it in float64 too (see TOLERANCE), and the check prints how far each
//   engine's float32 figures are from that exact answer.
//
// A failure prints every tensor that differs and makes `npm run bench` stop before timing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Kinds that name a tensor which may show in two places; any other kind is a tensor of its own. */
const SHARED_KINDS = new Set(['preActivation', 'activation', 'outputGrad', 'inputGrad']);

/**
 * Tolerances, as a share of the tensor's scale: std + |mean| for the mean and std, max − min for
 * the min and max, the count for the zeros and for the values that fall in another bin.
 *
 * Two engines rounding in float32 differ by more than float32's epsilon: they sum in different
 * orders, and a backward through BatchNorm on a small batch loses digits to cancellation. How
 * many is measured, not guessed: the reference also runs the pass in float64, and a tolerance is
 * at least CONDITIONING times the reference's own float32 error against that exact answer: the
 * tensor's own for a forward tensor, the largest of the pass's gradients for a gradient (a single
 * value, a min or a max, is off by more than a tensor's moments: on 2 MobileNet images some
 * gradients' float32 figures are 2e-3 to 6e-3 off the float64 ones, in PyTorch as in InitLab,
 * and InitLab's largest error was up to 3.4 times PyTorch's over five draws). A different
 * tensor, or the same layer computed another way (a convolution padded on the other side), stays
 * outside: it moves the float32 and float64 passes of the reference alike, so their difference
 * stays small; such a padding moved the CNN's forward figures by 1e-2 to 1.5e-1 of their scale.
 */
export const TOLERANCE = {
  forward: 1e-4,
  gradient: 1e-3,
  /** Exact zeros, and values in another bin than the reference's, beyond the first two (see histogramAllowance). */
  counts: 1e-3,
};
const CONDITIONING = 8;

/**
 * Gradients that sum over the batch and positions (a bias's, BatchNorm's gamma and beta): their
 * values can cancel to far below their terms (a conv bias before BatchNorm has a gradient of
 * exactly 0 in theory, BatchNorm subtracting the mean), while each engine's rounding stays
 * relative to the terms. Their scale is at least the terms' sizes summed, about the layer's
 * output gradient's std times the n terms each value sums (n = the output gradient's count over
 * theirs). Not for a layer that carries an activation (a dense layer with softmax): its output
 * gradient is taken after the activation, not of the sums.
 */
const SUMMED_KINDS = new Set(['biasGrad', 'gammaGrad', 'betaGrad']);

const num = (x) => (typeof x === 'number' ? x : Number(x));

/** A histogram as counts to compare: all values equal, InitLab's is the one bin that holds them, torch.histc's 30 bins. */
const binsOf = (s) => (num(s.max) > num(s.min) ? s.histogram : [s.histogram.reduce((sum, c) => sum + c, 0)]);

/** How many values two histograms place differently (half the summed |Δ count|); Infinity when their bins differ. */
function moved(a, b) {
  const ha = binsOf(a);
  const hb = binsOf(b);
  return ha.length === hb.length ? ha.reduce((sum, c, k) => sum + Math.abs(c - hb[k]), 0) / 2 : Infinity;
}

/**
 * How many values may change bin between two measurements of one tensor whose figures differ
 * within tolerance: each inner bin edge moves with the min and max (edge k by Δmin·(1 − k/n) +
 * Δmax·k/n), and each value may move by the tolerance (a share of the range); the values within
 * that distance of an edge, at the density of the fuller of its two bins, may cross it.
 */
function histogramAllowance(a, b, tolerance) {
  const bins = binsOf(b);
  const range = num(b.max) - num(b.min);
  if (bins.length < 2 || !(range > 0)) return 0;
  const n = bins.length;
  const width = range / n;
  const dMin = num(a.min) - num(b.min);
  const dMax = num(a.max) - num(b.max);
  let allowed = 0;
  for (let k = 1; k < n; k++) allowed += ((Math.abs(dMin * (1 - k / n) + (dMax * k) / n) + tolerance * range) / width) * Math.max(bins[k - 1], bins[k]);
  return allowed;
}

/**
 * How far InitLab's measurement `a` of one tensor is from the reference's `b`, each figure as a
 * multiple of its tolerance (≤ 1 passes), given the reference's float64 measurement `exact` and,
 * for a gradient, the largest float32 error of the reference's gradients in the pass.
 * `floor` is the least scale the tensor is judged at (SUMMED_KINDS); a tensor below 1e-5 of it on
 * both sides is rounding noise, whose histogram and zeros are not compared. Also returns the
 * reference's own float32 error and InitLab's, against float64, as shares of the scale.
 */
export function differences(a, b, exact, { gradient = false, floor = 0, gradientError = 0 } = {}) {
  const e = exact ?? b;
  const spread = Math.max(num(e.std) + Math.abs(num(e.mean)), floor) || Math.abs(num(e.mean)) || 1;
  const range = Math.max(num(e.max) - num(e.min), floor) || Math.abs(num(e.max)) || 1;
  const gap = (x, y, scale) => (Number.isNaN(num(x)) && Number.isNaN(num(y)) ? 0 : Math.abs(num(x) - num(y)) / scale);
  const gaps = (x, y) => ({ mean: gap(x.mean, y.mean, spread), std: gap(x.std, y.std, spread), min: gap(x.min, y.min, range), max: gap(x.max, y.max, range) });
  const referenceError = exact ? Math.max(...Object.values(gaps(b, exact))) : 0;
  const ourError = exact ? Math.max(...Object.values(gaps(a, exact))) : undefined;
  const tolerance = gradient ? Math.max(TOLERANCE.gradient, CONDITIONING * Math.max(referenceError, gradientError)) : Math.max(TOLERANCE.forward, CONDITIONING * referenceError);
  const out = { count: a.count === b.count ? 0 : Infinity };
  for (const [figure, g] of Object.entries(gaps(a, b))) out[figure] = g / tolerance;
  const noise = floor > 0 && Math.max(num(a.std) + Math.abs(num(a.mean)), num(b.std) + Math.abs(num(b.mean))) < 1e-5 * floor;
  if (!noise && a.histogram && b.histogram) {
    // Values counted differently, beyond two, against what the figures' tolerance allows.
    const share = (count, allowed) => Math.max(0, count - 2) / Math.max(allowed, TOLERANCE.counts * a.count);
    out.zeros = share(Math.abs(a.zeros - b.zeros), exact ? CONDITIONING * Math.abs(b.zeros - exact.zeros) : 0);
    out.histogram = share(moved(a, b), histogramAllowance(a, b, tolerance));
  }
  return { figures: out, noise, referenceError, ourError };
}

/** InitLab's report entries grouped into distinct tensors, each with its sorted labels ("<layer>:<kind>"). */
export function initlabTensors(entries) {
  const groups = [];
  const byFigures = new Map();
  for (const e of entries) {
    const label = `${e.layer}:${e.kind}`;
    const figures = JSON.stringify([e.count, e.mean, e.std, e.min, e.max]);
    const group = SHARED_KINDS.has(e.kind) ? byFigures.get(figures) : undefined;
    if (group) group.labels.push(label);
    else {
      const fresh = { labels: [label], stats: e };
      if (SHARED_KINDS.has(e.kind)) byFigures.set(figures, fresh);
      groups.push(fresh);
    }
  }
  for (const g of groups) g.labels.sort();
  return groups;
}

/**
 * The reference's measurements as distinct tensors, without the labels the report has no entry
 * for (each layer's input, measured for moments only): the data's moments are left with none.
 */
export function referenceTensors(measured) {
  const shown = [];
  let unreported = 0;
  for (const m of measured) {
    const labels = m.labels.filter((l) => !l.endsWith(':input')).sort();
    if (labels.length === 0) unreported++;
    else shown.push({ labels, stats: m });
  }
  return { shown, unreported };
}

/**
 * Compares InitLab's report entries with the reference's measurements (float32, and float64 as
 * `exact` when given); returns whether they agree and the lines that say so, or what differs.
 */
export function compareMeasurements(initlab, reference) {
  const ours = initlabTensors(initlab.tensors);
  const { shown, unreported } = referenceTensors(reference.tensors);
  const key = (g) => g.labels.join(' ');
  const theirs = new Map(shown.map((g) => [key(g), g]));
  const exact = new Map(reference.exact ? referenceTensors(reference.exact).shown.map((g) => [key(g), g.stats]) : []);
  const outputGrads = new Map(initlab.tensors.filter((e) => e.kind === 'outputGrad').map((e) => [e.layer, e]));
  const carriesActivation = new Set(initlab.tensors.filter((e) => e.kind === 'activation' && initlab.tensors.some((p) => p.layer === e.layer && p.kind === 'preActivation')).map((e) => e.layer));
  const floorOf = (g) => {
    const { layer, kind } = g.stats;
    const dy = outputGrads.get(layer);
    return SUMMED_KINDS.has(kind) && dy && !carriesActivation.has(layer) ? (num(dy.std) * dy.count) / g.stats.count : 0;
  };
  const isGradient = (g) => g.labels.some((l) => /Grad$/.test(l));
  // The reference's own float32 error, over the pass's gradients (rounding noise left out).
  let gradientError = 0;
  for (const g of ours) {
    const other = theirs.get(key(g));
    if (!other || !isGradient(g)) continue;
    const d = differences(g.stats, other.stats, exact.get(key(g)), { gradient: true, floor: floorOf(g) });
    if (!d.noise) gradientError = Math.max(gradientError, d.referenceError);
  }
  const failures = [];
  const noise = [];
  const worst = {};
  const errors = { ours: { error: 0 }, reference: { error: 0 } };
  for (const g of ours) {
    const other = theirs.get(key(g));
    if (!other) {
      failures.push(`  InitLab measured ${key(g)}; the reference has no tensor with exactly these labels`);
      continue;
    }
    theirs.delete(key(g));
    const d = differences(g.stats, other.stats, exact.get(key(g)), { gradient: isGradient(g), floor: floorOf(g), gradientError });
    if (d.noise) noise.push(key(g));
    else {
      if (d.ourError > errors.ours.error) errors.ours = { error: d.ourError, tensor: key(g) };
      if (d.referenceError > errors.reference.error) errors.reference = { error: d.referenceError, tensor: key(g) };
    }
    for (const [figure, v] of Object.entries(d.figures)) worst[figure] = Math.max(worst[figure] ?? 0, v);
    const bad = Object.entries(d.figures).filter(([, v]) => !(v <= 1));
    if (bad.length) {
      const show = (s) => `count ${s.count}, mean ${num(s.mean).toPrecision(6)}, std ${num(s.std).toPrecision(6)}, min ${num(s.min).toPrecision(6)}, max ${num(s.max).toPrecision(6)}, zeros ${s.zeros ?? '–'}`;
      const e = exact.get(key(g));
      failures.push(`  ${key(g)}: ${bad.map(([f, v]) => `${f} ${v.toFixed(1)}x its tolerance`).join(', ')}\n    InitLab:         ${show(g.stats)}\n    PyTorch float32: ${show(other.stats)}${e ? `\n    PyTorch float64: ${show(e)}` : ''}`);
    }
  }
  for (const k of theirs.keys()) failures.push(`  the reference measured ${k}; InitLab's report has no tensor with exactly these labels`);
  const lines = [
    `  InitLab: ${ours.length} distinct tensors in its report (${initlab.tensors.length} entries), and the data's moments`,
    `  PyTorch: ${shown.length} distinct tensors, and ${unreported === 1 ? "the data's moments" : `${unreported} tensors for moments only`} (its hooks and code handed it ${reference.handed} tensors, repeats included)`,
  ];
  if (initlab.loss !== undefined && reference.loss !== undefined) lines.push(`  loss: InitLab ${num(initlab.loss).toPrecision(6)}, PyTorch ${num(reference.loss).toPrecision(6)}${reference.exactLoss !== undefined ? ` (float64 ${num(reference.exactLoss).toPrecision(6)})` : ''}`);
  if (reference.exact) {
    const at = (e) => (e.tensor ? `${e.error.toExponential(1)} (${e.tensor})` : '0');
    lines.push(`  largest float32 error against PyTorch's float64 pass, as a share of the tensor's scale: InitLab ${at(errors.ours)}, PyTorch ${at(errors.reference)}`);
  }
  lines.push(`  largest difference InitLab − PyTorch as a share of its tolerance (${TOLERANCE.forward} of the scale forward, ${TOLERANCE.gradient} for gradients, or ${CONDITIONING}x PyTorch's own float32 error if larger, for gradients its largest over the pass; for zeros and bins ${TOLERANCE.counts} of the count, or the values that figures within tolerance may move): ${Object.entries(worst).map(([f, v]) => `${f} ${v.toFixed(2)}`).join(', ')}`);
  if (noise.length) lines.push(`  zero in theory, rounding noise on both sides (a conv bias before BatchNorm), so only their moments compared: ${noise.join(', ')}`);
  const ok = failures.length === 0 && ours.length === shown.length;
  lines.push(ok ? '  the same tensors, the same numbers: passed' : `  FAILED:\n${failures.join('\n')}`);
  return { ok, lines };
}

/**
 * Runs both sides on `examples` examples of `net` and compares them. `node` and `python` give
 * [command, args, env] for a side; the folder they share is made and removed here.
 */
export function checkReference(net, examples, { nodeWorker, nodeEnv, python, pythonScript, pythonEnv }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `initlab-bench-check-${net}-`));
  try {
    const run = (command, args, env) => {
      const r = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, killSignal: 'SIGKILL' });
      const line = r.stdout?.trim().split('\n').pop();
      if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`${path.basename(args[0])} ${args.slice(1).join(' ')} failed: ${(r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`);
      return JSON.parse(line);
    };
    const initlab = run(process.execPath, [nodeWorker, net, String(examples), dir], nodeEnv);
    const reference = run(python, [pythonScript, 'check', dir], pythonEnv);
    return compareMeasurements(initlab, reference);
  } catch (err) {
    return { ok: false, lines: [`  FAILED: ${err.message}`] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
