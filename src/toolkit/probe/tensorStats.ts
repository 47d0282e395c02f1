/**
 * Statistics of many tensors at once, over every element. A finite tensor (the usual case) is
 * read in two fused passes in JavaScript, in place on the WASM heap (fusedStats.ts). A tensor
 * with NaN or Infinity takes the engine path below, which counts them and bins the rest; it
 * reduces inside the engine and copies a few kilobytes to JavaScript:
 *
 *   pass 1  sum, min and max of every tensor, one download. A finite sum, min and max mean the
 *           tensor holds no NaN or Infinity (either would poison the sum), which is the usual
 *           case and saves the passes that look for them.
 *   pass 2  variance about the now-known mean, exact-zero and saturation counts, histogram
 *           counts, and for the rare tensor with NaN or Infinity their counts; one download.
 *   pass 3  only when a tensor has non-finite values: its histogram over the finite range.
 *
 * Counts are summed as int32 so they stay exact past float32's 2^24. Each figure is reduced in
 * its own tidy, so at most a few full-size temporaries live at once: the first layer's input
 * gradient on all of MNIST is 157 MB and the WASM heap stops at 4 GiB.
 */
import { tf } from '../engine/engine';
import { blockSum } from '../engine/blockSum';
import { finiteStats, type FiniteStats } from './fusedStats';
import type * as tfjs from '@tensorflow/tfjs';
import { toStatNumber, type StatNumber } from '../charts/finite';
import type { HistogramBin } from '../charts/histogramChart';

/** Which derivative decides saturation for a pre-activation: σ' or tanh' below 1e-3. */
export type SaturationKind = 'sigmoid' | 'tanh';

export interface StatsRequest {
  tensor: tfjs.Tensor;
  /** Counts saturation on this tensor as a pre-activation of the given function. */
  saturation?: SaturationKind;
  /** Only mean, std, min and max: skips the counts and the histogram (for tensors only used in ratios). */
  momentsOnly?: boolean;
  /** Also counts dead units (deadUnitFraction): the recorder asks it of activations. */
  deadUnits?: boolean;
}

export interface TensorStats {
  count: number;
  mean: StatNumber;
  /** Unbiased (n − 1), as torch's Tensor.std(). */
  std: StatNumber;
  min: StatNumber;
  max: StatNumber;
  zeroFraction: number;
  /** Fraction with σ'(z) or tanh'(z) below 1e-3; null for tensors that feed no sigmoid or tanh. */
  saturatedFraction: number | null;
  nanCount: number;
  infCount: number;
  /** Over the finite values, between their min and max. */
  histogram: HistogramBin[];
  /**
   * The fraction of units (the last axis: a dense layer's neurons, a conv layer's channels) that
   * are zero for every example and position: a dead ReLU. Only when the request asked for it.
   */
  deadUnitFraction?: number;
}

export const SATURATION_THRESHOLD = 1e-3;

/** The figures of pass 2, in download order. */
const SECOND_PASS = ['variance', 'zeros', 'saturated', 'nan', 'inf', 'finiteMin', 'finiteMax'] as const;

/** Whether the figures computed for request `done` answer request `wanted` too. */
function covers(done: StatsRequest, wanted: StatsRequest): boolean {
  return (!done.momentsOnly || wanted.momentsOnly === true) && (!wanted.saturation || wanted.saturation === done.saturation);
}

/**
 * Figures already read, by the tensor's values (its dataId, which reshapes share). A tfjs
 * tensor never changes its values, so they stay right for as long as the tensor lives: a
 * comparison probes every scheme on the same inputs, and a probe asks for a layer's output
 * gradient, which is the next layer's input gradient. Held weakly: gone with the tensor.
 */
const alreadyRead = new WeakMap<object, { request: StatsRequest; bins: number; stats: FiniteStats | undefined }>();

export function tensorStats(requests: readonly StatsRequest[], bins = 30): TensorStats[] {
  // Finite tensors (nearly all): two fused passes in JavaScript (fusedStats.ts). The rest: the engine.
  const fused = requests.map((r) => {
    const earlier = alreadyRead.get(r.tensor.dataId);
    if (earlier && earlier.bins === bins && covers(earlier.request, r)) return earlier.stats && fromFinite(r, earlier.stats, bins);
    // reshape shares the values; toFloat() of a float32 tensor would copy them.
    const flat = tf.tidy(() => (r.tensor.dtype === 'float32' ? r.tensor : r.tensor.toFloat()).reshape([-1]));
    try {
      const stats = finiteStats(flat, bins, { momentsOnly: r.momentsOnly, saturationEdge: r.saturation ? saturationEdge(r.saturation) : undefined });
      if (!earlier || covers(r, earlier.request)) alreadyRead.set(r.tensor.dataId, { request: r, bins, stats });
      return stats && fromFinite(r, stats, bins);
    } finally {
      flat.dispose();
    }
  });
  const fromEngine = engineTensorStats(requests.filter((_, i) => !fused[i]), bins);
  let next = 0;
  return fused.map((stats, i) => {
    const result = stats ?? fromEngine[next++];
    return requests[i].deadUnits ? { ...result, deadUnitFraction: deadUnitFraction(requests[i].tensor) } : result;
  });
}

/** One tensor's std (unbiased, float64 sums), NaN when it holds a NaN or an infinity: what init.lsuv divides by. */
export function stdOf(tensor: tfjs.Tensor): number {
  return Number(tensorStats([{ tensor, momentsOnly: true }])[0].std);
}

/** Units whose largest |value| over every other axis is 0 (NaN counts as not alive either). */
function deadUnitFraction(tensor: tfjs.Tensor): number {
  if (tensor.rank < 2) return NaN;
  const units = tensor.shape[tensor.rank - 1];
  const alive = tf.tidy(() => tf.sum(tf.greater(tf.max(tf.abs(tensor.reshape([-1, units])), 0), 0).toInt()).dataSync()[0]);
  return 1 - alive / units;
}

function fromFinite(r: StatsRequest, s: FiniteStats, bins: number): TensorStats {
  return {
    count: r.tensor.size,
    mean: toStatNumber(s.mean),
    std: toStatNumber(s.std),
    min: toStatNumber(s.min),
    max: toStatNumber(s.max),
    zeroFraction: r.momentsOnly ? NaN : s.zeros / r.tensor.size,
    saturatedFraction: r.saturation ? s.saturated / r.tensor.size : null,
    nanCount: 0,
    infCount: 0,
    histogram: r.momentsOnly ? [] : histogramBins(s.counts, s.min, s.max, bins),
  };
}

/**
 * |z| beyond which σ'(z) or tanh'(z) falls below SATURATION_THRESHOLD: the test of derivative()
 * below, solved once for z instead of evaluated per value.
 */
function saturationEdge(kind: SaturationKind): number {
  if (kind === 'sigmoid') {
    // σ(1 − σ) = t  ⇔  σ = (1 + √(1 − 4t)) / 2 on the right side; z = logit(σ).
    const s = (1 + Math.sqrt(1 - 4 * SATURATION_THRESHOLD)) / 2;
    return Math.log(s / (1 - s));
  }
  // 1 − tanh²(z) = t  ⇔  |z| = atanh(√(1 − t)).
  return Math.atanh(Math.sqrt(1 - SATURATION_THRESHOLD));
}

/** The engine path: every tensor, NaN and Infinity included (see the file's comment). Exported for tests. */
export function engineTensorStats(requests: readonly StatsRequest[], bins: number): TensorStats[] {
  if (requests.length === 0) return [];
  const flats = requests.map((r) => tf.tidy(() => r.tensor.toFloat().reshape([-1])));
  try {
    const first = downloadAll(flats.map((x) => figures([() => blockSum(x), () => tf.min(x), () => tf.max(x)])));
    const sums = flats.map((x, i) => ({ mean: first[3 * i] / Math.max(1, x.size), min: first[3 * i + 1], max: first[3 * i + 2] }));
    const allFinite = sums.map((s) => Number.isFinite(s.mean) && Number.isFinite(s.min) && Number.isFinite(s.max));

    const second = downloadAll(
      flats.flatMap((x, i) => {
        const { mean, min, max } = sums[i];
        const finite = allFinite[i];
        const { saturation, momentsOnly } = requests[i];
        const n = x.size;
        const counted = !momentsOnly;
        return [
          figures([
            () => (n > 1 && finite ? tf.div(blockSum(tf.squaredDifference(x, mean)), n - 1) : tf.scalar(NaN)),
            () => (counted ? countWhere(tf.equal(x, 0)) : tf.scalar(NaN)),
            () => (saturation ? countWhere(tf.less(derivative(x, saturation), SATURATION_THRESHOLD)) : tf.scalar(0)),
            () => (finite ? tf.scalar(0) : countWhere(tf.isNaN(x))),
            () => (finite ? tf.scalar(0) : countWhere(tf.isInf(x))),
            () => (finite ? tf.scalar(min) : tf.min(tf.where(tf.isFinite(x), x, tf.fill([n], Infinity)))),
            () => (finite ? tf.scalar(max) : tf.max(tf.where(tf.isFinite(x), x, tf.fill([n], -Infinity)))),
          ]),
          finite && counted ? histogramCounts(x, min, max, bins, true) : tf.zeros([bins]),
        ];
      }),
    );
    const stride = SECOND_PASS.length + bins;
    const at = (i: number, name: (typeof SECOND_PASS)[number]) => second[i * stride + SECOND_PASS.indexOf(name)];
    const counts = (i: number) => second.subarray(i * stride + SECOND_PASS.length, (i + 1) * stride);

    // Pass 3: histograms of tensors with NaN or Infinity, over their finite range.
    const broken = flats.map((_, i) => i).filter((i) => !allFinite[i] && !requests[i].momentsOnly);
    const brokenCounts = broken.length ? downloadAll(broken.map((i) => histogramCounts(flats[i], at(i, 'finiteMin'), at(i, 'finiteMax'), bins, false))) : new Float32Array();

    return requests.map((r, i) => {
      const n = r.tensor.size;
      const k = broken.indexOf(i);
      const binCounts = k < 0 ? counts(i) : brokenCounts.subarray(k * bins, (k + 1) * bins);
      return {
        count: n,
        mean: toStatNumber(sums[i].mean),
        std: toStatNumber(Math.sqrt(at(i, 'variance'))),
        min: toStatNumber(sums[i].min),
        max: toStatNumber(sums[i].max),
        zeroFraction: at(i, 'zeros') / n,
        saturatedFraction: r.saturation ? at(i, 'saturated') / n : null,
        nanCount: at(i, 'nan'),
        infCount: at(i, 'inf'),
        histogram: r.momentsOnly ? [] : histogramBins(binCounts, at(i, 'finiteMin'), at(i, 'finiteMax'), bins),
      };
    });
  } finally {
    tf.dispose(flats);
  }
}

function histogramBins(counts: ArrayLike<number>, lo: number, hi: number, bins: number): HistogramBin[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  // All finite values equal: one bin holds them all.
  if (!(hi > lo)) return [{ x0: lo, x1: hi, count: Array.from(counts).reduce((a, b) => a + b, 0) }];
  const width = (hi - lo) / bins;
  return Array.from({ length: bins }, (_, b) => ({ x0: lo + b * width, x1: lo + (b + 1) * width, count: counts[b] }));
}

/** Runs each reduction in its own tidy (so its temporaries go at once) and stacks the scalars. */
function figures(reductions: (() => tfjs.Tensor)[]): tfjs.Tensor1D {
  const scalars: tfjs.Tensor[] = [];
  try {
    for (const reduce of reductions) scalars.push(tf.tidy(() => reduce().toFloat()));
    return tf.stack(scalars) as tfjs.Tensor1D;
  } finally {
    tf.dispose(scalars);
  }
}

/** How many elements of a boolean tensor are true, summed in int32 (exact), disposing it. */
function countWhere(mask: tfjs.Tensor): tfjs.Scalar {
  return tf.sum(mask.toInt()) as tfjs.Scalar;
}

/** Concatenates small per-tensor results and copies them to JavaScript in one download. */
function downloadAll(parts: tfjs.Tensor[]): Float32Array {
  try {
    return tf.tidy(() => tf.concat(parts.map((p) => p.toFloat())).dataSync() as Float32Array);
  } finally {
    tf.dispose(parts);
  }
}

function derivative(z: tfjs.Tensor, kind: SaturationKind): tfjs.Tensor {
  if (kind === 'sigmoid') {
    const s = tf.sigmoid(z);
    return tf.mul(s, tf.sub(1, s));
  }
  return tf.sub(1, tf.square(tf.tanh(z)));
}

/**
 * Counts of the finite values of a flat tensor in `bins` equal bins over [lo, hi]. Truncating
 * (x − lo)·scale to int32 is floor for these non-negative values; x = hi lands in an extra bin
 * that is folded into the last one, as numpy.histogram closes its last bin. When the tensor may hold NaN or Infinity, those go to a further
 * bin that is dropped.
 */
function histogramCounts(x: tfjs.Tensor, lo: number, hi: number, bins: number, knownFinite: boolean): tfjs.Tensor1D {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return tf.zeros([bins]);
  const scale = hi > lo ? bins / (hi - lo) : 0;
  const index = tf.tidy(() => {
    const scaled = tf.mul(tf.sub(x, lo), scale);
    // bincount skips indices past its size; x = hi gives index `bins` exactly.
    if (knownFinite) return scaled.toInt();
    // Non-finite values index the dropped bin; finite ones outside [lo, hi] cannot occur.
    return tf.where(tf.isFinite(x), tf.clipByValue(scaled, 0, bins), tf.fill([x.size], bins + 1)).toInt();
  }) as tfjs.Tensor1D;
  try {
    return tf.tidy(() => {
      const counts = tf.bincount(index, tf.tensor1d([], 'int32'), bins + 2);
      const [inside, top] = tf.split(tf.slice(counts, 0, bins + 1), [bins - 1, 2]);
      return tf.concat([inside, tf.sum(top).reshape([1])]).toFloat() as tfjs.Tensor1D;
    });
  } finally {
    index.dispose();
  }
}
