/**
 * Batch normalization (Ioffe & Szegedy, 2015) with a hand-written backward. Over every axis but
 * the last: N, H and W for images [b, h, w, c], the batch for rows [b, c].
 *
 *   training  x̂ = (x − μ_B) / √(σ²_B + ε),  y = γ x̂ + β; the running statistics move towards the
 *             batch's by `momentum`, as torch's do (the running variance takes the unbiased one).
 *   eval      the running statistics replace the batch's.
 *
 * Backward in training, per channel over its m values:
 *   β.g = Σ y.g,  γ.g = Σ y.g · x̂,  x.g = γ / (m √(σ²_B + ε)) · (m y.g − β.g − x̂ γ.g)
 * and in eval x.g = γ y.g / √(running σ² + ε).
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { checkOptions, checkPositiveInteger, optionalNumber } from '../args';
import { Module, type GradTensor } from './module';

export interface BatchNormOptions {
  /** Added to the variance. Default 1e-5, as torch. */
  eps?: number;
  /** How far the running statistics move towards each batch's. Default 0.1, as torch. */
  momentum?: number;
}

export class BatchNorm extends Module {
  gamma: GradTensor;
  beta: GradTensor;
  runningMean: tfjs.Tensor;
  runningVar: tfjs.Tensor;
  readonly eps: number;
  readonly momentum: number;
  /** Batch statistics (training) or running ones (eval), as torch's model.train() / model.eval(). */
  training = true;
  /** x̂ and 1/√(σ² + ε) of the last forward, for backward. */
  private normalized?: tfjs.Tensor;
  private invStd?: tfjs.Tensor;

  constructor(
    readonly channels: number,
    options: BatchNormOptions = {},
  ) {
    super();
    const fn = 'nn.BatchNorm';
    checkPositiveInteger(fn, 'channels', channels);
    const o = checkOptions(fn, options, ['eps', 'momentum']);
    this.eps = optionalNumber(fn, 'options.eps', o.eps, 1e-5, { above: 0 });
    this.momentum = optionalNumber(fn, 'options.momentum', o.momentum, 0.1, { min: 0, max: 1 });
    this.gamma = tf.ones([channels]);
    this.beta = tf.zeros([channels]);
    this.runningMean = tf.zeros([channels]);
    this.runningVar = tf.ones([channels]);
  }

  get name(): string {
    return `BatchNorm(${this.channels})`;
  }

  /** Starts again from γ = 1, β = 0 and running statistics 0 and 1. */
  reset(): void {
    tf.dispose([this.gamma, this.beta, this.runningMean, this.runningVar]);
    this.gamma = tf.ones([this.channels]);
    this.beta = tf.zeros([this.channels]);
    this.runningMean = tf.zeros([this.channels]);
    this.runningVar = tf.ones([this.channels]);
  }

  private axes(inp: tfjs.Tensor): number[] {
    return inp.shape.slice(0, -1).map((_, i) => i);
  }

  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    if (inp.rank < 2 || inp.shape[inp.rank - 1] !== this.channels) {
      throw new RangeError(`nn.${this.name}.forward: input must have ${this.channels} channels on its last axis, got a tensor of shape [${inp.shape.join(', ')}]`);
    }
    const axes = this.axes(inp);
    const m = inp.size / this.channels;
    let mean: tfjs.Tensor;
    let variance: tfjs.Tensor;
    if (this.training) {
      ({ mean, variance } = tf.moments(inp, axes));
      const runningMean = tf.tidy(() => tf.add(tf.mul(this.runningMean, 1 - this.momentum), tf.mul(mean, this.momentum)));
      const runningVar = tf.tidy(() => tf.add(tf.mul(this.runningVar, 1 - this.momentum), tf.mul(variance, (this.momentum * m) / Math.max(1, m - 1))));
      tf.dispose([this.runningMean, this.runningVar]);
      this.runningMean = runningMean;
      this.runningVar = runningVar;
    } else {
      mean = tf.clone(this.runningMean);
      variance = tf.clone(this.runningVar);
    }
    this.invStd = this.own(tf.tidy(() => tf.rsqrt(tf.add(variance, this.eps))));
    this.normalized = this.own(tf.tidy(() => tf.mul(tf.sub(inp, mean), this.invStd!)));
    tf.dispose([mean, variance]);
    return tf.tidy(() => tf.add(tf.mul(this.normalized!, this.gamma), this.beta));
  }

  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    const axes = this.axes(inp);
    const m = inp.size / this.channels;
    const xHat = this.normalized!;
    this.beta.g = this.own(tf.sum(outGrad, axes));
    this.gamma.g = this.own(tf.tidy(() => tf.sum(tf.mul(outGrad, xHat), axes)));
    if (!this.training) return tf.tidy(() => tf.mul(outGrad, tf.mul(this.gamma, this.invStd!)));
    return tf.tidy(() =>
      tf.mul(tf.div(tf.mul(this.gamma, this.invStd!), m), tf.sub(tf.sub(tf.mul(outGrad, m), this.beta.g!), tf.mul(xHat, this.gamma.g!))),
    );
  }

  override parameters(): GradTensor[] {
    return [this.gamma, this.beta];
  }

  override dispose(): void {
    super.dispose();
    tf.dispose([this.runningMean, this.runningVar]);
  }
}
