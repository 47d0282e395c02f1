/**
 * The argument checks of `probe(model, options)` and `probe(model).step(x, y)`, kept out of
 * probe.ts so that file calls them in one line each.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { argumentError, checkBoolean, checkOptions, checkPositiveInteger, checkString, checkTensor } from '../args';

/** A model the probe can read: one with forward and backward (nn.mlp, nn.Model), or a tf.LayersModel. */
export function checkProbeArguments(model: unknown, options: unknown): void {
  const fn = 'probe';
  const hasPasses = typeof model === 'object' && model !== null && typeof (model as { forward?: unknown }).forward === 'function' && typeof (model as { backward?: unknown }).backward === 'function';
  if (!hasPasses && !(model instanceof tf.LayersModel)) throw argumentError(fn, 'model', 'a model with forward and backward (nn.mlp, nn.Model) or a tf.LayersModel', model);
  const o = checkOptions(fn, options, ['label', 'bins', 'dataGrad', 'loss', 'deadUnits', 'progress']);
  if (o.progress !== undefined && typeof o.progress !== 'function') throw argumentError(fn, 'options.progress', 'a function (layer, layers, name, phase) => void', o.progress);
  if (o.loss !== undefined && typeof o.loss !== 'string' && typeof o.loss !== 'function') throw argumentError(fn, 'options.loss', 'a tf.layers loss name or a function (yTrue, yPred) => tensor', o.loss);
  if (o.label !== undefined) checkString(fn, 'options.label', o.label);
  if (o.bins !== undefined) checkPositiveInteger(fn, 'options.bins', o.bins);
  if (o.dataGrad !== undefined) checkBoolean(fn, 'options.dataGrad', o.dataGrad);
  if (o.deadUnits !== undefined) checkBoolean(fn, 'options.deadUnits', o.deadUnits);
}

/**
 * x and y are live tensors with a row each, or (for a model with several inputs or outputs)
 * arrays of them, every one with the same number of rows.
 */
export function checkStepArguments(x: unknown, y: unknown): void {
  const fn = 'probe.step';
  const tensors = (name: string, value: unknown): tfjs.Tensor[] =>
    Array.isArray(value) && value.length > 0 ? value.map((t, k) => checkTensor(fn, `${name}[${k}]`, t)) : [checkTensor(fn, name, value)];
  const xs = tensors('x', x);
  const ys = tensors('y', y);
  const rows = xs[0].shape[0];
  const wrong = [...xs, ...ys].find((t) => t.rank < 1 || t.shape[0] !== rows);
  if (wrong) throw new RangeError(`${fn}: x and y must have one row per example (${rows ?? 0}), got shapes ${[...xs, ...ys].map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
}
