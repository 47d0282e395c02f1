/**
 * `sgdSteps(model, x, y, { lr, batchSize, seed })`: one step of plain SGD per call, for
 * `record`. Batches are drawn with replacement from a seeded stream, so two models given the
 * same seed see the same batches in the same order: what a comparison of initializations needs.
 * nn models (dense, or convolutional with BatchNorm and residual blocks) update through their
 * hand-written backward and `sgdUpdate`; a tf.LayersModel
 * through `tf.train.sgd` on its compiled loss (or `loss`).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { argumentError, checkFiniteNumber, checkOptions, checkPositiveInteger, checkSeed, checkTensor } from '../args';
import { uniformStream } from '../random';
import { Model } from '../nn/model';
import { sgdUpdate } from '../nn/sgdUpdate';
import { isLayersModel, stepsOf } from '../probe/layersGraph';
import { lossFunction, type LossSpec } from '../probe/layersLoss';
import type { Probeable } from '../probe/probe';

export interface SgdOptions {
  lr?: number;
  batchSize?: number;
  seed?: number;
  /** A tf.LayersModel's loss, when not its compiled one. */
  loss?: LossSpec;
}

export function sgdSteps(model: Probeable, x: tfjs.Tensor, y: tfjs.Tensor, options: SgdOptions = {}): (step: number) => number {
  const fn = 'sgdSteps';
  checkTensor(fn, 'x', x);
  checkTensor(fn, 'y', y);
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) throw new RangeError(`${fn}: y must have one target per row of x (${x.shape[0] ?? 0}), got shape [${y.shape.join(', ')}]`);
  const o = checkOptions(fn, options, ['lr', 'batchSize', 'seed', 'loss']);
  const lr = o.lr === undefined ? 0.01 : checkFiniteNumber(fn, 'options.lr', o.lr, { above: 0 });
  const rows = x.shape[0];
  const batchSize = Math.min(o.batchSize === undefined ? 64 : checkPositiveInteger(fn, 'options.batchSize', o.batchSize), rows);
  const next = uniformStream(checkSeed(fn, 'options.seed', o.seed) ?? 0);
  const batch = () => tf.tensor1d(Array.from({ length: batchSize }, () => Math.floor(next() * rows)), 'int32');

  if (isLayersModel(model)) {
    const loss = lossFunction(stepsOf(model).container, o.loss as LossSpec | undefined);
    const optimizer = tf.train.sgd(lr);
    return () => {
      const rowsOf = batch();
      try {
        const value = optimizer.minimize(() => {
          const xb = tf.gather(x, rowsOf);
          const yb = tf.gather(y, rowsOf);
          return tf.mean(loss(yb, model.apply(xb, { training: true }) as tfjs.Tensor)) as tfjs.Scalar;
        }, true)!;
        const figure = value.dataSync()[0];
        value.dispose();
        return figure;
      } finally {
        rowsOf.dispose();
      }
    };
  }
  if (!(model instanceof Model)) throw argumentError(fn, 'model', 'an nn.Model with a loss (as nn.mlp or nn.cnn builds) or a tf.LayersModel', model);
  return () => {
    const rowsOf = batch();
    const xb = tf.gather(x, rowsOf);
    const yb = tf.gather(y, rowsOf);
    try {
      const loss = model.forward(xb, yb).dataSync()[0];
      model.backward({ dataGrad: false });
      sgdUpdate(model, lr);
      model.release();
      return loss;
    } finally {
      tf.dispose([rowsOf, xb, yb]);
    }
  };
}
