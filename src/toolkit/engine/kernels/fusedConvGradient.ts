/**
 * tf.fused.conv2d (every tf.layers Conv2D) with a gradient per input on the WASM engine, so that
 * autodiff computes only the gradients it needs: a network's first layer then never computes the
 * gradient of its input images.
 *
 * tfjs-core 4.22 gives tf.fused.conv2d its gradient through customGrad, whose one gradient
 * function computes every input's gradient at once (ops/fused/conv2d.ts), wanted or not. In one
 * epoch of the MNIST CNN's fit the first layer's unwanted input gradient (a convolution with one
 * output channel, which XNNPACK runs badly) was 5% of the time.
 *
 * Here, while gradients are recorded, the FusedConv2D kernel is run as a kernel of its own on the
 * tape, with a gradient registered for it: one function per input (x, filter, bias), which tfjs
 * calls only for the inputs on the path to what is differentiated, as it does for tf.conv2d.
 * The forward is the same kernel the package's op runs. Only the linear activation, undilated,
 * NHWC, rank 4, without PReLU weights, is routed (tf.layers' Conv2D by default); anything else
 * keeps tfjs's op.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { recordingGradients, replaceFusedConv2d } from '../tfjsInternals';

type TF = typeof tfjs;
type FusedConv2d = TF['fused']['conv2d'];
type FusedArgs = Parameters<FusedConv2d>[0];

interface FusedAttrs {
  strides: number | [number, number];
  pad: FusedArgs['pad'];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const FUSED_CONV2D = 'FusedConv2D';

/** Whether the routed kernel computes exactly what tf.fused.conv2d would, gradient included. */
function routable(tf: TF, backendName: string, args: FusedArgs): boolean {
  const { x, filter, bias, dilations, dataFormat, activation, preluActivationWeights } = args;
  const isTensor = (t: unknown): t is Tensor => t instanceof tf.Tensor;
  const undilated = dilations === undefined || dilations === 1 || (Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1);
  return (
    tf.getBackend() === backendName &&
    recordingGradients(tf) &&
    isTensor(x) &&
    x.rank === 4 &&
    x.dtype === 'float32' &&
    isTensor(filter) &&
    filter.rank === 4 &&
    (bias === undefined || bias === null || (isTensor(bias) && bias.rank === 1 && bias.size === filter.shape[3])) &&
    undilated &&
    (dataFormat === undefined || dataFormat === 'NHWC') &&
    (activation === undefined || activation === 'linear') &&
    preluActivationWeights === undefined
  );
}

let registered = false;

/** Registers the per-input gradient and routes tf.fused.conv2d, once. Returns whether it routes. */
export function routeFusedConv2dGradient(tf: TF, backendName: string): boolean {
  if (registered) return true;
  // A later tfjs with a gradient of its own for the kernel keeps it.
  if (tf.getGradient(FUSED_CONV2D)) return false;
  const routed = replaceFusedConv2d<FusedConv2d>(tf, (original) => ((args: FusedArgs) => {
    if (!routable(tf, backendName, args)) return original(args);
    const { x, filter, bias, strides, pad, dimRoundingMode } = args;
    // The filter first: tfjs's backward pass runs the inputs' gradients in this order, and the
    // filter gradient (filterGradientBySimd.ts, split with the SIMD worker thread) loses 0.5-0.8
    // ms when it starts right after an XNNPACK convolution (the input gradient), as the worker
    // thread then wakes on the busy core: 5.3 against 4.5 ms for the MNIST CNN's second layer.
    const inputs = { filter, x, ...(bias ? { bias } : {}) } as unknown as NamedTensorMap;
    const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear', ...(dimRoundingMode ? { dimRoundingMode } : {}) };
    return tf.engine().runKernel(FUSED_CONV2D, inputs, attrs as unknown as NamedAttrMap) as Tensor4D;
  }) as FusedConv2d);
  if (!routed) return false;
  tf.registerGradient({
    kernelName: FUSED_CONV2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const dy4 = dy as Tensor4D;
      const [x, filter] = saved as Tensor4D[];
      const { strides, pad, dimRoundingMode } = attrs as unknown as FusedAttrs;
      const common = { strides, pad, dataFormat: 'NHWC', ...(dimRoundingMode ? { dimRoundingMode } : {}) };
      const run = (kernel: string, kernelInputs: NamedTensorMap, kernelAttrs: object) => tf.engine().runKernel(kernel, kernelInputs, kernelAttrs as NamedAttrMap) as Tensor;
      return {
        x: () => run('Conv2DBackpropInput', { dy: dy4, filter }, { ...common, inputShape: x.shape }),
        filter: () => run('Conv2DBackpropFilter', { x, dy: dy4 }, { ...common, filterShape: filter.shape }),
        bias: () => tf.sum(dy4, [0, 1, 2]),
      };
    },
  });
  registered = true;
  return true;
}
