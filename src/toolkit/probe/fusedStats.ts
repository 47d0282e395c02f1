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
 * `dataSync()` copies them. On the threaded WASM engine a worker thread reads the second half
 * of each large tensor while the main thread reads the first (statsWorker.ts). A tensor holding
 * NaN or Infinity is left to the engine path, which counts them and bins the rest.
 */
import * as os from 'node:os';
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { MAX_PARALLEL_BINS, StatsWorker, warmUpPasses } from './statsWorker';

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
  const m = counts.length;
  // Four interleaved sub-histograms: values in a row that land in one bin would otherwise wait
  // on each other's increment (measured: 0.18 s against 0.32 s for 39 million values). Indices
  // are in [0, m) and non-negative, so `| 0` truncates as Math.trunc does; int32 counts hold
  // a quarter of any tensor the engine can allocate.
  const sub = new Int32Array(4 * m);
  if (m > 0) {
    let i = 0;
    for (; i + 3 < n; i += 4) {
      sub[Math.fround(Math.fround(values[i] - lo) * scale) | 0]++;
      sub[m + (Math.fround(Math.fround(values[i + 1] - lo) * scale) | 0)]++;
      sub[2 * m + (Math.fround(Math.fround(values[i + 2] - lo) * scale) | 0)]++;
      sub[3 * m + (Math.fround(Math.fround(values[i + 3] - lo) * scale) | 0)]++;
    }
    for (; i < n; i++) sub[Math.fround(Math.fround(values[i] - lo) * scale) | 0]++;
    for (let k = 0; k < m; k++) counts[k] += sub[k] + sub[m + k] + sub[2 * m + k] + sub[3 * m + k];
  }
  let saturated = 0;
  if (edge !== Infinity) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v > edge || v < -edge) saturated++;
    }
  }
  return saturated;
}

let warmedUp = false;
function warmUp(): void {
  if (warmedUp) return;
  warmedUp = true;
  warmUpPasses({ moments: momentsPass, bins: binsPass });
}

/** A part of a tensor, from a moments pass: count, mean and sum of squared deviations. */
interface Moments {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  zeros: number;
  finite: boolean;
}

function momentsOf(out: Float64Array, n: number): Moments {
  const [shift, sum, squares, min, max, zeros] = out;
  // NaN and ±Infinity all make the sums non-finite (NaN compares false, so min/max miss it).
  const finite = Number.isFinite(sum) && Number.isFinite(squares) && Number.isFinite(shift);
  return { n, mean: shift + sum / n, m2: squares - (sum * sum) / n, min, max, zeros, finite };
}

/** Two parts as one (Chan, Golub and LeVeque's pairwise update). */
function mergeMoments(a: Moments, b: Moments): Moments {
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return {
    n,
    mean: a.mean + (delta * b.n) / n,
    m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    zeros: a.zeros + b.zeros,
    finite: a.finite && b.finite,
  };
}

/** Below this many values a tensor is read by the main thread alone: the hand-off costs more. */
const PARALLEL_MIN_VALUES = 1 << 20;

let worker: StatsWorker | null | undefined;

/**
 * Where the second half of a large tensor can be read by the worker thread: on the threaded
 * WASM engine (a shared heap), on a machine with more than one core, unless
 * INITLAB_STATS_WORKER=0 (the benchmark's one-thread variant).
 */
function parallelTarget(x: tfjs.Tensor): { worker: StatsWorker; heap: SharedArrayBuffer; offset: number } | undefined {
  if (x.size < PARALLEL_MIN_VALUES || tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
  const heap = backend.wasm?.HEAPU8.buffer;
  if (!(heap instanceof SharedArrayBuffer) || typeof backend.getMemoryOffset !== 'function') return undefined;
  if (worker === undefined) {
    worker = os.availableParallelism() > 1 && process.env.INITLAB_STATS_WORKER !== '0' ? new StatsWorker(heap, { moments: momentsPass, bins: binsPass }) : null;
  }
  if (!worker?.usable) return undefined;
  return { worker, heap, offset: backend.getMemoryOffset(x.dataId) };
}

/** How many half-passes the worker thread has completed so far (0 when it is not in use). */
export function parallelStatsJobs(): number {
  return worker ? worker.jobs : 0;
}

/** Moments of all of x: split between the threads when it is large, else in one pass. */
function momentsOfTensor(x: tfjs.Tensor): Moments {
  const out = new Float64Array(6);
  const target = parallelTarget(x);
  if (!target) {
    momentsPass(floatsOf(x), out);
    return momentsOf(out, x.size);
  }
  const half = Math.floor(x.size / 2);
  const job = target.worker.moments(target.heap, target.offset + half * 4, x.size - half);
  momentsPass(new Float32Array(target.heap, target.offset, half), out);
  const first = momentsOf(out, half);
  let second: Moments;
  try {
    second = momentsOf(job.wait(), x.size - half);
  } catch {
    momentsPass(new Float32Array(target.heap, target.offset + half * 4, x.size - half), out);
    second = momentsOf(out, x.size - half);
  }
  return mergeMoments(first, second);
}

/** Histogram counts (bins + 1 slots) and the saturated count of all of x, split like the moments. */
function binsOfTensor(x: tfjs.Tensor, lo: number, scale: number, counts: Float64Array, edge: number): number {
  const target = counts.length <= MAX_PARALLEL_BINS + 1 ? parallelTarget(x) : undefined;
  if (!target) return binsPass(floatsOf(x), lo, scale, counts, edge);
  const half = Math.floor(x.size / 2);
  const secondHalf = () => new Float32Array(target.heap, target.offset + half * 4, x.size - half);
  const job = target.worker.bins(target.heap, target.offset + half * 4, x.size - half, lo, scale, edge, counts.length);
  let saturated = binsPass(new Float32Array(target.heap, target.offset, half), lo, scale, counts, edge);
  try {
    const results = job.wait();
    saturated += results[0];
    for (let i = 0; i < counts.length; i++) counts[i] += results[1 + i];
  } catch {
    saturated += binsPass(secondHalf(), lo, scale, counts, edge);
  }
  return saturated;
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
  const { n, mean, m2, min, max, zeros, finite } = momentsOfTensor(x);
  if (!finite) return undefined;
  const counted = !options.momentsOnly;
  const counts = new Float64Array(counted ? bins + 1 : 0);
  const edge = options.saturationEdge ?? Infinity;
  let saturated = 0;
  if (counted || edge < Infinity) {
    // Read again: a view of the heap is valid only until the next allocation.
    saturated = binsOfTensor(x, Math.fround(min), Math.fround(max > min ? bins / (max - min) : 0), counts, edge);
    // numpy.histogram closes its last bin: the values equal to max join it.
    if (counted) counts[bins - 1] += counts[bins];
  }
  return {
    mean,
    std: n > 1 ? Math.sqrt(Math.max(0, m2 / (n - 1))) : NaN,
    min,
    max,
    zeros,
    saturated,
    counts: counts.subarray(0, counted ? bins : 0),
  };
}
