// Allocation near the top of the WASM engine's 4 GiB heap (engine/heapRegions.ts): emmalloc's
// growth would wrap past 2^32 and hand out a block that runs past the heap's end; the check
// predicts those requests from the allocator's own free lists, so none is made. And the room
// questions a large job asks (engineMemory.ts) are answered without any such block.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { engineHeapFits, engineHeapRoom } from '../../../../src/toolkit/engine/engineMemory';
import { freeListsFound, reachesTop, sizeClass } from '../../../../src/toolkit/engine/heapRegions';

before(async () => {
  await initEngine();
});

test('size classes are emmalloc’s: 8 bytes apart below 128, then four per power of two, 128 MiB and up in the last', () => {
  // emmalloc.c's table: bucket 0 [8, 15], 14 [120, 159], 15 [160, 191], 26 [1024, 1279], 49 [1 MiB, 1.5 MiB), 62 [96 MiB, 128 MiB), 63 from 128 MiB.
  assert.deepEqual([8, 15, 16, 120, 159, 160, 1024, 1279, 1280, 2 ** 20, 1.5 * 2 ** 20 - 1, 96 * 2 ** 20, 2 ** 27 - 1, 2 ** 27, 2 ** 31].map(sizeClass), [0, 0, 1, 14, 14, 15, 26, 26, 27, 49, 49, 62, 62, 63, 63]);
});

test('near 4 GiB no block runs past the heap’s end: requests the allocator would meet by wrapping are predicted and not made', () => {
  if (tf.getBackend() !== 'wasm') return assert.equal(engineHeapRoom(2 ** 20), Infinity, 'no bounded heap elsewhere');
  const module = (tf.backend() as unknown as { wasm: { asm: { malloc(n: number): number; free(p: number): void }; wasmMemory?: { buffer: ArrayBufferLike }; HEAPU8: Uint8Array } }).wasm;
  assert.ok(freeListsFound(module), 'emmalloc’s free lists are found');
  const heapEnd = () => (module.wasmMemory ?? { buffer: module.HEAPU8.buffer }).buffer.byteLength;
  const keep = tf.ones([1000, 1000]);
  // Grow the heap to its limit in 100 MB blocks, then free them: the heap is at the top, its space free.
  const fill = (size: number) => {
    const held: number[] = [];
    for (let k = 0; k < 100; k++) {
      if (reachesTop(module, size)) break;
      const p = module.asm.malloc(size) >>> 0;
      if (p === 0) break;
      assert.ok(p + size <= heapEnd(), `a ${size}-byte block at ${p} ends inside the heap (${heapEnd()})`);
      held.push(p);
    }
    return held;
  };
  const first = fill(100 * 2 ** 20);
  assert.ok(first.length > 30 && heapEnd() > 3.9e9, `the heap grew near its limit: ${first.length} blocks, ${heapEnd()} bytes`);
  first.forEach((p) => module.asm.free(p));
  // 1 GiB blocks: three fit in the free space; the fourth would have wrapped (measured: 3,178 MB to 4,202 MB).
  const second = fill(2 ** 30);
  assert.equal(second.length, 3);
  assert.equal(reachesTop(module, 2 ** 30), true);
  second.forEach((p) => module.asm.free(p));
  // The room questions agree with what could be held, and leave it free.
  const room = engineHeapRoom(2 ** 30);
  assert.ok(room > 3.5e9 && room < heapEnd(), `room ${room}`);
  assert.equal(engineHeapFits(room, 2 ** 30), true);
  assert.equal(engineHeapFits(heapEnd(), 2 ** 30), false);
  assert.equal(tf.sum(keep).dataSync()[0], 1e6, 'the tensor held meanwhile is intact');
  keep.dispose();
});
