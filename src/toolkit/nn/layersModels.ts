/**
 * TensorFlow.js `tf.LayersModel`s in comparisons: what one is made of, and a copy with every
 * weight drawn afresh by a scheme. "Compare initializations" re-initializes copies, never the
 * user's model.
 *
 * Each kernel is drawn with the fans of its own shape (InitLab's layout puts output units
 * last: dense [in, out], conv [kh, kw, in, out], so fans include the receptive field as in
 * torch). A depthwise kernel [kh, kw, channels, multiplier] is drawn as [kh, kw, 1, channels ×
 * multiplier], which is torch's depthwise weight [channels × multiplier, 1, kh, kw] in our
 * layout: each output sees kh × kw inputs. Biases are zero; BatchNorm and LayerNorm start
 * again from γ = 1, β = 0 and moving statistics 0 and 1. Embedding tables keep the
 * layer's own initializer (an embedding has no fan in the sense these schemes use).
 * Gains follow the network's activation: the first non-linear one it applies.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { uniformStream } from '../random';
import { isLayersModel, kindOf } from '../probe/layersAdapter';
import { shortName } from '../probe/layersGraph';
import { namedInit, type ActivationName, type InitName, type WeightInit } from './mlp';

export { isLayersModel };

export interface LayersModelSummary {
  layers: number;
  /** Kinds in order of first appearance with their counts: "conv2d ×3, batchNormalization ×3, dense". */
  kinds: string;
  /** Without the batch dimension: [28, 28, 1] for an MNIST CNN; null where the model takes any size. */
  inputShape: number[];
  /** When the first layer is an Embedding: its vocabulary size (inputs are token ids below it). */
  inputTokens?: number;
  /** One example's output, without the batch dimension: [10], or [28, 28, 1] for an autoencoder. */
  outputShape: number[];
  outputUnits: number;
  activation: ActivationName;
  /** The compiled loss's name, if it has one. */
  loss?: string;
}

const ACTIVATION_NAMES: Record<string, ActivationName> = { relu: 'relu', elu: 'relu', selu: 'relu', relu6: 'relu', leakyrelu: 'leakyRelu', tanh: 'tanh', sigmoid: 'sigmoid' };

function activationOf(model: tfjs.LayersModel): { activation: ActivationName; slope?: number } {
  for (const layer of model.layers) {
    const config = layer.getConfig() as { activation?: string; alpha?: number };
    const name = (kindOf(layer) === 'leakyReLU' ? 'leakyrelu' : kindOf(layer) === 'reLU' ? 'relu' : String(config.activation ?? 'linear')).toLowerCase();
    if (ACTIVATION_NAMES[name]) return { activation: ACTIVATION_NAMES[name], slope: name === 'leakyrelu' ? config.alpha : undefined };
  }
  return { activation: 'none' };
}

export function describeLayersModel(model: tfjs.LayersModel): LayersModelSummary {
  const counts = new Map<string, number>();
  for (const layer of model.layers) if (layer.getClassName() !== 'InputLayer') counts.set(kindOf(layer), (counts.get(kindOf(layer)) ?? 0) + 1);
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
  const outputShape = (model.outputs[0]?.shape ?? []).slice(1) as number[];
  const loss = typeof model.loss === 'string' ? model.loss : undefined;
  // Layers come in the graph's order: the first that is not the input is the one reading it.
  const first = model.layers.find((l) => l.getClassName() !== 'InputLayer');
  const inputTokens = first?.getClassName() === 'Embedding' ? Number((first.getConfig() as { inputDim?: number }).inputDim) : undefined;
  return {
    layers: [...counts.values()].reduce((a, b) => a + b, 0),
    kinds: [...counts].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', '),
    inputShape,
    ...(inputTokens ? { inputTokens } : {}),
    outputShape,
    outputUnits: Number(outputShape[outputShape.length - 1] ?? 1),
    activation: activationOf(model).activation,
    loss,
  };
}

function cloneArchitecture(model: tfjs.LayersModel): tfjs.LayersModel {
  const config = model.getConfig();
  const copy =
    model instanceof tf.Sequential
      ? (tf.Sequential.fromConfig(tf.Sequential, config) as unknown as tfjs.LayersModel)
      : (tf.LayersModel.fromConfig(tf.LayersModel, config) as unknown as tfjs.LayersModel);
  // A compiled model's loss goes with it: the probe reads it.
  if (model.loss) copy.compile({ optimizer: 'sgd', loss: model.loss as string });
  return copy;
}

/**
 * A copy of `model` (same layers, same loss) with every kernel drawn by `init`. Example:
 * `const fresh = nn.reinit(model, 'kaimingNormal', { seed: 0 })`
 */
export function reinitLayersModel(model: tfjs.LayersModel, init: InitName | WeightInit, options: { seed?: number } = {}): tfjs.LayersModel {
  const { activation, slope } = activationOf(model);
  const draw = typeof init === 'function' ? init : namedInit(init, activation, slope);
  const seeds = uniformStream(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const copy = cloneArchitecture(model);
  let kernelIndex = 0;
  for (const layer of copy.layers) {
    const fresh = layer.weights.map((variable) => {
      const name = shortName(variable);
      const shape = variable.shape as number[];
      switch (name) {
        case 'kernel':
        case 'pointwise_kernel':
          return draw(shape as [number, number], kernelIndex++, Math.floor(seeds() * 2 ** 31));
        case 'depthwise_kernel': {
          const [kh, kw, channels, multiplier] = shape;
          const drawn = draw([kh, kw, 1, channels * multiplier] as unknown as [number, number], kernelIndex++, Math.floor(seeds() * 2 ** 31));
          const reshaped = tf.reshape(drawn, shape);
          drawn.dispose();
          return reshaped;
        }
        case 'bias':
        case 'beta':
        case 'moving_mean':
          return tf.zeros(shape);
        case 'gamma':
        case 'moving_variance':
          return tf.ones(shape);
        default:
          return tf.clone(variable.read());
      }
    });
    if (fresh.length > 0) layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  return copy;
}
