/**
 * `Sum` and `Mean` for the WASM engine when they reduce every axis but the last ([N, H, W, C] →
 * [C]: batch normalization's moments and its gradient's sums, a bias gradient), in place of the
 * package's. That kernel first transposes the reduced axes to the end (a full copy), then sums
 * each channel sequentially in float32. Here XNNPACK's average pooling reads the tensor in place,
 * 16 rows at a time, and the partial sums are added in float64 (channelSums.ts): one read
 * instead of a read, a write and a read, and more accurate. Any other reduction runs the
 * package's kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';
import { channelSums } from './channelSums';
import { heapBackend } from './heapArrays';

/** Whether `axis` (possibly negative, possibly unsorted) is every axis of a rank-`rank` tensor but the last. */
export function reducesLeadingAxes(axis: number | number[], rank: number): boolean {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

function leadingAxesReduction(backendName: string, original: KernelConfig, mean: boolean): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32' || !reducesLeadingAxes(axis, x.shape.length) || util.sizeFromShape(x.shape) === 0) return original.kernelFunc(args);
    const channels = x.shape[x.shape.length - 1];
    const rows = util.sizeFromShape(x.shape) / channels;
    const heap = heapBackend(args.backend);
    const sums = withBackendCalls(backendName, args.backend, (calls) => {
      const out = calls.adopt(heap.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels], 'float32'));
      const scale = mean ? 1 / rows : 1;
      const values = channelSums(calls, x);
      heap.typedArrayFromHeap(out).set(values.map((s) => s * scale));
      return out;
    });
    return sums;
  };
  return { ...original, kernelFunc };
}

export const sumConfig = (backendName: string, original: KernelConfig): KernelConfig => leadingAxesReduction(backendName, original, false);
export const meanConfig = (backendName: string, original: KernelConfig): KernelConfig => leadingAxesReduction(backendName, original, true);
