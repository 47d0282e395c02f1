/**
 * `Conv2DBackpropInput` for the WASM engine, replacing the backend's own: that one is a plain C++
 * loop outside XNNPACK, 5-9x slower than the forward convolution of the same size (measured,
 * README "Engine"), and it is the gradient of every convolution's input, so every conv layer but
 * the first runs it in training. With input channels in fours it is inputGradientBySimd.ts' SIMD
 * function (INITLAB_SIMD_INPUT_GRADIENT=0 turns it off, for comparisons); otherwise:
 *
 * dx[n, h, w, ci] = Σ_{i, j, co} dy_up[n, h + top − i·d, w + left − j·d, co] · f[i, j, ci, co]
 *
 * is a forward convolution of dy_up (dy spread by the stride, depthwiseConv2dNativeBackpropInput.ts)
 * with the filter flipped and its channels swapped, [fh, fw, Cout, Cin], at stride 1. A strided,
 * undilated convolution takes stridedInputGradient.ts's way instead, which skips the spread's zeros.
 */
import { Conv2DBackpropInput, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';
import { forwardConvInfo, type ConvGradAttrs } from './convGeometry';
import { inputGradientOperand } from './depthwiseConv2dNativeBackpropInput';
import { inputGradientBySimd } from './inputGradientBySimd';
import { phasesApply, stridedInputGradient } from './stridedInputGradient';

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
      const bySimd = process.env.INITLAB_SIMD_INPUT_GRADIENT === '0' ? undefined : inputGradientBySimd(calls, dy, filter, info);
      if (bySimd) return bySimd;
      if (phasesApply(info)) return stridedInputGradient(calls, dy, filter, info, a.inputShape);
      const [, inH, inW] = a.inputShape;
      const { x, pad } = inputGradientOperand(calls, dy, info, inH, inW);
      const swapped = calls.transpose(filter, [0, 1, 3, 2]);
      const flipped = calls.run('Reverse', { x: swapped }, { dims: [0, 1] });
      return calls.run('Conv2D', { x, filter: flipped }, { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], pad, dataFormat: 'NHWC' });
    });
  return { ...original, kernelName: Conv2DBackpropInput, backendName, kernelFunc };
}
