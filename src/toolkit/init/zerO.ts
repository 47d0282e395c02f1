/**
 * ZerO initialization (Zhao, Schäfer and Anandkumar, TMLR 2022, "ZerO Initialization:
 * Initializing Neural Networks with only Zeros and Ones", Algorithm 1): every weight is made of
 * zeros and ones, up to one normalization, from identities and Hadamard matrices. No random
 * draw at all: the same shape always gives the same weight.
 *
 * For a layer with Q inputs and P outputs (torch's weight [P, Q]; InitLab's [Q, P]):
 *   P = Q  the identity: each output copies its input;
 *   P < Q  the partial identity I*: the first P inputs pass, the rest are dropped;
 *   P > Q  I* H I*: the first P rows and Q columns of the Hadamard matrix H of order 2^m,
 *          m = ⌈log₂ P⌉, divided by √(2^m), as the authors' published code normalizes it.
 * H/√(2^m) is orthogonal, so the expanding case spreads each input over every output (where a
 * partial identity would leave P − Q outputs dead, the paper's "training degeneracy") with its
 * columns of norm √(P/2^m) ≤ 1 and, when P is a power of two, orthonormal: then ‖x·W‖ = ‖x‖.
 * A convolution gets the matrix at its centre tap and zeros elsewhere, as init.dirac places it.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { describeValue } from '../args';
import { deliver, targetShape, type ShapeOrTensor } from './target';

/**
 * Entry (row, col) of Sylvester's Hadamard matrix of any power-of-two order:
 * H₀ = [1], H_{m+1} = [[H_m, H_m], [H_m, −H_m]], so H[a, b] = (−1)^(the bits a and b share).
 * Written out because tfjs has none; symmetric, with orthogonal rows of squared norm 2^m.
 */
export function hadamardEntry(row: number, col: number): 1 | -1 {
  let shared = row & col;
  let parity = 0;
  while (shared) {
    parity ^= shared & 1;
    shared >>>= 1;
  }
  return parity ? -1 : 1;
}

/** Algorithm 1's [Q, P] matrix (InitLab's layout, inputs × outputs), row-major. */
export function zerOMatrix(inputs: number, outputs: number): Float32Array {
  const values = new Float32Array(inputs * outputs);
  if (outputs <= inputs) {
    // The identity (P = Q) or the partial identity (P < Q): output j copies input j.
    for (let j = 0; j < outputs; j++) values[j * outputs + j] = 1;
    return values;
  }
  const order = 2 ** Math.ceil(Math.log2(outputs));
  const scale = 1 / Math.sqrt(order);
  for (let q = 0; q < inputs; q++) for (let p = 0; p < outputs; p++) values[q * outputs + p] = hadamardEntry(p, q) * scale;
  return values;
}

/**
 * ZerO's weight for a dense [in, out] or a convolution's [...kernel, in, out] (3- to 5-D):
 * deterministic, it takes no seed. Example: `init.zerO([100, 100])` (the identity),
 * `init.zerO([64, 100])` (a Hadamard expansion), `init.zerO([3, 3, 16, 32])`
 */
export function zerO(target: ShapeOrTensor): tfjs.Tensor;
export function zerO(target: ShapeOrTensor, ...extra: unknown[]): tfjs.Tensor {
  const fn = 'init.zerO';
  // A seed or a gain would suggest a choice ZerO does not have.
  if (extra.length > 0) throw new TypeError(`${fn}: ZerO is deterministic and takes the shape only, got ${describeValue(extra[0])} after it`);
  const shape = targetShape(fn, target, { minRank: 2, maxRank: 5 });
  const [inputs, outputs] = shape.slice(-2);
  const matrix = zerOMatrix(inputs, outputs);
  if (shape.length === 2) return deliver(target, tf.tensor(matrix, shape, 'float32'));
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let tap = 0;
  for (const k of shape.slice(0, -2)) tap = tap * k + Math.floor(k / 2);
  values.set(matrix, tap * inputs * outputs);
  return deliver(target, tf.tensor(values, shape, 'float32'));
}
