/**
 * The backward of a Conv2D, DepthwiseConv2D or Dense layer by its gradient kernels, called
 * directly on the layer's saved input: what layerGradient.ts runs instead of autodiff of the
 * layer where it can.
 *
 * Why: autodiff of one layer (tf.engine().gradients of layer.apply) runs the layer's forward
 * again to record it, though the probe already has its input and only needs the gradient
 * kernels. For the CNN bench model at 2,000 images those re-run convolutions were about a
 * third of the convolutions' backward time.
 *
 * The kernels and their arguments are the ones tfjs's gradients call (Conv2DBackpropFilter and
 * Conv2DBackpropInput as engine/kernels/fusedConvGradient.ts registers them, the depthwise
 * ones as tfjs-core's DepthwiseConv2dNative gradient, matMul with a transposed operand as
 * _FusedMatMul's; a bias's gradient is the sum over every axis but the last), so the numbers are
 * those tf.grads gives; the test compares them element by element. Only the plain cases are
 * taken: a linear activation (the probe measures an activation a layer carries apart, and its
 * derivative needs the pre-activation), channels last, no dilation, a Dense layer on rows. Any
 * other layer returns undefined and gets autodiff.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorMap } from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import type { Step } from './layersGraph';

type Tensor = tfjs.Tensor;

/** The parts of tf.layers' Conv2D, DepthwiseConv2D and Dense layers read here (public in JavaScript). */
interface ConvolutionInternals {
  kernel?: tfjs.LayerVariable;
  depthwiseKernel?: tfjs.LayerVariable;
  bias?: tfjs.LayerVariable | null;
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number | number[];
  activation?: { getClassName(): string };
}

export interface KernelGradients {
  /** ∂L/∂x when asked for. */
  dx?: Tensor;
  /** In the order of the step's trainable weights. */
  weights: Tensor[];
}

const isLinear = (layer: ConvolutionInternals) => !layer.activation || layer.activation.getClassName() === 'linear';
const undilated = (rate: number | number[] | undefined) => rate === undefined || (Array.isArray(rate) ? rate.every((r) => r === 1) : rate === 1);

function run(kernel: string, inputs: NamedTensorMap, attrs: object): Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as NamedAttrMap) as Tensor;
}

/**
 * ∂L/∂x (when `inputWanted`) and ∂L/∂weights of `step` at input x for the output gradient dy, by
 * its gradient kernels, or undefined when the layer is not one this takes.
 */
export function kernelGradients(step: Step, x: Tensor, dy: Tensor, inputWanted: boolean): KernelGradients | undefined {
  const layer = step.layer as unknown as ConvolutionInternals;
  if (!isLinear(layer) || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  let dx: Tensor | undefined;
  let kernelVariable: tfjs.LayerVariable | undefined;
  let kernelGradient: () => Tensor;
  if (step.kind === 'conv2d' || step.kind === 'depthwiseConv2d') {
    const depthwise = step.kind === 'depthwiseConv2d';
    kernelVariable = depthwise ? layer.depthwiseKernel : layer.kernel;
    if (!kernelVariable || x.rank !== 4 || layer.dataFormat !== 'channelsLast' || !undilated(layer.dilationRate) || !layer.strides || (layer.padding !== 'same' && layer.padding !== 'valid')) return undefined;
    const filter = kernelVariable.read();
    const common = depthwise ? { strides: layer.strides, pad: layer.padding, dilations: [1, 1] } : { strides: layer.strides, pad: layer.padding, dataFormat: 'NHWC' };
    const [backpropInput, backpropFilter] = depthwise ? ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'] : ['Conv2DBackpropInput', 'Conv2DBackpropFilter'];
    if (inputWanted) dx = run(backpropInput, { dy, filter }, { ...common, inputShape: x.shape });
    kernelGradient = () => run(backpropFilter, { x, dy }, { ...common, filterShape: filter.shape });
  } else if (step.kind === 'dense') {
    kernelVariable = layer.kernel;
    if (!kernelVariable || x.rank !== 2) return undefined;
    const kernel = kernelVariable.read();
    if (inputWanted) dx = tf.matMul(dy, kernel, false, true);
    kernelGradient = () => tf.matMul(x, dy, true, false);
  } else {
    return undefined;
  }
  const weights = step.trainableWeights.map((w) =>
    w === kernelVariable ? kernelGradient() : w === layer.bias ? tf.sum(dy, [...Array(dy.rank - 1).keys()]) : tf.zerosLike(w.read()),
  );
  return { dx, weights };
}
