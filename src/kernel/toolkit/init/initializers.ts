/**
 * torch.nn.init's family, with the same formulas and defaults, named in camelCase.
 *
 * TensorFlow.js tensors are immutable, so where torch fills a tensor in place, these take a
 * shape (or a tensor whose shape to use) and return a new tensor. Given a `tf.Variable`, they
 * assign into it and return it, which is the closest thing to torch's trailing underscore.
 *
 * Shapes follow the lessons' `x @ w` convention: a dense weight is [fanIn, fanOut]; see fans.ts.
 * Every random initializer takes an optional `seed`; without one it draws from the global
 * stream that `manualSeed` fixes.
 */
import { tf } from '../../engine/engine';
import { nextSeed, permutation, uniformStream } from '../random';
import { calculateFanInAndFanOut, fanFor, type FanMode, type Shape } from './fans';
import { calculateGain, type Nonlinearity } from './gain';
import { normalCdf, normalQuantile } from './normalQuantile';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Variable = import('@tensorflow/tfjs').Variable;

export type ShapeOrTensor = Shape | Tensor;

export interface SeedOption {
  seed?: number;
}

function shapeOf(target: ShapeOrTensor): number[] {
  if (Array.isArray(target)) return [...target];
  if (target instanceof tf.Tensor) return [...target.shape];
  throw new TypeError('Expected a shape such as [784, 100] or a tensor');
}

/** Puts the values into a Variable target (disposing them), or returns them. */
function deliver(target: ShapeOrTensor, values: Tensor): Tensor {
  if (target instanceof tf.Variable) {
    (target as Variable).assign(values);
    values.dispose();
    return target;
  }
  return values;
}

/** U(a, b). Example: `init.uniform([3, 5], -0.1, 0.1)` */
export function uniform(target: ShapeOrTensor, a = 0, b = 1, options: SeedOption = {}): Tensor {
  return deliver(target, tf.randomUniform(shapeOf(target), a, b, 'float32', nextSeed(options.seed)));
}

/** N(mean, std²). Example: `init.normal([784, 100])` is the lesson's "normal(0, 1)". */
export function normal(target: ShapeOrTensor, mean = 0, std = 1, options: SeedOption = {}): Tensor {
  return deliver(target, tf.randomNormal(shapeOf(target), mean, std, 'float32', nextSeed(options.seed)));
}

/** Every element `value`. Example: `init.constant([100], 0.1)` */
export function constant(target: ShapeOrTensor, value: number): Tensor {
  return deliver(target, tf.fill(shapeOf(target), value, 'float32'));
}

export function ones(target: ShapeOrTensor): Tensor {
  return constant(target, 1);
}

export function zeros(target: ShapeOrTensor): Tensor {
  return constant(target, 0);
}

/** The identity matrix, for a 2-D shape. Example: `init.eye([4, 4])` */
export function eye(target: ShapeOrTensor): Tensor {
  const shape = shapeOf(target);
  if (shape.length !== 2) throw new RangeError(`eye needs a 2-D shape, got [${shape.join(', ')}]`);
  return deliver(target, tf.eye(shape[0], shape[1]));
}

/**
 * The Dirac delta for 3-, 4- and 5-D convolution kernels in tfjs layout [...kernel, in, out]:
 * each output channel passes one input channel through unchanged. Example: `init.dirac([3, 3, 16, 16])`
 */
export function dirac(target: ShapeOrTensor, groups = 1): Tensor {
  const shape = shapeOf(target);
  if (shape.length < 3 || shape.length > 5) throw new RangeError(`dirac needs a 3-, 4- or 5-D shape, got [${shape.join(', ')}]`);
  const outChannels = shape[shape.length - 1];
  const inChannels = shape[shape.length - 2];
  if (outChannels % groups !== 0) throw new RangeError(`dirac: ${outChannels} output channels cannot be split into ${groups} groups`);
  const outPerGroup = outChannels / groups;
  const kernel = shape.slice(0, -2);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  // Row-major offset of the kernel's centre.
  let centre = 0;
  for (const k of kernel) centre = centre * k + Math.floor(k / 2);
  const minDim = Math.min(outPerGroup, inChannels);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      values[(centre * inChannels + d) * outChannels + g * outPerGroup + d] = 1;
    }
  }
  return deliver(target, tf.tensor(values, shape, 'float32'));
}

/**
 * N(mean, std²) truncated to [a, b] (absolute bounds, as in torch), sampled by inverse
 * transform like torch. Note its std is below `std`: 0.8796 std for the default ±2.
 * Example: `init.truncNormal([784, 100], 0, 0.02, -0.04, 0.04)`
 */
export function truncNormal(target: ShapeOrTensor, mean = 0, std = 1, a = -2, b = 2, options: SeedOption = {}): Tensor {
  if (!(a < b)) throw new RangeError(`truncNormal needs a < b, got a = ${a}, b = ${b}`);
  const shape = shapeOf(target);
  const low = normalCdf((a - mean) / std);
  const high = normalCdf((b - mean) / std);
  const u = tf.randomUniform(shape, low, high, 'float32', nextSeed(options.seed));
  const p = u.dataSync();
  u.dispose();
  const values = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) {
    values[i] = Math.min(b, Math.max(a, mean + std * normalQuantile(p[i])));
  }
  return deliver(target, tf.tensor(values, shape, 'float32'));
}

/** Glorot & Bengio (2010): U(-a, a), a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(target: ShapeOrTensor, gain = 1, options: SeedOption = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shapeOf(target));
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(target, -bound, bound, options);
}

/** Glorot & Bengio (2010): N(0, std²), std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(target: ShapeOrTensor, gain = 1, options: SeedOption = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shapeOf(target));
  return normal(target, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

export interface KaimingOptions extends SeedOption {
  /** The negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  /** 'fan_in' keeps the forward variance, 'fan_out' the backward one. Default 'fan_in'. */
  mode?: FanMode;
  /** Default 'leaky_relu', which with a = 0 is ReLU's √2, as in torch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: Shape, options: KaimingOptions): number {
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fanFor(shape, options.mode ?? 'fan_in'));
}

/** He et al. (2015): U(-b, b), b = gain·√(3 / fan). Example: `init.kaimingUniform([784, 100], { nonlinearity: 'relu' })` */
export function kaimingUniform(target: ShapeOrTensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shapeOf(target), options);
  return uniform(target, -bound, bound, options);
}

/** He et al. (2015): N(0, std²), std = gain / √fan. Example: `init.kaimingNormal([784, 100], { nonlinearity: 'relu' })` */
export function kaimingNormal(target: ShapeOrTensor, options: KaimingOptions = {}): Tensor {
  return normal(target, 0, kaimingStd(shapeOf(target), options), options);
}

/**
 * LeCun (1998), as Keras and JAX define it for SELU networks: a normal truncated at ±2σ whose
 * std is exactly 1/√fanIn. The draw's scale is divided by 0.87962566, the std of a standard
 * normal truncated at ±2, which TensorFlow.js's own truncated initializers forget (tfjs#8594).
 */
export function lecunNormal(target: ShapeOrTensor, options: SeedOption = {}): Tensor {
  const { fanIn } = calculateFanInAndFanOut(shapeOf(target));
  const std = 1 / Math.sqrt(fanIn) / TRUNCATED_STD_AT_2;
  return truncNormal(target, 0, std, -2 * std, 2 * std, options);
}

/** LeCun uniform: U(-b, b), b = √(3 / fanIn), so the std is 1/√fanIn. */
export function lecunUniform(target: ShapeOrTensor, options: SeedOption = {}): Tensor {
  const { fanIn } = calculateFanInAndFanOut(shapeOf(target));
  const bound = Math.sqrt(3 / fanIn);
  return uniform(target, -bound, bound, options);
}

/** The std of a standard normal truncated to [-2, 2]. */
export const TRUNCATED_STD_AT_2 = 0.8796256610342398;

/**
 * Saxe et al. (2013): a (semi-)orthogonal matrix times `gain`, computed as torch does: QR of a
 * normal matrix, with the signs of R's diagonal folded into Q so the result is uniform over
 * orthogonal matrices. Shapes above 2-D are flattened to [shape[0], rest].
 */
export function orthogonal(target: ShapeOrTensor, gain = 1, options: SeedOption = {}): Tensor {
  const shape = shapeOf(target);
  if (shape.length < 2) throw new RangeError('Only tensors with 2 or more dimensions are supported');
  const rows = shape[0];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  const values = tf.tidy(() => {
    let flat = tf.randomNormal([rows, cols], 0, 1, 'float32', nextSeed(options.seed));
    if (rows < cols) flat = flat.transpose();
    const [q, r] = tf.linalg.qr(flat);
    const n = Math.min(rows, cols);
    const diagonal = tf.mul(r.slice([0, 0], [n, n]), tf.eye(n)).sum(0);
    let result = tf.mul(q, tf.sign(diagonal));
    if (rows < cols) result = result.transpose();
    return result.mul(gain).reshape(shape);
  });
  return deliver(target, values);
}

/**
 * Martens (2010): N(0, std²) with a fraction `sparsity` of each column set to zero, for 2-D
 * shapes, as in torch. Example: `init.sparse([100, 100], 0.9)`
 */
export function sparse(target: ShapeOrTensor, sparsity: number, std = 0.01, options: SeedOption = {}): Tensor {
  const shape = shapeOf(target);
  if (shape.length !== 2) throw new RangeError(`Only 2-D shapes are supported, got [${shape.join(', ')}]`);
  if (!(sparsity >= 0 && sparsity <= 1)) throw new RangeError(`sparsity must be in [0, 1], got ${sparsity}`);
  const [rows, cols] = shape;
  const seed = nextSeed(options.seed);
  const drawn = tf.randomNormal(shape, 0, std, 'float32', seed);
  const values = drawn.dataSync().slice();
  drawn.dispose();
  const zerosPerColumn = Math.ceil(sparsity * rows);
  const columnSeeds = uniformStream(seed ^ 0x5bd1e995);
  for (let c = 0; c < cols; c++) {
    const order = permutation(rows, Math.floor(columnSeeds() * 2 ** 31));
    for (let k = 0; k < zerosPerColumn; k++) values[order[k] * cols + c] = 0;
  }
  return deliver(target, tf.tensor(values, shape, 'float32'));
}
