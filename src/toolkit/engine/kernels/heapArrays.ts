/**
 * Float32 views of WASM tensors, in place on the backend's heap, for the few kernels that are
 * faster as plain JavaScript loops than as the backend's C++ (tile.ts, leadingAxesReduction.ts).
 * A view is only valid until the next allocation (the heap may grow and move): take views after
 * making the output.
 */
import type { TensorInfo } from '@tensorflow/tfjs';

export interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

export function heapBackend(backend: unknown): HeapBackend {
  return backend as HeapBackend;
}
