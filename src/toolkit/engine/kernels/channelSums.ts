/**
 * Per-channel sums of a WASM tensor [..., C] over all its other axes (a batch norm's moments and
 * gradient sums, a bias gradient): with channels in fours by the SIMD passes' columnSums (float64,
 * split with their worker thread), otherwise by XNNPACK's average pooling instead of JavaScript
 * loops.
 *
 * Why: a JavaScript loop over the heap ran at 6 ns a value on this project's machines (12 for a
 * sum of products), XNNPACK's SIMD pooling at 0.2-0.4 (one thread, [128, 28, 28, 16], measured
 * in one process). The rows are seen as [1, rows, 1, C] and averaged 16 at a time, which
 * XNNPACK does in float32, then again over the averages, until few are left; those, and the rows
 * left over at each level, are added in float64. Sixteen at a time keeps the float32 error near
 * rounding (a million values, 4e-10 relative); windows of 256 lost 7e-5.
 */
import { util, type TensorInfo } from '@tensorflow/tfjs';
import { simdPasses } from '../simd/simdPasses';
import type { BackendCalls } from './backendCalls';

interface HeapReader {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** Rows averaged together by XNNPACK at each level. */
const WINDOW = 16;

/** Σ over every axis but the last of float32 `x`, per channel, in float64. */
export function channelSums(calls: BackendCalls, x: TensorInfo): Float64Array {
  const heap = calls.backend as unknown as HeapReader;
  const channels = x.shape[x.shape.length - 1] ?? 1;
  let rows = channels === 0 ? 0 : util.sizeFromShape(x.shape) / channels;
  // Channels in fours: one SIMD pass in float64, split with the worker thread (XNNPACK's
  // pooling below runs on one thread here: 1.3 ms for a bias gradient over [128, 28, 28, 16]).
  const simd = channels > 0 && channels % 4 === 0 && x.dtype === 'float32' ? simdPasses() : undefined;
  if (simd) return simd.columnSums(heap.typedArrayFromHeap(x).byteOffset, rows, channels);
  const sums = new Float64Array(channels);
  let level = x;
  // Each value of `level` stands for `weight` rows of x.
  let weight = 1;
  while (rows >= 2 * WINDOW) {
    const pooled = Math.floor(rows / WINDOW);
    addRows(heap.typedArrayFromHeap(level), pooled * WINDOW, rows, channels, weight, sums);
    // 'valid' windows at stride WINDOW leave out the last rows % WINDOW rows, added above.
    const flat = calls.reshape(level, [1, rows, 1, channels]);
    level = calls.run('AvgPool', { x: flat }, { filterSize: [WINDOW, 1], strides: [WINDOW, 1], pad: 'valid' });
    rows = pooled;
    weight *= WINDOW;
  }
  addRows(heap.typedArrayFromHeap(level), 0, rows, channels, weight, sums);
  return sums;
}

/** sums[c] += weight · Σ values[r, c] for rows r in [from, to). */
function addRows(values: Float32Array, from: number, to: number, channels: number, weight: number, sums: Float64Array): void {
  for (let r = from, at = from * channels; r < to; r++) for (let c = 0; c < channels; c++, at++) sums[c] += weight * values[at];
}
