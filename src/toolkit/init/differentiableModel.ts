/**
 * A model's loss as a function autodiff can differentiate with respect to its weights, and
 * differentiate again: what MetaInit (gradient quotients, which need Hessian-vector products)
 * and GradInit (a gradient through one SGD step) are built on.
 *
 * Both kinds of model the toolkit reads are covered:
 *   an nn model (Linear, Conv2d, BatchNorm, the activations, Flatten, GlobalAvgPool, Residual):
 *     its modules have hand-written backward passes, which give first derivatives only, so the
 *     forward pass is written again here with tf ops on the modules' own tensors;
 *   a tf.LayersModel with one input and one output: its layers run one by one in the graph's
 *     order, as the probe runs them (layersGraph.ts), with the compiled loss.
 * As the probe sees a network at its initialization: BatchNorm normalizes with the batch's
 * statistics, dropout is off. The blocks are the trainable weights (a frozen layer's are left
 * out); `tf.grads` differentiates with respect to their current tensors, which the loss reads,
 * and `write` replaces one (a tf.layers variable keeps its identity, an nn module gets the new
 * tensor). BatchNorm's running statistics, which tf.layers moves on every pass in training mode,
 * are put back by `preserving`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { argumentError, checkTensor } from '../args';
import { Model } from '../nn/model';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from '../nn/layers';
import { Conv2d, Flatten, GlobalAvgPool } from '../nn/conv';
import { BatchNorm } from '../nn/batchNorm';
import { Residual, leafModules } from '../nn/residual';
import { CrossEntropy } from '../nn/losses';
import type { Module } from '../nn/module';
import { isLayersModel, shortName, stepsOf } from '../probe/layersGraph';
import { lossFunction } from '../probe/layersLoss';
import { keepingMovingStatistics, readerCounts } from '../probe/layersAdapter';

type Tensor = tfjs.Tensor;

export interface WeightBlock {
  /** `Linear(784→100).w`, or the tf.layers variable's name. */
  name: string;
  /** A weight of rank ≥ 2 (a dense or convolution kernel, a recurrent kernel, an embedding table): what MetaInit's norms and GradInit's scales act on. */
  kernel: boolean;
  read(): Tensor;
  /** Replaces the block's value with `value`, which the block takes over. */
  write(value: Tensor): void;
}

export interface DifferentiableModel {
  blocks: WeightBlock[];
  /** The batch's mean loss with the blocks' current tensors; tf.grads differentiates it with respect to them, to any order. */
  loss(x: Tensor, y: Tensor): tfjs.Scalar;
  /** Runs `body`, then puts back what its passes moved besides the weights (BatchNorm's moving statistics). */
  preserving<T>(body: () => T): T;
}

const MODEL_EXPECTED = 'an nn.Model (as nn.mlp and nn.cnn build) or a tf.LayersModel with one input and one output';

/** The model's view, after checking that `x` and `y` fit it. */
export function differentiableModel(fn: string, model: unknown, x: unknown, y: unknown): DifferentiableModel {
  let view: DifferentiableModel;
  if (isLayersModel(model)) view = layersView(fn, model, checkTensor(fn, 'x', x), checkTensor(fn, 'y', y));
  else if (model instanceof Model) view = nnView(fn, model, checkTensor(fn, 'x', x), checkTensor(fn, 'y', y));
  else throw argumentError(fn, 'model', MODEL_EXPECTED, model);
  checkBatch(fn, view, x as Tensor, y as Tensor);
  return view;
}

/**
 * Refuses a batch the schemes would turn into NaN or a bare tfjs error: no rows, NaN or ±Infinity
 * values (every quotient and scale would be NaN), or a batch that does not fit the model's layers
 * and loss. The last is found by running the loss on the first row, forward only: failing later,
 * inside nested tf.grads, the error would name no argument and leave the gradient tape's tensors behind.
 */
function checkBatch(fn: string, view: DifferentiableModel, x: Tensor, y: Tensor): void {
  if (x.rank < 1 || x.shape[0] === 0) throw new RangeError(`${fn}: x must have at least one row, got shape [${x.shape.join(', ')}]`);
  for (const [name, t] of [['x', x], ['y', y]] as const) {
    // 0·v is 0 for every finite v and NaN for NaN and ±Infinity; a sum of zeros cannot overflow.
    const finite = t.dtype !== 'float32' || tf.tidy(() => Number.isFinite(tf.sum(tf.mul(t, 0)).dataSync()[0]));
    if (!finite) throw new RangeError(`${fn}: ${name} has NaN or ±Infinity values; the schemes need a finite batch`);
  }
  try {
    view.preserving(() => tf.tidy(() => view.loss(tf.slice(x, 0, 1), tf.slice(y, 0, 1)).dataSync()));
  } catch (err) {
    // Our own errors (a module the forward pass does not know) already say what is wrong.
    if (err instanceof Error && err.message.startsWith(`${fn}:`)) throw err;
    throw new RangeError(`${fn}: x of shape [${x.shape.join(', ')}] and y of shape [${y.shape.join(', ')}] do not fit the model's layers and loss: ${(err as Error).message}`);
  }
}

// ---- nn models ------------------------------------------------------------------------------

type ParameterKey = 'w' | 'b' | 'gamma' | 'beta';

function nnBlocks(modules: readonly Module[]): WeightBlock[] {
  const blocks: WeightBlock[] = [];
  for (const module of leafModules(modules)) {
    const keys: ParameterKey[] = module instanceof Linear || module instanceof Conv2d ? ['w', 'b'] : module instanceof BatchNorm ? ['gamma', 'beta'] : [];
    for (const key of keys) {
      const owner = module as unknown as Record<ParameterKey, Tensor>;
      blocks.push({
        name: `${module.name}.${key}`,
        kernel: key === 'w',
        read: () => owner[key],
        write: (value) => {
          if (value !== owner[key]) owner[key].dispose();
          // The module owns it now, even when written inside a tf.tidy.
          owner[key] = tf.keep(value);
        },
      });
    }
  }
  return blocks;
}

/** tfjs's padding for an nn.Conv2d: a number of zeros becomes explicit padding. */
function convPad(conv: Conv2d): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  const p = conv.padding;
  return typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p;
}

/** The module's output by tf ops alone, as its `compute` does (nothing kept, running statistics untouched). */
function apply(fn: string, module: Module, h: Tensor): Tensor {
  if (module instanceof Linear) return tf.add(tf.matMul(h as tfjs.Tensor2D, module.w as tfjs.Tensor2D), module.b);
  if (module instanceof Conv2d) return tf.add(tf.conv2d(h as tfjs.Tensor4D, module.w as tfjs.Tensor4D, module.stride, convPad(module)), module.b);
  if (module instanceof BatchNorm) {
    const axes = h.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = module.training ? tf.moments(h, axes) : { mean: module.runningMean, variance: module.runningVar };
    return tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, module.eps))), module.gamma), module.beta);
  }
  if (module instanceof ReLU) return module.shift ? tf.sub(tf.relu(h), module.shift) : tf.relu(h);
  if (module instanceof LeakyReLU) return tf.leakyRelu(h, module.slope);
  if (module instanceof Tanh) return tf.tanh(h);
  if (module instanceof Sigmoid) return tf.sigmoid(h);
  if (module instanceof Identity) return h;
  if (module instanceof Flatten) return tf.reshape(h, [h.shape[0], -1]);
  if (module instanceof GlobalAvgPool) return tf.mean(h, [1, 2]);
  if (module instanceof Residual) {
    const body = module.body.reduce((t, m) => apply(fn, m, t), h);
    return tf.add(body, module.shortcut ? apply(fn, module.shortcut, h) : h);
  }
  throw new TypeError(`${fn}: ${module.name} is not one of nn's modules, so its forward pass cannot be differentiated twice`);
}

function nnView(fn: string, model: Model, x: Tensor, y: Tensor): DifferentiableModel {
  const first = leafModules(model.layers).find((m) => m instanceof Linear || m instanceof Conv2d);
  if (!first) throw argumentError(fn, 'model', 'an nn model with Linear or Conv2d layers', model);
  if (first instanceof Linear && (x.rank !== 2 || x.shape[1] !== first.w.shape[0])) throw new RangeError(`${fn}: x must be [rows, ${first.w.shape[0]}] for the model's first Linear, got [${x.shape.join(', ')}]`);
  if (first instanceof Conv2d && (x.rank !== 4 || x.shape[3] !== first.w.shape[2])) throw new RangeError(`${fn}: x must be images [batch, height, width, ${first.w.shape[2]}] for the model's first Conv2d, got [${x.shape.join(', ')}]`);
  if (y.shape[0] !== x.shape[0]) throw new RangeError(`${fn}: y must have one row per row of x (${x.shape[0]}), got [${y.shape.join(', ')}]`);
  const crossEntropy = model.loss instanceof CrossEntropy;
  return {
    blocks: nnBlocks(model.layers),
    loss: (xb, yb) =>
      tf.tidy(() => {
        const pred = model.layers.reduce((h, m) => apply(fn, m, h), xb);
        if (!crossEntropy) return tf.mean(tf.squaredDifference(pred, tf.reshape(tf.cast(yb, 'float32'), pred.shape))) as tfjs.Scalar;
        // nn.CrossEntropy's: integer labels or one-hot rows.
        const classes = pred.shape[pred.rank - 1];
        const target = yb.rank === pred.rank ? tf.cast(yb, 'float32') : tf.oneHot(tf.cast(tf.reshape(yb, [-1]), 'int32'), classes).toFloat();
        return tf.mean(tf.sub(tf.logSumExp(pred, -1), tf.sum(tf.mul(pred, target), -1))) as tfjs.Scalar;
      }),
    preserving: (body) => body(),
  };
}

// ---- tf.layers models -----------------------------------------------------------------------

/**
 * y against the model's output, for a loss tf.layers names: the same shape after the batch axis,
 * or, for a sparse cross-entropy, class indices ([rows] or [rows, 1]). tf.layers' losses broadcast, so a y of
 * [rows, 3] against one output unit would not fail: it would tune on a different loss.
 */
function checkLayersTargets(fn: string, model: tfjs.LayersModel, output: readonly (number | null)[], y: Tensor): void {
  const out = output.slice(1);
  const tail = y.shape.slice(1);
  const fits = (dims: readonly number[], against: readonly (number | null)[]) => dims.length === against.length && dims.every((d, k) => against[k] === null || against[k] === d);
  const compiled = (model as { loss?: unknown }).loss;
  const loss = Array.isArray(compiled) ? compiled[0] : compiled;
  // A loss function of the user's own may read targets of any shape.
  if (loss !== undefined && typeof loss !== 'string') return;
  const sparse = typeof loss === 'string' && /sparse/i.test(loss);
  const ok = fits(tail, out) || (sparse && (fits(tail, [...out.slice(0, -1), 1]) || fits(tail, out.slice(0, -1))));
  if (!ok) throw new RangeError(`${fn}: y must be [rows, ${out.map((d) => d ?? 'any').join(', ')}] for the model's output${sparse ? ' (or class indices, [rows] or [rows, 1], for its sparse loss)' : ''}, got [${y.shape.join(', ')}]`);
}

function layersView(fn: string, model: tfjs.LayersModel, x: Tensor, y: Tensor): DifferentiableModel {
  const { steps, container } = stepsOf(model, fn);
  if (container.inputs.length !== 1 || container.outputs.length !== 1) {
    throw new Error(`${fn}: the model has ${container.inputs.length} inputs and ${container.outputs.length} outputs; ${fn} reads models with one input and one output`);
  }
  const input = container.inputs[0];
  const expected = input.shape.slice(1);
  if (x.rank !== input.shape.length || expected.some((d, k) => d !== null && d !== x.shape[k + 1])) {
    throw new RangeError(`${fn}: x must be [rows, ${expected.map((d) => d ?? 'any').join(', ')}] for the model's input, got [${x.shape.join(', ')}]`);
  }
  if (y.shape[0] !== x.shape[0]) throw new RangeError(`${fn}: y must have one row per row of x (${x.shape[0]}), got [${y.shape.join(', ')}]`);
  checkLayersTargets(fn, model, container.outputs[0].shape, y);
  if (!container.lossFunctions?.length) throw new TypeError(`${fn}: the model has no loss to tune on; compile it first, e.g. model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' })`);
  const lossFn = lossFunction(container, undefined);
  const variables = [...new Set(steps.flatMap((s) => s.trainableWeights))];
  const blocks = variables.map(
    (variable): WeightBlock => ({
      name: variable.name,
      kernel: variable.shape.length >= 2 && shortName(variable) !== 'bias',
      read: () => variable.read(),
      write: (value) => {
        variable.write(value);
        value.dispose();
      },
    }),
  );
  const outputId = container.outputs[0].id;
  return {
    blocks,
    loss: (xb, yb) =>
      tf.tidy(() => {
        const values = new Map<number, Tensor>([[input.id, xb]]);
        const readers = readerCounts(steps);
        for (const step of steps) {
          const inputs = step.inputIds.map((id) => values.get(id)!);
          values.set(step.outputId, step.layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: step.kind === 'batchNormalization' }) as Tensor);
          // What no later layer reads is dropped from the map; the tidy frees it (autodiff may still need it).
          for (const id of new Set(step.inputIds)) if (readers.set(id, readers.get(id)! - 1).get(id) === 0 && id !== outputId) values.delete(id);
        }
        return tf.mean(lossFn(yb, values.get(outputId)!)) as tfjs.Scalar;
      }),
    preserving: (body) => keepingMovingStatistics(steps, body),
  };
}
