/**
 * `MaxPoolGrad` and `MaxPoolWithArgmax` for the WASM engine, in place of the package's, which
 * lose every pooling window whose values are all negative (tfjs 4.22: their C++ seems to start
 * each window's maximum at 0 rather than −∞). On 2 × 8 × 8 × 3 normal values, 2 × 2 windows,
 * the gradient of max pooling went to the wrong place in 3 windows of 96, and on 1 × 4 × 4 × 2
 * in 4 of 8, so a max pooling fed by a convolution, a BatchNorm or tanh (anything that can be
 * negative) trained and probed with wrong gradients; after a ReLU the lost windows are all
 * zeros, whose gradient the ReLU stops anyway. The forward `MaxPool` (XNNPACK) is right.
 *
 * Both kernels find each window's maximum as the CPU backend does (pool_utils' maxPoolPositions):
 * the first position, in row-major order over the window's taps inside the input, whose value is
 * strictly above all before it, starting from −∞. MaxPoolGrad then adds each dy at its window's
 * position; MaxPoolWithArgmax returns the maxima and their flat indices ((b·H + row)·W + col)·C + c,
 * without the b term unless `includeBatchInIndex`. Plain loops on the heap, channels innermost
 * (contiguous in NHWC): a window visits its taps once for every channel at a time.
 * test/unit/toolkit/engine/maxPoolKernels.test.ts checks both against the CPU backend.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  includeBatchInIndex?: boolean;
}

interface HeapOutputs {
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

type PoolInfo = ReturnType<typeof backend_util.computePool2DInfo>;

/**
 * Calls `visit(outputIndex, inputIndex)` for every output element with the flat input index of
 * its window's first maximum (−1 for a window with no tap inside the input, or only NaNs).
 */
function forEachMaximum(x: ArrayLike<number>, info: PoolInfo, visit: (out: number, at: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const { top, left } = info.padInfo;
  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(inHeight, r0 + effectiveFilterHeight);
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(inWidth, c0 + effectiveFilterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          for (let c = cMin; c < cMax; c++) {
            const base = ((b * inHeight + r) * inWidth + c) * channels;
            for (let d = 0; d < channels; d++) {
              const v = x[base + d];
              if (v > best[d]) {
                best[d] = v;
                where[d] = base + d;
              }
            }
          }
        }
        const outBase = ((b * outHeight + yr) * outWidth + yc) * channels;
        for (let d = 0; d < channels; d++) visit(outBase + d, where[d]);
      }
    }
  }
}

function poolInfo(x: TensorInfo, attrs: PoolAttrs): PoolInfo {
  return backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

export function maxPoolGradConfig(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return original.kernelFunc(args);
    const heap = args.backend as unknown as HeapOutputs;
    const info = poolInfo(input, args.attrs as unknown as PoolAttrs);
    const out = heap.makeOutput(input.shape, 'float32');
    // Views after the last allocation: a growing heap moves.
    const dx = heap.typedArrayFromHeap(out);
    const x = heap.typedArrayFromHeap(input);
    const grad = heap.typedArrayFromHeap(dy);
    dx.fill(0);
    forEachMaximum(x, info, (o, at) => {
      if (at >= 0) dx[at] += grad[o];
    });
    return out;
  };
  return { ...original, backendName, kernelFunc };
}

export function maxPoolWithArgmaxConfig(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x: input } = args.inputs as { x: TensorInfo };
    if (input.dtype !== 'float32') return original.kernelFunc(args);
    const attrs = args.attrs as unknown as PoolAttrs;
    const heap = args.backend as unknown as HeapOutputs;
    const info = poolInfo(input, { ...attrs, dimRoundingMode: undefined });
    const pooled = heap.makeOutput(info.outShape, 'float32');
    const indexes = heap.makeOutput(info.outShape, 'int32');
    const values = heap.typedArrayFromHeap(pooled);
    const positions = heap.typedArrayFromHeap(indexes);
    const x = heap.typedArrayFromHeap(input);
    const perImage = info.inHeight * info.inWidth * info.inChannels;
    forEachMaximum(x, info, (o, at) => {
      values[o] = at >= 0 ? x[at] : Number.NEGATIVE_INFINITY;
      positions[o] = at < 0 || attrs.includeBatchInIndex ? at : at % perImage;
    });
    return [pooled, indexes];
  };
  return { ...original, backendName, kernelFunc };
}
