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
import { isLayersModel } from '../nn/layersModels';
import { probeBudget, type ProbeBudget } from './probeBudget';

export interface ForModelOptions {
  /** Default 'mnist'; MNIST falls back to synthetic inputs when the model does not take it. */
  data?: 'mnist' | 'mnist-subset' | 'synthetic';
  /**
   * How many examples. Default: 10,000 rows (2,000 images), and for a tf.LayersModel no more
   * than one probe pass fits in the engine's memory and in a few seconds (probeBudget.ts).
   */
  examples?: number;
  /** The same as `examples` (its older name). */
  rows?: number;
  seed?: number;
}

export interface ModelData {
  /** One tensor, or one per input for a model with several. */
  x: tfjs.Tensor | tfjs.Tensor[];
  /** One tensor, or one per output for a model with several. */
  y: tfjs.Tensor | tfjs.Tensor[];
  /** How many examples were drawn. */
  examples: number;
  /** The loss the targets are for, in words: "categoricalCrossentropy", or one per output. */
  loss: string;
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
  if (!shape) throw argumentError(fn, 'model', 'an nn model as nn.mlp or nn.cnn builds it, or a tf.LayersModel', model);
  const o = checkOptions(fn, options, ['data', 'examples', 'rows', 'seed']);
  const kind = o.data === undefined ? 'mnist' : checkOneOf(fn, 'options.data', o.data, ['mnist', 'mnist-subset', 'synthetic']);
  if (o.examples !== undefined && o.rows !== undefined) throw new TypeError(`${fn}: give options.examples or options.rows (the same thing), not both`);
  const given = o.examples !== undefined ? checkPositiveInteger(fn, 'options.examples', o.examples) : o.rows !== undefined ? checkPositiveInteger(fn, 'options.rows', o.rows) : undefined;
  const seed = checkSeed(fn, 'options.seed', o.seed) ?? 0;
  const fixed = withFreeSizesFixed(model, shape);
  const image = shape.inputShape.length > 1;
  const budget = given === undefined && isLayersModel(model) ? budgetFor(model, fixed, image ? IMAGE_ROWS : ROWS) : undefined;
  const rows = given ?? budget?.examples ?? (image ? IMAGE_ROWS : ROWS);
  const data = kind !== 'synthetic' && shape.takesMnist ? mnistFor(shape, image || kind === 'mnist-subset' || budget ? rows : undefined) : syntheticFor(fixed, rows, seed, kind !== 'synthetic');
  const free = shape.inputs.some((input) => input.shape.some((d) => d === null));
  const notes = [budget && budget.limitedBy !== 'none' ? budgetNote(budget) : '', free ? `the model takes any length, ${FREE_SIZE} was drawn` : ''].filter(Boolean);
  const loss = lossWords(shape);
  return { ...data, loss, description: notes.length ? `${data.description}; ${notes.join('; ')}` : data.description };
}

/** The loss each output is trained with, as the probe will differentiate it. */
function lossWords(shape: ModelShape): string {
  const one = (head: ModelShape['heads'][number]) => head.loss ?? (shape.kind === 'layers' ? 'none compiled' : head.targets === 'classIds' ? 'cross-entropy' : 'mean squared error');
  return shape.heads.length === 1 ? one(shape.heads[0]) : shape.heads.map((h, k) => `output ${k + 1}: ${one(h)}`).join(', ');
}

/** The probe budget (probeBudget.ts) of a tf.LayersModel, traced on one example of zeros. */
function budgetFor(model: tfjs.LayersModel, shape: ModelShape, atMost: number): ProbeBudget {
  const one = shape.inputs.map((input) => (input.tokens ? tf.zeros([1, ...input.shape], 'int32') : tf.zeros([1, ...input.shape])));
  try {
    return probeBudget(model, one, atMost);
  } finally {
    tf.dispose(one);
  }
}

/** 569 M, 1.2 G: a count in words a reader takes in at a glance. */
function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toPrecision(2)} G` : n >= 1e6 ? `${(n / 1e6).toPrecision(3)} M` : n >= 1e3 ? `${(n / 1e3).toPrecision(3)} k` : String(Math.round(n));
}

function budgetNote(budget: ProbeBudget): string {
  const mb = (budget.bytesPerExample / 2 ** 20).toFixed(budget.bytesPerExample < 2 ** 20 ? 2 : 1);
  return budget.limitedBy === 'memory'
    ? `${count(budget.examples)} examples: each holds ${mb} MB of activations in the probe, and the engine's heap has room for that many (data.forModel(model, { examples }) sets another count)`
    : `${count(budget.examples)} examples: one example is about ${formatCount(budget.multiplyAddsPerExample)} multiply-adds and ${formatCount(budget.bytesPerExample / 4)} values through the layers, and that many keep one probe pass to a few seconds (data.forModel(model, { examples }) sets another count)`;
}

/** What a free size (null in the model's input shape: a sequence of any length) becomes in synthetic data. */
const FREE_SIZE = 16;

/**
 * The shape with every free input size (a sequence or image of any length) set to FREE_SIZE,
 * and the output shape that gives, read off the model run on one zero example: a strided
 * convolution's output is not the input's size.
 */
function withFreeSizesFixed(model: Model | tfjs.LayersModel, shape: ModelShape): ModelShape {
  const hasFree = (s: readonly (number | null)[]) => s.includes(null);
  if (!shape.inputs.some((i) => hasFree(i.shape)) && !shape.heads.some((h) => hasFree(h.shape))) return shape;
  const inputs = shape.inputs.map((input) => ({ ...input, shape: input.shape.map((d) => d ?? FREE_SIZE) }));
  const outputShapes = tf.tidy(() => {
    const one = inputs.map((input) => (input.tokens ? tf.zeros([1, ...input.shape], 'int32') : tf.zeros([1, ...input.shape])));
    const out = (model as tfjs.LayersModel).predict(one.length === 1 ? one[0] : one);
    return (Array.isArray(out) ? out : [out]).map((t) => t.shape.slice(1));
  });
  const heads = shape.heads.map((head, k) => ({ ...head, shape: outputShapes[k] }));
  return { ...shape, inputs, heads, inputShape: inputs[0].shape, outputShape: heads[0].shape };
}

/** MNIST's training split (or its first `subset` rows), as rows of 784 or as images. */
function mnistFor(shape: ModelShape, subset: number | undefined): Omit<ModelData, 'loss'> {
  const set = mnist(subset === undefined ? {} : { subset });
  tf.dispose([set.xValid, set.yValid]);
  const image = shape.inputShape.length > 1;
  const x = image ? tf.reshape(set.xTrain, [-1, ...shape.inputShape]) : set.xTrain;
  if (x !== set.xTrain) set.xTrain.dispose();
  const y = digitTargets(set.yTrain, shape);
  if (y !== set.yTrain) set.yTrain.dispose();
  const what = image ? ` of ${shape.inputShape.join(' × ')}` : '';
  return { x, y, examples: x.shape[0], description: `MNIST, ${count(x.shape[0])} training images${what}, normalized` };
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
 * N(0, 1) inputs of each input's shape (token ids, uniform over the vocabulary, for an input an
 * Embedding reads), and random targets of each output's loss form and shape: one per example
 * for a classifier, one per position and channel for an autoencoder or a sequence.
 */
function syntheticFor(shape: ModelShape, rows: number, seed: number, mnistAsked: boolean): Omit<ModelData, 'loss'> {
  const xs = shape.inputs.map((input, k) => {
    const tokens = input.tokens;
    const s = engineSeed(seed + 2 * k);
    return tokens ? tf.tidy(() => tf.floor(tf.randomUniform([rows, ...input.shape], 0, tokens, 'float32', s)).toInt()) : tf.randomNormal([rows, ...input.shape], 0, 1, 'float32', s);
  });
  const ys = shape.heads.map((head, k) => syntheticTargets(head, shape.kind, rows, engineSeed(seed + 2 * k + 1)));
  const one = (input: ModelShape['inputs'][number]) => {
    const of = input.shape.length === 1 ? `${count(rows)} rows of ${input.shape[0]}` : `${count(rows)} of shape [${input.shape.join(', ')}]`;
    return input.tokens ? `synthetic token ids in [0, ${input.tokens}), ${of}` : `synthetic N(0, 1) inputs, ${of}`;
  };
  const what = shape.inputs.length === 1 ? one(shape.inputs[0]) : shape.inputs.map((input, k) => `input ${k + 1}: ${one(input)}`).join('; ');
  return { x: xs.length === 1 ? xs[0] : xs, y: ys.length === 1 ? ys[0] : ys, examples: rows, description: `${what}${mnistAsked ? ` (${whyNotMnist(shape)})` : ''}` };
}

/** Random targets of one output's shape, in the form its loss wants. */
function syntheticTargets(head: ModelShape['heads'][number], kind: ModelShape['kind'], rows: number, seed: number): tfjs.Tensor {
  const outputShape = [rows, ...head.shape];
  // Class ids for every output position but the last axis, which holds the classes.
  const classes = (n: number, dims = outputShape.slice(0, -1)) => tf.floor(tf.randomUniform(dims, 0, n, 'float32', seed));
  return tf.tidy(() => {
    if (head.targets === 'classIds') return classes(head.units);
    if (head.targets === 'binary') return classes(2, outputShape);
    // One unit under a categorical loss is one class: every target is it.
    if (head.targets === 'oneHot') return head.units === 1 ? tf.ones(outputShape) : tf.oneHot(classes(head.units).toInt(), head.units).toFloat();
    const values = tf.randomNormal(outputShape, 0, 1, 'float32', seed);
    return kind !== 'layers' && head.units === 1 ? tf.reshape(values, [rows]) : values;
  });
}

function whyNotMnist(shape: ModelShape): string {
  const input = shape.inputShape;
  if (shape.inputs.length > 1 || shape.heads.length > 1) return `the model has ${shape.inputs.length} inputs and ${shape.heads.length} outputs, MNIST has one image and one digit`;
  if (shape.inputTokens) return `the model takes token ids, MNIST has pixels`;
  if (shape.outputShape.length > 1) return `the model's output is [${shape.outputShape.join(', ')}] per example, MNIST has a digit`;
  if (!takesMnistDigits(input)) return input.length === 1 ? `the model takes ${input[0]} inputs, MNIST has ${MNIST_PIXELS}` : `the model takes images of ${input.join(' × ')}, MNIST's are 28 × 28 × 1`;
  return `the model has ${shape.outputs} outputs, MNIST has 10 classes`;
}
