/**
 * A model the user built, read as the chain mean-field theory describes: its dense and
 * convolutional layers in order, each with σ_w² = fanIn · E[W²], σ_b² = E[b²] and the activation
 * after it. InitLab's nn models (nn.mlp, nn.cnn, a Model of Linear, Conv2d and activations) and
 * tf.layers models (Sequential or functional) are read.
 *
 * The second moments are those of the weights the model has, not of the scheme that drew them:
 * they are what the variance map multiplies (E[W²] is Var(W) for the zero-mean draws every
 * scheme makes), and they are right even where an initializer is not (tfjs's truncated normals
 * give 0.77 of their nominal variance). For a layer of n weights the sampling error of E[W²] is
 * about √(2/n): 1.4% for a 100 × 100 kernel.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError } from '../../args';
import { Model, Sequential } from '../../nn/model';
import { Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Identity } from '../../nn/layers';
import { Conv2d, Flatten, GlobalAvgPool } from '../../nn/conv';
import { BatchNorm } from '../../nn/batchNorm';
import { Residual } from '../../nn/residual';
import type { Module } from '../../nn/module';
import { isLayersModel, shortName, stepsOf, type Step } from '../../probe/layersGraph';
import { ownActivation } from '../../probe/layersTheory';
import { namedActivation, userActivation, erf, type Activation } from './activations';

export interface ChainLayer {
  /** The layer's name: 'dense_1', or 'Linear(784→100)' with its place for an nn model. */
  name: string;
  kind: 'dense' | 'conv';
  fanIn: number;
  sigmaW2: number;
  sigmaB2: number;
  /** The activation after it ('linear' when none). */
  activation: Activation;
}

export interface ModelChain {
  /** 'nn.Model', or the tf.LayersModel's name. */
  label: string;
  layers: ChainLayer[];
  /** What the chain theory leaves out of this model: normalization, residual sums, pooling. */
  notes: string[];
}

/**
 * E[x²] of a tensor, summed in float64: a float32 sum of a million squares is off in its sixth
 * digit, which χ₁ near 1 would show.
 */
function secondMoment(t: tfjs.Tensor): number {
  const values = t.dataSync();
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return values.length ? sum / values.length : 0;
}

const TF_EXTRA: Record<string, (x: number) => number> = {
  softsign: (x) => x / (1 + Math.abs(x)),
  hardsigmoid: (x) => Math.max(0, Math.min(1, 0.2 * x + 0.5)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  mish: (x) => x * Math.tanh(Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
};

const TF_NAMED: Record<string, Parameters<typeof namedActivation>[0]> = {
  linear: 'linear',
  relu: 'relu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  swish: 'swish',
  relu6: 'relu6',
};

/** A tf.layers activation by its class name in lower case, or undefined (softmax, a custom one). */
function tfActivation(name: string): Activation | undefined {
  if (TF_NAMED[name]) return namedActivation(TF_NAMED[name]);
  const f = TF_EXTRA[name];
  if (!f) return undefined;
  const named = Object.defineProperty((x: number) => f(x), 'name', { value: name });
  return userActivation('meanField.ofModel', named);
}

// ---- nn models ----

function nnActivation(module: Module): Activation | undefined {
  if (module instanceof Tanh) return namedActivation('tanh');
  if (module instanceof Sigmoid) return namedActivation('sigmoid');
  if (module instanceof Identity) return namedActivation('linear');
  if (module instanceof LeakyReLU) return namedActivation('leakyRelu', module.slope);
  if (module instanceof ReLU) {
    if (!module.shift) return namedActivation('relu');
    const shift = module.shift;
    return userActivation('meanField.ofModel', Object.defineProperty((x: number) => Math.max(0, x) - shift, 'name', { value: `relu−${shift}` }));
  }
  return undefined;
}

function nnChain(model: Sequential): ModelChain {
  const layers: ChainLayer[] = [];
  const notes = new Set<string>();
  const linear = namedActivation('linear');
  const modules = model.layers;
  modules.forEach((module, index) => {
    const place = `${index + 1}: ${module.name}`;
    if (module instanceof Linear || module instanceof Conv2d) {
      const w = module.w;
      const shape = w.shape as number[];
      const fanIn = module instanceof Linear ? shape[0] : shape[0] * shape[1] * shape[2];
      layers.push({ name: place, kind: module instanceof Linear ? 'dense' : 'conv', fanIn, sigmaW2: fanIn * secondMoment(w), sigmaB2: secondMoment(module.b), activation: linear });
      return;
    }
    const activation = nnActivation(module);
    if (activation) {
      const last = layers[layers.length - 1];
      if (last && last.activation === linear) last.activation = activation;
      return;
    }
    if (module instanceof Flatten) return;
    if (module instanceof BatchNorm) notes.add('BatchNorm resets each layer\'s q to about 1: the chain theory describes the layers between, not the normalized whole');
    else if (module instanceof Residual) notes.add('a residual block adds its input back: the chain theory is for plain chains, and a residual net keeps signals apart far deeper than its ξ_c says');
    else if (module instanceof GlobalAvgPool) notes.add('global average pooling averages positions before the head: the chain is read up to it');
    else notes.add(`${module.name} is not a layer the chain theory knows; it is left out`);
  });
  return { label: model instanceof Model ? 'nn.Model' : 'nn.Sequential', layers, notes: [...notes] };
}

// ---- tf.layers models ----

const TRANSPARENT = new Set(['flatten', 'reshape', 'dropout', 'spatialDropout1d', 'inputLayer', 'gaussianNoise', 'gaussianDropout', 'alphaDropout']);
const WEIGHTED: Record<string, 'dense' | 'conv'> = { dense: 'dense', conv1d: 'conv', conv2d: 'conv', conv3d: 'conv' };

function layersChain(model: tfjs.LayersModel): ModelChain {
  const fn = 'meanField.ofModel';
  const { steps } = stepsOf(model, fn);
  const layers: ChainLayer[] = [];
  const notes = new Set<string>();
  const linear = namedActivation('linear');
  const byOutput = new Map<number, ChainLayer>();
  const outputActivations: string[] = [];
  const activationNamed = (step: Step, name: string): Activation => {
    const a = tfActivation(name);
    if (!a) throw new RangeError(`${fn}: layer "${step.id}" has the activation '${name}', which mean-field theory has no rule for here; use meanField({ activation: x => … }) with it written out`);
    return a;
  };
  for (const step of steps) {
    const kind = WEIGHTED[step.kind];
    if (kind) {
      const weights = new Map(step.layer.weights.map((v) => [shortName(v), v.read()]));
      const kernel = weights.get('kernel');
      if (!kernel) continue;
      const fanIn = kernel.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const bias = weights.get('bias');
      const name = ownActivation(step);
      // An output layer's softmax is no hidden activation: the chain ends there (checked below).
      const output = name === 'softmax' || name === 'logsoftmax';
      if (output) outputActivations.push(step.id);
      const activation = name === 'linear' || output ? linear : activationNamed(step, name);
      const layer: ChainLayer = { name: step.id, kind, fanIn, sigmaW2: fanIn * secondMoment(kernel), sigmaB2: bias ? secondMoment(bias) : 0, activation };
      layers.push(layer);
      byOutput.set(step.outputId, layer);
      continue;
    }
    if (step.kind === 'activation' || step.kind === 'reLU' || step.kind === 'leakyReLU') {
      const before = byOutput.get(step.inputIds[0]);
      const activation =
        step.kind === 'leakyReLU'
          ? namedActivation('leakyRelu', (step.layer as unknown as { alpha: number }).alpha)
          : step.kind === 'reLU'
            ? namedActivation('relu')
            : activationNamed(step, (step.layer as { activation?: { getClassName(): string } }).activation?.getClassName().toLowerCase() ?? 'linear');
      if (before && before.activation === linear) {
        before.activation = activation;
        byOutput.set(step.outputId, before);
      }
      continue;
    }
    if (TRANSPARENT.has(step.kind)) {
      const before = byOutput.get(step.inputIds[0]);
      if (before) byOutput.set(step.outputId, before);
      continue;
    }
    if (step.kind === 'batchNormalization' || step.kind === 'layerNormalization') notes.add('normalization resets each layer\'s q: the chain theory describes the layers between, not the normalized whole');
    else if (step.kind === 'add' || step.kind === 'concatenate' || step.kind === 'multiply' || step.kind === 'average') notes.add(`the graph joins branches (${step.kind}): the chain theory is for plain chains, and the layers are read in order as one`);
    else if (/pooling/i.test(step.kind)) notes.add('pooling averages or picks positions between layers: the chain theory leaves it out');
    else notes.add(`${step.id} (${step.layer.getClassName()}) is not a layer the chain theory knows; it is left out`);
  }
  const hidden = outputActivations.find((id) => id !== layers[layers.length - 1]?.name);
  if (hidden) throw new RangeError(`${fn}: layer "${hidden}" has a softmax inside the chain; mean-field theory has a rule for an elementwise activation only`);
  return { label: `tf.LayersModel '${model.name}'`, layers, notes: [...notes] };
}

/** The model's chain, or an error naming what was given. */
export function modelChain(fn: string, model: unknown): ModelChain {
  let chain: ModelChain;
  if (isLayersModel(model)) chain = layersChain(model);
  else if (model instanceof Sequential) chain = nnChain(model);
  else throw argumentError(fn, 'model', 'an nn model (nn.mlp, nn.cnn, an nn.Model) or a tf.LayersModel', model);
  if (chain.layers.length === 0) throw new RangeError(`${fn}: ${chain.label} has no dense or convolutional layer with weights: there is no chain to read`);
  return chain;
}
