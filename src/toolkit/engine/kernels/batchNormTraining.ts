/**
 * Batch normalization in training mode on the WASM engine, forward and backward, each as a few
 * passes of XNNPACK's vectorized kernels, with one gradient for the whole of it.
 *
 * What tf.layers does instead (tfjs-layers 4.22, normalization.ts): `tf.moments` (Mean, Sub,
 * Square, Mean), then the FusedBatchNorm kernel, and autodiff through every one of those ops:
 * FusedBatchNorm's gradient alone tiles, multiplies and sums full-size tensors a dozen times, and
 * the moments' gradients add more. In one epoch of a CNN's model.fit on 2,000 MNIST images that
 * chain was a third of the time; its kernels ran at 1.6-8 ns a value (broadcasting binary ops
 * and FusedBatchNorm are per-element C++ loops in the package, the sums JavaScript loops).
 *
 * Here, with rows the values of one channel and d = x − mean:
 *
 *   forward   Σx (channelSums.ts), d, d², Σd², then y = d · γ/σ + β: five passes
 *   backward  Σdy, dy·d, Σ(dy·d), then dx = (γ/σ)·dy − γΣ(dy·d)/(σ³·rows)·d − γΣdy/(σ·rows):
 *             six passes, d kept from the forward (in place of x, which tfjs would keep)
 *
 * where σ = √(variance + ε) and the variance is the biased one tfjs uses. Each per-channel
 * scale-and-shift is a 1×1 depthwise convolution with a bias (XNNPACK's multiply-add kernel).
 * With channels in fours, the probe's SIMD passes do the same in two passes each way (simdForward).
 * The gradient is the exact gradient of what tf.layers computes, through the batch mean and
 * variance as well (Σ d·dy terms), so training follows the same path: the tests compare both
 * against the CPU backend running tfjs's own ops.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { util, type TensorInfo } from '@tensorflow/tfjs';
import { filledTensor } from '../engineMemory';
import { batchNormGradients } from '../../probe/batchNormGradient';
import { heapOffset } from '../../probe/heapFloats';
import { simdPasses } from '../simd/simdPasses';
import { withBackendCalls, type BackendCalls } from './backendCalls';
import { channelSums } from './channelSums';

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** Per-channel values as a float32 tensor on the heap, freed with `calls`. */
function channelTensor(calls: BackendCalls, values: ArrayLike<number>, shape: number[]): TensorInfo {
  const heap = calls.backend as unknown as HeapBackend;
  const t = calls.adopt(heap.makeOutput(shape, 'float32'));
  heap.typedArrayFromHeap(t).set(values);
  return t;
}

/**
 * x · scale[c] + shift[c] for x [..., C]: a 1×1 depthwise convolution with a bias, which XNNPACK
 * runs as one vectorized multiply-add pass. The result has x's shape.
 */
export function scaleShift(calls: BackendCalls, x: TensorInfo, scale: ArrayLike<number>, shift: ArrayLike<number>): TensorInfo {
  const channels = x.shape[x.shape.length - 1];
  const as4d = x.shape.length === 4 ? x : calls.reshape(x, [1, util.sizeFromShape(x.shape) / channels, 1, channels]);
  const out = calls.run(
    'FusedDepthwiseConv2D',
    { x: as4d, filter: channelTensor(calls, scale, [1, 1, channels, 1]), bias: channelTensor(calls, shift, [channels]) },
    { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', activation: 'linear' },
  );
  return out.shape.length === x.shape.length ? out : calls.reshape(out, x.shape);
}

export interface BatchNormStatistics {
  mean: Float64Array;
  /** The biased variance, over rows, as tfjs's moments computes it. */
  variance: Float64Array;
  /** 1 / √(variance + ε). */
  invStd: Float64Array;
  rows: number;
}

/**
 * y = (x − mean)·γ/σ + β over every axis but the last, the batch's statistics, and d = x − mean,
 * which the backward reads instead of x (one pass fewer; the caller keeps or frees it).
 */
export function batchNormForward(calls: BackendCalls, x: TensorInfo, gamma: Float32Array, beta: Float32Array, epsilon: number): { y: TensorInfo; d: TensorInfo; stats: BatchNormStatistics } {
  const channels = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape) / channels;
  const mean = channelSums(calls, x).map((s) => s / rows);
  const d = scaleShift(
    calls,
    x,
    new Float32Array(channels).fill(1),
    mean.map((m) => -m),
  );
  const variance = channelSums(calls, calls.run('Square', { x: d })).map((s) => s / rows);
  const invStd = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  const y = scaleShift(
    calls,
    d,
    invStd.map((s, c) => s * gamma[c]),
    beta,
  );
  return { y, d, stats: { mean, variance, invStd, rows } };
}

/** dx, dγ and dβ of batchNormForward for the output gradient dy, from its d = x − mean. */
export function batchNormBackward(calls: BackendCalls, dy: TensorInfo, d: TensorInfo, gamma: Float32Array, stats: BatchNormStatistics): { dx: TensorInfo; dGamma: Float64Array; dBeta: Float64Array } {
  const { invStd, rows } = stats;
  const channels = invStd.length;
  const sumDy = channelSums(calls, dy);
  const sumDyD = channelSums(calls, calls.run('Multiply', { a: dy, b: d }));
  const fromDy = scaleShift(
    calls,
    dy,
    invStd.map((s, c) => gamma[c] * s),
    invStd.map((s, c) => (-gamma[c] * s * sumDy[c]) / rows),
  );
  const fromD = scaleShift(
    calls,
    d,
    invStd.map((s, c) => (-gamma[c] * s * s * s * sumDyD[c]) / rows),
    new Float32Array(channels),
  );
  const dx = calls.run('Add', { a: fromDy, b: fromD });
  return { dx, dGamma: sumDyD.map((s, c) => s * invStd[c]), dBeta: sumDy };
}

/** The values of a small float32 tensor, read in place. */
function valuesOf(backend: unknown, t: TensorInfo): Float32Array {
  return Float32Array.from((backend as HeapBackend).typedArrayFromHeap(t));
}

/** A float32 tensor's values as a view of the heap; valid until the next allocation. */
function heapValues(backend: unknown, t: TensorInfo): Float32Array {
  return (backend as HeapBackend).typedArrayFromHeap(t);
}

/**
 * The forward by the probe's two SIMD passes (engine/simd/simdPasses.ts, split with its worker thread):
 * per-channel sums about x's first row, then y = (x − mean)·γ/σ + β in tfjs's float32 order. Its
 * backward is the probe's batchNormGradients (two passes more). 2.6x less CPU time than the
 * XNNPACK passes above for the MNIST CNN's first BatchNorm on 128 images (one thread), and their
 * own threads split the work, where XNNPACK's pool hands off every small op. Channels in fours.
 */
function simdForward(tf: typeof tfjs, simd: NonNullable<ReturnType<typeof simdPasses>>, x: tfjs.Tensor, gamma: Float32Array, beta: Float32Array, epsilon: number): { y: tfjs.Tensor; stats: BatchNormStatistics } {
  const channels = x.shape[x.rank - 1];
  const rows = x.size / channels;
  const shift = heapValues(tf.backend(), x).slice(0, channels);
  // x passed as both arrays: the first two sums are Σ(x − shift) and Σ(x − shift)².
  const sums = simd.channelSums(heapOffset(x), heapOffset(x), rows, channels, shift);
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const meanShifted = sums[c] / rows;
    mean[c] = shift[c] + meanShifted;
    variance[c] = Math.max(0, sums[channels + c] / rows - meanShifted * meanShifted);
  }
  const invStd = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  // Every value is written by the pass: no fill first.
  const y = filledTensor(x.shape, () => undefined);
  simd.channelNormalize(
    heapOffset(x),
    heapOffset(y),
    rows,
    channels,
    mean,
    invStd.map((s, c) => s * gamma[c]),
    beta,
  );
  return { y, stats: { mean, variance, invStd, rows } };
}

/**
 * Batch normalization in training mode as one differentiable op on the WASM engine: the
 * normalized x, and the batch's mean and biased variance (for the moving averages, no gradient).
 * x is float32 [..., C]; gamma and beta are [C]. With channels in fours it runs the probe's SIMD
 * passes, else the XNNPACK ones above.
 */
export function batchNormTraining(tf: typeof tfjs, x: tfjs.Tensor, gamma: tfjs.Tensor, beta: tfjs.Tensor, epsilon: number): { y: tfjs.Tensor; mean: tfjs.Tensor1D; variance: tfjs.Tensor1D } {
  const backendName = tf.getBackend();
  const backend = tf.backend();
  const simd = x.shape[x.rank - 1] % 4 === 0 ? simdPasses() : undefined;
  let stats: BatchNormStatistics | undefined;
  // customGrad's typing passes inputs and `save` as one rest list.
  const op = tf.customGrad(((xIn: tfjs.Tensor, gammaIn: tfjs.Tensor, betaIn: tfjs.Tensor, save: tfjs.GradSaveFunc) => {
    // The values at the forward pass are the ones the gradient is of (tfjs saves tensors alike).
    const gammaValues = valuesOf(backend, gammaIn);
    if (simd) {
      const out = simdForward(tf, simd, xIn, gammaValues, valuesOf(backend, betaIn), epsilon);
      stats = out.stats;
      save([xIn, gammaIn]);
      return {
        value: out.y,
        gradFunc: (dy: tfjs.Tensor, [xSaved, gammaSaved]: tfjs.Tensor[]) => {
          const { dx, dGamma, dBeta } = batchNormGradients(xSaved, dy, gammaSaved, epsilon, true);
          return [dx!, dGamma, dBeta];
        },
      };
    }
    let centred: TensorInfo | undefined;
    const forward = (calls: BackendCalls) => {
      const out = batchNormForward(calls, xIn, gammaValues, valuesOf(backend, betaIn), epsilon);
      stats = out.stats;
      centred = calls.keep(out.d);
      return out.y;
    };
    const y = tf.engine().makeTensorFromTensorInfo(withBackendCalls(backendName, backend, forward));
    // customGrad runs this in a tidy: d is freed after the forward unless saved for the backward.
    save([tf.engine().makeTensorFromTensorInfo(centred!)]);
    const forwardStats = stats!;
    return {
      value: y,
      gradFunc: (dy: tfjs.Tensor, [dSaved]: tfjs.Tensor[]) => {
        let dGamma: ArrayLike<number> = [];
        let dBeta: ArrayLike<number> = [];
        const dx = withBackendCalls(backendName, backend, (calls) => {
          const out = batchNormBackward(calls, dy, dSaved, gammaValues, forwardStats);
          dGamma = out.dGamma;
          dBeta = out.dBeta;
          return out.dx;
        });
        return [tf.engine().makeTensorFromTensorInfo(dx), tf.tensor1d(Float32Array.from(dGamma)), tf.tensor1d(Float32Array.from(dBeta))];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = op(x, gamma, beta);
  const { mean, variance } = stats!;
  return { y, mean: tf.tensor1d(Float32Array.from(mean)), variance: tf.tensor1d(Float32Array.from(variance)) };
}
