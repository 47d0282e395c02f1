/**
 * The backward of one tf.layers layer on its own: TensorFlow.js autodiff of the layer applied
 * again to its saved inputs, seeded with the gradient of its output (a vector-Jacobian product).
 *
 * Why per layer, at the cost of running each layer's forward once more (about a third of a
 * pass): tf's gradients() keeps every forward tensor and every intermediate gradient of the
 * whole model until the backward ends. A BatchNorm's backward alone makes about 14
 * temporaries the size of its input; on 10,000 MNIST images one tensor of the first conv
 * block is 502 MB, and the WASM heap stops at 4 GiB. Per layer, the temporaries go as soon as
 * the layer is done.
 *
 * And in slices: a layer that treats each example on its own (every kind in BATCH_SLICEABLE)
 * runs its backward on slices of the batch, and its weight gradients add up. A
 * BatchNormalization in training mode couples the batch through its mean and variance, but
 * not its channels, so its backward runs on slices of channels, through the same ops tf.layers
 * uses for it (moments, then batchNorm). Any other kind runs on the whole batch at once.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import type { Step } from './layersGraph';

type Tensor = tfjs.Tensor;

/** Layer kinds whose output for one example depends on that example only (dropout is off while probing). */
const BATCH_SLICEABLE = new Set([
  'dense', 'conv1d', 'conv2d', 'conv3d', 'depthwiseConv2d', 'separableConv2d', 'conv2dTranspose',
  'activation', 'reLU', 'leakyReLU', 'elu', 'softmax', 'thresholdedReLU', 'prelu',
  'flatten', 'reshape', 'permute', 'repeatVector', 'dropout', 'spatialDropout1d', 'gaussianNoise', 'gaussianDropout', 'alphaDropout',
  'maxPooling1d', 'maxPooling2d', 'maxPooling3d', 'averagePooling1d', 'averagePooling2d', 'averagePooling3d',
  'globalAveragePooling1d', 'globalAveragePooling2d', 'globalMaxPooling1d', 'globalMaxPooling2d',
  'zeroPadding2d', 'cropping2d', 'upSampling2d',
  'add', 'concatenate', 'multiply', 'average', 'maximum', 'minimum', 'dot',
  'layerNormalization', 'embedding',
]);

/** The gradients of one step: per input (undefined where not asked for) and per trainable weight. */
export interface LayerGradients {
  inputs: (Tensor | undefined)[];
  weights: Tensor[];
}

/** Runs the step's layer as the probe's forward did: BatchNorm on the batch's statistics, dropout off. */
function applyStep(step: Step, inputs: Tensor[]): Tensor {
  return step.layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: step.kind === 'batchNormalization' }) as Tensor;
}

const bytesOf = (t: Tensor) => t.size * 4;

/**
 * ∂L/∂inputs and ∂L/∂weights of one step, given dy = ∂L/∂output. `wanted[i]` says whether
 * input i needs its gradient (the data's is skipped unless asked for). `sliceBytes` bounds the
 * input bytes one slice works on.
 */
export function layerGradients(step: Step, inputs: Tensor[], dy: Tensor, wanted: boolean[], sliceBytes: number): LayerGradients {
  const weights = step.trainableWeights.map((w) => w.read());
  const bytes = Math.max(bytesOf(dy), ...inputs.map(bytesOf));
  if (step.kind === 'batchNormalization') {
    const channels = channelSlices(step, inputs[0], bytes, sliceBytes);
    if (channels) return batchNormGradients(step, inputs[0], dy, wanted[0], weights, channels);
  }
  const batch = dy.shape[0] ?? 1;
  const parts = BATCH_SLICEABLE.has(step.kind) && inputs.every((x) => x.shape[0] === batch) ? Math.min(batch, Math.ceil(bytes / sliceBytes)) : 1;
  if (parts <= 1) return vjp(() => applyStep(step, inputs), inputs, dy, wanted, weights);

  const rows = Math.ceil(batch / parts);
  const inputSlices: Tensor[][] = inputs.map(() => []);
  let weightSums: Tensor[] = [];
  for (let start = 0; start < batch; start += rows) {
    const size = Math.min(rows, batch - start);
    const part = tf.tidy(() => {
      const xs = inputs.map((x) => sliceRows(x, start, size));
      const g = vjp(() => applyStep(step, xs), xs, sliceRows(dy, start, size), wanted, weights);
      return { inputs: g.inputs, weights: g.weights };
    });
    part.inputs.forEach((g, i) => g && inputSlices[i].push(g));
    weightSums = weightSums.length === 0 ? part.weights : weightSums.map((sum, i) => {
      const total = tf.add(sum, part.weights[i]);
      tf.dispose([sum, part.weights[i]]);
      return total;
    });
  }
  return { inputs: inputSlices.map((slices, i) => (wanted[i] ? concatAndFree(slices, 0) : undefined)), weights: weightSums };
}

/** Autodiff of f, seeded with dy, with respect to the wanted inputs and the weights (zeros for a weight f does not read). */
function vjp(f: () => Tensor, inputs: Tensor[], dy: Tensor, wanted: boolean[], weights: Tensor[]): LayerGradients {
  const asked = inputs.filter((_, i) => wanted[i]);
  const { value, grads } = tf.engine().gradients(f, [...asked, ...weights], dy, true);
  // A layer that is off (dropout while probing) hands back its input itself.
  if (!inputs.includes(value)) value.dispose();
  const withZeros = grads.map((g, k) => g ?? tf.zerosLike([...asked, ...weights][k]));
  let next = 0;
  return { inputs: inputs.map((_, i) => (wanted[i] ? withZeros[next++] : undefined)), weights: withZeros.slice(asked.length) };
}

function sliceRows(t: Tensor, start: number, size: number): Tensor {
  return tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1).map(() => -1)]);
}

function concatAndFree(parts: Tensor[], axis: number): Tensor {
  if (parts.length === 1) return parts[0];
  const whole = tf.concat(parts, axis);
  tf.dispose(parts);
  return whole;
}

interface BatchNormInternals {
  axis: number;
  epsilon: number;
  gamma?: tfjs.LayerVariable | null;
  beta?: tfjs.LayerVariable | null;
}

/** How many channels each slice of a BatchNorm's backward takes, or undefined for the whole layer at once. */
function channelSlices(step: Step, x: Tensor, bytes: number, sliceBytes: number): number | undefined {
  const { axis } = step.layer as unknown as BatchNormInternals;
  // tf.layers normalizes this way only over every axis but the last (normalizeBatchInTraining).
  if ((axis >= 0 ? axis : axis + x.rank) !== x.rank - 1 || x.rank < 2 || x.rank > 4) return undefined;
  const channels = x.shape[x.rank - 1];
  const parts = Math.min(channels, Math.ceil(bytes / sliceBytes));
  return parts > 1 ? Math.ceil(channels / parts) : undefined;
}

/** A BatchNorm's backward, `perSlice` channels at a time (each channel's statistics are its own). */
function batchNormGradients(step: Step, x: Tensor, dy: Tensor, inputWanted: boolean, weights: Tensor[], perSlice: number): LayerGradients {
  const layer = step.layer as unknown as BatchNormInternals;
  const gamma = layer.gamma?.read();
  const beta = layer.beta?.read();
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const channels = x.shape[x.rank - 1];
  const sliceChannels = (t: Tensor, start: number, size: number) => tf.slice(t, [...t.shape.slice(0, -1).map(() => 0), start], [...t.shape.slice(0, -1).map(() => -1), size]);
  const dx: Tensor[] = [];
  const dGamma: Tensor[] = [];
  const dBeta: Tensor[] = [];
  for (let start = 0; start < channels; start += perSlice) {
    const size = Math.min(perSlice, channels - start);
    const part = tf.tidy(() => {
      const xc = sliceChannels(x, start, size);
      const gc = gamma && tf.slice(gamma, start, size);
      const bc = beta && tf.slice(beta, start, size);
      const f = () => {
        const { mean, variance } = tf.moments(xc, axes);
        return normalize(xc, mean, variance, bc, gc, layer.epsilon);
      };
      const params = [gc, bc].filter((t): t is Tensor => !!t);
      const g = vjp(f, [xc], sliceChannels(dy, start, size), [inputWanted], params);
      return { dx: g.inputs[0], dGamma: gc ? g.weights[0] : undefined, dBeta: bc ? g.weights[gc ? 1 : 0] : undefined };
    });
    if (part.dx) dx.push(part.dx);
    if (part.dGamma) dGamma.push(part.dGamma);
    if (part.dBeta) dBeta.push(part.dBeta);
  }
  const byVariable = new Map<Tensor | undefined, Tensor[]>([[gamma, dGamma], [beta, dBeta]]);
  return {
    inputs: [inputWanted ? concatAndFree(dx, x.rank - 1) : undefined],
    weights: weights.map((w) => {
      const parts = byVariable.get(w);
      return parts?.length ? concatAndFree(parts, 0) : tf.zerosLike(w);
    }),
  };
}

/** tf.layers' batchNormalization(): the rank-specific tf.batchNorm it calls. */
function normalize(x: Tensor, mean: Tensor, variance: Tensor, beta: Tensor | undefined, gamma: Tensor | undefined, epsilon: number): Tensor {
  if (x.rank === 2) return tf.batchNorm2d(x as tfjs.Tensor2D, mean as tfjs.Tensor1D, variance as tfjs.Tensor1D, beta as tfjs.Tensor1D, gamma as tfjs.Tensor1D, epsilon);
  if (x.rank === 3) return tf.batchNorm3d(x as tfjs.Tensor3D, mean as tfjs.Tensor1D, variance as tfjs.Tensor1D, beta as tfjs.Tensor1D, gamma as tfjs.Tensor1D, epsilon);
  return tf.batchNorm4d(x as tfjs.Tensor4D, mean as tfjs.Tensor1D, variance as tfjs.Tensor1D, beta as tfjs.Tensor1D, gamma as tfjs.Tensor1D, epsilon);
}
