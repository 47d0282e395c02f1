/**
 * The initializers scaled by a weight's fans: Xavier/Glorot, Kaiming/He and LeCun. The fans read
 * InitLab's layout (fans.ts): input units second to last, output units last, times the kernel's
 * receptive field for a convolution, so `[784, 100]` and `[3, 3, 16, 32]` mean what torch's
 * `[100, 784]` and `[32, 16, 3, 3]` mean.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { checkOneOf } from '../args';
import { readInitArgs } from './initArgs';
import { drawNormal, drawTruncNormal, drawUniform } from './distributions';
import { FAN_MODES, fanFor, fansOf, type FanMode } from './fans';
import { calculateGain, NONLINEARITIES, type Nonlinearity } from './gain';
import { deliver, targetShape, type SeedOption, type ShapeOrTensor } from './target';

type Tensor = tfjs.Tensor;

const FANS_RULE = { minRank: 2 };

export interface XavierOptions extends SeedOption {
  /** Scales the std (e.g. `init.calculateGain('tanh')`); not negative, as in torch. Default 1. */
  gain?: number;
}

/** Glorot & Bengio (2010): U(-a, a), a = gain·√(6 / (fanIn + fanOut)). Example: `init.xavierUniform([784, 100], { gain: 5 / 3 })` */
export function xavierUniform(target: ShapeOrTensor, options?: XavierOptions): Tensor;
/** The same with torch's positional order. Example: `init.xavierUniform([784, 100], 5 / 3, { seed: 0 })` */
export function xavierUniform(target: ShapeOrTensor, gain?: number, options?: SeedOption): Tensor;
export function xavierUniform(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.xavierUniform';
  const shape = targetShape(fn, target, FANS_RULE);
  const o = readInitArgs({ fn, params: ['gain'], extras: ['seed'] }, args);
  const { fanIn, fanOut } = fansOf(shape);
  const bound = o.number('gain', 1, { min: 0 }) * Math.sqrt(6 / (fanIn + fanOut));
  return deliver(target, drawUniform(shape, -bound, bound, o.seed()));
}

/** Glorot & Bengio (2010): N(0, std²), std = gain·√(2 / (fanIn + fanOut)). Example: `init.xavierNormal([784, 100], { gain: 2, seed: 0 })` */
export function xavierNormal(target: ShapeOrTensor, options?: XavierOptions): Tensor;
/** The same with torch's positional order. Example: `init.xavierNormal([784, 100], 2, { seed: 0 })` */
export function xavierNormal(target: ShapeOrTensor, gain?: number, options?: SeedOption): Tensor;
export function xavierNormal(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.xavierNormal';
  const shape = targetShape(fn, target, FANS_RULE);
  const o = readInitArgs({ fn, params: ['gain'], extras: ['seed'] }, args);
  const { fanIn, fanOut } = fansOf(shape);
  const std = o.number('gain', 1, { min: 0 }) * Math.sqrt(2 / (fanIn + fanOut));
  return deliver(target, drawNormal(shape, 0, std, o.seed()));
}

export interface KaimingOptions extends SeedOption {
  /** The negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  /** 'fan_in' keeps the forward variance, 'fan_out' the backward one. Default 'fan_in'. */
  mode?: FanMode;
  /** Default 'leaky_relu', which with a = 0 is ReLU's √2, as in torch. */
  nonlinearity?: Nonlinearity;
}

const KAIMING = { params: [], extras: ['a', 'mode', 'nonlinearity', 'seed'] } as const;

function kaimingStd(fn: string, target: unknown, args: readonly unknown[]): { shape: number[]; std: number; seed?: number } {
  const shape = targetShape(fn, target, FANS_RULE);
  const o = readInitArgs({ fn, ...KAIMING }, args);
  const a = o.number('a', 0);
  const nonlinearity = o.has('nonlinearity') ? checkOneOf(fn, o.label('nonlinearity'), o.raw('nonlinearity'), NONLINEARITIES) : 'leaky_relu';
  const mode = o.has('mode') ? checkOneOf(fn, o.label('mode'), o.raw('mode'), FAN_MODES) : 'fan_in';
  return { shape, std: calculateGain(nonlinearity, a) / Math.sqrt(fanFor(shape, mode)), seed: o.seed() };
}

/** He et al. (2015): U(-b, b), b = gain·√(3 / fan). Example: `init.kaimingUniform([784, 100], { nonlinearity: 'relu' })` */
export function kaimingUniform(target: ShapeOrTensor, options?: KaimingOptions): Tensor;
export function kaimingUniform(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const { shape, std, seed } = kaimingStd('init.kaimingUniform', target, args);
  const bound = Math.sqrt(3) * std;
  return deliver(target, drawUniform(shape, -bound, bound, seed));
}

/** He et al. (2015): N(0, std²), std = gain / √fan. Example: `init.kaimingNormal([784, 100], { nonlinearity: 'relu' })` */
export function kaimingNormal(target: ShapeOrTensor, options?: KaimingOptions): Tensor;
export function kaimingNormal(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const { shape, std, seed } = kaimingStd('init.kaimingNormal', target, args);
  return deliver(target, drawNormal(shape, 0, std, seed));
}

/** The std of a standard normal truncated to [-2, 2]. */
export const TRUNCATED_STD_AT_2 = 0.8796256610342398;

/**
 * LeCun (1998), as Keras and JAX define it for SELU networks: a normal truncated at ±2σ whose
 * std is exactly 1/√fanIn. The draw's scale is divided by 0.87962566, the std of a standard
 * normal truncated at ±2, which TensorFlow.js's own truncated initializers forget (tfjs#8594).
 * Example: `init.lecunNormal([784, 100], { seed: 0 })`
 */
export function lecunNormal(target: ShapeOrTensor, options?: SeedOption): Tensor;
export function lecunNormal(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.lecunNormal';
  const shape = targetShape(fn, target, FANS_RULE);
  const o = readInitArgs({ fn, params: [], extras: ['seed'] }, args);
  const std = 1 / Math.sqrt(fansOf(shape).fanIn) / TRUNCATED_STD_AT_2;
  return deliver(target, drawTruncNormal(shape, 0, std, -2 * std, 2 * std, o.seed()));
}

/** LeCun uniform: U(-b, b), b = √(3 / fanIn), so the std is 1/√fanIn. Example: `init.lecunUniform([784, 100], { seed: 0 })` */
export function lecunUniform(target: ShapeOrTensor, options?: SeedOption): Tensor;
export function lecunUniform(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.lecunUniform';
  const shape = targetShape(fn, target, FANS_RULE);
  const o = readInitArgs({ fn, params: [], extras: ['seed'] }, args);
  const bound = Math.sqrt(3 / fansOf(shape).fanIn);
  return deliver(target, drawUniform(shape, -bound, bound, o.seed()));
}
