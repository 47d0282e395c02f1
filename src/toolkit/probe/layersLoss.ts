/** The loss a probe of a tf.LayersModel differentiates: the model's compiled one, or one given by name or function. */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import type { Container } from './layersGraph';

export type LossFunction = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;
/** A loss by its tf.layers name, or a function of (yTrue, yPred) whose mean is the loss. */
export type LossSpec = 'meanSquaredError' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy' | LossFunction;

const LOSSES: Record<string, LossFunction> = {
  meanSquaredError: (y, p) => tf.metrics.meanSquaredError(y, p),
  mse: (y, p) => tf.metrics.meanSquaredError(y, p),
  categoricalCrossentropy: (y, p) => tf.metrics.categoricalCrossentropy(y, p),
  sparseCategoricalCrossentropy: sparseCategoricalCrossentropy,
  binaryCrossentropy: (y, p) => tf.metrics.binaryCrossentropy(y, p),
};

/** −log p[label], as tf.layers computes it on probabilities (its metrics module does not export it). */
function sparseCategoricalCrossentropy(labels: tfjs.Tensor, probabilities: tfjs.Tensor): tfjs.Tensor {
  return tf.tidy(() => {
    const classes = probabilities.shape[probabilities.shape.length - 1]!;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes);
    const p = tf.clipByValue(tf.reshape(probabilities, [-1, classes]), 1e-7, 1 - 1e-7);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1));
  });
}

/** The loss of a model's (first) output. */
export function lossFunction(container: Container, spec: LossSpec | undefined): LossFunction {
  return lossFunctions(container, spec)[0];
}

/** One loss per output of the model: the given one for each, or each output's compiled loss. */
export function lossFunctions(container: Container, spec: LossSpec | undefined): LossFunction[] {
  const outputs = container.outputs.length;
  if (typeof spec === 'function') return Array(outputs).fill(spec);
  if (typeof spec === 'string') {
    const fn = LOSSES[spec];
    if (!fn) throw new Error(`probe: unknown loss "${spec}"; use one of ${Object.keys(LOSSES).join(', ')} or a function (yTrue, yPred) => tensor`);
    return Array(outputs).fill(fn);
  }
  const compiled = container.lossFunctions;
  if (!compiled?.length) throw new Error("probe: the model has no loss; compile it (model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' })) or give one: probe(model, { loss: 'meanSquaredError' })");
  return compiled;
}
