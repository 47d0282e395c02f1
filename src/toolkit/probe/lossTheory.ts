/**
 * The loss at a model's output, where the theory's backward walk starts (graphTheory.ts): which
 * of the loss's own gradient formulas applies to an output node, and the error e it needs,
 * measured once from the model's output and the targets.
 *
 * Why from the loss and not from the gradient measured at the output: a softmax or sigmoid head
 * trained with its cross-entropy has ∂L/∂z = (p − y)/M at its logits, while the walk through the
 * head's derivative, df(z)·∂L/∂p, is wrong for both: a softmax is not elementwise (no
 * prediction at all), and for a sigmoid E[df²]·E[(∂L/∂p)²] ignores that ∂L/∂p = (p − y)/(p(1 − p))
 * is largest exactly where df = p(1 − p) is smallest (17× to 100× off on real models, thousands
 * of times once the logits are wide).
 *
 * The error is read inside the probe's own loss call: the tf.layers adapter computes each
 * output's loss once, on the output tensor itself, and a wrapped loss sees that tensor and the
 * targets as they are, with no second forward (which would run BatchNorm in inference mode and
 * see other logits).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { CrossEntropy, MSE } from '../nn/losses';
import type { Model, Sequential } from '../nn/model';
import type { OutputLoss } from './graphTheory';
import type { LossFunction, LossSpec } from './layersLoss';

/** The losses with a rule, by family. */
export type LossFamily = 'crossEntropy' | 'binaryCrossEntropy' | 'meanSquaredError';

/** What was measured at an output, for the loss's rule (graphTheory.ts' header). */
export interface OutputError {
  family: LossFamily;
  /** The output is the logits and the loss applies the softmax itself (nn.CrossEntropy), not probabilities (tf.layers). */
  fromLogits: boolean;
  /** E[e²] over the output's elements. */
  errorSecondMoment: number;
  /** M: the terms the loss averages. */
  terms: number;
  /** K: the output's last axis. */
  units: number;
}

const FAMILIES: Record<string, LossFamily> = {
  categoricalCrossentropy: 'crossEntropy',
  sparseCategoricalCrossentropy: 'crossEntropy',
  binaryCrossentropy: 'binaryCrossEntropy',
  meanSquaredError: 'meanSquaredError',
  mse: 'meanSquaredError',
  MSE: 'meanSquaredError',
};

/**
 * The tf.layers name of the loss a probe of `model` differentiates at output `k`: the one given,
 * or the model's compiled one. undefined for a loss function of the user's (its gradient is unknown).
 */
export function layersLossName(model: tfjs.LayersModel, spec: LossSpec | undefined, k = 0): string | undefined {
  if (spec !== undefined) return typeof spec === 'string' ? spec : metricName(spec);
  // compile() keeps what it was given: a name or a function, an array of them (one per output),
  // or an object of them by output name.
  const compiled = (model as unknown as { loss?: unknown }).loss;
  const names = model.outputNames ?? [];
  const own = Array.isArray(compiled) ? compiled[k] : compiled !== null && typeof compiled === 'object' ? (compiled as Record<string, unknown>)[names[k]] : compiled;
  return typeof own === 'string' ? own : typeof own === 'function' ? metricName(own as LossFunction) : undefined;
}

/** tf.metrics' losses passed as functions are the named ones. */
function metricName(fn: LossFunction): string | undefined {
  const known: [unknown, string][] = [
    [tf.metrics.categoricalCrossentropy, 'categoricalCrossentropy'],
    [tf.metrics.binaryCrossentropy, 'binaryCrossentropy'],
    [tf.metrics.meanSquaredError, 'meanSquaredError'],
  ];
  return known.find(([f]) => f === fn)?.[1];
}

/**
 * The losses of a model's outputs as one function, for the probe to pass as its loss: call k
 * computes output k's (the pass calls it once per output, in the model's order), and measures
 * the error its rule needs into `errors[k]`. A loss without a rule passes through.
 */
export function observingLoss(losses: readonly LossFunction[], names: readonly (string | undefined)[], errors: (OutputError | undefined)[]): LossFunction {
  return (yTrue, yPred) => {
    const k = errors.length % losses.length;
    const value = losses[k](yTrue, yPred);
    errors.push(names[k] === undefined ? undefined : layersOutputError(names[k], yTrue, yPred));
    return value;
  };
}

/** tf.layers' epsilon(): its cross-entropies clip probabilities to [ε, 1 − ε]. */
const epsilon = () => tf.backend().epsilon();

/** E[e²] of tf.layers loss `name` on the model's output `yPred` (see graphTheory.ts' header); undefined if the loss has no rule or the shapes do not fit it. */
export function layersOutputError(name: string, yTrue: tfjs.Tensor, yPred: tfjs.Tensor): OutputError | undefined {
  const family = FAMILIES[name];
  if (!family || yPred.rank < 1 || yPred.size === 0) return undefined;
  const units = yPred.shape[yPred.rank - 1];
  const terms = yPred.size / units;
  const sparse = name === 'sparseCategoricalCrossentropy';
  // A target of another shape would broadcast against the output in the loss: no rule for that.
  if (sparse ? yTrue.size !== terms : yTrue.shape.join() !== yPred.shape.join()) return undefined;
  try {
    const sum = tf.tidy(() => {
      const p = tf.reshape(tf.cast(yPred, 'float32'), [terms, units]);
      const y = sparse ? tf.oneHot(tf.cast(tf.floor(tf.cast(tf.reshape(yTrue, [-1]), 'float32')), 'int32'), units) : tf.reshape(tf.cast(yTrue, 'float32'), [terms, units]);
      if (family === 'meanSquaredError') return tf.sum(tf.squaredDifference(p, y));
      const eps = epsilon();
      // The clip passes a gradient where p is inside [ε, 1 − ε] (clipByValue's gradient).
      const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(p, eps), tf.lessEqual(p, 1 - eps)), 'float32');
      const ym = tf.mul(y, inside);
      if (family === 'binaryCrossEntropy') return tf.sum(tf.square(tf.sub(tf.mul(p, inside), ym)));
      // e = p·Σ_k y_k·m_k − y·m: the softmax's Jacobian applied to the clipped −y/p.
      return tf.sum(tf.square(tf.sub(tf.mul(p, tf.sum(ym, -1, true)), ym)));
    });
    const e2 = sum.dataSync()[0] / yPred.size;
    sum.dispose();
    return { family, fromLogits: false, errorSecondMoment: e2, terms, units };
  } catch {
    // The theory goes without a loss rule rather than fail the probe.
    return undefined;
  }
}

/** E[e²] of an nn Model's loss on its last pass: nn.CrossEntropy's softmax(z) − y, nn.MSE's ŷ − y. */
export function nnOutputError(model: Sequential): OutputError | undefined {
  const loss = (model as Partial<Model>).loss;
  if (!loss || !(loss instanceof CrossEntropy || loss instanceof MSE)) return undefined;
  const { inp: pred, target } = loss;
  if (!pred || !target || pred.isDisposed || target.isDisposed || pred.rank < 1) return undefined;
  const units = pred.shape[pred.rank - 1];
  const crossEntropy = loss instanceof CrossEntropy;
  const sum = tf.tidy(() => tf.sum(tf.squaredDifference(crossEntropy ? tf.softmax(pred) : pred, tf.reshape(target, pred.shape))));
  const e2 = sum.dataSync()[0] / pred.size;
  sum.dispose();
  // nn.CrossEntropy divides by the batch (pred.shape[0]), nn.MSE by every element.
  return { family: crossEntropy ? 'crossEntropy' : 'meanSquaredError', fromLogits: crossEntropy, errorSecondMoment: e2, terms: crossEntropy ? pred.shape[0] : pred.size / units, units };
}

/**
 * The loss rule for an output node that shows `activation` ('softmax', 'sigmoid', 'none', ...;
 * `kind` 'softmax' for a Softmax layer), or undefined where none applies and the walk starts from
 * the gradient measured at the output.
 */
export function outputLoss(error: OutputError, node: { activation: string; kind: string }): OutputLoss | undefined {
  const measured = { errorSecondMoment: error.errorSecondMoment, terms: error.terms, units: error.units };
  const softmax = node.activation === 'softmax' || node.kind === 'softmax';
  switch (error.family) {
    case 'crossEntropy':
      if (error.fromLogits) return { rule: 'softmaxCrossEntropy', at: 'output', ...measured };
      return softmax ? { rule: 'softmaxCrossEntropy', at: 'logits', ...measured } : undefined;
    case 'binaryCrossEntropy':
      return node.activation === 'sigmoid' ? { rule: 'sigmoidCrossEntropy', at: 'logits', ...measured } : undefined;
    case 'meanSquaredError':
      return softmax ? undefined : { rule: 'meanSquaredError', at: 'output', ...measured };
  }
}
