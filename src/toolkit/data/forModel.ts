/**
 * Inputs and targets that fit a model: what "Compare initializations" feeds a notebook's own
 * model. MNIST when the model takes it (784 inputs or 28 × 28 × 1 images, and 10 outputs, or 1
 * for digits as numbers) and MNIST was asked for; standard-normal inputs of the model's input
 * shape otherwise. Targets are shaped for the model's loss (nn/modelShape.ts says which form).
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import type { Model } from '../nn/model';
import { MNIST_PIXELS, modelShape, takesMnistDigits, type ModelShape } from '../nn/modelShape';
import { mnist } from './mnist';
import { engineSeed } from '../random';
import { argumentError, checkOneOf, checkOptions, checkPositiveInteger, checkSeed } from '../args';

export interface ForModelOptions {
  /** Default 'mnist'; MNIST falls back to synthetic inputs when the model does not take it. */
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

const ROWS = 10_000;
const IMAGE_ROWS = 2_000;
const count = (n: number) => n.toLocaleString('en-US');

/** Example: `const { x, y, description } = data.forModel(model, { data: 'mnist' })` */
export function forModel(model: Model | tfjs.LayersModel, options: ForModelOptions = {}): ModelData {
  const fn = 'data.forModel';
  const shape = modelShape(model);
  if (!shape) throw argumentError(fn, 'model', 'an nn model as nn.mlp or nn.cnn builds it, or a tf.LayersModel with one input and one output', model);
  const o = checkOptions(fn, options, ['data', 'rows', 'seed']);
  const kind = o.data === undefined ? 'mnist' : checkOneOf(fn, 'options.data', o.data, ['mnist', 'mnist-subset', 'synthetic']);
  const image = shape.inputShape.length > 1;
  const rows = o.rows === undefined ? (image ? IMAGE_ROWS : ROWS) : checkPositiveInteger(fn, 'options.rows', o.rows);
  const seed = checkSeed(fn, 'options.seed', o.seed) ?? 0;
  if (shape.inputShape.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`${fn} needs a model with a fixed input shape, got [${shape.inputShape.join(', ')}]`);
  if (kind !== 'synthetic' && shape.takesMnist) return mnistFor(shape, image || kind === 'mnist-subset' ? rows : undefined);
  return syntheticFor(shape, rows, seed, kind !== 'synthetic');
}

/** MNIST's training split (or its first `subset` rows), as rows of 784 or as images. */
function mnistFor(shape: ModelShape, subset: number | undefined): ModelData {
  const set = mnist(subset === undefined ? {} : { subset });
  tf.dispose([set.xValid, set.yValid]);
  const image = shape.inputShape.length > 1;
  const x = image ? tf.reshape(set.xTrain, [-1, ...shape.inputShape]) : set.xTrain;
  if (x !== set.xTrain) set.xTrain.dispose();
  const y = digitTargets(set.yTrain, shape);
  if (y !== set.yTrain) set.yTrain.dispose();
  const what = image ? ` of ${shape.inputShape.join(' × ')}` : '';
  return { x, y, description: `MNIST, ${count(x.shape[0])} training images${what}, normalized` };
}

/** Digit labels in the form the loss wants; digits as numbers for a single regression output. */
function digitTargets(labels: tfjs.Tensor1D, shape: ModelShape): tfjs.Tensor {
  if (shape.targets === 'classIds') return labels;
  if (shape.targets === 'binary') return tf.tidy(() => tf.reshape(tf.mod(labels, 2), [-1, 1]));
  if (shape.targets === 'values' && shape.outputs === 1) return valuesShaped(labels, shape);
  return tf.tidy(() => tf.oneHot(labels.toInt(), shape.outputs).toFloat());
}

/** One number per example: [N] for nn losses, [N, 1] for tf.layers, which wants a target per output unit. */
function valuesShaped(values: tfjs.Tensor1D, shape: ModelShape): tfjs.Tensor {
  return shape.kind === 'layers' ? tf.reshape(values, [-1, 1]) : values;
}

/** N(0, 1) inputs of the model's shape, and random targets of its loss's form. */
function syntheticFor(shape: ModelShape, rows: number, seed: number, mnistAsked: boolean): ModelData {
  const x = tf.randomNormal([rows, ...shape.inputShape], 0, 1, 'float32', engineSeed(seed));
  const ySeed = engineSeed(seed + 1);
  const classes = (n: number) => tf.floor(tf.randomUniform([rows], 0, n, 'float32', ySeed)) as tfjs.Tensor1D;
  const y = tf.tidy(() => {
    if (shape.targets === 'classIds') return classes(shape.outputs);
    if (shape.targets === 'binary') return tf.reshape(classes(2), [-1, 1]);
    if (shape.targets === 'oneHot') return tf.oneHot(classes(shape.outputs).toInt(), shape.outputs).toFloat();
    const values = tf.randomNormal(shape.outputs === 1 ? [rows] : [rows, shape.outputs], 0, 1, 'float32', ySeed);
    return shape.outputs === 1 ? valuesShaped(values as tfjs.Tensor1D, shape) : values;
  });
  const of = shape.inputShape.length === 1 ? `${count(rows)} rows of ${shape.inputShape[0]}` : `${count(rows)} of shape [${shape.inputShape.join(', ')}]`;
  return { x, y, description: `synthetic N(0, 1) inputs, ${of}${mnistAsked ? ` (${whyNotMnist(shape)})` : ''}` };
}

function whyNotMnist(shape: ModelShape): string {
  const input = shape.inputShape;
  if (!takesMnistDigits(input)) return input.length === 1 ? `the model takes ${input[0]} inputs, MNIST has ${MNIST_PIXELS}` : `the model takes images of ${input.join(' × ')}, MNIST's are 28 × 28 × 1`;
  return `the model has ${shape.outputs} outputs, MNIST has 10 classes`;
}
