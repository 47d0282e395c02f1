/**
 * `mlp(sizes, options)`: a Model of Linear layers with an activation between them (none after
 * the last), weights from a named initializer and zero biases.
 * Example: `const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 0 })`
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import * as init from '../init/initializers';
import { calculateGain, type Nonlinearity } from '../init/gain';
import { uniformStream } from '../random';
import { argumentError, checkFiniteNumber, checkOneOf, checkOptions, checkSeed, checkShape, describeValue, optionalNumber } from '../args';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from './layers';
import { CrossEntropy, MSE } from './losses';
import { Model } from './model';
import type { Module } from './module';

// The names live in src/shared/names.ts: the Compare command and the CLI offer the same ones.
export { ACTIVATION_NAMES, INIT_NAMES, type ActivationName, type InitName } from '../../shared/names';
import { ACTIVATION_NAMES, INIT_NAMES, type ActivationName, type InitName } from '../../shared/names';

const MLP_OPTIONS = ['activation', 'init', 'slope', 'reluShift', 'loss', 'seed'];

/** Makes the weight of one layer. `layer` counts from 0. */
export type WeightInit = (shape: [number, number], layer: number, seed: number) => tfjs.Tensor;

export interface MlpOptions {
  activation?: ActivationName;
  /** A named scheme (gains follow the activation) or your own function. Default 'kaimingNormal'. */
  init?: InitName | WeightInit;
  /** leakyRelu's negative slope. Default 0.01. */
  slope?: number;
  /** Subtracted after each ReLU, as in the lesson. Default 0. */
  reluShift?: number;
  loss?: 'mse' | 'crossEntropy';
  seed?: number;
}

export function activationModule(name: ActivationName, options: MlpOptions = {}): Module {
  const fn = 'nn.activationModule';
  checkOneOf(fn, 'name', name, ACTIVATION_NAMES);
  checkOptions(fn, options, MLP_OPTIONS);
  switch (name) {
    case 'relu':
      return new ReLU({ shift: optionalNumber(fn, 'options.reluShift', options.reluShift, 0) });
    case 'leakyRelu':
      return new LeakyReLU(optionalNumber(fn, 'options.slope', options.slope, 0.01));
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    case 'none':
      return new Identity();
    default:
      throw new RangeError(`Unknown activation ${String(name)}; use relu, leakyRelu, tanh, sigmoid or none`);
  }
}

/** torch's nonlinearity name for an activation, for gains. */
export function nonlinearityOf(activation: ActivationName): Nonlinearity {
  return ({ relu: 'relu', leakyRelu: 'leaky_relu', tanh: 'tanh', sigmoid: 'sigmoid', none: 'linear' } as const)[activation];
}

/** The named schemes, with the gain each takes from the activation. */
export function namedInit(name: InitName, activation: ActivationName, slope = 0.01): WeightInit {
  const fn = 'nn.namedInit';
  checkOneOf(fn, 'name', name, INIT_NAMES);
  checkOneOf(fn, 'activation', activation, ACTIVATION_NAMES);
  checkFiniteNumber(fn, 'slope', slope);
  const nonlinearity = nonlinearityOf(activation);
  const gain = calculateGain(nonlinearity, slope);
  const a = activation === 'leakyRelu' ? slope : 0;
  switch (name) {
    case 'normal':
      return (shape, _l, seed) => init.normal(shape, 0, 1, { seed });
    case 'xavierNormal':
      return (shape, _l, seed) => init.xavierNormal(shape, gain, { seed });
    case 'xavierUniform':
      return (shape, _l, seed) => init.xavierUniform(shape, gain, { seed });
    case 'kaimingNormal':
      return (shape, _l, seed) => init.kaimingNormal(shape, { nonlinearity, a, seed });
    case 'kaimingUniform':
      return (shape, _l, seed) => init.kaimingUniform(shape, { nonlinearity, a, seed });
    case 'kaimingNormalFanOut':
      return (shape, _l, seed) => init.kaimingNormal(shape, { nonlinearity, a, mode: 'fan_out', seed });
    case 'kaimingUniformFanOut':
      return (shape, _l, seed) => init.kaimingUniform(shape, { nonlinearity, a, mode: 'fan_out', seed });
    case 'lecunNormal':
      return (shape, _l, seed) => init.lecunNormal(shape, { seed });
    case 'lecunUniform':
      return (shape, _l, seed) => init.lecunUniform(shape, { seed });
    case 'orthogonal':
      return (shape, _l, seed) => init.orthogonal(shape, gain, { seed });
    case 'deltaOrthogonal':
      return (shape, _l, seed) => init.deltaOrthogonal(shape, gain, { seed });
    case 'zerO':
      // Deterministic: the seed has nothing to choose.
      return (shape) => init.zerO(shape);
    default:
      throw new RangeError(`Unknown initializer ${String(name)}`);
  }
}

export function mlp(sizes: readonly number[], options: MlpOptions = {}): Model {
  const fn = 'nn.mlp';
  checkShape(fn, 'sizes', sizes, { minRank: 2 });
  const o = checkOptions(fn, options, MLP_OPTIONS);
  const activation = o.activation === undefined ? 'relu' : checkOneOf(fn, 'options.activation', o.activation, ACTIVATION_NAMES);
  const slope = optionalNumber(fn, 'options.slope', o.slope, 0.01);
  optionalNumber(fn, 'options.reluShift', o.reluShift, 0);
  if (o.loss !== undefined) checkOneOf(fn, 'options.loss', o.loss, ['mse', 'crossEntropy']);
  const seed = checkSeed(fn, 'options.seed', o.seed);
  const makeWeight = weightInit(fn, 'options.init', o.init ?? 'kaimingNormal', activation, slope);
  const seeds = uniformStream(seed ?? Math.floor(Math.random() * 2 ** 31));
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const shape: [number, number] = [sizes[i], sizes[i + 1]];
    const w = checkWeight(fn, makeWeight(shape, i, Math.floor(seeds() * 2 ** 31)), shape);
    layers.push(new Linear(w, tf.zeros([sizes[i + 1]])));
    if (i + 2 < sizes.length) layers.push(activationModule(activation, options));
  }
  return new Model(layers, options.loss === 'crossEntropy' ? new CrossEntropy() : new MSE());
}

/** A named scheme or the user's own function, checked. */
export function weightInit(fn: string, name: string, init: unknown, activation: ActivationName, slope?: number): WeightInit {
  if (typeof init === 'function') return init as WeightInit;
  if (typeof init !== 'string' || !(INIT_NAMES as readonly string[]).includes(init)) {
    throw argumentError(fn, name, `one of ${INIT_NAMES.map((n) => `'${n}'`).join(', ')}, or a function (shape, layer, seed) => tf.Tensor`, init);
  }
  return namedInit(init as InitName, activation, slope);
}

/** What a user's own init function returned must be a weight of the layer's shape. */
export function checkWeight(fn: string, w: unknown, shape: readonly [number, number]): tfjs.Tensor {
  if (!(w instanceof tf.Tensor) || w.isDisposed || w.rank !== 2 || w.shape[0] !== shape[0] || w.shape[1] !== shape[1]) {
    throw new TypeError(`${fn}: the init function must return a tf.Tensor of shape [${shape.join(', ')}], got ${describeValue(w)}`);
  }
  return w;
}
