/**
 * Whether WebAssembly's relaxed SIMD (fused multiply-add, f32x4.relaxed_madd) is available to
 * the SIMD functions InitLab assembles (simd/simdPassesCode.ts), switching it on where the
 * runtime has it behind a flag.
 *
 * Why: the convolution gradients (simd/simdFilterGradientCode.ts, simdInputGradientCode.ts) are
 * long runs of multiply-adds. Fixed-width SIMD has no fused form, so each is a multiply and an
 * add, and they ran at the limit that sets (about 4 multiply-adds a cycle); with relaxed_madd,
 * which the engine compiles to the processor's FMA, the MNIST CNN's gradients took a quarter to
 * a third less time on two threads (docs/speed-history.md). Node 20's V8 (11.3) has relaxed SIMD behind
 * --experimental-wasm-relaxed-simd; later V8s (Node 22, VS Code's Electron) ship it on. The flag
 * only decides whether the opcodes validate when a module is compiled, so it is set, once,
 * before InitLab compiles the module that uses them, and the result is checked by validating a
 * one-instruction module: where it still does not validate, the plain SIMD code runs.
 *
 * relaxed_madd may round once (fused) or twice (as a multiply and an add) depending on the
 * processor; the gradients are sums of thousands of products whose order already differs from
 * the CPU backend's, and the tests compare them within float32 tolerance either way.
 *
 * INITLAB_RELAXED_SIMD=0 keeps the plain SIMD code (for comparisons).
 */
import * as v8 from 'node:v8';
import { op, wasmModule, type WasmFunction } from './simd/wasmBinary';

/** A module with one function (v128, v128, v128) → v128 that is a relaxed multiply-add. */
function probeModule(): Uint8Array {
  const madd: WasmFunction = { name: 'madd', params: ['v128', 'v128', 'v128'], results: ['v128'], locals: [], body: [op.get(0), op.get(1), op.get(2), op.f32x4RelaxedMadd()] };
  return wasmModule([madd], { shared: false });
}

let available: boolean | undefined;

// The project's TypeScript libraries do not declare WebAssembly; Node has it.
const validate = (bytes: Uint8Array): boolean => (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);

/** Whether the SIMD module may use relaxed SIMD; the first call switches it on where a flag is needed. */
export function relaxedSimdAvailable(): boolean {
  if (available !== undefined) return available;
  if (process.env.INITLAB_RELAXED_SIMD === '0') return (available = false);
  const bytes = probeModule();
  if (validate(bytes)) return (available = true);
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return (available = false);
  }
  return (available = validate(bytes));
}
