/**
 * Sums that stay accurate over tens of millions of float32 values.
 *
 * The WASM and CPU backends reduce a whole axis with one float32 accumulator, so the rounding
 * error grows with the length: the mean of the lesson's 50,000 × 784 MNIST pixels comes out
 * 0.1312 instead of 0.1304. Summing in blocks of 1,024 (each block's sum, then the sums of
 * those) keeps every accumulator short, which is the idea of pairwise summation
 * (Higham, "The accuracy of floating point summation", 1993) in as few ops as the engine allows.
 * tfjs has no compensated or pairwise sum of its own, hence this file.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from './engine';

const BLOCK = 1024;

/** The sum of all elements, as a float32 scalar, with blocked accumulation. */
export function blockSum(x: tfjs.Tensor): tfjs.Scalar {
  return tf.tidy(() => {
    let flat = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [-1]) as tfjs.Tensor1D;
    while (flat.size > BLOCK) {
      const padded = Math.ceil(flat.size / BLOCK) * BLOCK;
      if (padded !== flat.size) flat = tf.pad(flat, [[0, padded - flat.size]]);
      flat = tf.sum(tf.reshape(flat, [-1, BLOCK]), 1) as tfjs.Tensor1D;
    }
    return tf.sum(flat) as tfjs.Scalar;
  });
}
