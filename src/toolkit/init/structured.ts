/**
 * The initializers whose meaning depends on which axis is which: eye, dirac, orthogonal, sparse.
 *
 * torch stores a weight as [out, in, ...kernel]; InitLab as [in, out] for a dense layer
 * (`y = x @ w`) and [...kernel, in, out] for a convolution (TensorFlow.js's layout). Output units
 * are always the LAST axis here. Each initializer below does what torch's does to the same
 * layer, so its torch-layout result, transposed into InitLab's layout, has the same structure:
 *
 *   eye         output unit i copies input unit i (the identity is its own transpose)
 *   dirac       output channel i copies input channel i through the kernel's centre tap
 *   orthogonal  torch's [out, in·k] matrix is our [k·in, out] matrix transposed: the output
 *               units' weight vectors (our columns) are orthonormal when there are no more
 *               outputs than inputs·k, as torch's rows are; otherwise our rows are
 *   sparse      torch zeroes a fraction of each column of [out, in], i.e. of each INPUT unit's
 *               outgoing weights: here, of each row of [in, out]
 */
import { orthonormalColumns } from './orthonormalColumns';
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { checkArgumentCount } from '../args';
import { engineSeed, nextSeed, permutation, uniformStream } from '../random';
import { readInitArgs } from './initArgs';
import { deliver, targetShape, type SeedOption, type ShapeOrTensor } from './target';

type Tensor = tfjs.Tensor;

/**
 * The identity for a 2-D [fanIn, fanOut] weight: output unit i copies input unit i, so
 * `x @ init.eye([n, m])` is x's first m columns (m ≤ n) or x padded with zero columns (m > n),
 * as torch's `eye_` on the [m, n] weight. Example: `init.eye([4, 4])`
 */
export function eye(target: ShapeOrTensor): Tensor;
export function eye(target: ShapeOrTensor, ...extra: unknown[]): Tensor {
  const fn = 'init.eye';
  checkArgumentCount(fn, [target, ...extra], 1);
  const [rows, cols] = targetShape(fn, target, { rank: 2 });
  return deliver(target, tf.eye(rows, cols));
}

export interface DiracOptions {
  /** Channel groups of a grouped convolution (torch's `groups`). Default 1. */
  groups?: number;
}

/**
 * The Dirac delta for a 3-, 4- or 5-D convolution kernel [...kernel, inChannels, outChannels]:
 * a 1 at the kernel's centre tap (index ⌊k/2⌋ on each kernel axis) linking input channel i to
 * output channel i, so a 'same' convolution with an odd kernel returns its input unchanged
 * (output channels past the input's are zero). With `groups`, output channel
 * g·(out/groups) + i copies input channel i of group g, as torch's `dirac_(w, groups)`.
 * Example: `init.dirac([3, 3, 16, 16])`, `init.dirac([3, 8, 16], { groups: 2 })`
 */
export function dirac(target: ShapeOrTensor, options?: DiracOptions): Tensor;
/** The same with torch's positional `groups`. Example: `init.dirac([3, 8, 16], 2)` */
export function dirac(target: ShapeOrTensor, groups?: number): Tensor;
export function dirac(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.dirac';
  const shape = targetShape(fn, target, { minRank: 3, maxRank: 5 });
  const o = readInitArgs({ fn, params: ['groups'], extras: [] }, args);
  const groups = o.number('groups', 1, { integer: true, min: 1 });
  const outChannels = shape[shape.length - 1];
  const inChannels = shape[shape.length - 2];
  if (outChannels % groups !== 0) throw new RangeError(`${fn}: ${outChannels} output channels (the last axis) cannot be split into ${o.label('groups')} = ${groups} groups`);
  const outPerGroup = outChannels / groups;
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  // Row-major offset of the kernel's centre.
  let centre = 0;
  for (const k of shape.slice(0, -2)) centre = centre * k + Math.floor(k / 2);
  const minDim = Math.min(outPerGroup, inChannels);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) values[(centre * inChannels + d) * outChannels + g * outPerGroup + d] = 1;
  }
  return deliver(target, tf.tensor(values, shape, 'float32'));
}

export interface OrthogonalOptions extends SeedOption {
  /** Scales the matrix. Default 1. */
  gain?: number;
}

/**
 * Saxe et al. (2013): a (semi-)orthogonal matrix times `gain`, drawn as torch draws it (QR of a
 * normal matrix, R's diagonal signs folded into Q, so uniform over orthogonal matrices). The
 * shape is flattened to [prod(all but last), outUnits]: for a dense [fanIn, fanOut] weight and a
 * conv kernel [kh, kw, cin, cout] alike, the output units' weight vectors (the columns) are
 * orthonormal times gain when outUnits ≤ the rest, else the rows are: torch's rule on its
 * [out, in·k] matrix, transposed. Example: `init.orthogonal([3, 3, 16, 32], { gain: Math.SQRT2 })`
 */
export function orthogonal(target: ShapeOrTensor, options?: OrthogonalOptions): Tensor;
/** The same with torch's positional order. Example: `init.orthogonal([100, 100], 1.4142, { seed: 0 })` */
export function orthogonal(target: ShapeOrTensor, gain?: number, options?: SeedOption): Tensor;
export function orthogonal(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.orthogonal';
  const shape = targetShape(fn, target, { minRank: 2 });
  const o = readInitArgs({ fn, params: ['gain'], extras: ['seed'] }, args);
  const gain = o.number('gain', 1);
  const cols = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const seed = nextSeed(o.seed());
  // The QR of the taller way round (orthonormalColumns.ts says why it is not tf.linalg.qr).
  const tall = rows >= cols;
  const drawn = tf.tidy(() => {
    const normal = tf.randomNormal([rows, cols], 0, 1, 'float32', engineSeed(seed));
    return tall ? normal : normal.transpose();
  });
  const q = orthonormalColumns(drawn.dataSync(), Math.max(rows, cols), Math.min(rows, cols));
  drawn.dispose();
  const values = tf.tidy(() => {
    const matrix = tf.tensor2d(Float32Array.from(q, (v) => v * gain), tall ? [rows, cols] : [cols, rows]);
    return (tall ? matrix : matrix.transpose()).reshape(shape);
  });
  return deliver(target, values);
}

export interface SparseOptions extends SeedOption {
  /** The fraction of each input unit's outgoing weights (each row) set to zero, in [0, 1]. Required. */
  sparsity: number;
  /** The std of the non-zero N(0, std²) values. Default 0.01. */
  std?: number;
}

/**
 * Martens (2010), as torch's `sparse_`: N(0, std²) for a 2-D [fanIn, fanOut] weight, then in
 * each ROW (one input unit's outgoing weights, torch's column of its [out, in] weight)
 * ⌈sparsity·fanOut⌉ entries at random set to zero. Example: `init.sparse([784, 100], { sparsity: 0.9 })`
 */
export function sparse(target: ShapeOrTensor, options: SparseOptions): Tensor;
/** The same with torch's positional order. Example: `init.sparse([784, 100], 0.9, 0.01, { seed: 0 })` */
export function sparse(target: ShapeOrTensor, sparsity: number, std?: number, options?: SeedOption): Tensor;
export function sparse(target: ShapeOrTensor, ...args: unknown[]): Tensor {
  const fn = 'init.sparse';
  const [rows, cols] = targetShape(fn, target, { rank: 2 });
  const o = readInitArgs({ fn, params: ['sparsity', 'std'], extras: ['seed'] }, args);
  const sparsity = o.required('sparsity', { min: 0, max: 1 });
  const std = o.number('std', 0.01, { min: 0 });
  const seed = nextSeed(o.seed());
  const drawn = tf.randomNormal([rows, cols], 0, std, 'float32', engineSeed(seed));
  const values = drawn.dataSync().slice();
  drawn.dispose();
  const zerosPerRow = Math.ceil(sparsity * cols);
  const rowSeeds = uniformStream(seed ^ 0x5bd1e995);
  for (let r = 0; r < rows; r++) {
    const order = permutation(cols, Math.floor(rowSeeds() * 2 ** 31));
    for (let k = 0; k < zerosPerRow; k++) values[r * cols + order[k]] = 0;
  }
  return deliver(target, tf.tensor(values, [rows, cols], 'float32'));
}
