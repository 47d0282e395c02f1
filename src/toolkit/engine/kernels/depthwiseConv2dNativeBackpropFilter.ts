/**
 * `DepthwiseConv2dNativeBackpropFilter` for the WASM engine: the gradient of a depthwise
 * convolution's filter, as one depthwise convolution on XNNPACK plus a small sum.
 *
 * dW[i, j, c, q] = Σ_n Σ_{y, x} xpad[n, y·s + i·d, x·s + j·d, c] · dy[n, y, x, c·m + q]
 *
 * For each (image, channel) pair the inner sum is a depthwise convolution of that image's
 * channel with that image's dy as the filter. So the N·C pairs become the channels of one
 * image, xᵀ = [1, H, W, N·C] and dyᵀ = [Ho, Wo, N·C, m], convolved at stride d and dilation s
 * (roles swapped, as in conv2DBackpropFilter.ts) into [1, fh, fw, N·C·m], and the N images are
 * summed. No multiply-add is wasted; the alternative, a regular convolution with the channels as
 * the batch, computes C times too much and keeps only its diagonal.
 */
import { DepthwiseConv2dNativeBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';
import { explicitPadding, forwardConvInfo, type ConvGradAttrs } from './convGeometry';

interface Attrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

export function depthwiseConv2dNativeBackpropFilterConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
    withBackendCalls(backendName, backend, (calls) => {
      const x = inputs.x as TensorInfo;
      const dy = inputs.dy as TensorInfo;
      const a = attrs as unknown as Attrs;
      const info = forwardConvInfo(DepthwiseConv2dNativeBackpropFilter, x.shape, a.filterShape, a, true);
      const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
      const { top, left } = info.padInfo;
      const [n, inH, inW, channels] = x.shape;
      const [, outH, outW] = dy.shape;
      const multiplier = a.filterShape[3];
      const bottom = Math.max(0, (fh - 1) * dh + (outH - 1) * sh + 1 - inH - top);
      const right = Math.max(0, (fw - 1) * dw + (outW - 1) * sw + 1 - inW - left);
      const xT = calls.reshape(calls.transpose(x, [1, 2, 0, 3]), [1, inH, inW, n * channels]);
      const dyT = calls.reshape(calls.transpose(dy, [1, 2, 0, 3]), [outH, outW, n * channels, multiplier]);
      const grad = calls.run(
        'DepthwiseConv2dNative',
        { x: xT, filter: dyT },
        { strides: [dh, dw], dilations: [sh, sw], pad: explicitPadding(top, bottom, left, right) },
      );
      const cut = calls.slice(grad, [0, 0, 0, 0], [1, fh, fw, n * channels * multiplier]);
      const perImage = calls.reshape(cut, [fh, fw, n, channels * multiplier]);
      const summed = calls.run('Sum', { x: perImage }, { axis: [2], keepDims: false });
      return calls.reshape(summed, [fh, fw, channels, multiplier]);
    });
  return { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName, kernelFunc };
}
