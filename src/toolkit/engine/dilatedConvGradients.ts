/**
 * Gradients for dilated convolutions, on every backend.
 *
 * tfjs-core 4.22's gradients of `Conv2D` and `DepthwiseConv2dNative` refuse a dilation rate above
 * 1 ("Error in gradient of depthwiseConv2dNative: dilation rates greater than 1 are not yet
 * supported", tensorflow/tfjs#7906), so tf.conv2d, tf.conv1d, tf.depthwiseConv2d and
 * tf.separableConv2d with `dilations > 1`, and the layers built on them, could not be trained or
 * probed. We re-register both gradients once at start (engine.ts); at dilation 1 they call the
 * package's own, unchanged.
 *
 * A convolution with filter W at rate r is an ordinary convolution, same strides and padding,
 * with W_d: W with r − 1 zeros between its taps, (k − 1)·r + 1 wide. tfjs computes the padding
 * and output size of both from that effective size, so 'same', 'valid', explicit padding and
 * dimRoundingMode mean the same for both. So dx is the ordinary input gradient with W_d, and dW
 * is the ordinary filter gradient with respect to W_d, read at every r-th tap. Only undilated
 * kernels run, which every backend has (the CPU backend's Conv2DBackprop* ignore a dilation).
 * The zero taps cost time: about 2x the undilated gradient at r = 2, 5x at r = 4 (k = 3, WASM).
 * Space-to-batch around the undilated gradient wastes none, but measured 2-10x slower still on
 * WASM, whose SpaceToBatchND/BatchToSpaceND are slow.
 *
 * tf.layers' Conv2D with a linear activation (its default) trains through tf.fused.conv2d, whose
 * own gradient (a customGrad, outside the registry) refuses dilations too: see routeFusedConv2d.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GradConfig, GradFunc, NamedAttrMap, NamedTensorMap, Rank, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { recordingGradients, replaceFusedConv2d, tfjsInternalProblem } from './tfjsInternals';

type TF = typeof tfjs;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dilations?: number | [number, number] | null;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** The kernels whose gradient this replaces, and the kernels that compute it undilated. */
const KERNELS = {
  Conv2D: { backpropInput: 'Conv2DBackpropInput', backpropFilter: 'Conv2DBackpropFilter', depthwise: false },
  DepthwiseConv2dNative: { backpropInput: 'DepthwiseConv2dNativeBackpropInput', backpropFilter: 'DepthwiseConv2dNativeBackpropFilter', depthwise: true },
} as const;

/** Our gradient functions, with the package's each replaced: registering twice keeps the package's. */
const originals = new WeakMap<GradFunc, GradConfig>();

/** The package's gradient that `config` (one of ours) falls back on at dilation 1. */
export function originalGradient(config: GradConfig): GradConfig | undefined {
  return originals.get(config.gradFunc);
}

/** [rate along height, rate along width]; tfjs writes 1 as null, a number or a pair. */
function ratesOf(dilations: ConvAttrs['dilations']): [number, number] {
  if (dilations == null) return [1, 1];
  return typeof dilations === 'number' ? [dilations, dilations] : dilations;
}

/** W [kh, kw, a, b] with rh − 1 zeros between its rows and rw − 1 between its columns. */
function spreadTaps(tf: TF, filter: Tensor4D, rh: number, rw: number): Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, a, b] = filter.shape;
    const apart = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, a * b]), [
      [0, 0],
      [0, rh - 1],
      [0, 0],
      [0, rw - 1],
      [0, 0],
    ]);
    const grid = tf.reshape<Rank.R4>(apart, [kh * rh, kw * rw, a, b]);
    return tf.slice(grid, [0, 0, 0, 0], [(kh - 1) * rh + 1, (kw - 1) * rw + 1, a, b]);
  });
}

type FusedConv2d = TF['fused']['conv2d'];
const routedFusedConv2d = new WeakSet<FusedConv2d>();

/**
 * Makes tf.fused.conv2d, while gradients are recorded and when dilated with a linear activation,
 * run as tf.conv2d plus the bias, whose gradient is the registry's Conv2D one. tfjs does the same
 * for every other activation (fused_util.ts shouldFuse); only a linear one keeps the fused op
 * under a gradient. The object is the one tf.layers calls (`tfc.fused.conv2d`).
 */
function routeFusedConv2d(tf: TF): void {
  // tfjsInternals.ts replaces it, unless tf.fused.conv2d or the gradient depth is not as in 4.22.
  replaceFusedConv2d<FusedConv2d>(tf, (original) => {
    if (routedFusedConv2d.has(original)) return original;
    const conv2d = ((args: Parameters<FusedConv2d>[0]) => {
      const [rh, rw] = ratesOf(args.dilations);
      const linear = (args.activation ?? 'linear') === 'linear';
      if ((rh === 1 && rw === 1) || !linear || !recordingGradients(tf)) return original(args);
      const { x, filter, strides, pad, dataFormat, dilations, dimRoundingMode, bias } = args;
      return tf.tidy(() => {
        const y = tf.conv2d(x, filter, strides, pad, dataFormat, dilations, dimRoundingMode);
        return bias === undefined ? y : tf.add(y, bias);
      });
    }) as FusedConv2d;
    routedFusedConv2d.add(conv2d);
    return conv2d;
  });
}

/**
 * Replaces the gradients of Conv2D and DepthwiseConv2dNative in `tf`'s registry, and routes
 * tf.fused.conv2d, once per tfjs-core instance.
 */
export function registerDilatedConvGradients(tf: TF): void {
  routeFusedConv2d(tf);
  // The gradient functions below read the saved tensors as [x, filter] (tfjsInternals.ts).
  if (tfjsInternalProblem('gradient.conv', { tf })) return;
  for (const [kernelName, { backpropInput, backpropFilter, depthwise }] of Object.entries(KERNELS)) {
    const original = tf.getGradient(kernelName);
    if (!original || originals.has(original.gradFunc)) continue;
    const gradFunc: GradFunc = (dys, saved, attrs) => {
      const conv = attrs as unknown as ConvAttrs;
      const [rh, rw] = ratesOf(conv.dilations);
      if (rh === 1 && rw === 1) return original.gradFunc(dys, saved, attrs);
      const dy = dys as Tensor4D;
      const [x, filter] = saved as Tensor4D[];
      const wide = spreadTaps(tf, filter, rh, rw);
      // The depthwise kernels take no dataFormat (they are NHWC only); Conv2D's take no dilations.
      const common = { strides: conv.strides, pad: conv.pad, dimRoundingMode: conv.dimRoundingMode, ...(depthwise ? { dilations: 1 } : { dataFormat: conv.dataFormat ?? 'NHWC' }) };
      const run = <T extends Tensor>(kernel: string, inputs: NamedTensorMap, attrs: object) => tf.engine().runKernel<T>(kernel, inputs, attrs as NamedAttrMap);
      return {
        x: () => run(backpropInput, { dy, filter: wide }, { ...common, inputShape: x.shape }),
        filter: () =>
          tf.tidy(() => {
            const dWide = run<Tensor4D>(backpropFilter, { x, dy }, { ...common, filterShape: wide.shape });
            return tf.stridedSlice(dWide, [0, 0, 0, 0], dWide.shape, [rh, rw, 1, 1]);
          }),
      };
    };
    originals.set(gradFunc, original);
    tf.registerGradient({ ...original, gradFunc });
  }
}
