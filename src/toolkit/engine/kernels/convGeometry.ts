/**
 * The geometry the convolution gradients share: tfjs's own ConvInfo for the forward convolution
 * (so 'same', 'valid', explicit padding and rounding mean exactly what they mean there), and the
 * checks that the WASM kernels can honour the request.
 */
import { backend_util } from '@tensorflow/tfjs';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

export interface ConvGradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** The forward convolution's info, for input `xShape` and filter `filterShape`. */
export function forwardConvInfo(kernelName: string, xShape: number[], filterShape: number[], attrs: ConvGradAttrs, depthwise: boolean): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(`${kernelName} on the WASM engine supports dataFormat 'NHWC' (channels last) only, as the WASM convolutions do.`);
  }
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/** Explicit padding in the form Conv2D's `pad` attribute takes. */
export function explicitPadding(top: number, bottom: number, left: number, right: number): backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
