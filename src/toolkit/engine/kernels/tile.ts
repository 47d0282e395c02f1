/**
 * `Tile` for the WASM engine, in place of the package's: that one is a per-element C++ loop, and
 * it is on the training path of every batch normalization (tfjs-core's FusedBatchNorm gradient
 * tiles 1/σ to the full [N, H, W, C]) and behind every `tf.broadcastTo`. On a CNN over 1,000
 * MNIST-sized images its three tiles took 13 of 32 s of a training step (README "Engine").
 *
 * tile(x, reps) is x broadcast: the output, seen as [r0, s0, r1, s1, ...], is x reshaped to
 * [1, s0, 1, s1, ...] broadcast along the r axes. So it is one broadcasting Add of x and zeros,
 * which runs on XNNPACK's vectorized path. Adjacent axes of the same kind are merged; a pattern
 * that needs more than the 6 axes XNNPACK broadcasts over, or a dtype other than float32, runs
 * the package's kernel. The commonest pattern, a block repeated R times (x [S] → [R, S], the batch
 * norm's case), is copied in place on the heap by doubling, at memcpy speed.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';
import { heapBackend } from './heapArrays';

const MAX_BROADCAST_AXES = 6;

/** Merged [broadcast count, size] axes: `x` holds 1 where the output repeats. */
export function tilePattern(shape: number[], reps: number[]): { xShape: number[]; outShape: number[] } {
  const xShape: number[] = [];
  const outShape: number[] = [];
  let lastRepeats: boolean | undefined;
  const push = (repeats: boolean, size: number) => {
    if (size === 1) return;
    if (lastRepeats === repeats) {
      outShape[outShape.length - 1] *= size;
      if (!repeats) xShape[xShape.length - 1] *= size;
    } else {
      outShape.push(size);
      xShape.push(repeats ? 1 : size);
      lastRepeats = repeats;
    }
  };
  shape.forEach((size, i) => {
    push(true, reps[i]);
    push(false, size);
  });
  return { xShape, outShape };
}

export function tileConfig(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const reps = (args.attrs as unknown as { reps: number[] }).reps;
    const { xShape, outShape } = tilePattern(x.shape, reps);
    if (x.dtype !== 'float32' || outShape.length > MAX_BROADCAST_AXES || util.sizeFromShape(x.shape) === 0) return original.kernelFunc(args);
    const finalShape = x.shape.map((s, i) => s * reps[i]);
    if (outShape.length === 2 && xShape[0] === 1) return repeatBlock(args.backend, x, finalShape, outShape[0]);
    return withBackendCalls(backendName, args.backend, (calls) => {
      const zeros = calls.run('Fill', {}, { shape: outShape, value: 0, dtype: 'float32' });
      const sum = calls.run('Add', { a: calls.reshape(x, xShape.length ? xShape : [1]), b: zeros });
      return calls.reshape(sum, finalShape);
    });
  };
  return { ...original, kernelFunc };
}

/** x's values repeated `times` times: the first copy written, then the filled part doubled. */
function repeatBlock(backend: unknown, x: TensorInfo, shape: number[], times: number): TensorInfo {
  const heap = heapBackend(backend);
  const out = heap.makeOutput(shape, 'float32');
  const values = heap.typedArrayFromHeap(out);
  const block = util.sizeFromShape(x.shape);
  values.set(heap.typedArrayFromHeap(x));
  for (let filled = block, total = block * times; filled < total; filled *= 2) values.copyWithin(filled, 0, Math.min(filled, total - filled));
  return out;
}
