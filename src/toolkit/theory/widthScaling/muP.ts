/**
 * `muP`: the maximal-update parametrization (Yang et al. 2022, "Tensor Programs V") for chains
 * of dense layers, nn models and tf.LayersModels alike.
 *
 *   const m = muP.mlp({ inputs: 16, width: 512, outputs: 10, baseWidth: 64, seed: 0 });
 *   const t = muP.trainer(m, { lr: 1e-3 });   // Adam with μP's per-layer learning rates
 *   t.step(x, y);
 *
 * parametrize() changes the model in place, as mup's set_base_shapes does: the output layer's
 * weights are zeroed or scaled (muPRules.ts), the other weights are kept, and the learning-rate
 * multipliers come back beside the model. The multipliers depend on the optimizer, so the
 * result says which one they are for, and trainer() and coordCheck refuse or note another.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { argumentError, checkArgumentCount, checkFiniteNumber, checkOneOf, checkOptions, checkPositiveInteger, checkSeed, describeValue, isPlainObject } from '../../args';
import { Linear } from '../../nn/layers';
import { mlp as nnMlp } from '../../nn/mlp';
import { Model, Sequential } from '../../nn/model';
import { ACTIVATION_NAMES, type ActivationName } from '../../../shared/names';
import { isLayersModel, shortName, stepsOf } from '../../probe/layersGraph';
import { checkBatch } from './batchArgs';
import { OPTIMIZER_NAMES, type OptimizerName } from './layerwiseOptimizer';
import { muPRule, readoutFactor, roleOf, type LayerRole } from './muPRules';
import { nnTrainee } from './nnTrainee';
import { layersTrainee } from './layersTrainee';

export type Readout = 'zero' | 'scaled';
const READOUTS: readonly Readout[] = ['zero', 'scaled'];

export interface MuPLayer {
  /** "Linear 1", or the tf.layers layer's name. */
  layer: string;
  role: LayerRole;
  fanIn: number;
  fanOut: number;
  weightLr: number;
  biasLr: number;
  /** What parametrize did to the initial weights: kept them, zeroed them, or multiplied them by a factor. */
  init: 'kept' | 'zero' | number;
}

/** A model in μP: the model itself (changed in place) and what a trainer needs beside it. */
export interface MuPModel<M extends Model | tfjs.LayersModel = Model | tfjs.LayersModel> {
  model: M;
  /** One per trainable parameter: model.parameters() of an nn model, model.trainableWeights of a tf.LayersModel. */
  lrMultipliers: number[];
  /** The optimizer the multipliers are for. */
  optimizer: OptimizerName;
  baseWidth: number;
  readout: Readout;
  layers: MuPLayer[];
  /** What to know about the model's own init: μP keeps input and hidden weights as they are. */
  notes: string[];
}

export interface ParametrizeOptions {
  /** The width at which μP is the model's standard parametrization (mup's base shapes). Required. */
  baseWidth: number;
  /** The optimizer the learning-rate multipliers are for. Default 'adam'. */
  optimizer?: OptimizerName;
  /** The output layer's initial weights: 'zero' (default) or 'scaled' to variance ∝ 1/fan_in². */
  readout?: Readout;
}

interface DenseLayer {
  name: string;
  fanIn: number;
  fanOut: number;
  /** The weights as they are now. */
  kernel: tfjs.Tensor;
  /** A tf.layers kernel initializer's mode ('fanIn', 'fanOut', 'fanAvg'), when it has one. */
  initMode?: string;
  /** The trainable parameters of this layer: which is the kernel, which the bias. */
  owns: (param: unknown) => 'weight' | 'bias' | undefined;
  setKernel(value: tfjs.Tensor): void;
}

/** The dense layers of a chain, in order; any other layer with weights, or a graph that is not a chain, is refused. */
function denseLayers(fn: string, model: Sequential | tfjs.LayersModel): DenseLayer[] {
  if (isLayersModel(model)) {
    const { steps, inputIds, outputIds } = stepsOf(model, fn);
    // A layer's role (input, hidden, output) is its place in the chain: in a graph with branches
    // a layer fed by the data could sit second and be given a hidden layer's rates.
    const branch = steps.findIndex((s, k) => s.inputIds.length !== 1 || s.inputIds[0] !== (k === 0 ? inputIds[0] : steps[k - 1].outputId));
    if (inputIds.length !== 1 || outputIds.length !== 1 || branch >= 0) {
      const where = branch >= 0 ? `layer "${steps[branch].id}" does not take the output of the layer before it` : `it has ${inputIds.length} inputs and ${outputIds.length} outputs`;
      throw new TypeError(`${fn}: handles chains of dense layers, one after the other; ${where}`);
    }
    return steps
      .filter((s) => s.layer.weights.length > 0)
      .map((s) => {
        if (s.kind !== 'dense') throw new TypeError(`${fn}: handles chains of dense layers; layer "${s.id}" is a ${s.layer.getClassName()}`);
        const kernel = s.layer.weights.find((w) => shortName(w) === 'kernel')!;
        const bias = s.layer.weights.find((w) => shortName(w) === 'bias');
        const initializer = (s.layer as unknown as { kernelInitializer?: { getConfig?(): { mode?: unknown } } }).kernelInitializer;
        const mode = initializer?.getConfig?.().mode;
        return {
          ...(typeof mode === 'string' ? { initMode: mode } : {}),
          name: s.id,
          fanIn: kernel.shape[0]!,
          fanOut: kernel.shape[1]!,
          kernel: kernel.read(),
          owns: (p) => (p === kernel ? 'weight' : p === bias ? 'bias' : undefined),
          setKernel: (value) => {
            // write() makes the variable share the value's data: the tensor itself is ours to free.
            kernel.write(value);
            value.dispose();
          },
        };
      });
  }
  const linears: DenseLayer[] = [];
  model.layers.forEach((module) => {
    if (!(module instanceof Linear)) {
      if (module.parameters().length > 0) throw new TypeError(`${fn}: handles chains of nn.Linear layers; ${module.name} has parameters too`);
      return;
    }
    linears.push({
      name: `Linear ${linears.length + 1}`,
      fanIn: module.w.shape[0]!,
      fanOut: module.w.shape[1]!,
      kernel: module.w,
      owns: (p) => (p === module.w ? 'weight' : p === module.b ? 'bias' : undefined),
      setKernel: (value) => module.setParameters(value, module.b),
    });
  });
  return linears;
}

/** μP for a chain of dense layers: the output layer's init, and each parameter's learning-rate multiplier. */
export function parametrize<M extends Model | tfjs.LayersModel>(model: M, options: ParametrizeOptions, ...extra: unknown[]): MuPModel<M> {
  const fn = 'muP.parametrize';
  checkArgumentCount(fn, [model, options, ...extra], 2);
  if (!(model instanceof Sequential) && !isLayersModel(model)) throw argumentError(fn, 'model', 'an nn model of Linear layers (nn.mlp) or a tf.LayersModel of dense layers', model);
  if (options === undefined) throw new TypeError(`${fn}: options.baseWidth is required: the width at which μP is the model's own parametrization, e.g. { baseWidth: 64 }`);
  const o = checkOptions(fn, options, ['baseWidth', 'optimizer', 'readout']);
  const baseWidth = checkPositiveInteger(fn, 'options.baseWidth', o.baseWidth);
  const optimizer = o.optimizer === undefined ? 'adam' : checkOneOf(fn, 'options.optimizer', o.optimizer, OPTIMIZER_NAMES);
  const readout = o.readout === undefined ? 'zero' : checkOneOf(fn, 'options.readout', o.readout, READOUTS);
  const dense = denseLayers(fn, model);
  if (dense.length < 2) throw new TypeError(`${fn}: needs at least two dense layers (an input and an output layer), found ${dense.length}`);
  const notes: string[] = [];
  const layers = dense.map((d, k): MuPLayer => {
    const role = roleOf(k, dense.length);
    const rule = muPRule(role, d.fanIn, d.fanOut, baseWidth, optimizer);
    let init: MuPLayer['init'] = 'kept';
    if (role === 'output') {
      const factor = readoutFactor(readout, d.fanIn, baseWidth);
      d.setKernel(tf.tidy(() => (factor === 0 ? tf.zerosLike(d.kernel) : tf.mul(d.kernel, factor))));
      init = factor === 0 ? 'zero' : factor;
    } else {
      const note = initNote(d, role);
      if (note) notes.push(note);
    }
    return { layer: d.name, role, fanIn: d.fanIn, fanOut: d.fanOut, weightLr: rule.weightLr, biasLr: rule.biasLr, init };
  });
  const params: unknown[] = isLayersModel(model) ? model.trainableWeights : (model as Sequential).parameters();
  const lrMultipliers = params.map((p, i) => {
    for (const [k, d] of dense.entries()) {
      const which = d.owns(p);
      if (which) return which === 'weight' ? layers[k].weightLr : layers[k].biasLr;
    }
    throw new TypeError(`${fn}: trainable parameter ${i} belongs to no dense layer`);
  });
  return { model, lrMultipliers, optimizer, baseWidth, readout, layers, notes };
}

/**
 * μP keeps input and hidden weights as the model drew them, which is right when their variance
 * is c/fan_in with c of order 1 (He, LeCun, Glorot on square layers). A std far from that
 * (init 'normal' draws std 1, √fan_in times too large) grows or shrinks with width on its own.
 */
function initNote(d: DenseLayer, role: LayerRole): string | undefined {
  // Glorot (tf.layers' default) scales by 2/(fan_in + fan_out): in the input layer fan_out is the width.
  if (role === 'input' && (d.initMode === 'fanAvg' || d.initMode === 'fanOut')) {
    return `${d.name}'s kernel initializer scales its variance by ${d.initMode === 'fanAvg' ? '2/(fan_in + fan_out) (Glorot, tf.layers\' default)' : '1/fan_out'}, and this layer's fan_out is the width, so its outputs shrink ∝ width^−1/2 whatever the learning rates: give it kernelInitializer: 'heNormal' or 'leCunNormal' (variance ∝ 1/fan_in)`;
  }
  const std = tf.tidy(() => Math.sqrt(tf.moments(d.kernel).variance.dataSync()[0]));
  const c = std * Math.sqrt(d.fanIn);
  if (c > 0.2 && c < 5) return undefined;
  return `${d.name}'s weights have std ${std.toPrecision(3)} = ${c.toPrecision(3)}/√fan_in: μP keeps them, and expects a variance of order 1/fan_in (He, LeCun or Glorot), so at other widths this init alone grows or shrinks`;
}

export interface MuPMlpOptions {
  /** Input features. */
  inputs: number;
  /** Units of every hidden layer. */
  width: number;
  /** Output units. */
  outputs: number;
  /** The width at which this is the standard parametrization. */
  baseWidth: number;
  /** Dense layers in all, input and output included (≥ 2). Default 3. */
  depth?: number;
  activation?: ActivationName;
  loss?: 'mse' | 'crossEntropy';
  optimizer?: OptimizerName;
  readout?: Readout;
  seed?: number;
}

/** An nn.mlp [inputs, width × (depth − 1), outputs] with He init, in μP. */
export function mlp(options: MuPMlpOptions, ...extra: unknown[]): MuPModel<Model> {
  const fn = 'muP.mlp';
  checkArgumentCount(fn, [options, ...extra], 1);
  if (!isPlainObject(options)) throw argumentError(fn, 'options', 'an object { inputs, width, outputs, baseWidth, depth?, activation?, loss?, optimizer?, readout?, seed? }', options);
  const o = checkOptions(fn, options, ['inputs', 'width', 'outputs', 'baseWidth', 'depth', 'activation', 'loss', 'optimizer', 'readout', 'seed']);
  const inputs = checkPositiveInteger(fn, 'options.inputs', o.inputs);
  const width = checkPositiveInteger(fn, 'options.width', o.width);
  const outputs = checkPositiveInteger(fn, 'options.outputs', o.outputs);
  const baseWidth = checkPositiveInteger(fn, 'options.baseWidth', o.baseWidth);
  const depth = o.depth === undefined ? 3 : checkFiniteNumber(fn, 'options.depth', o.depth, { integer: true, min: 2 });
  const activation = o.activation === undefined ? 'relu' : checkOneOf(fn, 'options.activation', o.activation, ACTIVATION_NAMES);
  const loss = o.loss === undefined ? 'mse' : checkOneOf(fn, 'options.loss', o.loss, ['mse', 'crossEntropy']);
  const optimizer = o.optimizer === undefined ? 'adam' : checkOneOf(fn, 'options.optimizer', o.optimizer, OPTIMIZER_NAMES);
  const readout = o.readout === undefined ? 'zero' : checkOneOf(fn, 'options.readout', o.readout, READOUTS);
  const seed = checkSeed(fn, 'options.seed', o.seed);
  const sizes = [inputs, ...Array<number>(depth - 1).fill(width), outputs];
  const model = nnMlp(sizes, { activation, loss, init: 'kaimingNormal', ...(seed === undefined ? {} : { seed }) });
  return parametrize(model, { baseWidth, optimizer, readout });
}

export interface TrainerOptions {
  /** The base learning rate η; each parameter's is η × its multiplier. */
  lr: number;
  /** Default: the one the multipliers were made for, else 'adam'. */
  optimizer?: OptimizerName;
  /** For a model given alone: one multiplier per trainable parameter. */
  lrMultipliers?: readonly number[];
}

export interface MuPTrainer {
  /** One forward, backward and update on (x, y); returns the loss before the update. */
  step(x: tfjs.Tensor | tfjs.Tensor[], y: tfjs.Tensor | tfjs.Tensor[]): number;
  /** Frees the optimizers' state (the model stays). */
  dispose(): void;
}

/**
 * Training with a learning rate per parameter: `muP.trainer(muP.mlp({...}), { lr })`, or any nn
 * model or tf.LayersModel with `{ lr, lrMultipliers }`. An nn model's parameters become
 * tf.Variables, in their modules, so the tf.train optimizers can update them in place.
 */
export function trainer(value: MuPModel | Model | tfjs.LayersModel, options: TrainerOptions, ...extra: unknown[]): MuPTrainer {
  const fn = 'muP.trainer';
  checkArgumentCount(fn, [value, options, ...extra], 2);
  const o = checkOptions(fn, options, ['lr', 'optimizer', 'lrMultipliers']);
  const lr = checkFiniteNumber(fn, 'options.lr', o.lr, { above: 0 });
  const wrapped = isPlainObject(value) && 'model' in value ? (value as MuPModel) : undefined;
  const model = wrapped ? wrapped.model : value;
  if (!(model instanceof Model) && !isLayersModel(model)) throw argumentError(fn, 'value', 'what muP.parametrize or muP.mlp returns, an nn.Model (with a loss) or a tf.LayersModel', value);
  if (wrapped && o.lrMultipliers !== undefined) throw new TypeError(`${fn}: options.lrMultipliers is for a model given alone; ${describeValue(value)} carries its own`);
  const optimizer = o.optimizer === undefined ? (wrapped?.optimizer ?? 'adam') : checkOneOf(fn, 'options.optimizer', o.optimizer, OPTIMIZER_NAMES);
  if (wrapped && wrapped.optimizer !== optimizer) throw new TypeError(`${fn}: the multipliers were made for ${wrapped.optimizer}, not ${optimizer}; parametrize again with { optimizer: '${optimizer}' }`);
  const count = model instanceof Model ? model.parameters().length : model.trainableWeights.length;
  const multipliers = checkMultipliers(fn, wrapped ? 'value.lrMultipliers' : 'options.lrMultipliers', wrapped ? wrapped.lrMultipliers : o.lrMultipliers, count);
  const trainee = model instanceof Model ? nnTrainee(fn, model, optimizer, lr, multipliers) : layersTrainee(fn, model, optimizer, lr, multipliers);
  return {
    step: (x, y) => {
      checkBatch(`${fn}(...).step`, { x: 'x', y: 'y' }, x, y);
      return trainee.step(x, y).loss;
    },
    dispose: () => trainee.dispose(),
  };
}

/** Undefined, or one positive finite multiplier per trainable parameter. */
export function checkMultipliers(fn: string, name: string, value: unknown, count: number): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== count) throw argumentError(fn, name, `an array of ${count} learning-rate multipliers, one per trainable parameter`, value);
  value.forEach((m, i) => checkFiniteNumber(fn, `${name}[${i}]`, m, { above: 0 }));
  return [...(value as number[])];
}
