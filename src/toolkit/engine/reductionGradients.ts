/**
 * The gradients of `Sum` and `Mean` as a broadcast of dy, on every backend.
 *
 * tfjs-core 4.22 writes both as dy · ones(x.shape): it builds an array of ones the size of x in
 * JavaScript, copies it into the engine and multiplies, all to repeat dy along the reduced axes.
 * For the global average pooling of the MNIST CNN in `npm run bench` (x [128, 7, 7, 64]) that
 * was about 3 ms of every training step, of which 1.1 ms filling the ones. `tf.broadcastTo`
 * repeats dy with the backend's Tile kernel and gives the same values (dy · 1 / n in float32 is
 * dy / n), and it differentiates again (its gradient is a sum), as the originals did.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

type TF = typeof tfjs;

const replaced = new WeakSet<object>();

/** The axes a reduction's `axis` attribute names (none: all), negative ones counted from the end. */
function reducedAxes(axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, k) => k);
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
}

function broadcastGradient(tf: TF, kernelName: 'Sum' | 'Mean', divide: boolean): void {
  const original = tf.getGradient(kernelName);
  if (!original || replaced.has(original.gradFunc)) return;
  const gradFunc: GradConfig['gradFunc'] = (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const axes = reducedAxes(attrs.axis as number | number[] | null | undefined, x.rank);
    const kept = x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
    const count = axes.reduce((n: number, axis: number) => n * x.shape[axis], 1);
    return {
      x: () => {
        const expanded = tf.reshape(dy as Tensor, kept);
        return tf.broadcastTo(divide ? tf.div(expanded, count) : tf.cast(expanded, 'float32'), x.shape);
      },
    };
  };
  replaced.add(gradFunc);
  tf.registerGradient({ ...original, gradFunc });
}

/** Replaces Sum's and Mean's gradients in `tf`'s registry, once per tfjs-core instance. */
export function registerReductionGradients(tf: TF): void {
  broadcastGradient(tf, 'Sum', false);
  broadcastGradient(tf, 'Mean', true);
}
