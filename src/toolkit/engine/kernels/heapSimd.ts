/**
 * Two WebAssembly SIMD functions that move float32 (or int32) values within the WASM engine's
 * heap, for the kernels whose cost is moving values, not computing them: transposes
 * (transpose.ts: the filter gradient transposes x and dy, the matmul patch its operands) and
 * the strided input gradient's interleave (stridedInputGradient.ts).
 *
 * Why: the package's Transpose is a scalar C++ loop that walks the output in order and reads the
 * input at a stride (for x [128, 28, 28, 16] → [16, 28, 28, 128], a new cache line for every
 * value), and a JavaScript loop runs at 1.5-5 ns a value on this project's machines; these move
 * four values per instruction. They are written with the SIMD assembler (engine/simd/wasmBinary.ts:
 * the repository has no WebAssembly toolchain) and run on the engine's own memory, imported.
 *
 *   copyBlocks(from, to, rows, cols, vectors, toColumnStride, toRowStride)
 *     reads rows × cols blocks of `vectors` f32x4 contiguously from `from`, and writes block
 *     (r, c) at to + r·toRowStride + c·toColumnStride (byte strides).
 *   transposeBlocks(from, to, aBlocks, m, cBlocks, c, a)
 *     for x [a, m, c] at `from` and out [c, m, a] at `to` (float counts a and c), moves the
 *     part with both indices below 4·aBlocks and 4·cBlocks, four by four rows at a time with
 *     4 × 4 transposes in registers. The caller moves the rest.
 */
import { op, wasmModule, type WasmFunction } from '../simd/wasmBinary';

interface EngineModule {
  wasmMemory?: { buffer: ArrayBufferLike };
  asm?: { memory?: { buffer: ArrayBufferLike } };
}

export interface HeapSimd {
  copyBlocks(from: number, to: number, rows: number, cols: number, vectors: number, toColumnStride: number, toRowStride: number): void;
  transposeBlocks(from: number, to: number, aBlocks: number, m: number, cBlocks: number, c: number, a: number): void;
}

/** `body` run for counter = 0 … limit − 1 (a local each; the counter is reset first). */
function forLoop(counter: number, limit: number, body: number[][]): number[][] {
  return [
    op.i32Const(0),
    op.set(counter),
    op.block(),
    op.loop(),
    op.get(counter),
    op.get(limit),
    op.i32GeU(),
    op.brIf(1),
    ...body,
    op.get(counter),
    op.i32Const(1),
    op.i32Add(),
    op.set(counter),
    op.br(0),
    op.end(),
    op.end(),
  ];
}

function copyBlocks(): WasmFunction {
  const [from, to, rows, cols, vectors, colStride, rowStride] = [0, 1, 2, 3, 4, 5, 6];
  const [r, c, v, rowAt, at] = [7, 8, 9, 10, 11];
  return {
    name: 'copyBlocks',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32', 'i32', 'i32'],
    body: forLoop(r, rows, [
      // rowAt = to + r·rowStride
      op.get(to),
      op.get(r),
      op.get(rowStride),
      op.i32Mul(),
      op.i32Add(),
      op.set(rowAt),
      ...forLoop(c, cols, [
        op.get(rowAt),
        op.get(c),
        op.get(colStride),
        op.i32Mul(),
        op.i32Add(),
        op.set(at),
        ...forLoop(v, vectors, [
          op.get(at),
          op.get(from),
          op.v128Load(),
          op.v128Store(),
          op.get(at),
          op.i32Const(16),
          op.i32Add(),
          op.set(at),
          op.get(from),
          op.i32Const(16),
          op.i32Add(),
          op.set(from),
        ]),
      ]),
    ]),
  };
}

/** Byte lanes of an i8x16.shuffle picking f32 lanes [p, q, r, s] of (first, second) (second's are 4-7). */
const lanes = (...f32Lanes: number[]) => f32Lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);

function transposeBlocks(): WasmFunction {
  const [from, to, aBlocks, m, cBlocks, c, a] = [0, 1, 2, 3, 4, 5, 6];
  const [mm, ab, cb, src, dst, srcRow, dstRow] = [7, 8, 9, 10, 11, 12, 13];
  const [r0, r1, r2, r3, t0, t1, t2, t3] = [14, 15, 16, 17, 18, 19, 20, 21];
  const load = (row: number, into: number) => [op.get(src), op.get(srcRow), op.i32Const(row), op.i32Mul(), op.i32Add(), op.v128Load(), op.set(into)];
  const shuffle = (x: number, y: number, pick: number[], into: number) => [op.get(x), op.get(y), op.i8x16Shuffle(lanes(...pick)), op.set(into)];
  const store = (row: number, x: number, y: number, pick: number[]) => [op.get(dst), op.get(dstRow), op.i32Const(row), op.i32Mul(), op.i32Add(), op.get(x), op.get(y), op.i8x16Shuffle(lanes(...pick)), op.v128Store()];
  return {
    name: 'transposeBlocks',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128'],
    body: [
      // srcRow = m·c·4 bytes (x's a → a + 1), dstRow = m·a·4 bytes (out's c → c + 1).
      op.get(m),
      op.get(c),
      op.i32Mul(),
      op.i32Const(2),
      op.i32Shl(),
      op.set(srcRow),
      op.get(m),
      op.get(a),
      op.i32Mul(),
      op.i32Const(2),
      op.i32Shl(),
      op.set(dstRow),
      ...forLoop(mm, m, [
        ...forLoop(ab, aBlocks, [
          ...forLoop(cb, cBlocks, [
            // src = from + ((4ab·m + mm)·c + 4cb)·4
            op.get(ab),
            op.i32Const(2),
            op.i32Shl(),
            op.get(m),
            op.i32Mul(),
            op.get(mm),
            op.i32Add(),
            op.get(c),
            op.i32Mul(),
            op.get(cb),
            op.i32Const(2),
            op.i32Shl(),
            op.i32Add(),
            op.i32Const(2),
            op.i32Shl(),
            op.get(from),
            op.i32Add(),
            op.set(src),
            // dst = to + ((4cb·m + mm)·a + 4ab)·4
            op.get(cb),
            op.i32Const(2),
            op.i32Shl(),
            op.get(m),
            op.i32Mul(),
            op.get(mm),
            op.i32Add(),
            op.get(a),
            op.i32Mul(),
            op.get(ab),
            op.i32Const(2),
            op.i32Shl(),
            op.i32Add(),
            op.i32Const(2),
            op.i32Shl(),
            op.get(to),
            op.i32Add(),
            op.set(dst),
            ...load(0, r0),
            ...load(1, r1),
            ...load(2, r2),
            ...load(3, r3),
            // t0 = r0.0 r1.0 r0.1 r1.1, t1 = r0.2 r1.2 r0.3 r1.3; t2, t3 alike of r2, r3.
            ...shuffle(r0, r1, [0, 4, 1, 5], t0),
            ...shuffle(r0, r1, [2, 6, 3, 7], t1),
            ...shuffle(r2, r3, [0, 4, 1, 5], t2),
            ...shuffle(r2, r3, [2, 6, 3, 7], t3),
            // Output row j holds lane j of r0 … r3.
            ...store(0, t0, t2, [0, 1, 4, 5]),
            ...store(1, t0, t2, [2, 3, 6, 7]),
            ...store(2, t1, t3, [0, 1, 4, 5]),
            ...store(3, t1, t3, [2, 3, 6, 7]),
          ]),
        ]),
      ]),
    ],
  };
}

const instances = new WeakMap<object, HeapSimd | null>();

/** The functions on the WASM backend's heap, or undefined where they do not instantiate. */
export function heapSimd(backend: unknown): HeapSimd | undefined {
  const module = (backend as { wasm?: EngineModule }).wasm;
  if (!module) return undefined;
  let found = instances.get(module);
  if (found === undefined) {
    found = instantiate(module);
    instances.set(module, found);
  }
  return found ?? undefined;
}

function instantiate(module: EngineModule): HeapSimd | null {
  const memory = (module.wasmMemory ?? module.asm?.memory) as { buffer: ArrayBufferLike } | undefined;
  if (!memory) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const bytes = wasmModule([copyBlocks(), transposeBlocks()], { shared });
    const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: unknown, i: unknown) => { exports: unknown }; Module: new (b: Uint8Array) => unknown } }).WebAssembly;
    return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as HeapSimd;
  } catch {
    return null;
  }
}
