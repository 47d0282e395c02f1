/**
 * A model as the function whose Jacobian the spectrum takes: one example's input to one layer's
 * output (the network's output unless `to` names another), run on a batch of rows that are
 * independent of each other, so row r's gradient is row r's Jacobian product.
 *
 * Rows are independent only in inference: dropout off, and a BatchNorm normalizing with fixed
 * statistics. Those statistics are the batch's, taken once over the examples given and then held
 * fixed (as the probe normalizes with the batch's: at initialization the moving ones are 0 and 1,
 * which would hide what BatchNorm does); what a BatchNorm's output owes to the other examples
 * through the batch statistics, a term of order 1/batch, is left out of each example's Jacobian.
 *
 * Each layer's output can take a tap: a tensor of zeros added to it. The gradient with respect
 * to the tap is the gradient with respect to the layer's output, which the partial Jacobian
 * norms need and tf.grads cannot reach otherwise (it differentiates with respect to inputs).
 */
import type * as tfjs from '@tensorflow/tfjs';

export interface TargetLayer {
  /** 1-based, in forward order, as `to` counts. */
  layer: number;
  name: string;
  /** One example's output shape. */
  shape: number[];
  /** Values in one example's output. */
  size: number;
}

export interface JacobianTarget {
  /** 'nn.Model', 'nn.Sequential' or 'tf.LayersModel "name"'. */
  model: string;
  /** One example's input and target-output shapes. */
  inputShape: number[];
  outputShape: number[];
  /** The layers from the input to the target, the target's included: where taps go. */
  layers: TargetLayer[];
  /** The target's name: 'output' for the network's last layer. */
  to: string;
  /**
   * The target's output for rows x ([rows, ...inputShape]); taps[l], when given, is added to
   * layers[l]'s output. Differentiable by tf.grad, twice where TensorFlow.js has the second
   * derivatives. Leaves no tensor behind but its result.
   */
  run(x: tfjs.Tensor, taps?: readonly tfjs.Tensor[]): tfjs.Tensor;
}

/**
 * Which layer `to` picks from `names` (every layer of the model, in forward order): a 1-based
 * number, a negative one counting from the end (−1 the last), or a name that only one layer has.
 */
export function pickLayer(fn: string, to: unknown, names: readonly string[]): number {
  if (to === undefined) return names.length - 1;
  if (typeof to === 'number' && Number.isInteger(to) && to !== 0 && Math.abs(to) <= names.length) return to > 0 ? to - 1 : names.length + to;
  if (typeof to === 'string') {
    const matches = names.flatMap((n, i) => (n === to ? [i] : []));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new RangeError(`${fn}: options.to "${to}" names ${matches.length} layers (numbers ${matches.map((i) => i + 1).join(', ')}); give its number`);
  }
  const shown = names.length <= 8 ? names.map((n, i) => `${i + 1} ${n}`).join(', ') : `${names.slice(0, 3).map((n, i) => `${i + 1} ${n}`).join(', ')}, …, ${names.length} ${names[names.length - 1]}`;
  throw new RangeError(`${fn}: options.to must be a layer's number (1 to ${names.length}, or −1 for the last), or its name; the layers are ${shown}; got ${typeof to === 'string' ? JSON.stringify(to) : String(to)}`);
}

/** The size of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
