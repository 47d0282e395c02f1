/**
 * `mlp(sizes, options)`: a Model of Linear layers with an activation between them (none after
 * the last), weights from a named initializer and zero biases.
 * Example: `const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 0 })`
 */
import { tf } from '../../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import * as init from '../init/initializers';
import { calculateGain, type Nonlinearity } from '../init/gain';
import { uniformStream } from '../random';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from './layers';
import { CrossEntropy, MSE } from './losses';
import { Model } from './model';
import type { Module } from './module';

export type ActivationName = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'none';

export type InitName =
  | 'normal'
  | 'xavierNormal'
  | 'xavierUniform'
  | 'kaimingNormal'
  | 'kaimingUniform'
  | 'kaimingNormalFanOut'
  | 'kaimingUniformFanOut'
  | 'lecunNormal'
  | 'lecunUniform'
  | 'orthogonal';

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
  switch (name) {
    case 'relu':
      return new ReLU({ shift: options.reluShift });
    case 'leakyRelu':
      return new LeakyReLU(options.slope ?? 0.01);
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
    default:
      throw new RangeError(`Unknown initializer ${String(name)}`);
  }
}

export function mlp(sizes: readonly number[], options: MlpOptions = {}): Model {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`mlp needs at least two positive integer sizes, got [${sizes.join(', ')}]`);
  }
  const activation = options.activation ?? 'relu';
  const makeWeight = typeof options.init === 'function' ? options.init : namedInit(options.init ?? 'kaimingNormal', activation, options.slope);
  const seeds = uniformStream(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const shape: [number, number] = [sizes[i], sizes[i + 1]];
    const w = makeWeight(shape, i, Math.floor(seeds() * 2 ** 31));
    layers.push(new Linear(w, tf.zeros([sizes[i + 1]])));
    if (i + 2 < sizes.length) layers.push(activationModule(activation, options));
  }
  return new Model(layers, options.loss === 'crossEntropy' ? new CrossEntropy() : new MSE());
}
