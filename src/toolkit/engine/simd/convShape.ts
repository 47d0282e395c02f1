/**
 * A forward convolution's shape, as the SIMD convolution gradients' geometry blocks
 * (simdFilterGradientCode.ts, simdInputGradientCode.ts) are worked out from: channels-last
 * input [N, inH, inW, inChannels], filter [filterH, filterW, inChannels, outChannels], output
 * [N, outH, outW, outChannels], padding at the top and left (the rest follows from the sizes).
 */
import type { backend_util } from '@tensorflow/tfjs';

export interface ConvShape {
  inH: number;
  inW: number;
  inChannels: number;
  outH: number;
  outW: number;
  outChannels: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  top: number;
  left: number;
}

/** The shape of tfjs's ConvInfo for the forward convolution. */
export function convShapeOf(info: backend_util.Conv2DInfo): ConvShape {
  return {
    inH: info.inHeight,
    inW: info.inWidth,
    inChannels: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outChannels: info.outChannels,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}
