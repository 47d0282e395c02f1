/**
 * Recording during training: plain SGD on a Model, with per-step loss and per-layer std of
 * activations and weight gradients. When the loss becomes NaN or Infinity, it stops cleanly
 * at that step and says so, instead of filling the record with NaN.
 * Example: `display(train(model, x, y, { lr: 0.1, steps: 50, batchSize: 64, seed: 0 }))`
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { toStatNumber } from '../charts/finite';
import type { TrainingLoss, TrainingStepStat } from '../charts/trainingChart';
import { uniformStream } from '../random';
import { Model } from '../nn/model';
import { argumentError, checkFiniteNumber, checkOptions, checkPositiveInteger, checkSeed, checkString, checkTensor } from '../args';
import { groupLayers } from './probe';
import { tensorStats } from './tensorStats';

export interface TrainOptions {
  lr: number;
  steps: number;
  /** Rows per step, sampled with replacement from x. Default: all rows. */
  batchSize?: number;
  seed?: number;
  label?: string;
}

export interface TrainingRecord {
  kind: 'initlab.training';
  label: string;
  lr: number;
  losses: TrainingLoss[];
  stats: TrainingStepStat[];
  /** The first step whose loss was not finite; training stopped there. */
  divergedAtStep: number | null;
}

export function train(model: Model, x: tfjs.Tensor, y: tfjs.Tensor, options: TrainOptions): TrainingRecord {
  const fn = 'train';
  if (!(model instanceof Model)) throw argumentError(fn, 'model', 'an nn.Model with a loss (as nn.mlp builds)', model);
  checkTensor(fn, 'x', x);
  checkTensor(fn, 'y', y);
  if (x.rank < 1 || y.rank < 1 || y.shape[0] !== x.shape[0]) throw new RangeError(`${fn}: y must have one target per row of x (${x.shape[0] ?? 0}), got shape [${y.shape.join(', ')}]`);
  if (options === undefined) throw new TypeError(`${fn}: options { lr, steps } are required, e.g. train(model, x, y, { lr: 0.1, steps: 30 })`);
  const o = checkOptions(fn, options, ['lr', 'steps', 'batchSize', 'seed', 'label']);
  const lr = checkFiniteNumber(fn, 'options.lr', o.lr, { above: 0 });
  const steps = checkPositiveInteger(fn, 'options.steps', o.steps);
  const label = o.label === undefined ? 'model' : checkString(fn, 'options.label', o.label);
  const rows = x.shape[0];
  const batchSize = Math.min(o.batchSize === undefined ? rows : checkPositiveInteger(fn, 'options.batchSize', o.batchSize), rows);
  const next = uniformStream(checkSeed(fn, 'options.seed', o.seed) ?? 0);
  const groups = groupLayers(model);
  const inputs = groups[0].linear.w.shape[0];
  if (x.rank !== 2 || x.shape[1] !== inputs) throw new RangeError(`${fn}: x must be [rows, ${inputs}] for the model's first Linear, got a tensor of shape [${x.shape.join(', ')}]`);
  const record: TrainingRecord = { kind: 'initlab.training', label, lr, losses: [], stats: [], divergedAtStep: null };
  for (let step = 1; step <= steps; step++) {
    const batch = batchSize === rows ? undefined : tf.tensor1d(Array.from({ length: batchSize }, () => Math.floor(next() * rows)), 'int32');
    const xb = batch ? tf.gather(x, batch) : x;
    const yb = batch ? tf.gather(y, batch) : y;
    try {
      model.forward(xb, yb);
      // SGD needs the weights' gradients only: none with respect to the data.
      model.backward({ dataGrad: false });
      // The std of each layer's activation and weight gradient, as the probe computes it.
      const stds = tensorStats([...groups.map((g) => (g.activation ?? g.linear).out!), ...groups.map((g) => g.linear.w.g!)].map((tensor) => ({ tensor, momentsOnly: true }))).map((s) => s.std);
      const loss = model.loss.out!.dataSync()[0];
      record.losses.push({ step, loss: toStatNumber(loss), scheme: label });
      groups.forEach((_, i) => {
        record.stats.push({ step, layer: i + 1, quantity: 'activation', std: stds[i], scheme: label });
        record.stats.push({ step, layer: i + 1, quantity: 'weight gradient', std: stds[groups.length + i], scheme: label });
      });
      if (!Number.isFinite(loss)) {
        record.divergedAtStep = step;
        break;
      }
      for (const { linear } of groups) {
        linear.setParameters(
          tf.tidy(() => tf.sub(linear.w, tf.mul(linear.w.g!, lr))),
          tf.tidy(() => tf.sub(linear.b, tf.mul(linear.b.g!, lr))),
        );
      }
    } finally {
      if (batch) {
        batch.dispose();
        xb.dispose();
        yb.dispose();
      }
    }
  }
  model.release();
  return record;
}
