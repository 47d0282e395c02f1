/**
 * `Conv2DBackpropFilter` for the WASM engine: the gradient of a convolution's filter. With output
 * channels in fours it is filterGradientBySimd.ts' SIMD function (INITLAB_SIMD_FILTER_GRADIENT=0
 * turns it off, for comparisons); otherwise one forward convolution on XNNPACK's fast path:
 *
 * dW[i, j, ci, co] = Σ_{n, y, x} xpad[n, y·s + i·d, x·s + j·d, ci] · dy[n, y, x, co]
 *
 * is a convolution in which x's channels are the batch, the batch is the channels and dy is the
 * filter: input xᵀ = [Cin, H, W, N], filter dyᵀ = [Ho, Wo, N, Cout], stride d and dilation s
 * (the forward stride and dilation swap roles), output [Cin, fh, fw, Cout], then transposed to
 * [fh, fw, Cin, Cout]. The forward padding is kept at the top and left; at the bottom and right
 * the padding is what makes the output at least fh x fw (rows past the forward's padded input
 * are never read), and any extra rows are cut off. A layer with few input channels (a network's
 * first) takes filterGradientByPatches.ts's way instead.
 */
import { Conv2DBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';
import { explicitPadding, forwardConvInfo, type ConvGradAttrs } from './convGeometry';
import { filterGradientByPatches, patchesApply } from './filterGradientByPatches';
import { filterGradientBySimd } from './filterGradientBySimd';

interface Attrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilterConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
    withBackendCalls(backendName, backend, (calls) => {
      const x = inputs.x as TensorInfo;
      const dy = inputs.dy as TensorInfo;
      const a = attrs as unknown as Attrs;
      const info = forwardConvInfo(Conv2DBackpropFilter, x.shape, a.filterShape, a, false);
      const bySimd = process.env.INITLAB_SIMD_FILTER_GRADIENT === '0' ? undefined : filterGradientBySimd(calls, x, dy, info);
      if (bySimd) return bySimd;
      if (patchesApply(info)) return filterGradientByPatches(calls, x, dy, info, a);
      const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
      const { top, left } = info.padInfo;
      const [, inH, inW] = x.shape;
      const [, outH, outW] = dy.shape;
      // Bottom/right padding so that fh (fw) taps fit: (fh-1)·d + (Ho-1)·s + 1 rows from the top.
      const bottom = Math.max(0, (fh - 1) * dh + (outH - 1) * sh + 1 - inH - top);
      const right = Math.max(0, (fw - 1) * dw + (outW - 1) * sw + 1 - inW - left);
      const xT = calls.transpose(x, [3, 1, 2, 0]);
      const dyT = calls.transpose(dy, [1, 2, 0, 3]);
      const grad = calls.run(
        'Conv2D',
        { x: xT, filter: dyT },
        { strides: [dh, dw], dilations: [sh, sw], pad: explicitPadding(top, bottom, left, right), dataFormat: 'NHWC' },
      );
      const [cin, gh, gw, cout] = grad.shape;
      const cut = calls.slice(grad, [0, 0, 0, 0], [cin, Math.min(gh, fh), Math.min(gw, fw), cout]);
      return calls.transpose(cut, [1, 2, 0, 3]);
    });
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc };
}
