/**
 * The batches a data-dependent scheme (MetaInit, GradInit) reads from the rows it is given:
 * consecutive blocks of `size` rows, taken in turn and from the start again once used up.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';

export interface Batch {
  x: tfjs.Tensor;
  y: tfjs.Tensor;
}

/** The rows [k·size, (k+1)·size) of x and y, k counted modulo the number of whole blocks. The caller disposes them. */
export function batchAt(x: tfjs.Tensor, y: tfjs.Tensor, k: number, size: number): Batch {
  const blocks = Math.max(1, Math.floor(x.shape[0] / size));
  const start = (k % blocks) * size;
  const rows = (t: tfjs.Tensor) => tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1).map(() => -1)]);
  return { x: rows(x), y: rows(y) };
}
