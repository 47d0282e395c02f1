/**
 * A BatchNormalization layer's backward in training mode, from its formula, in two passes over
 * its input and output gradient: what the probe runs instead of TensorFlow.js autodiff of the
 * layer.
 *
 * Why: autodiff of tf.moments and tf.batchNorm makes about 14 temporaries of the input's size
 * (Sub, Mul, Sum, Mean, Tile, RealDiv...) and needs the layer's forward run again; on 2,000 MNIST
 * images the CNN's three BatchNorm backwards were 39% of the probe's time, and their temporaries
 * made the probe slice them by channels (a Slice and a Concat of each tensor more). Here, per
 * channel c over its m values (every axis but the last):
 *
 *   μ, σ² = the batch's mean and biased variance (tf.moments), r = 1/√(σ² + ε), x̂ = (x − μ)·r
 *   ∂L/∂β = Σ dy            ∂L/∂γ = Σ dy·x̂
 *   ∂L/∂x = γ·r·(dy − Σdy/m − x̂·Σ(dy·x̂)/m)
 *
 * Pass 1 reads x and dy once for the four sums each channel needs (float64, about a shift so that
 * no cancellation loses the variance); pass 2 writes ∂L/∂x = a·dy + b·x + d with per-channel
 * a, b, d. The only new tensor is ∂L/∂x. On the WASM engine both passes are SIMD functions split
 * with a worker thread (simdPasses.ts; channels in fours, as nearly every network has them);
 * the JavaScript passes below are what other backends run. The test compares every element
 * with tf.grads.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { filledTensor } from '../engine/engineMemory';
import { floatsOf, heapOffset } from './heapFloats';
import { simdPasses } from '../engine/simd/simdPasses';

export interface BatchNormGradients {
  /** ∂L/∂x, when asked for. */
  dx?: tfjs.Tensor;
  /** ∂L/∂γ and ∂L/∂β, [channels] each. */
  dGamma: tfjs.Tensor1D;
  dBeta: tfjs.Tensor1D;
}

/**
 * Pass 1: per channel, the sums of v = x − shift, v², dy and dy·v over the rows of a
 * channels-last array. Kept separate and small so that V8 optimizes it whole.
 */
function channelSums(x: Float32Array, dy: Float32Array, channels: number, shift: Float64Array, sums: Float64Array): void {
  const n = x.length;
  const c2 = 2 * channels;
  const c3 = 3 * channels;
  for (let i = 0; i < n; i += channels) {
    for (let c = 0; c < channels; c++) {
      const v = x[i + c] - shift[c];
      const g = dy[i + c];
      sums[c] += v;
      sums[channels + c] += v * v;
      sums[c2 + c] += g;
      sums[c3 + c] += g * v;
    }
  }
}

/** Pass 2: out = a·dy + b·x + d, per channel. */
function affineOfTwo(x: Float32Array, dy: Float32Array, channels: number, a: Float64Array, b: Float64Array, d: Float64Array, out: Float32Array): void {
  const n = x.length;
  for (let i = 0; i < n; i += channels) {
    for (let c = 0; c < channels; c++) out[i + c] = a[c] * dy[i + c] + b[c] * x[i + c] + d[c];
  }
}

/**
 * The gradients of tf.layers' batchNormalization over every axis but the last, in training mode
 * (the batch's statistics), given its input x, the gradient of its output dy, γ (undefined when
 * the layer does not scale) and ε.
 */
export function batchNormGradients(x: tfjs.Tensor, dy: tfjs.Tensor, gamma: tfjs.Tensor | undefined, epsilon: number, inputWanted: boolean): BatchNormGradients {
  const channels = x.shape[x.rank - 1];
  const m = x.size / channels;
  const gammas = gamma ? Float64Array.from(gamma.dataSync()) : new Float64Array(channels).fill(1);
  const simd = channels % 4 === 0 ? simdPasses() : undefined;
  const shift = new Float64Array(channels);
  let sums: Float64Array = new Float64Array(4 * channels);
  {
    const xs = floatsOf(x);
    for (let c = 0; c < channels; c++) shift[c] = xs[c];
    if (simd) sums = simd.channelSums(heapOffset(x), heapOffset(dy), m, channels, Float32Array.from(shift));
    else channelSums(xs, floatsOf(dy), channels, shift, sums);
  }
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const d = new Float64Array(channels);
  const dGamma = new Float32Array(channels);
  const dBeta = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const [sv, svv, sdy, sdyv] = [sums[c], sums[channels + c], sums[2 * channels + c], sums[3 * channels + c]];
    const meanV = sv / m;
    const mean = shift[c] + meanV;
    const variance = Math.max(0, svv / m - meanV * meanV);
    const r = 1 / Math.sqrt(variance + epsilon);
    // Σ dy·x̂ = r·Σ dy·(x − μ), and x − μ = v − mean(v).
    const sdyxhat = r * (sdyv - meanV * sdy);
    dBeta[c] = sdy;
    dGamma[c] = sdyxhat;
    a[c] = gammas[c] * r;
    b[c] = (-gammas[c] * r * r * sdyxhat) / m;
    d[c] = (-gammas[c] * r * sdy) / m - b[c] * mean;
  }
  let dx: tfjs.Tensor | undefined;
  if (inputWanted && simd) {
    // Every value is written by the pass: no fill first.
    dx = filledTensor(x.shape, () => undefined);
    simd.channelAffine(heapOffset(x), heapOffset(dy), heapOffset(dx), m, channels, a, b, d);
  } else if (inputWanted) {
    dx = filledTensor(x.shape, (out) => {
      // The views are taken after the output's allocation, which may have grown the heap.
      affineOfTwo(floatsOf(x), floatsOf(dy), channels, a, b, d, out);
    });
  }
  return { dx, dGamma: tf.tensor1d(dGamma), dBeta: tf.tensor1d(dBeta) };
}
