/**
 * Whether an allocation on the WASM engine's heap would make its allocator grow the heap past
 * 4 GiB and wrap around, read from the allocator's own free lists.
 *
 * Why: tfjs-backend-wasm 4.22 is built with emmalloc, and its sbrk does not catch an increment
 * that carries the heap's end past 2^32. Once the heap has grown near its 4 GiB limit, a request
 * that no free region can hold makes emmalloc "grow" by wrapping: malloc returns a block that runs
 * past the heap's end, and emmalloc writes its bookkeeping at the wrapped, low addresses, over
 * other tensors. Measured (2026-12-07): with the heap at 4,096 MB and 1 GiB blocks allocated from
 * it, malloc(1 GiB) returned a block at 3,178 MB ending at 4,202 MB. Growth that stays below
 * 2^32 fails cleanly, so only requests that reach the top are at risk: heapGuard.ts and
 * engineMemory.ts ask `reachesTop(bytes)` before those, and refuse instead.
 *
 * emmalloc (emscripten's system/lib/emmalloc.c) keeps 64 circular free lists, by size class,
 * whose heads are 16-byte sentinel regions {size, prev, next, ceiling} in its static data; a free
 * region is {size, prev, next, ..., size | 1}. A request goes to the first region of each
 * non-empty class from its own up, then to up to 99 regions of the largest class, and only then
 * to sbrk. The sentinels are found once by their pattern (an empty list's sentinel points to
 * itself both ways), and checked; if they cannot be found, every request that could reach the top
 * counts as one that would.
 */

const CLASSES = 64;
const SENTINEL_BYTES = 16;
/** The regions of the largest class emmalloc tries before it grows the heap. */
const LARGEST_CLASS_TRIES = 99;
/** Where to look for the sentinels: emmalloc's static data lies in the module's first kilobytes of data. */
const SEARCH_FROM = 1024;
const SEARCH_TO = 1 << 20;
/** The top of the 32-bit address space, and a margin for emmalloc's own growth and alignment. */
const ADDRESS_SPACE = 2 ** 32;
const GROWTH_MARGIN = 1 << 16;

/** emmalloc's compute_free_list_bucket: the size class of a payload of `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes < 128) return (bytes >>> 3) - 1;
  const clz = Math.clz32(bytes);
  return clz > 19 ? 110 - (clz << 2) + ((bytes >>> (29 - clz)) ^ 4) : Math.min(71 - (clz << 1) + ((bytes >>> (30 - clz)) ^ 2), CLASSES - 1);
}

/** The 64 sentinels' address in `words` (the heap as 32-bit words), or undefined. */
function findSentinels(words: Uint32Array): number | undefined {
  const selfLinked = (at: number) => words[(at + 4) >>> 2] === at && words[(at + 8) >>> 2] === at;
  const end = Math.min(SEARCH_TO, words.length * 4 - CLASSES * SENTINEL_BYTES);
  for (let at = SEARCH_FROM; at < end; at += 4) {
    if (!selfLinked(at)) continue;
    // The array starts at most 63 sentinels before a self-linked one; try each start whose
    // sentinels are all either self-linked or the ends of a list whose links agree.
    for (let first = 0; first < CLASSES; first++) {
      const base = at - first * SENTINEL_BYTES;
      if (base < SEARCH_FROM) break;
      if (isSentinelArray(words, base)) return base;
    }
  }
  return undefined;
}

function isSentinelArray(words: Uint32Array, base: number): boolean {
  let empty = 0;
  for (let k = 0; k < CLASSES; k++) {
    const sentinel = base + k * SENTINEL_BYTES;
    const prev = words[(sentinel + 4) >>> 2];
    const next = words[(sentinel + 8) >>> 2];
    if (prev === sentinel && next === sentinel) {
      empty++;
      continue;
    }
    // A list: its first region links back to the sentinel, and so does its last.
    if (next === 0 || prev === 0 || next % 4 !== 0 || prev % 4 !== 0 || next >= words.length * 4 || prev >= words.length * 4) return false;
    if (words[(next + 4) >>> 2] !== sentinel || words[(prev + 8) >>> 2] !== sentinel) return false;
  }
  // At start most classes are empty; a random stretch of data has no such run.
  return empty >= CLASSES / 2;
}

interface Located {
  memory: { buffer: ArrayBufferLike };
  sentinels: number | undefined;
}
const located = new WeakMap<object, Located>();

interface EngineModule {
  wasmMemory?: { buffer: ArrayBufferLike };
  asm?: { memory?: { buffer: ArrayBufferLike } };
}

/**
 * Finds the free lists of the engine module's allocator, once (best while the heap is young: at
 * the engine's start most size classes are empty, which is how they are recognized).
 */
export function locateFreeLists(module: object): void {
  if (located.has(module)) return;
  const memory = (module as EngineModule).wasmMemory ?? (module as EngineModule).asm?.memory;
  if (memory) located.set(module, { memory, sentinels: findSentinels(new Uint32Array(memory.buffer)) });
}

/** Whether the free lists were found (else every request that could reach the top is refused). */
export function freeListsFound(module: object): boolean {
  locateFreeLists(module);
  return located.get(module)?.sentinels !== undefined;
}

/**
 * Whether malloc(bytes) on `module` could grow the heap to the top of the address space (and
 * wrap): its end plus the request reaches 2^32 and no free region emmalloc would try holds it.
 */
export function reachesTop(module: object, bytes: number): boolean {
  locateFreeLists(module);
  const state = located.get(module);
  if (!state) return false;
  const length = state.memory.buffer.byteLength;
  if (length + bytes + GROWTH_MARGIN < ADDRESS_SPACE) return false;
  if (state.sentinels === undefined) return true;
  return !freeRegionHolds(new Uint32Array(state.memory.buffer), state.sentinels, bytes);
}

/** emmalloc's search before it grows the heap (allocate_memory), without moving anything. */
function freeRegionHolds(words: Uint32Array, sentinels: number, request: number): boolean {
  const size = request > 8 ? Math.ceil(request / 4) * 4 : 8;
  const fits = (region: number) => {
    const payload = Math.ceil((region + 4) / 8) * 8;
    return payload + size <= region + words[region >>> 2] - 4;
  };
  const first = (k: number) => words[(sentinels + k * SENTINEL_BYTES + 8) >>> 2];
  let largest = -1;
  for (let k = CLASSES - 1; k >= 0 && largest < 0; k--) if (first(k) !== sentinels + k * SENTINEL_BYTES) largest = k;
  for (let k = sizeClass(size); k < CLASSES; k++) {
    const region = first(k);
    if (region !== sentinels + k * SENTINEL_BYTES && fits(region)) return true;
  }
  if (largest < 30) return false;
  let region = first(largest);
  for (let tries = 0; tries < LARGEST_CLASS_TRIES && region !== sentinels + largest * SENTINEL_BYTES; tries++) {
    if (fits(region)) return true;
    region = words[(region + 8) >>> 2];
  }
  return false;
}
