/**
 * The batch a width-scaling run trains on, checked as a cell may pass it: x and y live tensors,
 * or (for a tf.LayersModel with several inputs or outputs) non-empty arrays of them, all with one
 * row per example. Without it a wrong value reached tfjs ("Cannot read properties of undefined").
 */
import type * as tfjs from '@tensorflow/tfjs';
import { checkTensor } from '../../args';

export function checkBatch(fn: string, names: { x: string; y: string }, x: unknown, y: unknown): void {
  const tensors = (name: string, value: unknown): tfjs.Tensor[] =>
    Array.isArray(value) && value.length > 0 ? value.map((t, k) => checkTensor(fn, `${name}[${k}]`, t)) : [checkTensor(fn, name, value)];
  const all = [...tensors(names.x, x), ...tensors(names.y, y)];
  const rows = all[0].shape[0];
  if (all.some((t) => t.rank < 1 || t.shape[0] !== rows)) {
    throw new RangeError(`${fn}: ${names.x} and ${names.y} must have one row per example, got shapes ${all.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
  }
}
