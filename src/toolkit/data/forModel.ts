/**
 * Inputs and targets that fit a model: what "Compare initializations" feeds a notebook's own
 * model. MNIST when the model takes it (784 inputs or 28 × 28 × 1 images, and 10 outputs, or 1
 * for digits as numbers) and MNIST was asked for; standard-normal inputs of the model's input
 * shape otherwise, or token ids for a model that starts with an Embedding. Targets take the
 * model's output shape and the form its loss wants (nn/modelShape.ts says which).
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
  if (kind !== 'synthetic' && shape.takesMnist) return mnistFor(shape, image || kind === 'mnist-subset' ? rows : undefined);
  const fixed = withFreeSizesFixed(model, shape);
  const data = syntheticFor(fixed, rows, seed, kind !== 'synthetic');
  const free = shape.inputShape.some((d) => d === null);
  return free ? { ...data, description: `${data.description}; the model takes any length, ${FREE_SIZE} was drawn` } : data;
}

/** What a free size (null in the model's input shape: a sequence of any length) becomes in synthetic data. */
const FREE_SIZE = 16;

/**
 * The shape with every free input size (a sequence or image of any length) set to FREE_SIZE,
 * and the output shape that gives, read off the model run on one zero example: a strided
 * convolution's output is not the input's size.
 */
function withFreeSizesFixed(model: Model | tfjs.LayersModel, shape: ModelShape): ModelShape {
  const sizes = shape.inputShape as (number | null)[];
  if (!sizes.includes(null) && !(shape.outputShape as (number | null)[]).includes(null)) return shape;
  const inputShape = sizes.map((d) => d ?? FREE_SIZE);
  const outputShape = tf.tidy(() => {
    const one = shape.inputTokens ? tf.zeros([1, ...inputShape], 'int32') : tf.zeros([1, ...inputShape]);
    return ((model as tfjs.LayersModel).predict(one) as tfjs.Tensor).shape.slice(1);
  });
  return { ...shape, inputShape, outputShape };
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

/**
 * N(0, 1) inputs of the model's shape (token ids, uniform over the vocabulary, for a model that
 * starts with an Embedding), and random targets of its loss's form and its output's shape: one
 * per example for a classifier, one per position and channel for an autoencoder or a sequence.
 */
function syntheticFor(shape: ModelShape, rows: number, seed: number, mnistAsked: boolean): ModelData {
  const tokens = shape.inputTokens;
  const x = tokens
    ? tf.tidy(() => tf.floor(tf.randomUniform([rows, ...shape.inputShape], 0, tokens, 'float32', engineSeed(seed))).toInt())
    : tf.randomNormal([rows, ...shape.inputShape], 0, 1, 'float32', engineSeed(seed));
  const ySeed = engineSeed(seed + 1);
  const outputShape = [rows, ...shape.outputShape];
  // Class ids for every output position but the last axis, which holds the classes.
  const classes = (n: number, dims = outputShape.slice(0, -1)) => tf.floor(tf.randomUniform(dims, 0, n, 'float32', ySeed));
  const y = tf.tidy(() => {
    if (shape.targets === 'classIds') return classes(shape.outputs);
    if (shape.targets === 'binary') return classes(2, outputShape);
    if (shape.targets === 'oneHot') return tf.oneHot(classes(shape.outputs).toInt(), shape.outputs).toFloat();
    const values = tf.randomNormal(outputShape, 0, 1, 'float32', ySeed);
    return shape.kind !== 'layers' && shape.outputs === 1 ? tf.reshape(values, [rows]) : values;
  });
  const of = shape.inputShape.length === 1 ? `${count(rows)} rows of ${shape.inputShape[0]}` : `${count(rows)} of shape [${shape.inputShape.join(', ')}]`;
  const what = tokens ? `synthetic token ids in [0, ${tokens}), ${of}` : `synthetic N(0, 1) inputs, ${of}`;
  return { x, y, description: `${what}${mnistAsked ? ` (${whyNotMnist(shape)})` : ''}` };
}

function whyNotMnist(shape: ModelShape): string {
  const input = shape.inputShape;
  if (shape.inputTokens) return `the model takes token ids, MNIST has pixels`;
  if (shape.outputShape.length > 1) return `the model's output is [${shape.outputShape.join(', ')}] per example, MNIST has a digit`;
  if (!takesMnistDigits(input)) return input.length === 1 ? `the model takes ${input[0]} inputs, MNIST has ${MNIST_PIXELS}` : `the model takes images of ${input.join(' × ')}, MNIST's are 28 × 28 × 1`;
  return `the model has ${shape.outputs} outputs, MNIST has 10 classes`;
}
