/**
 * TensorFlow.js `tf.LayersModel`s in comparisons: what one is made of, and a copy with every
 * weight drawn afresh by a scheme. "Compare initializations" re-initializes copies, never the
 * user's model.
 *
 * What each scheme draws for each layer kind is reinitLayersModel's comment and docs/reinit.md.
 * Layers are read as the probe reads them (layersGraph.ts' stepsOf): nested models opened, and
 * a layer frozen when it or a model around it is. Gains follow the network's activation: the
 * first non-linear one it applies. */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { uniformStream } from '../random';
import { isLayersModel } from '../probe/layersAdapter';
import { shortName, stepsOf } from '../probe/layersGraph';
import { weightInit, type ActivationName, type InitName, type WeightInit } from './mlp';
import { checkBoolean, checkOptions, checkSeed } from '../args';
import { normal } from '../init/distributions';
import { orthogonal } from '../init/structured';
import { disposingFully } from './disposeModel';
import { withZeroInitializers } from './zeroInitializers';

export { isLayersModel };

/** One input of a model, without the batch dimension. */
export interface LayersModelInput {
  /** [28, 28, 1] for an MNIST CNN; null where the model takes any size. */
  shape: number[];
  /** When the layer reading it is an Embedding: its vocabulary size (inputs are token ids below it). */
  tokens?: number;
}

/** One output of a model, without the batch dimension, and the loss compiled for it. */
export interface LayersModelOutput {
  /** [10], or [28, 28, 1] for an autoencoder. */
  shape: number[];
  units: number;
  loss?: string;
}

export interface LayersModelSummary {
  layers: number;
  /** Kinds in order of first appearance with their counts: "conv2d ×3, batchNormalization ×3, dense". */
  kinds: string;
  inputs: LayersModelInput[];
  outputs: LayersModelOutput[];
  activation: ActivationName;
}

const ACTIVATION_NAMES: Record<string, ActivationName> = { relu: 'relu', elu: 'relu', selu: 'relu', relu6: 'relu', leakyrelu: 'leakyRelu', tanh: 'tanh', sigmoid: 'sigmoid' };

function activationOf(model: tfjs.LayersModel): { activation: ActivationName; slope?: number } {
  for (const { layer, kind } of stepsOf(model, 'nn.reinit').steps) {
    const config = layer.getConfig() as { activation?: string; alpha?: number };
    const name = (kind === 'leakyReLU' ? 'leakyrelu' : kind === 'reLU' ? 'relu' : String(config.activation ?? 'linear')).toLowerCase();
    if (ACTIVATION_NAMES[name]) return { activation: ACTIVATION_NAMES[name], slope: name === 'leakyrelu' ? config.alpha : undefined };
  }
  return { activation: 'none' };
}

/** The loss compiled for each output: one name for all, a list in order, or a map by output name. */
function compiledLosses(model: tfjs.LayersModel): (string | undefined)[] {
  const loss = model.loss as unknown;
  return model.outputNames.map((name, k) => {
    const one = Array.isArray(loss) ? loss[k] : typeof loss === 'object' && loss !== null ? (loss as Record<string, unknown>)[name] : loss;
    return typeof one === 'string' ? one : undefined;
  });
}

export function describeLayersModel(model: tfjs.LayersModel): LayersModelSummary {
  // Nested models count as their layers, as the probe shows them.
  const { steps, inputIds } = stepsOf(model, 'describe');
  const counts = new Map<string, number>();
  for (const step of steps) counts.set(step.kind, (counts.get(step.kind) ?? 0) + 1);
  const inputs = model.inputs.map((input, k): LayersModelInput => {
    const shape = input.shape.slice(1) as number[];
    // Token ids when the layer that reads this input is an Embedding.
    const reader = steps.find((s) => s.inputIds.includes(inputIds[k]));
    const tokens = reader?.kind === 'embedding' ? Number((reader.layer.getConfig() as { inputDim?: number }).inputDim) : undefined;
    return tokens ? { shape, tokens } : { shape };
  });
  const losses = compiledLosses(model);
  const outputs = model.outputs.map((output, k): LayersModelOutput => {
    const shape = output.shape.slice(1) as number[];
    return { shape, units: Number(shape[shape.length - 1] ?? 1), loss: losses[k] };
  });
  return {
    layers: steps.length,
    kinds: [...counts].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', '),
    inputs,
    outputs,
    activation: activationOf(model).activation,
  };
}

function cloneArchitecture(model: tfjs.LayersModel): tfjs.LayersModel {
  // Every weight of the copy is the original's or the scheme's (below).
  const config = withZeroInitializers(model.getConfig(), 'className') as tfjs.serialization.ConfigDict;
  // In a scope of its own: tf.layers leaves temporaries behind while it builds (an LSTM with
  // unitForgetBias, 4 tensors per cell); the variables it makes are not the scope's to free.
  tf.engine().startScope();
  let copy: tfjs.LayersModel;
  try {
    copy =
      model instanceof tf.Sequential
        ? (tf.Sequential.fromConfig(tf.Sequential, config) as unknown as tfjs.LayersModel)
        : (tf.LayersModel.fromConfig(tf.LayersModel, config) as unknown as tfjs.LayersModel);
  } finally {
    tf.engine().endScope();
  }
  // A compiled model's loss goes with it: the probe reads it.
  if (model.loss) copy.compile({ optimizer: 'sgd', loss: model.loss as string });
  // The config holds neither the weights nor a frozen model's flag (a Sequential's config is its
  // name and layers; trainable = false marks the model and its variables): both are copied, after
  // compile, whose build marks a Sequential's variables trainable again. Frozen layers keep the
  // original's weights; reinit draws the rest.
  copyLayerState(model, copy);
  return disposingFully(copy);
}

/** tf.layers' own lists of a layer's variables, in the order they were made, whatever their trainable flags. */
type VariableLists = { _trainableWeights: tfjs.LayerVariable[]; _nonTrainableWeights: tfjs.LayerVariable[] };

/**
 * `from`'s trainable flags (its layers', nested models' included, and its variables') and its
 * weights, onto `to`, a copy of its architecture. Variables pair by tf.layers' own lists: `weights`
 * lists trainable ones first, so its order changes with the flags being copied.
 */
function copyLayerState(from: tfjs.layers.Layer, to: tfjs.layers.Layer): void {
  to.trainable = from.trainable;
  if (from instanceof tf.LayersModel && to instanceof tf.LayersModel) from.layers.forEach((layer, k) => copyLayerState(layer, to.layers[k]));
  const variables = (layer: tfjs.layers.Layer) => [...(layer as unknown as VariableLists)._trainableWeights, ...(layer as unknown as VariableLists)._nonTrainableWeights];
  const targets = variables(to);
  variables(from).forEach((variable, k) => {
    targets[k].trainable = variable.trainable;
    targets[k].write(variable.read());
  });
}

export interface LayersReinitOptions {
  seed?: number;
  /** Draw frozen layers (`trainable: false`, a transfer-learning base) afresh too. Default false: they keep their weights. */
  frozen?: boolean;
}

/**
 * A copy of `model` (same layers, same loss) with every weight drawn afresh for `init`, layer
 * kind by layer kind (docs/reinit.md has the table): kernels by the scheme with their own fans;
 * recurrent kernels orthogonal, as Keras draws them, unless the scheme is a fixed distribution
 * (normal, or a weight function), whose point is the scale it gives everything; embedding tables
 * N(0, 1) as torch's nn.Embedding draws them (a lookup has no fan: each output is one table
 * entry, so unit variance keeps a unit signal), or the weight function's draw; biases zero, but
 * an LSTM's forget gate 1 where it asks for it (unitForgetBias: Keras' default, not tf.layers');
 * normalization γ = 1, β = 0, moving statistics 0 and 1. Frozen layers keep their weights unless
 * `{ frozen: true }`. Example: `const fresh = nn.reinit(model, 'kaimingNormal', { seed: 0 })`
 */
export function reinitLayersModel(model: tfjs.LayersModel, init: InitName | WeightInit, options: LayersReinitOptions = {}): tfjs.LayersModel {
  const fn = 'nn.reinit';
  const o = checkOptions(fn, options, ['seed', 'frozen']);
  const seed = checkSeed(fn, 'options.seed', o.seed);
  const frozenToo = o.frozen === undefined ? false : checkBoolean(fn, 'options.frozen', o.frozen);
  const { activation, slope } = activationOf(model);
  const draw = weightInit(fn, 'init', init, activation, slope);
  const fixedScale = typeof init === 'function' || init === 'normal';
  const seeds = uniformStream(seed ?? Math.floor(Math.random() * 2 ** 31));
  const nextSeed = () => Math.floor(seeds() * 2 ** 31);
  const copy = cloneArchitecture(model);
  const drawn = new Set<tfjs.layers.Layer>();
  let kernelIndex = 0;
  for (const step of stepsOf(copy, fn).steps) {
    if (drawn.has(step.layer) || (step.frozen && !frozenToo)) continue;
    drawn.add(step.layer);
    for (const variable of step.layer.weights) {
      const shape = variable.shape as number[];
      const fresh = ((): tfjs.Tensor | undefined => {
        switch (shortName(variable)) {
          case 'kernel':
          case 'pointwise_kernel':
            return draw(shape as [number, number], kernelIndex++, nextSeed());
          case 'depthwise_kernel':
            return depthwiseDraw(draw, shape, kernelIndex++, nextSeed());
          case 'recurrent_kernel':
            return fixedScale ? draw(shape as [number, number], kernelIndex++, nextSeed()) : orthogonal(shape, 1, { seed: nextSeed() });
          case 'embeddings':
            return typeof init === 'function' ? draw(shape as [number, number], kernelIndex++, nextSeed()) : normal(shape, 0, 1, { seed: nextSeed() });
          case 'bias':
            return step.kind === 'lstm' || (step.kind === 'bidirectional' && lstmInside(step.layer)) ? lstmBias(step.layer, shape) : tf.zeros(shape);
          case 'beta':
          case 'moving_mean':
            return tf.zeros(shape);
          case 'gamma':
          case 'moving_variance':
            return tf.ones(shape);
          default:
            return undefined; // a PReLU's slopes and the like keep the original's
        }
      })();
      if (fresh) {
        variable.write(fresh);
        fresh.dispose();
      }
    }
  }
  return copy;
}

/** A depthwise kernel [kh, kw, channels, multiplier] drawn as [kh, kw, 1, channels × multiplier]: each output sees kh × kw inputs, as torch's depthwise weight. */
function depthwiseDraw(draw: WeightInit, shape: number[], index: number, seed: number): tfjs.Tensor {
  const [kh, kw, channels, multiplier] = shape;
  const drawn = draw([kh, kw, 1, channels * multiplier] as unknown as [number, number], index, seed);
  const reshaped = tf.reshape(drawn, shape);
  drawn.dispose();
  return reshaped;
}

const lstmInside = (layer: tfjs.layers.Layer) => (layer.getConfig() as { layer?: { className?: string } }).layer?.className === 'LSTM';

/** An LSTM's bias [4 · units] (gates i, f, c, o): zero, with the forget gate's 1 where the layer asks for it (unitForgetBias: Keras' default, not tf.layers'). */
function lstmBias(layer: tfjs.layers.Layer, shape: number[]): tfjs.Tensor {
  const config = layer.getConfig() as { unitForgetBias?: boolean; layer?: { config?: { unitForgetBias?: boolean } } };
  const forgetOne = config.unitForgetBias ?? config.layer?.config?.unitForgetBias ?? false;
  const units = shape[0] / 4;
  if (!forgetOne || !Number.isInteger(units)) return tf.zeros(shape);
  return tf.tidy(() => tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])]));
}
