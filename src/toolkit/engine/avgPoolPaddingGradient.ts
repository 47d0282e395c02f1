/**
 * The gradient of average pooling where padding cuts windows, on every backend.
 *
 * tfjs 4.22's `avgPool` divides each window's sum by the number of its taps inside the input
 * (TensorFlow's rule for 'same' padding), but its gradient, the `AvgPoolGrad` kernel on the CPU
 * and the WASM backends alike, spreads each output gradient over the window divided by the full
 * window area. Where 'same' padding cuts a window the gradient is too small: on 2 × 8 × 8 × 3
 * inputs pooled 3 × 3 with stride 2, a directional derivative came out −1.022 where finite
 * differences of the forward give −1.684. A `tf.layers.averagePooling2d({ padding: 'same' })`
 * trained, and was probed, with it.
 *
 * The gradient is re-registered: each output's gradient is first scaled by area / (its taps
 * inside the input), then spread by the package's kernel, so the 1/area it applies makes
 * 1/taps. The taps are counted by a depthwise convolution of ones over the input's extent, with
 * the pooling's own geometry. Without padding every window is whole and the package's gradient
 * runs as it was. test/unit/toolkit/engine/avgPoolPaddingGradient.test.ts checks it against
 * finite differences.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GradConfig, Tensor, Tensor4D } from '@tensorflow/tfjs';

type TF = typeof tfjs;

interface AvgPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

const replaced = new WeakSet<object>();

/** Replaces AvgPool's gradient in `tf`'s registry, once per tfjs-core instance. */
export function registerAvgPoolPaddingGradient(tf: TF): void {
  const original = tf.getGradient('AvgPool');
  if (!original || replaced.has(original.gradFunc)) return;
  const gradFunc: GradConfig['gradFunc'] = (dy, saved, attrs) => {
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as AvgPoolAttrs;
    if (pad === 'valid' || pad === 0) return original.gradFunc(dy, saved, attrs);
    const [x] = saved as Tensor4D[];
    const [fh, fw] = pair(filterSize);
    // Only the taps inside the input count: a 1-channel image of ones, summed over each window.
    const scale = tf.tidy(() => {
      const ones = tf.ones([1, x.shape[1], x.shape[2], 1]) as Tensor4D;
      const taps = tf.depthwiseConv2d(ones, tf.ones([fh, fw, 1, 1]) as Tensor4D, pair(strides), pad, 'NHWC', 1, dimRoundingMode);
      return tf.div(fh * fw, taps);
    });
    // Inside the backward pass's own tidy, which frees `scale` and the product.
    return original.gradFunc(tf.mul(dy as Tensor, scale), saved, attrs);
  };
  replaced.add(gradFunc);
  tf.registerGradient({ ...original, gradFunc });
}
