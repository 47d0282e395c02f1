// The SIMD convolution gradients as assembled (engine/simd/simdFilterGradientCode.ts,
// simdInputGradientCode.ts), both ways: with relaxed SIMD's fused multiply-add and with a plain
// multiply and add, each instantiated on a memory of its own and checked against the formulas
// in float64 on the same values. The engine's own module is one of the two (whichever the runtime
// allows, engineInfo().relaxedSimd); this covers the other as well. And relaxed SIMD is found
// and switched on where V8 has it (Node 20's V8 11.3 behind a flag, later ones by default).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { simdPassesModule } from '../../../../src/toolkit/engine/simd/simdPassesCode';
import { filterGeometry } from '../../../../src/toolkit/engine/simd/simdFilterGradientCode';
import type { ConvShape } from '../../../../src/toolkit/engine/simd/convShape';
import { inputGradientGeometry } from '../../../../src/toolkit/engine/simd/simdInputGradientCode';
import { relaxedSimdAvailable } from '../../../../src/toolkit/engine/relaxedSimd';

interface Exports {
  convFilterGradient(x: number, dy: number, out: number, images: number, geometry: number): void;
  convInputGradient(dy: number, weights: number, dx: number, images: number, geometry: number): void;
}
type WasmApi = { Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer }; Instance: new (m: unknown, i: unknown) => { exports: unknown }; Module: new (b: Uint8Array) => unknown };
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

before(async () => {
  await initEngine();
});

const SHAPE: ConvShape = { inH: 9, inW: 8, inChannels: 12, outH: 5, outW: 4, outChannels: 20, filterH: 3, filterW: 3, strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, top: 1, left: 0 };
const N = 3;

function filled(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Calls f(n, y, x, i, j) for every output pixel (y, x) and tap (i, j) whose input pixel is inside. */
function eachTap(f: (n: number, y: number, x: number, i: number, j: number, iy: number, ix: number) => void): void {
  const s = SHAPE;
  for (let n = 0; n < N; n++)
    for (let y = 0; y < s.outH; y++)
      for (let x = 0; x < s.outW; x++)
        for (let i = 0; i < s.filterH; i++)
          for (let j = 0; j < s.filterW; j++) {
            const iy = y * s.strideH + i * s.dilationH - s.top;
            const ix = x * s.strideW + j * s.dilationW - s.left;
            if (iy >= 0 && iy < s.inH && ix >= 0 && ix < s.inW) f(n, y, x, i, j, iy, ix);
          }
}

for (const fused of [false, true]) {
  test(`${fused ? 'relaxed SIMD' : 'plain SIMD'}: the filter and input gradients equal their formulas in float64`, () => {
    if (fused && !relaxedSimdAvailable()) return;
    const s = SHAPE;
    const memory = new wasm.Memory({ initial: 16, maximum: 65536 });
    const exports = new wasm.Instance(new wasm.Module(simdPassesModule(false, fused)), { env: { memory } }).exports as Exports;
    const sizes = { x: N * s.inH * s.inW * s.inChannels, dy: N * s.outH * s.outW * s.outChannels, w: s.filterH * s.filterW * s.inChannels * s.outChannels };
    // Byte addresses, one after another.
    const at = { x: 64, dy: 0, w: 0, wT: 0, dW: 0, dx: 0, geometry: 0 };
    at.dy = at.x + 4 * sizes.x;
    at.w = at.dy + 4 * sizes.dy;
    at.wT = at.w + 4 * sizes.w;
    at.dW = at.wT + 4 * sizes.w;
    at.dx = at.dW + 4 * sizes.w;
    at.geometry = at.dx + 4 * sizes.x;
    const f32 = (address: number, length: number) => new Float32Array(memory.buffer, address, length);
    const x = filled(sizes.x, 1);
    const dy = filled(sizes.dy, 2);
    const w = filled(sizes.w, 3);
    f32(at.x, sizes.x).set(x);
    f32(at.dy, sizes.dy).set(dy);
    // The input gradient reads the filter as [fh, fw, Cout, Cin].
    const wT = f32(at.wT, sizes.w);
    for (let t = 0; t < s.filterH * s.filterW; t++)
      for (let ci = 0; ci < s.inChannels; ci++) for (let co = 0; co < s.outChannels; co++) wT[(t * s.outChannels + co) * s.inChannels + ci] = w[(t * s.inChannels + ci) * s.outChannels + co];

    const wantDW = new Float64Array(sizes.w);
    const wantDx = new Float64Array(sizes.x);
    eachTap((n, y, xo, i, j, iy, ix) => {
      for (let ci = 0; ci < s.inChannels; ci++)
        for (let co = 0; co < s.outChannels; co++) {
          const g = dy[((n * s.outH + y) * s.outW + xo) * s.outChannels + co];
          const tap = (i * s.filterW + j) * s.inChannels + ci;
          const xi = ((n * s.inH + iy) * s.inW + ix) * s.inChannels + ci;
          wantDW[tap * s.outChannels + co] += x[xi] * g;
          wantDx[xi] += w[tap * s.outChannels + co] * g;
        }
    });

    const filterWords = filterGeometry(s);
    new Int32Array(memory.buffer, at.geometry, filterWords.length).set(filterWords);
    exports.convFilterGradient(at.x, at.dy, at.dW, N, at.geometry);
    const inputWords = inputGradientGeometry(s);
    new Int32Array(memory.buffer, at.geometry, inputWords.length).set(inputWords);
    exports.convInputGradient(at.dy, at.wT, at.dx, N, at.geometry);

    for (const [name, got, want] of [
      ['dW', f32(at.dW, sizes.w), wantDW],
      ['dx', f32(at.dx, sizes.x), wantDx],
    ] as const) {
      for (let k = 0; k < want.length; k++) {
        assert.ok(Math.abs(got[k] - want[k]) <= 1e-5 * Math.max(1, Math.abs(want[k])), `${name}[${k}]: ${got[k]} against ${want[k]}`);
      }
    }
  });
}

test('relaxed SIMD is on where V8 has it, and the engine says so', () => {
  const major = Number(process.versions.v8.split('.')[0]);
  if (tf.getBackend() !== 'wasm') return;
  if (process.env.INITLAB_RELAXED_SIMD === '0') return assert.equal(engineInfo().relaxedSimd, false);
  // V8 11.3 (Node 20) has it behind --experimental-wasm-relaxed-simd, which relaxedSimd.ts sets.
  if (major >= 11 && process.arch === 'x64') assert.equal(engineInfo().relaxedSimd, true);
  assert.equal(engineInfo().relaxedSimd, relaxedSimdAvailable());
});
