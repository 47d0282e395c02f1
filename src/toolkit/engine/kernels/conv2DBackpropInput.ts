/**
 * `Conv2DBackpropInput` for the WASM engine, replacing the backend's own: that one is a plain C++
 * loop outside XNNPACK, 5-9x slower than the forward convolution of the same size (measured,
 * README "Engine"), and it is the gradient of every convolution's input, so every conv layer but
 * the first runs it in training.
 *
 * dx[n, h, w, ci] = Σ_{i, j, co} dy_up[n, h + top − i·d, w + left − j·d, co] · f[i, j, ci, co]
 *
 * is a forward convolution of dy_up (dy spread by the stride, depthwiseConv2dNativeBackpropInput.ts)
 * with the filter flipped and its channels swapped, [fh, fw, Cout, Cin], at stride 1.
 */
import { Conv2DBackpropInput, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';
import { explicitPadding, forwardConvInfo, type ConvGradAttrs } from './convGeometry';
import { spreadByStride } from './depthwiseConv2dNativeBackpropInput';

interface Attrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

export function conv2DBackpropInputConfig(backendName: string, original?: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
    withBackendCalls(backendName, backend, (calls) => {
      const dy = inputs.dy as TensorInfo;
      const filter = inputs.filter as TensorInfo;
      const a = attrs as unknown as Attrs;
      const info = forwardConvInfo(Conv2DBackpropInput, a.inputShape, filter.shape, a, false);
      const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
      const [, inH, inW] = a.inputShape;
      const spread = spreadByStride(calls, dy, sh, sw);
      const top = (fh - 1) * dh - info.padInfo.top;
      const left = (fw - 1) * dw - info.padInfo.left;
      const bottom = inH + (fh - 1) * dh - spread.shape[1] - top;
      const right = inW + (fw - 1) * dw - spread.shape[2] - left;
      const cropped = calls.padOrCrop(spread, [
        [0, 0],
        [Math.min(0, top), Math.min(0, bottom)],
        [Math.min(0, left), Math.min(0, right)],
        [0, 0],
      ]);
      const swapped = calls.transpose(filter, [0, 1, 3, 2]);
      const flipped = calls.run('Reverse', { x: swapped }, { dims: [0, 1] });
      return calls.run(
        'Conv2D',
        { x: cropped, filter: flipped },
        {
          strides: [1, 1],
          dilations: [dh, dw],
          pad: explicitPadding(Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)),
          dataFormat: 'NHWC',
        },
      );
    });
  return { ...original, kernelName: Conv2DBackpropInput, backendName, kernelFunc };
}
