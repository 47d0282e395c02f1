/**
 * Fans of a weight shape. InitLab's convention is the lessons' one, `y = x @ w`, so a dense
 * weight is [fanIn, fanOut] (torch's nn.Linear stores [fanOut, fanIn]). Convolution kernels use
 * TensorFlow.js's layout, [...kernelSize, inChannels, outChannels], and, as in torch, each fan is
 * multiplied by the receptive field (the product of the kernel sizes).
 */
import { checkShape } from '../args';

export type Shape = readonly number[];

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** Example: `init.calculateFanInAndFanOut([3, 3, 16, 32]) // { fanIn: 144, fanOut: 288 }` */
export function calculateFanInAndFanOut(shape: Shape): Fans {
  return fansOf(checkShape('init.calculateFanInAndFanOut', 'shape', shape, { minRank: 2 }));
}

/** The fans of a shape already checked (at least 2-D, positive sizes). */
export function fansOf(shape: Shape): Fans {
  const inChannels = shape[shape.length - 2];
  const outChannels = shape[shape.length - 1];
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: inChannels * receptiveField, fanOut: outChannels * receptiveField };
}

export const FAN_MODES = ['fan_in', 'fan_out', 'fanIn', 'fanOut'] as const;
export type FanMode = (typeof FAN_MODES)[number];

/** The fan a mode names, for a shape already checked. */
export function fanFor(shape: Shape, mode: FanMode): number {
  const { fanIn, fanOut } = fansOf(shape);
  return mode === 'fan_in' || mode === 'fanIn' ? fanIn : fanOut;
}
