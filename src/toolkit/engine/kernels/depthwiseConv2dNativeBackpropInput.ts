/**
 * `DepthwiseConv2dNativeBackpropInput` for the WASM engine: the gradient of a depthwise
 * convolution's input, as one depthwise convolution on XNNPACK's fast path.
 *
 * dx[n, h, w, c] = Σ_{i, j, q} dy_up[n, h + top − i·d, w + left − j·d, c·m + q] · f[i, j, c, q]
 *
 * where dy_up is dy with s − 1 zeros between its rows (columns) when the forward stride s > 1.
 * With the filter flipped, that is a correlation of dy_up, padded by (fh − 1)·d − top above and
 * whatever makes the output H rows below, at dilation d and stride 1. A channel multiplier m > 1
 * runs the C·m channels separately and sums each group of m.
 */
import { DepthwiseConv2dNativeBackpropInput, type backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls, type BackendCalls } from './backendCalls';
import { explicitPadding, forwardConvInfo, type ConvGradAttrs } from './convGeometry';

interface Attrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/** dy with (stride − 1) zeros after each row and column: [N, Ho·sh, Wo·sw, C]. */
export function spreadByStride(calls: BackendCalls, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const apart = calls.reshape(dy, [n, oh, 1, ow, 1, c]);
  const spread = calls.padOrCrop(apart, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return calls.reshape(spread, [n, oh * sh, ow * sw, c]);
}

/**
 * What both input gradients (this file's and conv2DBackpropInput.ts's) convolve at stride 1 with
 * the flipped filter: dy spread by the stride, and the padding that places tap i of the flipped
 * filter on row h + top − (fh − 1 − i)·d. XNNPACK pads without a copy; only a negative amount (a
 * crop) is applied here, and the rest is returned as the convolution's explicit padding.
 */
export function inputGradientOperand(calls: BackendCalls, dy: TensorInfo, info: backend_util.Conv2DInfo, inH: number, inW: number): { x: TensorInfo; pad: backend_util.ExplicitPadding } {
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
  const spread = spreadByStride(calls, dy, sh, sw);
  const top = (fh - 1) * dh - info.padInfo.top;
  const left = (fw - 1) * dw - info.padInfo.left;
  const bottom = inH + (fh - 1) * dh - spread.shape[1] - top;
  const right = inW + (fw - 1) * dw - spread.shape[2] - left;
  const x = calls.padOrCrop(spread, [
    [0, 0],
    [Math.min(0, top), Math.min(0, bottom)],
    [Math.min(0, left), Math.min(0, right)],
    [0, 0],
  ]);
  return { x, pad: explicitPadding(Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)) };
}

export function depthwiseConv2dNativeBackpropInputConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
    withBackendCalls(backendName, backend, (calls) => {
      const dy = inputs.dy as TensorInfo;
      const filter = inputs.filter as TensorInfo;
      const a = attrs as unknown as Attrs;
      const info = forwardConvInfo(DepthwiseConv2dNativeBackpropInput, a.inputShape, filter.shape, a, true);
      const { dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
      const [n, inH, inW, channels] = a.inputShape;
      const [, , , multiplier] = filter.shape;
      const { x, pad } = inputGradientOperand(calls, dy, info, inH, inW);
      const flipped = calls.run('Reverse', { x: filter }, { dims: [0, 1] });
      const perChannel = calls.reshape(flipped, [fh, fw, channels * multiplier, 1]);
      const dx = calls.run('DepthwiseConv2dNative', { x, filter: perChannel }, { strides: [1, 1], dilations: [dh, dw], pad });
      if (multiplier === 1) return dx;
      const grouped = calls.reshape(dx, [n, inH, inW, channels, multiplier]);
      return calls.run('Sum', { x: grouped }, { axis: [4], keepDims: false });
    });
  return { kernelName: DepthwiseConv2dNativeBackpropInput, backendName, kernelFunc };
}
