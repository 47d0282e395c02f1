/**
 * GradInit (Zhu, Ni, Xu, Kong, Huang and Goldstein, NeurIPS 2021, "GradInit: Learning to
 * Initialize Neural Networks for Stable and Efficient Training", Algorithm 1): one scalar α per
 * weight matrix or kernel, θ = α ⊙ θ₀, learned so that one step of the training optimizer on a
 * batch S gives the lowest loss on the next batch S̃, as long as the gradient is not too large:
 *
 *   g = ∇L(θ; S), ‖g‖ in the optimizer's norm (2 for SGD, 1 for Adam, whose first step is
 *   η·sign(g));
 *   if ‖g‖ > γ:  step α down the gradient of ‖g‖                 (bring the gradient within γ)
 *   else:        step α down the gradient of L(θ − η·A[g]; S̃)    (A[g] = g, or sign(g) for Adam)
 *   then α ← max(α, α_min), the step taken by Adam with learning rate τ, as in the paper.
 *
 * Both gradients are written out by the chain rule, with u_l = θ₀ on block l and 0 elsewhere and
 * H the Hessian of L(·; S) at θ (symmetric):
 *   ∂‖g‖/∂α_l  = ⟨H ∇_g‖g‖, u_l⟩                 (∇_g‖g‖ = g/‖g‖₂, or sign(g) for the 1-norm)
 *   ∂L̃/∂α_l    = ⟨G − η·H G, u_l⟩ for SGD, ⟨G, u_l⟩ for Adam, with G = ∇L(θ − η·A[g]; S̃)
 * (sign(g) is piecewise constant). So each iteration costs a gradient, a gradient at the stepped
 * weights and one Hessian-vector product, with the model's own weights in place: no forward pass
 * with other tensors than its own is needed, which tf.layers could not run.
 *
 * Scales act on tensors of two or more dimensions (kernels, recurrent kernels, embeddings);
 * biases and BatchNorm's γ and β keep their values (at initialization biases and β are 0, where a
 * scale does nothing) but take the SGD step like every weight.
 * Example: `const report = init.gradInit(model, x, y, { lr: 0.01, iterations: 30 })`
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { checkArgumentCount, checkOneOf, checkOptions, optionalNumber } from '../args';
import type { Model } from '../nn/model';
import { differentiableModel, type DifferentiableModel, type WeightBlock } from './differentiableModel';
import { hessianVectorProduct, lossGradients } from './curvature';
import { batchAt, type Batch } from './schemeData';

type Tensor = tfjs.Tensor;

export interface GradInitOptions {
  /** Updates of the scales. Default 20. */
  iterations?: number;
  /** η, the learning rate of the training step the scales prepare for. Default 0.01 (Compare's SGD). */
  lr?: number;
  /** The optimizer the training will use: its first step is what is simulated. Default 'sgd'. */
  optimizer?: 'sgd' | 'adam';
  /** τ, Adam's learning rate for the scales. Default 0.05 (the paper's 1e-2 to 5e-3 run for thousands of iterations; these are few). */
  scaleLr?: number;
  /** γ, the largest gradient norm accepted before a step. Default 1. */
  gradientBound?: number;
  /** α_min, the smallest scale. Default 0.01, as the paper. */
  minScale?: number;
  /** Rows in each of the two batches of an iteration. Default half the rows given, at most 64. */
  batchSize?: number;
}

export interface GradInitIteration {
  /** ‖∇L(θ; S)‖ in the optimizer's norm. */
  gradientNorm: number;
  /** The step brought the gradient norm down (it was above γ) rather than the loss after a step. */
  constrained: boolean;
  /** L(θ − η·A[g]; S̃), when that was the objective. */
  lossAfterStep?: number;
}

export interface GradInitReport {
  scales: { name: string; scale: number }[];
  iterations: GradInitIteration[];
  /** On the first two batches, before and after: ‖g‖ and the loss on S̃ after one step. */
  before: { gradientNorm: number; lossAfterStep: number };
  after: { gradientNorm: number; lossAfterStep: number };
}

export interface GradInitSettings {
  iterations: number;
  lr: number;
  adam: boolean;
  scaleLr: number;
  gradientBound: number;
  minScale: number;
  batchSize: number;
}

export function gradInit(model: Model | tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor, options?: GradInitOptions): GradInitReport;
export function gradInit(model: Model | tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor, options: GradInitOptions = {}, ...extra: unknown[]): GradInitReport {
  const fn = 'init.gradInit';
  checkArgumentCount(fn, [model, x, y, options, ...extra], 4);
  const view = differentiableModel(fn, model, x, y);
  const o = checkOptions(fn, options, ['iterations', 'lr', 'optimizer', 'scaleLr', 'gradientBound', 'minScale', 'batchSize']);
  if (x.shape[0] < 2) throw new RangeError(`${fn}: needs at least 2 rows (a batch to step on and the next to measure), got ${x.shape[0]}`);
  const settings: GradInitSettings = {
    iterations: optionalNumber(fn, 'options.iterations', o.iterations, 20, { integer: true, min: 0 }),
    lr: optionalNumber(fn, 'options.lr', o.lr, 0.01, { above: 0 }),
    adam: (o.optimizer === undefined ? 'sgd' : checkOneOf(fn, 'options.optimizer', o.optimizer, ['sgd', 'adam'] as const)) === 'adam',
    scaleLr: optionalNumber(fn, 'options.scaleLr', o.scaleLr, 0.05, { above: 0 }),
    gradientBound: optionalNumber(fn, 'options.gradientBound', o.gradientBound, 1, { above: 0 }),
    minScale: optionalNumber(fn, 'options.minScale', o.minScale, 0.01, { above: 0 }),
    batchSize: optionalNumber(fn, 'options.batchSize', o.batchSize, Math.min(Math.floor(x.shape[0] / 2), 64), { integer: true, min: 1, max: Math.floor(x.shape[0] / 2) }),
  };
  if (!view.blocks.some((b) => b.kernel)) throw new TypeError(`${fn}: the model has no trainable weight matrix or kernel to scale`);
  return view.preserving(() => learnScales(view, x, y, settings));
}

/** The optimizer's norm of g: 2-norm for SGD, 1-norm for Adam. */
function gradientNorm(g: readonly Tensor[], adam: boolean): number {
  return tf.tidy(() => {
    const parts = g.map((t) => (adam ? tf.sum(tf.abs(t)) : tf.sum(tf.square(t))));
    const total = tf.addN(parts).dataSync()[0];
    return adam ? total : Math.sqrt(total);
  });
}

/** Writes each block's value (a copy of `values[i]`, which stay the caller's). */
function writeAll(blocks: readonly WeightBlock[], values: readonly Tensor[]): void {
  blocks.forEach((b, i) => b.write(tf.clone(values[i])));
}

/** ⟨v_l, θ₀_l⟩ for each scaled block. */
function alongBlocks(v: readonly Tensor[], scaled: readonly number[], start: readonly Tensor[]): number[] {
  return tf.tidy(() => scaled.map((blockIndex, k) => tf.sum(tf.mul(v[blockIndex], start[k])).dataSync()[0]));
}

/** Sets the weights to θ − η·A[g] (A[g] = g, or sign(g) for Adam). */
function takeStep(view: DifferentiableModel, here: readonly Tensor[], g: readonly Tensor[], s: GradInitSettings): void {
  view.blocks.forEach((b, i) => b.write(tf.tidy(() => tf.sub(here[i], tf.mul(s.adam ? tf.sign(g[i]) : g[i], s.lr)))));
}

/** ‖g‖ on S and the loss on S̃ after one step, with the model's weights as they are (and left so). */
function measure(view: DifferentiableModel, s0: Batch, s1: Batch, s: GradInitSettings): { gradientNorm: number; lossAfterStep: number } {
  const here = view.blocks.map((b) => tf.clone(b.read()));
  const g = lossGradients(view, s0.x, s0.y);
  const gradientNormValue = gradientNorm(g, s.adam);
  takeStep(view, here, g, s);
  const lossAfterStep = tf.tidy(() => view.loss(s1.x, s1.y).dataSync()[0]);
  writeAll(view.blocks, here);
  tf.dispose([here, g]);
  return { gradientNorm: gradientNormValue, lossAfterStep };
}

/** ∂/∂α of the iteration's objective at the weights as they are, and what the iteration saw. Exported for its finite-difference test. */
export function slopesAt(view: DifferentiableModel, batch: Batch, next: Batch, scaled: readonly number[], start: readonly Tensor[], s: GradInitSettings): { slopes: number[]; seen: GradInitIteration } {
  const g = lossGradients(view, batch.x, batch.y);
  const norm = gradientNorm(g, s.adam);
  try {
    if (norm > s.gradientBound) {
      // The gradient of ‖g‖: H times ‖g‖'s gradient with respect to g.
      const direction = tf.tidy(() => g.map((gi) => (s.adam ? tf.sign(gi) : tf.div(gi, norm))));
      const hv = hessianVectorProduct(view, batch.x, batch.y, direction);
      const slopes = alongBlocks(hv, scaled, start);
      tf.dispose([direction, hv]);
      return { slopes, seen: { gradientNorm: norm, constrained: true } };
    }
    const here = view.blocks.map((b) => tf.clone(b.read()));
    takeStep(view, here, g, s);
    const lossAfterStep = tf.tidy(() => view.loss(next.x, next.y).dataSync()[0]);
    const stepped = lossGradients(view, next.x, next.y);
    writeAll(view.blocks, here);
    tf.dispose(here);
    const along = alongBlocks(stepped, scaled, start);
    let slopes = along;
    if (!s.adam) {
      const hg = hessianVectorProduct(view, batch.x, batch.y, stepped);
      const curved = alongBlocks(hg, scaled, start);
      slopes = along.map((a, k) => a - s.lr * curved[k]);
      tf.dispose(hg);
    }
    tf.dispose(stepped);
    return { slopes, seen: { gradientNorm: norm, constrained: false, lossAfterStep } };
  } finally {
    tf.dispose(g);
  }
}

function learnScales(view: DifferentiableModel, x: Tensor, y: Tensor, s: GradInitSettings): GradInitReport {
  const scaled = view.blocks.flatMap((b, i) => (b.kernel ? [i] : []));
  const start = scaled.map((i) => tf.clone(view.blocks[i].read()));
  const alpha = scaled.map(() => 1);
  const adamState = { m: scaled.map(() => 0), v: scaled.map(() => 0), t: 0 };
  const first = [batchAt(x, y, 0, s.batchSize), batchAt(x, y, 1, s.batchSize)];
  const iterations: GradInitIteration[] = [];
  try {
    const before = measure(view, first[0], first[1], s);
    for (let t = 0; t < s.iterations; t++) {
      const batch = batchAt(x, y, 2 * t, s.batchSize);
      const next = batchAt(x, y, 2 * t + 1, s.batchSize);
      const { slopes, seen } = slopesAt(view, batch, next, scaled, start, s);
      tf.dispose([batch.x, batch.y, next.x, next.y]);
      iterations.push(seen);
      if (!slopes.every(Number.isFinite)) break;
      adamStep(alpha, slopes, adamState, s.scaleLr);
      for (let k = 0; k < alpha.length; k++) alpha[k] = Math.max(alpha[k], s.minScale);
      scaled.forEach((i, k) => view.blocks[i].write(tf.mul(start[k], alpha[k])));
    }
    const after = measure(view, first[0], first[1], s);
    return { scales: scaled.map((i, k) => ({ name: view.blocks[i].name, scale: alpha[k] })), iterations, before, after };
  } finally {
    tf.dispose([start, first.map((b) => [b.x, b.y])]);
  }
}

/** One Adam step (β₁ 0.9, β₂ 0.999, ε 1e-8) on plain numbers: a handful of scales need no tensors. */
function adamStep(params: number[], grads: readonly number[], state: { m: number[]; v: number[]; t: number }, lr: number): void {
  state.t++;
  for (let k = 0; k < params.length; k++) {
    state.m[k] = 0.9 * state.m[k] + 0.1 * grads[k];
    state.v[k] = 0.999 * state.v[k] + 0.001 * grads[k] * grads[k];
    const mHat = state.m[k] / (1 - 0.9 ** state.t);
    const vHat = state.v[k] / (1 - 0.999 ** state.t);
    params[k] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
  }
}
