/**
 * `Slice` for the WASM engine, in place of the package's, which first copies its whole input out
 * of the heap (its `readSync`) and then copies the slice row by row with one typed-array `set`
 * per innermost row. The probe's backward slices a layer's batch (or a BatchNorm's channels)
 * into pieces that fit the 4 GiB heap (probe/layerGradient.ts): on a [2000, 28, 28, 16] tensor,
 * the package's slices made a ReLU's backward 9x slower than the ReLU itself.
 *
 * Here the values are read in place. A slice is a number of contiguous runs: the sliced axis
 * nearest the end, times every full axis after it. Long runs are copied with `set`, short ones
 * (8 of 16 channels) element by element. Only float32 and int32; other dtypes run the package's.
 */
import { slice_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';

interface SliceBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

/** Runs shorter than this are copied element by element: a subarray per run costs more. */
const SHORTEST_SET = 32;

export function sliceConfig(_backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length === 0) return original.kernelFunc(args);
    const [begin_, size_] = slice_util.parseSliceParams(x as never, begin, size);
    const backend = args.backend as unknown as SliceBackend;
    const out = backend.makeOutput(size_, x.dtype);
    if (util.sizeFromShape(size_) === 0) return out;
    // Views after makeOutput: an allocation may grow the heap and move it.
    copySlice(backend.typedArrayFromHeap(x), x.shape, begin_, size_, backend.typedArrayFromHeap(out));
    return out;
  };
  return { ...original, kernelFunc };
}

/** Copies x[begin : begin + size] of a row-major tensor of `shape` into `out`. */
export function copySlice(x: Float32Array | Int32Array, shape: number[], begin: number[], size: number[], out: Float32Array | Int32Array): void {
  const strides = [...util.computeStrides(shape), 1];
  // The axes after `last` are taken whole, so each run spans size[last] of axis `last`.
  let last = shape.length - 1;
  while (last > 0 && begin[last] === 0 && size[last] === shape[last]) last--;
  const run = size[last] * strides[last];
  const runStart = begin[last] * strides[last];
  const outer = size.slice(0, last);
  const runs = util.sizeFromShape(outer);
  const index = outer.map(() => 0);
  let from = runStart + outer.reduce((sum, _, i) => sum + begin[i] * strides[i], 0);
  for (let r = 0, to = 0; r < runs; r++, to += run) {
    if (run >= SHORTEST_SET) out.set(x.subarray(from, from + run), to);
    else for (let k = 0; k < run; k++) out[to + k] = x[from + k];
    // Odometer over the outer axes: step the last one, carry into earlier ones.
    for (let axis = outer.length - 1; axis >= 0; axis--) {
      from += strides[axis];
      if (++index[axis] < outer[axis]) break;
      from -= outer[axis] * strides[axis];
      index[axis] = 0;
    }
  }
}
