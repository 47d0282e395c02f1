/**
 * Fans of a weight shape. InitLab's convention is the lessons' one, `y = x @ w`, so a dense
 * weight is [fanIn, fanOut] (torch's nn.Linear stores [fanOut, fanIn]). Convolution kernels use
 * TensorFlow.js's layout, [...kernelSize, inChannels, outChannels], and, as in torch, each fan is
 * multiplied by the receptive field (the product of the kernel sizes).
 */
export type Shape = readonly number[];

export interface Fans {
  fanIn: number;
  fanOut: number;
}

export function calculateFanInAndFanOut(shape: Shape): Fans {
  if (shape.length < 2) {
    throw new RangeError(`Fan in and fan out can not be computed for a shape with fewer than 2 dimensions: [${shape.join(', ')}]`);
  }
  const inChannels = shape[shape.length - 2];
  const outChannels = shape[shape.length - 1];
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: inChannels * receptiveField, fanOut: outChannels * receptiveField };
}

export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

export function fanFor(shape: Shape, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shape);
  if (mode === 'fan_in' || mode === 'fanIn') return fanIn;
  if (mode === 'fan_out' || mode === 'fanOut') return fanOut;
  throw new RangeError(`Mode ${String(mode)} is not supported; use 'fan_in' or 'fan_out'`);
}
