/**
 * The statistics of a finite tensor in two passes over its values, in JavaScript.
 *
 * tfjs has no fused reduction: the engine path (tensorStats.ts) makes a full pass, and often a
 * full-size temporary, per figure (sum, min, max, variance, zero count, histogram index, ...),
 * single-threaded: about 0.8 s for the lesson's 39-million-value input gradient. Here pass 1 reads
 * every value once for the sums (mean and variance), min, max, zeros and a NaN/Infinity check,
 * and pass 2 once more for the histogram and saturation counts (skipped for moments only).
 * Sums are accumulated in float64, which is more accurate than the engine's blocked float32.
 *
 * On the WASM backend the values are read in place from its heap, with no copy; elsewhere
 * `dataSync()` copies them. A tensor holding NaN or Infinity is left to the engine path, which
 * counts them and bins the rest.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';

export interface FiniteStats {
  mean: number;
  /** Unbiased (n − 1); NaN for a single value, as torch's Tensor.std(). */
  std: number;
  min: number;
  max: number;
  zeros: number;
  saturated: number;
  /** Counts in `bins` equal bins over [min, max], the last bin closed. */
  counts: Float64Array;
}

interface WasmBackendLike {
  getMemoryOffset(dataId: unknown): number;
  wasm: { HEAPU8: Uint8Array };
}

/**
 * The float32 values of a flat float32 tensor: a view of the WASM heap (valid until the next
 * allocation, so used at once and never kept), else a copy.
 */
function floatsOf(x: tfjs.Tensor): Float32Array {
  const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
  if (tf.getBackend() === 'wasm' && typeof backend.getMemoryOffset === 'function' && backend.wasm) {
    const offset = backend.getMemoryOffset(x.dataId);
    return new Float32Array(backend.wasm.HEAPU8.buffer, offset, x.size);
  }
  return x.dataSync() as Float32Array;
}

/**
 * Pass 1 over the values: sums of v − shift and of its square, about the first value (the
 * shifted-data algorithm: no cancellation when the mean is far from zero), min, max and zeros,
 * written into `out`. Kept small and separate from its caller so that V8 optimizes it whole.
 */
function momentsPass(values: Float32Array, out: Float64Array): void {
  const n = values.length;
  const shift = values[0];
  let sum = 0;
  let squares = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const d = v - shift;
    sum += d;
    squares += d * d;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  out[0] = shift;
  out[1] = sum;
  out[2] = squares;
  out[3] = min;
  out[4] = max;
  out[5] = zeros;
}

/**
 * Pass 2: histogram counts by the engine's binning exactly, float32 (x − lo) · scale truncated
 * (x = max lands in bin `bins`), when `counts` has room; returns how many |x| exceed `edge`.
 */
function binsPass(values: Float32Array, lo: number, scale: number, counts: Float64Array, edge: number): number {
  const n = values.length;
  if (edge === Infinity) {
    // The common case, without the saturation test in the loop.
    for (let i = 0; i < n; i++) counts[Math.trunc(Math.fround(Math.fround(values[i] - lo) * scale))]++;
    return 0;
  }
  const counted = counts.length > 0;
  let saturated = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (counted) counts[Math.trunc(Math.fround(Math.fround(v - lo) * scale))]++;
    if (v > edge || v < -edge) saturated++;
  }
  return saturated;
}

/**
 * A single long call of a loop runs at first in V8's baseline tiers, several times slower than
 * optimized code (measured: 0.7 s against 0.16 s for 39 million values). Calling both passes on
 * small arrays first gets them optimized before the first large tensor.
 */
let warmedUp = false;
function warmUp(): void {
  if (warmedUp) return;
  warmedUp = true;
  const sample = new Float32Array(2048).map((_, i) => (i % 7) - 3);
  const out = new Float64Array(6);
  const counts = new Float64Array(31);
  for (let k = 0; k < 300; k++) {
    momentsPass(sample, out);
    binsPass(sample, -3, 5, counts, 2.5);
    binsPass(sample, -3, 5, counts, Infinity);
  }
}

/** The statistics of a flat float32 tensor, or undefined when it holds NaN or Infinity. */
export function finiteStats(
  x: tfjs.Tensor,
  bins: number,
  options: {
    /** Values with |z| above it count as saturated. */
    saturationEdge?: number;
    momentsOnly?: boolean;
  } = {},
): FiniteStats | undefined {
  if (x.size === 0) return undefined;
  warmUp();
  const moments = new Float64Array(6);
  momentsPass(floatsOf(x), moments);
  const [shift, sum, squares, min, max, zeros] = moments;
  // NaN and ±Infinity all make the sums non-finite (NaN compares false, so min/max miss it).
  if (!Number.isFinite(sum) || !Number.isFinite(squares) || !Number.isFinite(shift)) return undefined;
  const n = x.size;
  const counted = !options.momentsOnly;
  const counts = new Float64Array(counted ? bins + 1 : 0);
  const edge = options.saturationEdge ?? Infinity;
  let saturated = 0;
  if (counted || edge < Infinity) {
    // Read again: the view is valid only until the next allocation, and there was one above.
    saturated = binsPass(floatsOf(x), Math.fround(min), Math.fround(max > min ? bins / (max - min) : 0), counts, edge);
    // numpy.histogram closes its last bin: the values equal to max join it.
    if (counted) counts[bins - 1] += counts[bins];
  }
  return {
    mean: shift + sum / n,
    std: n > 1 ? Math.sqrt(Math.max(0, (squares - (sum * sum) / n) / (n - 1))) : NaN,
    min,
    max,
    zeros,
    saturated,
    counts: counts.subarray(0, counted ? bins : 0),
  };
}
