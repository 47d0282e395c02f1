/**
 * MetaInit (Dauphin and Schoenholz, NeurIPS 2019, "MetaInit: Initializing learning by learning
 * to initialize"): a good start is where the loss looks locally linear, so that a gradient step
 * changes the gradient little. The gradient quotient GQ = mean |(g − Hg)/g − 1| measures how
 * far it is (curvature.ts); MetaInit lowers it by gradient descent on each weight matrix's norm,
 * keeping its direction: for each kernel W, the derivative of GQ along W/‖W‖ is ⟨W, ∇_W GQ⟩/‖W‖,
 * and its sign drives a momentum step of the norm, as the paper's published code does
 * (signSGD with momentum: lr 0.1, momentum 0.9). ∇GQ holds Hessian-vector products, so this
 * differentiates three times.
 *
 * Differences from the paper, each for a reason: the data is the batch given (the paper draws
 * random inputs and labels at each step; a user's data says more about their model, and random
 * labels need a known loss), taken `batchSize` rows at a time in turn; a few steps by default
 * (the paper runs 500: each step here costs about ten passes, and a comparison must stay
 * quick); a norm is never pushed below 1% of where it started (the paper's update could take it
 * through zero, flipping the layer's sign); and the norms kept are those with the lowest
 * quotient on the first batch among the steps that measured it there, the start and the end
 * included: in a few steps signSGD with momentum can overshoot (a tanh MLP at three times LeCun's
 * scale went from 48 to 89 after 15 steps, then to 23 after 20). Biases, BatchNorm's γ and β are left as they are, as
 * the paper tunes tensors of two or more dimensions only, but count in the quotient.
 * Example: `const report = init.metaInit(model, xBatch, yBatch, { steps: 30 })`
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { checkArgumentCount, checkOptions, optionalNumber } from '../args';
import type { Model } from '../nn/model';
import { differentiableModel, type DifferentiableModel } from './differentiableModel';
import { gradientQuotient } from './curvature';
import { batchAt } from './schemeData';

export interface MetaInitOptions {
  /** Norm updates. Default 20. */
  steps?: number;
  /** Each update's step, in units of norm. Default 0.1, as the paper. */
  lr?: number;
  /** Default 0.9, as the paper. */
  momentum?: number;
  /** Keeps the quotient from dividing by a zero gradient. Default 1e-5, as the paper. */
  eps?: number;
  /** Rows per step. Default all the rows given, at most 128. */
  batchSize?: number;
}

export interface MetaInitLayerReport {
  name: string;
  normBefore: number;
  normAfter: number;
}

export interface MetaInitReport {
  /** The gradient quotient on the first batch before the first step and after the last. */
  quotientBefore: number;
  quotientAfter: number;
  /** The quotient each step descended, on that step's batch. */
  quotients: number[];
  /** The steps taken before the norms kept: the last, or an earlier one whose quotient on the first batch was lower (0: the start). */
  keptStep: number;
  layers: MetaInitLayerReport[];
}

interface Settings {
  steps: number;
  lr: number;
  momentum: number;
  eps: number;
  batchSize: number;
}

export function metaInit(model: Model | tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor, options?: MetaInitOptions): MetaInitReport;
export function metaInit(model: Model | tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor, options: MetaInitOptions = {}, ...extra: unknown[]): MetaInitReport {
  const fn = 'init.metaInit';
  checkArgumentCount(fn, [model, x, y, options, ...extra], 4);
  const view = differentiableModel(fn, model, x, y);
  const o = checkOptions(fn, options, ['steps', 'lr', 'momentum', 'eps', 'batchSize']);
  const settings: Settings = {
    steps: optionalNumber(fn, 'options.steps', o.steps, 20, { integer: true, min: 0 }),
    lr: optionalNumber(fn, 'options.lr', o.lr, 0.1, { above: 0 }),
    momentum: optionalNumber(fn, 'options.momentum', o.momentum, 0.9, { min: 0, max: 1 }),
    eps: optionalNumber(fn, 'options.eps', o.eps, 1e-5, { above: 0 }),
    batchSize: optionalNumber(fn, 'options.batchSize', o.batchSize, Math.min(x.shape[0], 128), { integer: true, min: 1, max: x.shape[0] }),
  };
  if (!view.blocks.some((b) => b.kernel)) throw new TypeError(`${fn}: the model has no trainable weight matrix or kernel for MetaInit to tune`);
  return view.preserving(() => descend(view, x, y, settings));
}

function descend(view: DifferentiableModel, x: tfjs.Tensor, y: tfjs.Tensor, s: Settings): MetaInitReport {
  const kernels = view.blocks.filter((b) => b.kernel);
  const norm = (t: tfjs.Tensor) => tf.tidy(() => tf.norm(t).dataSync()[0]);
  const start = kernels.map((k) => norm(k.read()));
  const memory = kernels.map(() => 0);
  const quotientOn = (k: number) => {
    const batch = batchAt(x, y, k, s.batchSize);
    const q = tf.tidy(() => gradientQuotient(view, batch.x, batch.y, s.eps).dataSync()[0]);
    tf.dispose([batch.x, batch.y]);
    return q;
  };
  const quotientBefore = quotientOn(0);
  // The norms with the lowest quotient on the first batch so far, the start included.
  let best = { quotient: quotientBefore, norms: [...start], step: 0 };
  const quotients: number[] = [];
  for (let step = 0; step < s.steps; step++) {
    const batch = batchAt(x, y, step, s.batchSize);
    // ⟨W, ∇_W GQ⟩ / ‖W‖ for each kernel: the derivative of GQ along its norm.
    const { quotient, slopes } = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(() => gradientQuotient(view, batch.x, batch.y, s.eps))(kernels.map((k) => k.read()));
      return { quotient: value.dataSync()[0], slopes: kernels.map((k, i) => tf.sum(tf.mul(k.read(), grads[i])).dataSync()[0]) };
    });
    tf.dispose([batch.x, batch.y]);
    quotients.push(quotient);
    if (!Number.isFinite(quotient)) break;
    const current = kernels.map((k) => norm(k.read()));
    if (step > 0 && step % Math.max(1, Math.floor(x.shape[0] / s.batchSize)) === 0 && quotient < best.quotient) best = { quotient, norms: current, step };
    kernels.forEach((k, i) => {
      memory[i] = s.momentum * memory[i] - s.lr * Math.sign(slopes[i] / current[i]);
      const target = Math.max(current[i] + memory[i], 0.01 * start[i]);
      k.write(tf.tidy(() => tf.mul(k.read(), target / current[i])));
    });
  }
  const last = quotientOn(0);
  if (!(last <= best.quotient)) {
    kernels.forEach((k, i) => k.write(tf.tidy(() => tf.mul(k.read(), best.norms[i] / norm(k.read())))));
  }
  return {
    quotientBefore,
    quotientAfter: Math.min(last, best.quotient),
    quotients,
    keptStep: last <= best.quotient ? s.steps : best.step,
    layers: kernels.map((k, i) => ({ name: k.name, normBefore: start[i], normAfter: norm(k.read()) })),
  };
}
