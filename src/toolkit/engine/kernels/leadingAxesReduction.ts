/**
 * `Sum` and `Mean` for the WASM engine when they reduce every axis but the last ([N, H, W, C] →
 * [C]: batch normalization's moments and its gradient's sums, a bias gradient), in place of the
 * package's. That kernel first transposes the reduced axes to the end (a full copy), then sums
 * each channel sequentially in float32. Here one JavaScript pass reads the tensor in place on the
 * heap and accumulates each channel in float64: one read instead of a read, a write and a read,
 * and more accurate. Any other reduction runs the package's kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { heapBackend } from './heapArrays';

/** Whether `axis` (possibly negative, possibly unsorted) is every axis of a rank-`rank` tensor but the last. */
export function reducesLeadingAxes(axis: number | number[], rank: number): boolean {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

function leadingAxesReduction(original: KernelConfig, mean: boolean): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32' || !reducesLeadingAxes(axis, x.shape.length) || util.sizeFromShape(x.shape) === 0) return original.kernelFunc(args);
    const channels = x.shape[x.shape.length - 1];
    const rows = util.sizeFromShape(x.shape) / channels;
    const heap = heapBackend(args.backend);
    const out = heap.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels], 'float32');
    const values = heap.typedArrayFromHeap(x);
    const sums = new Float64Array(channels);
    for (let row = 0, at = 0; row < rows; row++) for (let c = 0; c < channels; c++, at++) sums[c] += values[at];
    const scale = mean ? 1 / rows : 1;
    heap.typedArrayFromHeap(out).set(sums.map((s) => s * scale));
    return out;
  };
  return { ...original, kernelFunc };
}

export const sumConfig = (_backendName: string, original: KernelConfig): KernelConfig => leadingAxesReduction(original, false);
export const meanConfig = (_backendName: string, original: KernelConfig): KernelConfig => leadingAxesReduction(original, true);
