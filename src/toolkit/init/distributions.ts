/**
 * The plain distributions of torch.nn.init: uniform, normal, truncated normal, constants. Each
 * takes torch's keyword names in one options object, or torch's positional order:
 * `init.normal(shape, { mean: 0, std: 0.1, seed: 0 })` is `init.normal(shape, 0, 0.1, { seed: 0 })`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { checkArgumentCount } from '../args';
import { engineSeed, nextSeed } from '../random';
import { readInitArgs } from './initArgs';
import { normalCdf, normalQuantile } from './normalQuantile';
import { deliver, targetShape, type SeedOption, type ShapeOrTensor } from './target';

type Tensor = tfjs.Tensor;

/** U(a, b), for the initializers built on it (their own checks done). */
export function drawUniform(shape: number[], a: number, b: number, seed?: number): Tensor {
  return tf.randomUniform(shape, a, b, 'float32', engineSeed(nextSeed(seed)));
}

export function drawNormal(shape: number[], mean: number, std: number, seed?: number): Tensor {
  return tf.randomNormal(shape, mean, std, 'float32', engineSeed(nextSeed(seed)));
}

/** N(mean, std²) truncated to [a, b] by inverse transform, as torch samples it. Needs std > 0 and a < b. */
export function drawTruncNormal(shape: number[], mean: number, std: number, a: number, b: number, seed?: number): Tensor {
  const low = normalCdf((a - mean) / std);
  const high = normalCdf((b - mean) / std);
  const u = tf.randomUniform(shape, low, high, 'float32', engineSeed(nextSeed(seed)));
  const p = u.dataSync();
  u.dispose();
  const values = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) values[i] = Math.min(b, Math.max(a, mean + std * normalQuantile(p[i])));
  return tf.tensor(values, shape, 'float32');
}

export interface UniformOptions extends SeedOption {
  /** The lower bound. Default 0. */
  a?: number;
  /** The upper bound. Default 1. */
  b?: number;
}

/** U(a, b), torch's `uniform_(tensor, a=0, b=1)`. Example: `init.uniform([3, 5], { a: -0.1, b: 0.1 })` */
export function uniform(target: ShapeOrTensor, options?: UniformOptions): Tensor;
/** U(a, b) with torch's positional order. Example: `init.uniform([3, 5], -0.1, 0.1)` */
export function uniform(target: ShapeOrTensor, a?: number, b?: number, options?: SeedOption): Tensor;
export function uniform(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.uniform';
  const shape = targetShape(fn, target);
  const o = readInitArgs({ fn, params: ['a', 'b'], extras: ['seed'] }, args);
  const a = o.number('a', 0);
  const b = o.number('b', 1);
  if (!(a <= b)) throw new RangeError(`${fn}: needs ${o.label('a')} <= ${o.label('b')}, got a = ${a}, b = ${b}`);
  return deliver(target, drawUniform(shape, a, b, o.seed()));
}

export interface NormalOptions extends SeedOption {
  /** Default 0. */
  mean?: number;
  /** Default 1; 0 gives the constant `mean`. */
  std?: number;
}

/** N(mean, std²), torch's `normal_(tensor, mean=0, std=1)`. Example: `init.normal([784, 100], { std: 0.1 })` */
export function normal(target: ShapeOrTensor, options?: NormalOptions): Tensor;
/** N(mean, std²) with torch's positional order. Example: `init.normal([784, 100])` is the lesson's "normal(0, 1)". */
export function normal(target: ShapeOrTensor, mean?: number, std?: number, options?: SeedOption): Tensor;
export function normal(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.normal';
  const shape = targetShape(fn, target);
  const o = readInitArgs({ fn, params: ['mean', 'std'], extras: ['seed'] }, args);
  const mean = o.number('mean', 0);
  const std = o.number('std', 1, { min: 0 });
  return deliver(target, drawNormal(shape, mean, std, o.seed()));
}

export interface TruncNormalOptions extends SeedOption {
  /** Default 0. */
  mean?: number;
  /** The std before truncation. Default 1. */
  std?: number;
  /** The absolute lower bound (not in stds, as in torch). Default -2. */
  a?: number;
  /** The absolute upper bound. Default 2. */
  b?: number;
}

/**
 * N(mean, std²) truncated to [a, b] (absolute bounds, as in torch), sampled by inverse
 * transform like torch. Its std is below `std`: 0.8796 std for the default ±2.
 * Example: `init.truncNormal([784, 100], { std: 0.02, a: -0.04, b: 0.04 })`
 */
export function truncNormal(target: ShapeOrTensor, options?: TruncNormalOptions): Tensor;
/** The same, with torch's positional order. Example: `init.truncNormal([784, 100], 0, 0.02, -0.04, 0.04)` */
export function truncNormal(target: ShapeOrTensor, mean?: number, std?: number, a?: number, b?: number, options?: SeedOption): Tensor;
export function truncNormal(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.truncNormal';
  const shape = targetShape(fn, target);
  const o = readInitArgs({ fn, params: ['mean', 'std', 'a', 'b'], extras: ['seed'] }, args);
  const mean = o.number('mean', 0);
  const std = o.number('std', 1, { above: 0 });
  const a = o.number('a', -2);
  const b = o.number('b', 2);
  if (!(a < b)) throw new RangeError(`${fn}: needs ${o.label('a')} < ${o.label('b')}, got a = ${a}, b = ${b}`);
  return deliver(target, drawTruncNormal(shape, mean, std, a, b, o.seed()));
}

/** Every element `val`, torch's `constant_(tensor, val)`. Example: `init.constant([100], { val: 0.1 })` */
export function constant(target: ShapeOrTensor, options: { val: number }): Tensor;
/** Every element `val`. Example: `init.constant([100], 0.1)` */
export function constant(target: ShapeOrTensor, val: number): Tensor;
export function constant(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.constant';
  const shape = targetShape(fn, target);
  const o = readInitArgs({ fn, params: ['val'], extras: [] }, args);
  return deliver(target, tf.fill(shape, o.required('val'), 'float32'));
}

/** Every element 1. Example: `init.ones([100])` */
export function ones(target: ShapeOrTensor): Tensor;
export function ones(target: ShapeOrTensor, ...extra: unknown[]): Tensor {
  checkArgumentCount('init.ones', [target, ...extra], 1);
  return deliver(target, tf.fill(targetShape('init.ones', target), 1, 'float32'));
}

/** Every element 0. Example: `init.zeros([100])` */
export function zeros(target: ShapeOrTensor): Tensor;
export function zeros(target: ShapeOrTensor, ...extra: unknown[]): Tensor {
  checkArgumentCount('init.zeros', [target, ...extra], 1);
  return deliver(target, tf.fill(targetShape('init.zeros', target), 0, 'float32'));
}
