// The convolution cases the engine's gradient-kernel tests run through (filterGradientBySimd,
// inputGradientBySimd, filterGradientByPatches, stridedInputGradient): a case's type, its label
// in a failure message, and tfjs's own geometry of its forward convolution.
import { tf } from '../../../../src/toolkit/engine/engine';

export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** A forward convolution of x [N, H, W, Cin] by a kernel to `outChannels`. */
export interface ConvCase {
  x: number[];
  kernel: [number, number];
  strides: number | [number, number];
  pad: Pad;
  outChannels: number;
  dilations?: number;
}

export const describeCase = (c: ConvCase): string =>
  `x ${c.x.join('x')}, kernel ${c.kernel.join('x')} to ${c.outChannels}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}${c.dilations ? `, dilations ${c.dilations}` : ''}`;

/** tfjs's ConvInfo for the case's forward convolution. */
export function convInfo(c: ConvCase) {
  return tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], [...c.kernel, c.x[3], c.outChannels], c.strides, c.dilations ?? 1, c.pad);
}

/** The filter's shape [fh, fw, Cin, Cout]. */
export const filterShape = (c: ConvCase): number[] => [...c.kernel, c.x[3], c.outChannels];

/** dy's shape, the forward convolution's output [N, Ho, Wo, Cout]. */
export function dyShape(c: ConvCase): number[] {
  const info = convInfo(c);
  return [c.x[0], info.outHeight, info.outWidth, c.outChannels];
}
