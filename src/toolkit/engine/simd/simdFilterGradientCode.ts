/**
 * A convolution's filter gradient as one WebAssembly SIMD function on the engine's heap, for the
 * WASM engine's Conv2DBackpropFilter (engine/kernels/conv2DBackpropFilter.ts). It is part of
 * the SIMD passes' module (simdPassesCode.ts) so that its worker thread runs it on half of the
 * images (simdPasses.ts' convFilterGradient).
 *
 *   dW[i, j, ci, co] += Σ_{n, y, x} x[n, y·sh + i·dh − top, x·sw + j·dw − left, ci] · dy[n, y, x, co]
 *
 * over the output pixels (y, x) whose input pixel is inside the image, for channels-last x
 * [N, H, W, Cin] and dy [N, Ho, Wo, Cout] (Cout a multiple of 4).
 *
 * Why not XNNPACK: the package can only get there as a forward convolution with the batch as
 * channels and dy as the filter, which transposes x and dy, makes the C++ side copy and XNNPACK
 * pack the dy-sized "filter" on every call, and runs products 25,000 long over an output of nine
 * pixels: 2x the forward's time for the MNIST CNN's layers (docs/speed-history.md). Here the
 * product runs over x and dy where they lie, one image at a time (an image of x and dy stays in
 * the core's cache while every tap and channel block reads it).
 *
 * With relaxed SIMD (`fused`, engine/relaxedSimd.ts) each multiply-add is one f32x4.relaxed_madd.
 *
 * Register blocking: a tile of R input channels × V vectors of 4 output channels holds R·V
 * f32x4 sums in locals (V8 keeps them in registers) while it walks the tap's output pixels; per
 * pixel V loads of dy, R splats of x and R·V multiply-adds. R ≤ 2 and V ≤ 4 keep the 8 sums,
 * 4 dy vectors and 2 splats within x86-64's 16 vector registers.
 *
 * convFilterGradient(x, dy, out, images, geometry): adds the gradient of `images` images (x and dy
 * at their first) to the float32 dW at `out` ([fh, fw, Cin, Cout], summed into, not overwritten).
 * `geometry` is the byte address of int32 words (filterGeometry() writes them):
 *   0 Cin, 1 Cout, 2 fh, 3 fw, 4 bytes of one image of x, 5 of one image of dy,
 *   6 bytes between x rows sh apart, 7 bytes between x pixels sw apart, 8 bytes of a dy row,
 *   9 Cout·4; from word 16, three per filter row i: the first output row y0 whose input row is
 *   inside, the row after the last, and the byte offset of x's row for y0; then three per filter
 *   column j, the same for columns.
 */
import type { ConvShape } from './convShape';
import { multiplyAdd, op, type WasmFunction } from './wasmBinary';

/** Input channels and f32x4 output vectors per tile. */
const MAX_R = 2;
const MAX_V = 4;
/** The first word of the per-row and per-column ranges in the geometry block. */
const RANGES_AT = 16;

/** Pixels y in [0, outSize) with y·stride + tap·dilation − pad in [0, inSize): [first, end), maybe empty. */
function insideRange(outSize: number, inSize: number, stride: number, offset: number): [number, number] {
  // offset = tap·dilation − pad: the input pixel is y·stride + offset.
  const first = Math.max(0, Math.ceil(-offset / stride));
  const end = Math.min(outSize, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [first, Math.max(first, end)];
}

/** The int32 words of convFilterGradient's geometry block. */
export function filterGeometry(s: ConvShape): Int32Array {
  const words = new Int32Array(RANGES_AT + 3 * (s.filterH + s.filterW));
  const pixelBytes = 4 * s.inChannels;
  words.set([s.inChannels, s.outChannels, s.filterH, s.filterW, s.inH * s.inW * pixelBytes, s.outH * s.outW * 4 * s.outChannels, s.strideH * s.inW * pixelBytes, s.strideW * pixelBytes, s.outW * 4 * s.outChannels, 4 * s.outChannels]);
  for (let i = 0; i < s.filterH; i++) {
    const offset = i * s.dilationH - s.top;
    const [first, end] = insideRange(s.outH, s.inH, s.strideH, offset);
    words.set([first, end, (first * s.strideH + offset) * s.inW * pixelBytes], RANGES_AT + 3 * i);
  }
  for (let j = 0; j < s.filterW; j++) {
    const offset = j * s.dilationW - s.left;
    const [first, end] = insideRange(s.outW, s.inW, s.strideW, offset);
    words.set([first, end, (first * s.strideW + offset) * pixelBytes], RANGES_AT + 3 * (s.filterH + j));
  }
  return words;
}

// Parameters, then i32 locals, then v128 locals.
const [X, DY, OUT, IMAGES, GEO] = [0, 1, 2, 3, 4];
const I32_LOCALS = [
  'image', 'xImage', 'dyImage', 'i', 'j', 'rowFirst', 'rows', 'xRow', 'colFirst', 'colBytes', 'xTap', 'dyTap', 'outTap', 'ci', 'co',
  'r', 'v', 'acc', 'xr', 'dr', 'xp', 'dp', 'end', 'rowsLeft', 'cin', 'cout', 'fh', 'fw', 'coutBytes', 'xColStep', 'xRowStep', 'dyRowBytes',
  'xImageBytes', 'dyImageBytes', 'range', 'second',
] as const;
const L = Object.fromEntries(I32_LOCALS.map((name, k) => [name, 5 + k])) as Record<(typeof I32_LOCALS)[number], number>;
const V128_AT = 5 + I32_LOCALS.length;
const SUMS = Array.from({ length: MAX_R }, (_, r) => Array.from({ length: MAX_V }, (_, v) => V128_AT + r * MAX_V + v));
const DYS = Array.from({ length: MAX_V }, (_, v) => V128_AT + MAX_R * MAX_V + v);
const SPLATS = Array.from({ length: MAX_R }, (_, r) => V128_AT + MAX_R * MAX_V + MAX_V + r);
const V128_LOCALS = MAX_R * MAX_V + MAX_V + MAX_R;

const add = (local: number, by: number) => [op.get(local), op.get(by), op.i32Add(), op.set(local)];
const word = (index: number) => [op.get(GEO), op.i32Load(4 * index)];

/** `body` for counter = 0 … limit − 1 (locals), skipped when limit is 0. */
function forLoop(counter: number, limit: number, body: number[][]): number[][] {
  return [
    op.i32Const(0), op.set(counter),
    op.block(), op.loop(),
    op.get(counter), op.get(limit), op.i32GeU(), op.brIf(1),
    ...body,
    op.get(counter), op.i32Const(1), op.i32Add(), op.set(counter),
    op.br(0),
    op.end(), op.end(),
  ];
}

/** One R × V tile: load its sums, walk the tap's rows × cols output pixels, store the sums. */
function tile(R: number, V: number, fused: boolean): number[][] {
  const sums: number[][] = [];
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < V; v++) sums.push(op.get(r === 0 ? L.acc : L.second), op.v128Load(16 * v), op.set(SUMS[r][v]));
  }
  const store: number[][] = [];
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < V; v++) store.push(op.get(r === 0 ? L.acc : L.second), op.get(SUMS[r][v]), op.v128Store(16 * v));
  }
  const pixel: number[][] = [];
  for (let v = 0; v < V; v++) pixel.push(op.get(L.dp), op.v128Load(16 * v), op.set(DYS[v]));
  for (let r = 0; r < R; r++) pixel.push(op.get(L.xp), op.v128Load32Splat(4 * r), op.set(SPLATS[r]));
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < V; v++) pixel.push(...multiplyAdd(SUMS[r][v], SPLATS[r], DYS[v], fused));
  }
  return [
    op.get(L.acc), op.get(L.coutBytes), op.i32Add(), op.set(L.second),
    ...sums,
    op.get(L.rows), op.set(L.rowsLeft),
    op.get(L.xTap), op.get(L.ci), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.xr),
    op.get(L.dyTap), op.get(L.co), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.dr),
    op.loop(),
    op.get(L.xr), op.set(L.xp),
    op.get(L.dr), op.tee(L.dp), op.get(L.colBytes), op.i32Add(), op.set(L.end),
    op.loop(),
    ...pixel,
    ...add(L.xp, L.xColStep),
    op.get(L.dp), op.get(L.coutBytes), op.i32Add(), op.tee(L.dp), op.get(L.end), op.i32LtU(), op.brIf(0),
    op.end(),
    ...add(L.xr, L.xRowStep),
    ...add(L.dr, L.dyRowBytes),
    op.get(L.rowsLeft), op.i32Const(1), op.i32Sub(), op.tee(L.rowsLeft), op.brIf(0),
    op.end(),
    ...store,
  ];
}

/** The tile for the current r and v (each 1 … its maximum). */
function tiles(fused: boolean): number[][] {
  const out: number[][] = [];
  for (let R = 1; R <= MAX_R; R++) {
    for (let V = 1; V <= MAX_V; V++) {
      out.push(op.get(L.r), op.i32Const(R), op.i32Eq(), op.get(L.v), op.i32Const(V), op.i32Eq(), op.i32And(), op.if(), ...tile(R, V, fused), op.end());
    }
  }
  return out;
}

/** min(limit − counter, max), into `local`. */
function blockSize(local: number, limit: number, counter: number, max: number): number[][] {
  return [
    op.get(limit), op.get(counter), op.i32Sub(), op.tee(local), op.i32Const(max), op.i32GeU(),
    op.if(), op.i32Const(max), op.set(local), op.end(),
  ];
}

export function convFilterGradient(fused: boolean): WasmFunction {
  // The tap (i, j): its output pixels [rowFirst, rowFirst + rows) × [colFirst, colFirst + cols).
  const tap = [
    op.get(GEO), op.get(L.fh), op.i32Const(3), op.i32Mul(), op.get(L.j), op.i32Const(3), op.i32Mul(), op.i32Add(), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.range),
    op.get(L.range), op.i32Load(4 * RANGES_AT), op.set(L.colFirst),
    op.get(L.range), op.i32Load(4 * RANGES_AT + 4), op.get(L.colFirst), op.i32Sub(), op.get(L.coutBytes), op.i32Mul(), op.set(L.colBytes),
    op.block(),
    op.get(L.colBytes), op.i32Eqz(), op.brIf(0),
    op.get(L.xImage), op.get(L.xRow), op.i32Add(), op.get(L.range), op.i32Load(4 * RANGES_AT + 8), op.i32Add(), op.set(L.xTap),
    op.get(L.dyImage), op.get(L.rowFirst), op.get(L.dyRowBytes), op.i32Mul(), op.i32Add(), op.get(L.colFirst), op.get(L.coutBytes), op.i32Mul(), op.i32Add(), op.set(L.dyTap),
    op.get(OUT), op.get(L.i), op.get(L.fw), op.i32Mul(), op.get(L.j), op.i32Add(), op.get(L.cin), op.i32Mul(), op.get(L.coutBytes), op.i32Mul(), op.i32Add(), op.set(L.outTap),
    op.i32Const(0), op.set(L.ci),
    op.loop(),
    ...blockSize(L.r, L.cin, L.ci, MAX_R),
    op.i32Const(0), op.set(L.co),
    op.loop(),
    ...blockSize(L.v, L.cout, L.co, 4 * MAX_V),
    op.get(L.v), op.i32Const(2), op.i32ShrU(), op.set(L.v),
    op.get(L.outTap), op.get(L.ci), op.get(L.coutBytes), op.i32Mul(), op.i32Add(), op.get(L.co), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.acc),
    ...tiles(fused),
    op.get(L.co), op.get(L.v), op.i32Const(2), op.i32Shl(), op.i32Add(), op.tee(L.co), op.get(L.cout), op.i32LtU(), op.brIf(0),
    op.end(),
    op.get(L.ci), op.get(L.r), op.i32Add(), op.tee(L.ci), op.get(L.cin), op.i32LtU(), op.brIf(0),
    op.end(),
    op.end(),
  ];
  // The filter row i: its output rows, then every column j.
  const row = [
    op.get(GEO), op.get(L.i), op.i32Const(12), op.i32Mul(), op.i32Add(), op.set(L.range),
    op.get(L.range), op.i32Load(4 * RANGES_AT), op.set(L.rowFirst),
    op.get(L.range), op.i32Load(4 * RANGES_AT + 4), op.get(L.rowFirst), op.i32Sub(), op.set(L.rows),
    op.get(L.range), op.i32Load(4 * RANGES_AT + 8), op.set(L.xRow),
    op.block(),
    op.get(L.rows), op.i32Eqz(), op.brIf(0),
    ...forLoop(L.j, L.fw, tap),
    op.end(),
  ];
  return {
    name: 'convFilterGradient',
    params: ['i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: [...I32_LOCALS.map(() => 'i32' as const), ...Array.from({ length: V128_LOCALS }, () => 'v128' as const)],
    body: [
      ...word(0), op.set(L.cin),
      ...word(1), op.set(L.cout),
      ...word(2), op.set(L.fh),
      ...word(3), op.set(L.fw),
      ...word(4), op.set(L.xImageBytes),
      ...word(5), op.set(L.dyImageBytes),
      ...word(6), op.set(L.xRowStep),
      ...word(7), op.set(L.xColStep),
      ...word(8), op.set(L.dyRowBytes),
      ...word(9), op.set(L.coutBytes),
      op.get(X), op.set(L.xImage),
      op.get(DY), op.set(L.dyImage),
      ...forLoop(L.image, IMAGES, [...forLoop(L.i, L.fh, row), ...add(L.xImage, L.xImageBytes), ...add(L.dyImage, L.dyImageBytes)]),
    ],
  };
}
