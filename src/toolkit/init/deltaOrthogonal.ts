/**
 * Delta-orthogonal initialization (Xiao, Bahri, Sohl-Dickstein, Schoenholz and Pennington,
 * ICML 2018, "Dynamical isometry and a mean field theory of CNNs"): a convolution kernel that is
 * zero at every tap but the centre, where it holds an orthogonal matrix times the gain. Each
 * layer is then a 1×1 orthogonal map at every position, so a deep linear stack of them has an
 * input–output Jacobian whose singular values are all exactly the gain's power: dynamical
 * isometry, which let the paper train 10,000-layer plain CNNs with tanh.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { readInitArgs } from './initArgs';
import { orthogonal } from './structured';
import { deliver, targetShape, type SeedOption, type ShapeOrTensor } from './target';

export interface DeltaOrthogonalOptions extends SeedOption {
  /** Scales the centre's orthogonal matrix. Default 1 (a linear network; √2 for ReLU, as init.calculateGain says). */
  gain?: number;
}

/**
 * A 3-, 4- or 5-D kernel [...kernel, in, out]: zero everywhere but the centre tap (index ⌊k/2⌋ on
 * each kernel axis, as init.dirac), which is an [in, out] orthogonal matrix times `gain`, drawn as
 * init.orthogonal draws it. With out ≥ in, as the paper requires, its rows are orthonormal, so
 * `x ↦ x·W` keeps every input's norm (times the gain): the layer is an isometry. With out < in
 * no matrix can be one; the columns are then orthonormal, a projection onto `out` directions
 * that keeps the norm of what it keeps and drops the rest. A 2-D dense weight [in, out] has no
 * taps: it falls back to init.orthogonal with the same gain. Odd kernels have a true centre;
 * an even one takes the tap after the middle, where a 'same' convolution shifts by one pixel.
 * Example: `init.deltaOrthogonal([3, 3, 16, 32], { seed: 0 })`
 */
export function deltaOrthogonal(target: ShapeOrTensor, options?: DeltaOrthogonalOptions): tfjs.Tensor;
/** The same with the gain by position. Example: `init.deltaOrthogonal([3, 3, 16, 16], Math.SQRT2, { seed: 0 })` */
export function deltaOrthogonal(target: ShapeOrTensor, gain?: number, options?: SeedOption): tfjs.Tensor;
export function deltaOrthogonal(target: ShapeOrTensor, ...args: unknown[]): tfjs.Tensor {
  const fn = 'init.deltaOrthogonal';
  const shape = targetShape(fn, target, { minRank: 2, maxRank: 5 });
  const o = readInitArgs({ fn, params: ['gain'], extras: ['seed'] }, args);
  const gain = o.number('gain', 1);
  const seed = o.seed();
  const seedOption = seed === undefined ? {} : { seed };
  if (shape.length === 2) return deliver(target, orthogonal(shape, gain, seedOption));
  const [inChannels, outChannels] = shape.slice(-2);
  const centre = orthogonal([inChannels, outChannels], gain, seedOption);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  // Row-major offset of the centre tap; its [in, out] block is contiguous there.
  let tap = 0;
  for (const k of shape.slice(0, -2)) tap = tap * k + Math.floor(k / 2);
  values.set(centre.dataSync(), tap * inChannels * outChannels);
  centre.dispose();
  return deliver(target, tf.tensor(values, shape, 'float32'));
}
