/**
 * Statistics of many tensors at once, computed inside the engine over every element: the
 * scalars of all tensors come back in one download, then all histograms in a second one, so a
 * probe of a 4-layer network on 50,000 rows copies a few kilobytes to JavaScript, not gigabytes.
 */
import { tf } from '../../engine/engine';
import { blockMoments, blockSum } from '../../engine/blockSum';
import type * as tfjs from '@tensorflow/tfjs';
import { toStatNumber, type StatNumber } from '../../../common/charts/finite';
import type { HistogramBin } from '../../../common/charts/histogramChart';

/** Which derivative decides saturation for a pre-activation: σ' or tanh' below 1e-3. */
export type SaturationKind = 'sigmoid' | 'tanh';

export interface StatsRequest {
  tensor: tfjs.Tensor;
  /** Counts saturation on this tensor as a pre-activation of the given function. */
  saturation?: SaturationKind;
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
}

export const SATURATION_THRESHOLD = 1e-3;
const SCALARS = 10;

export function tensorStats(requests: readonly StatsRequest[], bins = 30): TensorStats[] {
  if (requests.length === 0) return [];
  const scalars = tf.tidy(() => tf.concat(requests.map((r) => scalarStats(r))).dataSync());
  const ranges = requests.map((_, i) => ({ lo: scalars[i * SCALARS + 8], hi: scalars[i * SCALARS + 9] }));
  const counts = tf.tidy(() => tf.concat(requests.map((r, i) => histogramCounts(r.tensor, ranges[i].lo, ranges[i].hi, bins))).dataSync());
  return requests.map((r, i) => {
    const s = scalars.subarray(i * SCALARS, (i + 1) * SCALARS);
    const n = r.tensor.size;
    const { lo, hi } = ranges[i];
    const width = hi > lo ? (hi - lo) / bins : 0;
    const histogram: HistogramBin[] = [];
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      for (let b = 0; b < bins; b++) {
        const count = counts[i * bins + b];
        if (width === 0 && b > 0) break; // all finite values equal: one bin
        histogram.push({ x0: lo + b * width, x1: width === 0 ? hi : lo + (b + 1) * width, count: width === 0 ? sumRange(counts, i * bins, bins) : count });
      }
    }
    return {
      count: n,
      mean: toStatNumber(s[0]),
      std: toStatNumber(Math.sqrt(s[1])),
      min: toStatNumber(s[2]),
      max: toStatNumber(s[3]),
      zeroFraction: s[4] / n,
      saturatedFraction: r.saturation ? s[7] / n : null,
      nanCount: s[5],
      infCount: s[6],
      histogram,
    };
  });
}

function sumRange(values: ArrayLike<number>, start: number, length: number): number {
  let total = 0;
  for (let k = start; k < start + length; k++) total += values[k];
  return total;
}

/** [mean, unbiased variance, min, max, zeros, NaNs, ±Infs, saturated, finite min, finite max]. */
function scalarStats({ tensor, saturation }: StatsRequest): tfjs.Tensor1D {
  const x = tensor.toFloat().reshape([-1]);
  const n = x.size;
  const { mean, variance } = blockMoments(x);
  const finite = tf.isFinite(x);
  const saturated = saturation ? blockSum(tf.less(derivative(x, saturation), SATURATION_THRESHOLD)) : tf.scalar(0);
  return tf.stack([
    mean,
    variance,
    tf.min(x),
    tf.max(x),
    blockSum(tf.equal(x, 0)),
    blockSum(tf.isNaN(x)),
    blockSum(tf.isInf(x)),
    saturated,
    tf.min(tf.where(finite, x, tf.fill([n], Infinity))),
    tf.max(tf.where(finite, x, tf.fill([n], -Infinity))),
  ]) as tfjs.Tensor1D;
}

function derivative(z: tfjs.Tensor, kind: SaturationKind): tfjs.Tensor {
  if (kind === 'sigmoid') {
    const s = tf.sigmoid(z);
    return tf.mul(s, tf.sub(1, s));
  }
  return tf.sub(1, tf.square(tf.tanh(z)));
}

/**
 * Counts of the finite values in `bins` equal bins over [lo, hi]. Non-finite values go to an
 * extra bin that is dropped; the counts are int32, so they stay exact past float32's 2^24.
 */
function histogramCounts(tensor: tfjs.Tensor, lo: number, hi: number, bins: number): tfjs.Tensor1D {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return tf.zeros([bins], 'int32');
  const x = tensor.toFloat().reshape([-1]);
  const scale = hi > lo ? bins / (hi - lo) : 0;
  const inRange = tf.clipByValue(tf.floor(tf.mul(tf.sub(x, lo), scale)), 0, bins - 1);
  const index = tf.where(tf.isFinite(x), inRange, tf.fill([x.size], bins)).toInt() as tfjs.Tensor1D;
  return tf.slice(tf.bincount(index, tf.tensor1d([], 'int32'), bins + 1), 0, bins);
}
