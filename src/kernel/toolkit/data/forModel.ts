/**
 * Inputs and targets that fit a model: what "Compare initializations" feeds a notebook's own
 * model. MNIST when the model takes 784 inputs (and MNIST was asked for), standard-normal rows
 * of the model's input width otherwise; targets shaped for the model's loss and output width.
 */
import { tf } from '../../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { describeModel } from '../nn/architecture';
import type { Model } from '../nn/model';
import { mnist } from './mnist';
import { argumentError, checkOneOf, checkOptions, checkPositiveInteger, checkSeed } from '../args';

export interface ForModelOptions {
  /** Default 'mnist'; MNIST falls back to synthetic rows when the model does not take 784 inputs. */
  data?: 'mnist' | 'mnist-subset' | 'synthetic';
  /** Rows of the subset and of synthetic data. Default 10,000. */
  rows?: number;
  seed?: number;
}

export interface ModelData {
  x: tfjs.Tensor2D;
  y: tfjs.Tensor;
  /** What was chosen, in words, for the cell's output. */
  description: string;
}

const MNIST_PIXELS = 784;

/** Example: `const { x, y, description } = data.forModel(model, { data: 'mnist' })` */
export function forModel(model: Model, options: ForModelOptions = {}): ModelData {
  const fn = 'data.forModel';
  const summary = describeModel(model);
  if (!summary) throw argumentError(fn, 'model', 'an nn.Model of Linear layers and the toolkit activations (as nn.mlp builds)', model);
  const o = checkOptions(fn, options, ['data', 'rows', 'seed']);
  const kind = o.data === undefined ? 'mnist' : checkOneOf(fn, 'options.data', o.data, ['mnist', 'mnist-subset', 'synthetic']);
  const inputs = summary.sizes[0];
  const outputs = summary.sizes[summary.sizes.length - 1];
  const rows = o.rows === undefined ? 10_000 : checkPositiveInteger(fn, 'options.rows', o.rows);
  const seed = checkSeed(fn, 'options.seed', o.seed) ?? 0;
  const wantsMnist = kind !== 'synthetic';

  if (wantsMnist && inputs === MNIST_PIXELS) {
    const set = mnist(kind === 'mnist-subset' ? { subset: rows } : {});
    tf.dispose([set.xValid, set.yValid]);
    const labels = set.yTrain;
    const y = mnistTargets(labels, summary.loss, outputs);
    if (y !== labels) labels.dispose();
    return { x: set.xTrain, y, description: `MNIST, ${set.xTrain.shape[0].toLocaleString('en-US')} training images, normalized` };
  }

  const x = tf.randomNormal([rows, inputs], 0, 1, 'float32', seed) as tfjs.Tensor2D;
  const y =
    summary.loss === 'crossEntropy'
      ? tf.tidy(() => tf.floor(tf.randomUniform([rows], 0, outputs, 'float32', seed + 1)))
      : tf.randomNormal(outputs === 1 ? [rows] : [rows, outputs], 0, 1, 'float32', seed + 1);
  const why = wantsMnist ? ` (the model takes ${inputs} inputs, MNIST has ${MNIST_PIXELS})` : '';
  return { x, y, description: `synthetic N(0, 1) inputs, ${rows.toLocaleString('en-US')} rows of ${inputs}${why}` };
}

/** Digit labels as the loss wants them: class ids for cross-entropy, numbers or one-hot rows for MSE. */
function mnistTargets(labels: tfjs.Tensor1D, loss: 'mse' | 'crossEntropy', outputs: number): tfjs.Tensor {
  if (loss === 'crossEntropy' || outputs === 1) return labels;
  return tf.tidy(() => tf.oneHot(labels.toInt(), outputs).toFloat());
}
