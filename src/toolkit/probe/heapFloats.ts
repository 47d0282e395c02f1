/**
 * The values of a float32 tensor as a Float32Array, for the probe's passes written in JavaScript
 * (fusedStats.ts, batchNormGradient.ts): on the WASM backend a view of its heap, no copy;
 * elsewhere `dataSync()`'s copy.
 *
 * A view is valid until the engine's next allocation (which may grow the heap and, on the
 * single-threaded build, detach its buffer): take it right before the loop that reads it, never
 * keep it.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';

interface WasmBackendLike {
  getMemoryOffset(dataId: unknown): number;
  wasm: { HEAPU8: Uint8Array };
}

export function floatsOf(x: tfjs.Tensor): Float32Array {
  if (x.dtype !== 'float32') throw new TypeError(`floatsOf: a float32 tensor is needed, got ${x.dtype}`);
  const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
  if (tf.getBackend() === 'wasm' && typeof backend.getMemoryOffset === 'function' && backend.wasm) {
    const offset = backend.getMemoryOffset(x.dataId);
    return new Float32Array(backend.wasm.HEAPU8.buffer, offset, x.size);
  }
  return x.dataSync() as Float32Array;
}

/** The byte address of a tensor's values in the WASM engine's heap (the WASM backend only). */
export function heapOffset(x: tfjs.Tensor): number {
  return (tf.backend() as unknown as WasmBackendLike).getMemoryOffset(x.dataId);
}
