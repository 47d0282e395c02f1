/**
 * First and second derivatives of a model's loss with respect to its weight blocks, by autodiff
 * (tf.grads of tf.grads; engine/secondOrderGradients.ts makes them right through tanh, softmax,
 * convolutions and pooling). Each function reads the blocks' current tensors.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import type { DifferentiableModel } from './differentiableModel';

type Tensor = tfjs.Tensor;

/** ∇L, one tensor per block. Differentiable again when called inside another tf.grads. */
export function lossGradients(model: DifferentiableModel, x: Tensor, y: Tensor): Tensor[] {
  return tf.grads(() => model.loss(x, y))(model.blocks.map((b) => b.read()));
}

/** ⟨a, b⟩ summed over every block. */
export function blockDot(a: readonly Tensor[], b: readonly Tensor[]): tfjs.Scalar {
  return tf.tidy(() => tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i])))) as tfjs.Scalar);
}

/** H v, the Hessian of the loss times `v` (one tensor per block): the gradient of ⟨∇L, v⟩. */
export function hessianVectorProduct(model: DifferentiableModel, x: Tensor, y: Tensor, v: readonly Tensor[]): Tensor[] {
  return tf.tidy(() => tf.grads(() => blockDot(lossGradients(model, x, y), v))(model.blocks.map((b) => b.read())));
}

/**
 * Dauphin and Schoenholz's gradient quotient, the mean over every weight of
 * |(g − Hg) / g − 1|, with g = ∇L and Hg = ∇(½‖g‖²): how far one gradient step of size 1 would
 * change the gradient, relative to itself (0 where the loss is locally linear). `eps` keeps a zero
 * gradient from dividing: it is added with the gradient's sign (+ for 0), a choice that is
 * piecewise constant, so it is not differentiated (the paper detaches it). Differentiable: MetaInit
 * takes its gradient.
 */
export function gradientQuotient(model: DifferentiableModel, x: Tensor, y: Tensor, eps: number): tfjs.Scalar {
  return tf.tidy(() => {
    const params = model.blocks.map((b) => b.read());
    const count = params.reduce((n, p) => n + p.size, 0);
    const g = lossGradients(model, x, y);
    const hg = tf.grads(() => {
      const inner = lossGradients(model, x, y);
      return tf.mul(0.5, blockDot(inner, inner)) as tfjs.Scalar;
    })(params);
    const terms = g.map((gi, i) => {
      const signed = tf.where(tf.greaterEqual(gi, 0), tf.onesLike(gi), tf.onesLike(gi).neg());
      return tf.sum(tf.abs(tf.sub(tf.div(tf.sub(gi, hg[i]), tf.add(gi, tf.mul(signed, eps))), 1)));
    });
    return tf.div(tf.addN(terms), count) as tfjs.Scalar;
  });
}
