/**
 * What a model is made of, and the same model with fresh weights. "Compare initializations"
 * uses both to compare schemes on a notebook's own model: each scheme gets a copy of the
 * architecture (same layers, same activations, same loss), and the user's model is never touched.
 */
import { tf } from '../engine/engine';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from './layers';
import { CrossEntropy, MSE } from './losses';
import { checkWeight, weightInit, type ActivationName, type InitName, type WeightInit } from './mlp';
import { argumentError, checkOptions, checkSeed } from '../args';
import { Model } from './model';
import type { Module } from './module';
import { uniformStream } from '../random';
import { isLayersModel, reinitLayersModel, type LayersReinitOptions } from './layersModels';
import { describeConvModel, reinitConvModel } from './convModels';
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSchemeName } from '../../shared/names';
import { isModelSchemeName, reinitWithScheme, type SchemeReinitOptions } from '../init/modelSchemes';

export interface ModelSummary {
  /** Units from input to output: [784, 100, 100, 100, 1] for the lesson's MLP. */
  sizes: number[];
  /** The activation between Linear layers (the first one, if they differ). */
  activation: ActivationName;
  loss: 'mse' | 'crossEntropy';
}

function activationName(layer: Module): ActivationName | undefined {
  if (layer instanceof ReLU) return 'relu';
  if (layer instanceof LeakyReLU) return 'leakyRelu';
  if (layer instanceof Tanh) return 'tanh';
  if (layer instanceof Sigmoid) return 'sigmoid';
  if (layer instanceof Identity) return 'none';
  return undefined;
}

/** A fresh, stateless copy of an activation layer, with the same options. */
function copyActivation(layer: Module): Module {
  if (layer instanceof ReLU) return new ReLU({ shift: layer.shift });
  if (layer instanceof LeakyReLU) return new LeakyReLU(layer.slope);
  if (layer instanceof Tanh) return new Tanh();
  if (layer instanceof Sigmoid) return new Sigmoid();
  if (layer instanceof Identity) return new Identity();
  throw new RangeError(`${layer.name} is neither Linear nor one of the toolkit's activations, so it cannot be re-initialized`);
}

/**
 * The shape of a model made of Linear layers and the toolkit's activations, or undefined for
 * anything else (no Linear layer, a custom module or loss, shapes that do not chain).
 */
export function describeModel(model: unknown): ModelSummary | undefined {
  if (!(model instanceof Model)) return undefined;
  const linears = model.linears();
  if (linears.length === 0) return undefined;
  let activation: ActivationName | undefined;
  for (const layer of model.layers) {
    if (layer instanceof Linear) continue;
    const name = activationName(layer);
    if (!name) return undefined;
    activation ??= name;
  }
  const sizes: number[] = [linears[0].w.shape[0] ?? 0, ...linears.map((l) => l.w.shape[1] ?? 0)];
  if (linears.some((l, i) => l.w.shape[0] !== sizes[i])) return undefined;
  // A loss of the user's own could not be copied: reinit would swap it for another.
  const loss = model.loss instanceof CrossEntropy ? 'crossEntropy' : model.loss instanceof MSE ? 'mse' : undefined;
  return loss && { sizes, activation: activation ?? 'none', loss };
}

/**
 * A new model with `model`'s architecture and weights drawn by `init` (zero biases), as
 * `nn.mlp` would draw them: the same seed gives the same weights as `nn.mlp(sizes, { init, seed })`.
 * A tf.LayersModel gets a copy with every kernel drawn afresh (layersModels.ts).
 * Gains follow the model's activation. Example: `const fresh = nn.reinit(model, 'xavierNormal', { seed: 0 })`
 */
export function reinit(model: Model, init: InitName | WeightInit, options?: { seed?: number }): Model;
export function reinit<M extends tfjs.LayersModel>(model: M, init: InitName | WeightInit, options?: LayersReinitOptions): M;
/**
 * Fixup, MetaInit or GradInit: a copy drawn by a standard scheme, then set as a whole
 * (init/modelSchemes.ts); MetaInit and GradInit take a batch, `x` and `y`.
 * Example: `nn.reinit(net, 'fixup', { seed: 0 })`, `nn.reinit(net, 'metaInit', { x, y, seed: 0 })`
 */
export function reinit<M extends Model | tfjs.LayersModel>(model: M, init: ModelSchemeName, options?: SchemeReinitOptions): M;
export function reinit(model: Model | tfjs.LayersModel, init: InitName | ModelSchemeName | WeightInit, options: LayersReinitOptions & SchemeReinitOptions = {}): Model | tfjs.LayersModel {
  if (isModelSchemeName(init)) return reinitWithScheme(model, init, options, (m, start, o) => reinit(m as Model, start, o));
  if (isLayersModel(model)) return reinitLayersModel(model, init, options) as typeof model;
  if (describeConvModel(model)) return reinitConvModel(model, init, options);
  const fn = 'nn.reinit';
  const summary = describeModel(model);
  if (!summary) throw argumentError(fn, 'model', 'an nn.Model of Linear layers and the toolkit activations (as nn.mlp builds)', model);
  const seed = checkSeed(fn, 'options.seed', checkOptions(fn, options, ['seed']).seed);
  const leaky = model.layers.find((l): l is LeakyReLU => l instanceof LeakyReLU);
  const makeWeight = weightInit(fn, 'init', init, summary.activation, leaky?.slope);
  const seeds = uniformStream(seed ?? Math.floor(Math.random() * 2 ** 31));
  let linearIndex = 0;
  const layers = model.layers.map((layer) => {
    if (!(layer instanceof Linear)) return copyActivation(layer);
    const [fanIn, fanOut] = layer.w.shape as [number, number];
    const w = checkWeight(fn, makeWeight([fanIn, fanOut], linearIndex++, Math.floor(seeds() * 2 ** 31)), [fanIn, fanOut]);
    return new Linear(w, tf.zeros([fanOut]));
  });
  return new Model(layers, summary.loss === 'crossEntropy' ? new CrossEntropy() : new MSE());
}
