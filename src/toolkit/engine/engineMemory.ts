/**
 * The WASM engine's memory, made cheap to use for large tensors.
 *
 * Why this exists: on these machines the first write to each fresh page of memory costs about
 * 3.7 ms per MB (a page fault each 4 KiB), and a large tensor built from a JavaScript array pays
 * it twice: once for the array, once for the engine's heap it is copied into. MNIST's 50,000
 * training images (157 MB) took 1.8 s to become a tensor in a new kernel, and 24 ms the second
 * time. Two remedies, neither of which tfjs offers:
 *
 * - `filledTensor(shape, fill)` writes the values straight into the engine's heap (the WASM
 *   backend's own `makeOutput`, as the kernels in ./kernels do), so no JavaScript copy exists.
 * - `reserveEngineMemory(bytes)` touches that much of the heap once and gives it back to the
 *   engine's allocator, which reuses it: later tensors up to that size pay no page faults. A
 *   kernel started ahead of its notebook runs it as startup code (Compare Initializations), so
 *   the cost falls while the user answers questions instead of inside the first cells.
 *
 * On other backends both do the plain thing.
 *
 * And two questions a large job asks before it starts (the probe's pass, passMemory.ts):
 * `engineHeapFits(bytes, piece)`, whether that many bytes can be had now in blocks the size of
 * its largest tensor, and `engineHeapRoom(piece)`, how many can. The WASM heap grows up to 4 GiB
 * and never shrinks, and its allocator cannot move what it holds, so what counts is what it can
 * still give in blocks that large (free space inside the heap, or growth at its end), not the
 * bytes free in total. Both ask the allocator itself: the blocks are allocated, then freed.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError, checkPositiveInteger } from '../args';
import { tf } from './engine';
import { EngineOutOfMemoryError, memoryFigures } from './heapGuard';
import { reachesTop } from './heapRegions';
import { WASM_HEAP_LIMIT_BYTES, outOfMemoryMessage } from './outOfMemoryMessage';

interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): tfjs.TensorInfo;
  typedArrayFromHeap(t: tfjs.TensorInfo): Float32Array;
  wasm: { _malloc(bytes: number): number; _free(pointer: number): void; HEAPU8: Uint8Array };
}

function wasmHeap(): WasmHeap | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as Partial<WasmHeap>;
  return typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function' && backend.wasm ? (backend as WasmHeap) : undefined;
}

/** A float32 tensor whose values `fill` writes into the array it is given (every element, once). */
export function filledTensor<R extends tfjs.Rank>(shape: number[], fill: (values: Float32Array) => void): tfjs.Tensor<R> {
  // Not args.checkShape: a dimension may be 0 here (an empty validation set).
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw argumentError('filledTensor', 'shape', 'an array of whole numbers ≥ 0', shape);
  const heap = wasmHeap();
  if (!heap) {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    fill(values);
    return tf.tensor(values, shape as number[], 'float32') as unknown as tfjs.Tensor<R>;
  }
  const info = heap.makeOutput(shape, 'float32');
  // The view is taken after the allocation (which may grow the heap) and used before any other.
  fill(heap.typedArrayFromHeap(info));
  return tf.engine().makeTensorFromTensorInfo(info) as tfjs.Tensor<R>;
}

/**
 * Touches `bytes` of the engine's heap and frees them for its next tensors. Returns the
 * milliseconds it took. Nothing to do (0) on engines other than WASM.
 * Example: `reserveEngineMemory(512 * 2 ** 20)`
 */
export function reserveEngineMemory(bytes: number): number {
  checkPositiveInteger('reserveEngineMemory', 'bytes', bytes);
  const heap = wasmHeap();
  if (!heap) return 0;
  const started = performance.now();
  // Past 4 GiB the count would wrap to 32 bits; in a kernel the guarded malloc throws the same error itself.
  const pointer = bytes > WASM_HEAP_LIMIT_BYTES ? 0 : heap.wasm._malloc(bytes);
  if (pointer === 0) throw new EngineOutOfMemoryError(outOfMemoryMessage('reserveEngineMemory', bytes, memoryFigures()), bytes);
  // One byte a page is enough to fault it in; the view is taken after the allocation grew the heap.
  const view = heap.wasm.HEAPU8;
  for (let at = pointer; at < pointer + bytes; at += 4096) view[at] = 0;
  heap.wasm._free(pointer);
  return performance.now() - started;
}

/** The raw allocator, unchecked: a failed allocation returns 0 (the kernel's guard would throw). */
function rawAllocator(heap: WasmHeap): { malloc(bytes: number): number; free(pointer: number): void } {
  const raw = (heap.wasm as unknown as { asm?: { malloc?: (bytes: number) => number; free?: (pointer: number) => void } }).asm;
  const malloc = raw?.malloc ?? ((bytes: number) => {
    try {
      return heap.wasm._malloc(bytes);
    } catch (err) {
      if (err instanceof EngineOutOfMemoryError) return 0;
      throw err;
    }
  });
  return { malloc, free: raw?.free ?? ((pointer: number) => heap.wasm._free(pointer)) };
}

/**
 * Blocks the allocator cannot give past: its sbrk takes a signed 32-bit increment, so one
 * allocation never grows the heap by 2 GiB or more; large questions are asked in pieces.
 */
const LARGEST_PIECE = 2 ** 30;

/**
 * Allocates blocks of at most `piece` bytes until `bytes` are held or one fails, frees them all,
 * and returns the bytes it held.
 */
function allocatable(heap: WasmHeap, bytes: number, piece: number): number {
  const { malloc, free } = rawAllocator(heap);
  const held: number[] = [];
  let total = 0;
  const largest = Math.max(1, Math.min(Math.ceil(piece), LARGEST_PIECE));
  let size = largest;
  try {
    while (total < bytes) {
      const want = Math.min(size, Math.ceil(bytes - total));
      // A request the allocator would meet by wrapping past 4 GiB counts as one it cannot meet (heapRegions.ts).
      const pointer = reachesTop(heap.wasm, want) ? 0 : malloc(want) >>> 0;
      if (pointer !== 0) {
        held.push(pointer);
        total += want;
      } else if (want > 2 ** 20 && size > largest / 16) {
        // A smaller piece may still fit in what is left: the pass's tensors are of many sizes.
        size = Math.ceil(want / 2);
      } else {
        break;
      }
    }
  } finally {
    for (const pointer of held) free(pointer);
  }
  return total;
}

/**
 * Whether the engine can allocate `bytes` now (growing its heap if it must), in blocks of at
 * most `piece` bytes (a job's largest single tensor). Always true on engines without a bounded
 * heap (tfjs-node, the CPU backend).
 */
export function engineHeapFits(bytes: number, piece = bytes): boolean {
  if (!(bytes >= 0)) throw argumentError('engineHeapFits', 'bytes', 'a number of bytes ≥ 0', bytes);
  const heap = wasmHeap();
  if (!heap || bytes === 0) return true;
  if (bytes > WASM_HEAP_LIMIT_BYTES) return false;
  return allocatable(heap, bytes, piece) >= bytes;
}

/**
 * How many bytes the engine can allocate now in blocks of at most `piece` bytes; Infinity on
 * engines without a bounded heap.
 */
export function engineHeapRoom(piece: number): number {
  const heap = wasmHeap();
  if (!heap) return Infinity;
  return allocatable(heap, WASM_HEAP_LIMIT_BYTES, piece);
}
