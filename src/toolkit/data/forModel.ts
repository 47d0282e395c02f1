/**
 * Inputs and targets that fit a model: what "Compare initializations" feeds a notebook's own
 * model. MNIST when the model takes 784 inputs, or 28 × 28 × 1 images (and MNIST was asked for),
 * standard-normal inputs of the model's input shape otherwise; targets shaped for the model's
 * loss and output width.
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { describeModel } from '../nn/architecture';
import type { Model } from '../nn/model';
import { describeLayersModel, isLayersModel } from '../nn/layersModels';
import { describeConvModel, type ConvModelSummary } from '../nn/convModels';
import { mnist } from './mnist';
import { engineSeed } from '../random';
import { argumentError, checkOneOf, checkOptions, checkPositiveInteger, checkSeed } from '../args';

export interface ForModelOptions {
  /** Default 'mnist'; MNIST falls back to synthetic rows when the model does not take 784 inputs. */
  data?: 'mnist' | 'mnist-subset' | 'synthetic';
  /** Rows of the subset and of synthetic data. Default 10,000 (2,000 for image models: every layer's activations and gradients are kept for the probe). */
  rows?: number;
  seed?: number;
}

export interface ModelData {
  x: tfjs.Tensor;
  y: tfjs.Tensor;
  /** What was chosen, in words, for the cell's output. */
  description: string;
}

const MNIST_PIXELS = 784;

/** Example: `const { x, y, description } = data.forModel(model, { data: 'mnist' })` */
export function forModel(model: Model | tfjs.LayersModel, options: ForModelOptions = {}): ModelData {
  if (isLayersModel(model)) return forLayersModel(model, options);
  const conv = describeConvModel(model);
  if (conv) return forConvModel(conv, options);
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

  const x = tf.randomNormal([rows, inputs], 0, 1, 'float32', engineSeed(seed)) as tfjs.Tensor2D;
  const y =
    summary.loss === 'crossEntropy'
      ? tf.tidy(() => tf.floor(tf.randomUniform([rows], 0, outputs, 'float32', engineSeed(seed + 1))))
      : tf.randomNormal(outputs === 1 ? [rows] : [rows, outputs], 0, 1, 'float32', engineSeed(seed + 1));
  const why = wantsMnist ? ` (the model takes ${inputs} inputs, MNIST has ${MNIST_PIXELS})` : '';
  return { x, y, description: `synthetic N(0, 1) inputs, ${rows.toLocaleString('en-US')} rows of ${inputs}${why}` };
}

/** Digit labels as the loss wants them: class ids for cross-entropy, numbers or one-hot rows for MSE. */
function mnistTargets(labels: tfjs.Tensor1D, loss: 'mse' | 'crossEntropy', outputs: number): tfjs.Tensor {
  if (loss === 'crossEntropy' || outputs === 1) return labels;
  return tf.tidy(() => tf.oneHot(labels.toInt(), outputs).toFloat());
}

const IMAGE_ROWS = 2_000;
const isMnistImage = (shape: readonly number[]) => shape.length === 3 && shape[0] === 28 && shape[1] === 28 && shape[2] === 1;

/** Data for a tf.LayersModel: MNIST as rows or as 28 × 28 × 1 images, else N(0, 1) of its input shape. */
function forLayersModel(model: tfjs.LayersModel, options: ForModelOptions): ModelData {
  const summary = describeLayersModel(model);
  const shape = summary.inputShape;
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`data.forModel needs a model with a fixed input shape, got [${shape.join(', ')}]`);
  const image = isMnistImage(shape);
  const rows = options.rows ?? (shape.length > 1 ? IMAGE_ROWS : 10_000);
  const seed = options.seed ?? 0;
  const wantsMnist = (options.data ?? 'mnist') !== 'synthetic';
  const loss = summary.loss ?? 'meanSquaredError';
  if (wantsMnist && (image || (shape.length === 1 && shape[0] === MNIST_PIXELS)) && summary.outputUnits === 10) {
    const set = mnist(image || options.data === 'mnist-subset' ? { subset: rows } : {});
    tf.dispose([set.xValid, set.yValid]);
    const x = image ? tf.reshape(set.xTrain, [-1, 28, 28, 1]) : set.xTrain;
    if (x !== set.xTrain) set.xTrain.dispose();
    const y = classTargets(set.yTrain, loss, 10);
    if (y !== set.yTrain) set.yTrain.dispose();
    const what = image ? 'images of 28 × 28 × 1' : 'rows of 784';
    return { x, y, description: `MNIST, ${x.shape[0].toLocaleString('en-US')} training ${what}, normalized` };
  }
  const x = tf.randomNormal([rows, ...shape], 0, 1, 'float32', engineSeed(seed));
  const classes = summary.outputUnits;
  const y = /crossentropy/i.test(loss)
    ? tf.tidy(() => classTargets(tf.floor(tf.randomUniform([rows], 0, loss === 'binaryCrossentropy' ? 2 : classes, 'float32', engineSeed(seed + 1))) as tfjs.Tensor1D, loss, classes))
    : tf.randomNormal([rows, classes], 0, 1, 'float32', engineSeed(seed + 1));
  const why = wantsMnist ? ' (the model does not take MNIST digits)' : '';
  return { x, y, description: `synthetic N(0, 1) inputs, ${rows.toLocaleString('en-US')} of shape [${shape.join(', ')}]${why}` };
}

/** Class ids as a tf.layers loss wants them: one-hot for categorical losses and MSE, ids for sparse, [N, 1] for binary. */
function classTargets(labels: tfjs.Tensor1D, loss: string, classes: number): tfjs.Tensor {
  if (loss === 'sparseCategoricalCrossentropy') return labels;
  if (loss === 'binaryCrossentropy') return tf.tidy(() => tf.reshape(tf.mod(labels, 2), [-1, 1]));
  return tf.tidy(() => tf.oneHot(labels.toInt(), classes).toFloat());
}

/** Data for an nn CNN: MNIST images when it reads one channel and has 10 outputs, else N(0, 1) images of 28 × 28. */
function forConvModel(summary: ConvModelSummary, options: ForModelOptions): ModelData {
  const rows = options.rows ?? IMAGE_ROWS;
  const seed = options.seed ?? 0;
  if ((options.data ?? 'mnist') !== 'synthetic' && summary.inChannels === 1 && summary.outputs === 10) {
    const set = mnist({ subset: rows });
    tf.dispose([set.xValid, set.yValid]);
    const x = tf.reshape(set.xTrain, [-1, 28, 28, 1]);
    set.xTrain.dispose();
    const y = summary.loss === 'crossEntropy' ? set.yTrain : tf.tidy(() => tf.oneHot(set.yTrain.toInt(), 10).toFloat());
    if (y !== set.yTrain) set.yTrain.dispose();
    return { x, y, description: `MNIST, ${x.shape[0].toLocaleString('en-US')} training images of 28 × 28 × 1, normalized` };
  }
  const x = tf.randomNormal([rows, 28, 28, summary.inChannels], 0, 1, 'float32', engineSeed(seed));
  const y =
    summary.loss === 'crossEntropy'
      ? tf.tidy(() => tf.floor(tf.randomUniform([rows], 0, summary.outputs, 'float32', engineSeed(seed + 1))))
      : tf.randomNormal([rows, summary.outputs], 0, 1, 'float32', engineSeed(seed + 1));
  return { x, y, description: `synthetic N(0, 1) images, ${rows.toLocaleString('en-US')} of 28 × 28 × ${summary.inChannels}` };
}
