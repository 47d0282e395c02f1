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
  const o = checkOptions(fn, options, ['label', 'bins', 'dataGrad', 'loss', 'deadUnits']);
  if (o.loss !== undefined && typeof o.loss !== 'string' && typeof o.loss !== 'function') throw argumentError(fn, 'options.loss', 'a tf.layers loss name or a function (yTrue, yPred) => tensor', o.loss);
  if (o.label !== undefined) checkString(fn, 'options.label', o.label);
  if (o.bins !== undefined) checkPositiveInteger(fn, 'options.bins', o.bins);
  if (o.dataGrad !== undefined) checkBoolean(fn, 'options.dataGrad', o.dataGrad);
  if (o.deadUnits !== undefined) checkBoolean(fn, 'options.deadUnits', o.deadUnits);
}

/** x and y are live tensors with a row each. */
export function checkStepArguments(x: unknown, y: unknown): void {
  const fn = 'probe.step';
  const xs = checkTensor(fn, 'x', x);
  const ys: tfjs.Tensor = checkTensor(fn, 'y', y);
  if (xs.rank < 1 || ys.rank < 1 || xs.shape[0] !== ys.shape[0]) throw new RangeError(`${fn}: y must have one target per row of x (${xs.shape[0] ?? 0}), got shape [${ys.shape.join(', ')}]`);
}
