/**
 * Just enough of the WebAssembly binary format to write InitLab's SIMD passes (simdPassesCode.ts)
 * as bytes: a module that imports one memory and exports functions of numbers.
 *
 * Why by hand: the passes must run on the WASM engine's own heap (its tensors, in place), so they
 * must be WebAssembly importing that memory; the repository has no WebAssembly toolchain (no
 * wabt, no emscripten), and the passes are a few loops. Opcodes are the WebAssembly 2.0 core
 * and fixed-width SIMD ones; WebAssembly.validate and the tests (against the JavaScript passes)
 * check the bytes.
 */

export type ValueType = 'i32' | 'f32' | 'f64' | 'v128';
const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let value = n | 0;
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const name = (s: string) => vector([...Buffer.from(s, 'utf8')].map((b) => [b]));

/** Instruction bytes. Each returns the bytes of one instruction; a body is their concatenation. */
export const op = {
  block: () => [0x02, 0x40],
  loop: () => [0x03, 0x40],
  if: () => [0x04, 0x40],
  else: () => [0x05],
  end: () => [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  i32Const: (n: number) => [0x41, ...sleb(n)],
  f32Const: (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  f64Const: (x: number) => [0x44, ...new Uint8Array(new Float64Array([x]).buffer)],
  i32Eqz: () => [0x45],
  i32Eq: () => [0x46],
  i32LtU: () => [0x49],
  i32GeU: () => [0x4f],
  i32Add: () => [0x6a],
  i32Sub: () => [0x6b],
  i32Mul: () => [0x6c],
  i32And: () => [0x71],
  i32Shl: () => [0x74],
  i32ShrU: () => [0x76],
  f64Add: () => [0xa0],
  f64ConvertI32U: () => [0xb8],
  // SIMD: the 0xfd prefix, then the opcode as unsigned LEB128.
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 0, ...uleb(offset)],
  /** One float (32 bits) at the address, in all four lanes. */
  v128Load32Splat: (offset = 0) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 0, ...uleb(offset)],
  v128Const: (bytes: number[]) => [0xfd, ...uleb(0x0c), ...bytes],
  i8x16Shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  i32x4Splat: () => [0xfd, ...uleb(0x11)],
  f32x4Splat: () => [0xfd, ...uleb(0x13)],
  f64x2Splat: () => [0xfd, ...uleb(0x14)],
  i32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1b), lane],
  f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
  f64x2ExtractLane: (lane: number) => [0xfd, ...uleb(0x21), lane],
  f32x4Eq: () => [0xfd, ...uleb(0x41)],
  f32x4Ne: () => [0xfd, ...uleb(0x42)],
  f32x4Gt: () => [0xfd, ...uleb(0x44)],
  f32x4Le: () => [0xfd, ...uleb(0x45)],
  v128And: () => [0xfd, ...uleb(0x4e)],
  v128Bitselect: () => [0xfd, ...uleb(0x52)],
  f64x2PromoteLowF32x4: () => [0xfd, ...uleb(0x5f)],
  i32x4Add: () => [0xfd, ...uleb(0xae)],
  i32x4Sub: () => [0xfd, ...uleb(0xb1)],
  i32x4MinS: () => [0xfd, ...uleb(0xb6)],
  i32x4MaxS: () => [0xfd, ...uleb(0xb8)],
  f32x4Abs: () => [0xfd, ...uleb(0xe0)],
  f32x4Add: () => [0xfd, ...uleb(0xe4)],
  f32x4Sub: () => [0xfd, ...uleb(0xe5)],
  f32x4Mul: () => [0xfd, ...uleb(0xe6)],
  f32x4Min: () => [0xfd, ...uleb(0xe8)],
  f32x4Max: () => [0xfd, ...uleb(0xe9)],
  f64x2Add: () => [0xfd, ...uleb(0xf0)],
  f64x2Sub: () => [0xfd, ...uleb(0xf1)],
  f64x2Mul: () => [0xfd, ...uleb(0xf2)],
  i32x4TruncSatF32x4S: () => [0xfd, ...uleb(0xf8)],
  /** Relaxed SIMD: a·b + c, fused or not as the processor does it (engine/relaxedSimd.ts says when it is available). */
  f32x4RelaxedMadd: () => [0xfd, ...uleb(0x105)],
};

/** sum += a · b on f32x4 locals: one relaxed multiply-add when `fused`, else a multiply and an add. */
export function multiplyAdd(sum: number, a: number, b: number, fused: boolean): number[][] {
  if (fused) return [op.get(a), op.get(b), op.get(sum), op.f32x4RelaxedMadd(), op.set(sum)];
  return [op.get(sum), op.get(a), op.get(b), op.f32x4Mul(), op.f32x4Add(), op.set(sum)];
}

/** The bytes of the high two floats of an f32x4 moved to its low half (for f64x2.promote_low). */
export const HIGH_HALF_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

export interface WasmFunction {
  name: string;
  params: ValueType[];
  results: ValueType[];
  /** Locals after the parameters. */
  locals: ValueType[];
  body: number[][];
}

/**
 * A module that imports `env.memory` (shared or not, as the engine's heap is) and exports
 * `functions`.
 */
export function wasmModule(functions: readonly WasmFunction[], memory: { shared: boolean }): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [VALUE_TYPE[t]])), ...vector(f.results.map((t) => [VALUE_TYPE[t]]))]);
  // Limits: minimum 1 page, maximum 65536 (4 GiB); flag 3 = has maximum, shared.
  const memoryType = [memory.shared ? 0x03 : 0x01, ...uleb(1), ...uleb(65536)];
  const imports = vector([[...name('env'), ...name('memory'), 0x02, ...memoryType]]);
  const code = functions.map((f) => {
    const locals = vector(f.locals.map((t) => [1, VALUE_TYPE[t]]));
    const body = [...locals, ...f.body.flat(), ...op.end()];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, imports),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(code)),
  ]);
}
