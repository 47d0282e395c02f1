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
 * runs its backward on slices of the batch, and its weight gradients add up. Any other kind
 * runs on the whole batch at once, except two kinds whose backward is their formula, with no
 * temporary and no forward run again: a BatchNormalization over its last axis (every tf.layers
 * one in training mode; batchNormGradient.ts), and on the WASM engine an Activation layer of
 * relu or relu6 or a ReLU layer (one SIMD pass, simdPasses.ts). Conv2D, DepthwiseConv2D and Dense layers
 * without an activation of their own skip the forward too: their gradient kernels are called
 * directly (kernelGradients.ts), whole or in slices.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { filledTensor } from '../engine/engineMemory';
import { batchNormGradients } from './batchNormGradient';
import { normalizesLastAxis, type BatchNormInternals } from './batchNormForward';
import { heapOffset } from './heapFloats';
import { kernelGradients } from './kernelGradients';
import { ownActivationOfActivationLayer } from './layersTheory';
import { simdPasses } from '../engine/simd/simdPasses';
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
  if (normalizesLastAxis(step, inputs[0])) return batchNormByFormula(step, inputs[0], dy, wanted[0]);
  const rule = reluRule(step, inputs[0], dy);
  if (rule) return { inputs: [wanted[0] ? reluGradient(inputs[0], dy, rule) : undefined], weights: [] };
  const batch = dy.shape[0] ?? 1;
  const parts = BATCH_SLICEABLE.has(step.kind) && inputs.every((x) => x.shape[0] === batch) ? Math.min(batch, Math.ceil(bytes / sliceBytes)) : 1;
  if (parts <= 1) return gradientsOf(step, inputs, dy, wanted, weights);

  const rows = Math.ceil(batch / parts);
  const inputSlices: Tensor[][] = inputs.map(() => []);
  let weightSums: Tensor[] = [];
  for (let start = 0; start < batch; start += rows) {
    const size = Math.min(rows, batch - start);
    const part = tf.tidy(() => {
      const xs = inputs.map((x) => sliceRows(x, start, size));
      const g = gradientsOf(step, xs, sliceRows(dy, start, size), wanted, weights);
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

/** One step's gradients: by its gradient kernels where kernelGradients.ts takes the layer, else by autodiff. */
function gradientsOf(step: Step, inputs: Tensor[], dy: Tensor, wanted: boolean[], weights: Tensor[]): LayerGradients {
  const direct = inputs.length === 1 ? kernelGradients(step, inputs[0], dy, wanted[0]) : undefined;
  if (direct) return { inputs: [direct.dx], weights: direct.weights };
  return vjp(() => applyStep(step, inputs), inputs, dy, wanted, weights);
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


/**
 * How a ReLU layer passes its output's gradient on, when the SIMD pass can take its backward (the
 * WASM engine, float32): up to which input, and whether inputs above it give +0 (clip). An
 * Activation layer of relu: dy · step(x), no limit; of relu6, which tf.layers computes as
 * min(6, relu(x)): dy · [6 > relu(x)] · step(x), so none at 6 (the float32 just below 6). A ReLU
 * layer: relu, then clipByValue(0, maxValue) when it has one, whose gradient passes dy up to and
 * at maxValue and gives +0 above it. Undefined for anything else.
 */
function reluRule(step: Step, x: Tensor, dy: Tensor): { upper: number; clip: boolean } | undefined {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.size !== dy.size || !simdPasses()) return undefined;
  if (step.kind === 'reLU') {
    const { maxValue } = step.layer as unknown as { maxValue?: number | null };
    if (maxValue === undefined || maxValue === null) return { upper: Infinity, clip: false };
    return typeof maxValue === 'number' && maxValue >= 0 && Math.fround(maxValue) === maxValue ? { upper: maxValue, clip: true } : undefined;
  }
  if (step.kind !== 'activation') return undefined;
  const name = ownActivationOfActivationLayer(step.layer);
  return name === 'relu' ? { upper: Infinity, clip: false } : name === 'relu6' ? { upper: Math.fround(6) - 2 ** -21, clip: false } : undefined;
}

/** The ReLU rule's gradient: the SIMD pass on the engine's heap, no temporary. */
function reluGradient(x: Tensor, dy: Tensor, rule: { upper: number; clip: boolean }): Tensor {
  // Every value is written by the pass: no fill first.
  const dx = filledTensor(x.shape, () => undefined);
  simdPasses()!.reluGradient(heapOffset(x), heapOffset(dy), heapOffset(dx), x.size, rule.upper, rule.clip);
  return dx;
}

/** A BatchNorm's backward by its formula (batchNormGradient.ts), its weight gradients in the order of the step's trainable weights. */
function batchNormByFormula(step: Step, x: Tensor, dy: Tensor, inputWanted: boolean): LayerGradients {
  const layer = step.layer as unknown as BatchNormInternals;
  const g = batchNormGradients(x, dy, layer.gamma?.read(), layer.epsilon, inputWanted);
  const weights = step.trainableWeights.map((w) => (w === layer.gamma ? g.dGamma : w === layer.beta ? g.dBeta : tf.zerosLike(w.read())));
  tf.dispose([g.dGamma, g.dBeta].filter((t) => !weights.includes(t)));
  return { inputs: [g.dx], weights };
}
