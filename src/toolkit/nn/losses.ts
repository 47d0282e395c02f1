/** Losses with hand-written gradients: `forward(pred, target)` gives a scalar, `backward()` sets `pred.g`. */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { PassTensors, type GradTensor } from './module';
import { checkTensor } from '../args';

export abstract class Loss {
  inp?: GradTensor;
  target?: tfjs.Tensor;
  out?: tfjs.Scalar;
  private readonly pass = new PassTensors();

  abstract get name(): string;

  forward(pred: GradTensor, target: tfjs.Tensor): tfjs.Scalar {
    checkTensor(`nn.${this.name}.forward`, 'pred', pred);
    checkTensor(`nn.${this.name}.forward`, 'target', target);
    this.release();
    this.inp = pred;
    this.target = this.pass.own(this.prepareTarget(pred, target));
    this.out = this.pass.own(this.compute(pred, this.target));
    return this.out;
  }

  backward(): void {
    if (!this.inp || !this.target) throw new Error(`${this.name}: backward() before forward()`);
    this.inp.g = this.pass.own(this.computeGrad(this.inp, this.target));
  }

  protected abstract prepareTarget(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Tensor;
  protected abstract compute(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Scalar;
  protected abstract computeGrad(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Tensor;

  release(): void {
    this.pass.release();
  }
}

/**
 * Mean squared error over every element, as the lesson's `Mse` (targets as floats, one output):
 * loss = mean((pred − y)²), pred.g = 2 (pred − y) / n.
 */
export class MSE extends Loss {
  get name(): string {
    return 'MSE';
  }
  protected prepareTarget(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Tensor {
    if (target.size !== pred.size) throw new RangeError(`nn.MSE.forward: target must hold one value per prediction (${pred.size}), got a tensor of shape [${target.shape.join(', ')}]`);
    return tf.tidy(() => target.toFloat().reshape(pred.shape));
  }
  protected compute(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Scalar {
    return tf.tidy(() => tf.mean(tf.squaredDifference(pred, target)) as tfjs.Scalar);
  }
  protected computeGrad(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => tf.mul(tf.sub(pred, target), 2 / pred.size));
  }
}

/**
 * Softmax cross-entropy over the last axis, with integer class labels [n] or one-hot targets
 * [n, classes]: loss = mean(logsumexp(z) − z_y), z.g = (softmax(z) − onehot(y)) / n.
 */
export class CrossEntropy extends Loss {
  get name(): string {
    return 'CrossEntropy';
  }
  protected prepareTarget(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Tensor {
    const classes = pred.shape[pred.rank - 1];
    if (target.rank === pred.rank) {
      if (target.shape.some((d, i) => d !== pred.shape[i])) throw new RangeError(`nn.CrossEntropy.forward: one-hot target must be [${pred.shape.join(', ')}] like pred, got [${target.shape.join(', ')}]`);
      return tf.tidy(() => target.toFloat());
    }
    if (target.size !== pred.shape[0]) throw new RangeError(`nn.CrossEntropy.forward: target must be ${pred.shape[0]} class ids or one-hot [${pred.shape.join(', ')}], got [${target.shape.join(', ')}]`);
    return tf.tidy(() => tf.oneHot(target.toInt().reshape([-1]), classes).toFloat());
  }
  protected compute(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Scalar {
    return tf.tidy(() => tf.mean(tf.sub(tf.logSumExp(pred, -1), tf.sum(tf.mul(pred, target), -1))) as tfjs.Scalar);
  }
  protected computeGrad(pred: tfjs.Tensor, target: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => tf.div(tf.sub(tf.softmax(pred), target), pred.shape[0]));
  }
}
