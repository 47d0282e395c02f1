/**
 * A convolution's input gradient as one WebAssembly SIMD function on the engine's heap, for the
 * WASM engine's Conv2DBackpropInput (engine/kernels/inputGradientBySimd.ts), in the SIMD passes'
 * module so that its worker thread runs it on half of the images (simdPasses.ts).
 *
 *   dx[n, y, x, ci] = Σ_{i, j, co} dy[n, oy, ox, co] · w[i, j, ci, co]
 *
 * over the taps (i, j) whose output pixel oy = (y + top − i·dh) / sh, ox = (x + left − j·dw) / sw
 * is whole and inside dy. Each dx pixel is written once (0 where no tap reaches it).
 *
 * Why not XNNPACK: the package's own kernel is a scalar C++ loop; InitLab's way for strided
 * layers (stridedInputGradient.ts) runs one XNNPACK convolution per output phase and
 * interleaves their results, which scaled to two threads at 1.6-1.7x and spent a quarter of
 * its time interleaving. Here each pixel gathers its taps directly.
 *
 * Register blocking as in simdFilterGradientCode.ts: P ≤ 2 dx pixels of the same row and phase
 * (x and x + sw, which read dy pixels ox and ox + 1 through the same taps) × V ≤ 4 vectors of 4
 * input channels, 8 f32x4 sums in locals; per output channel co, V loads of the filter
 * (transposed by the caller to [fh, fw, Cout, Cin], so a tap's input channels are contiguous),
 * P splats of dy and P·V multiply-adds (one f32x4.relaxed_madd each with relaxed SIMD, `fused`).
 *
 * convInputGradient(dy, weights, dx, images, geometry): `geometry` is the byte address of int32
 * words (inputGradientGeometry() writes them):
 *   0 Cin, 1 Cout, 2 H, 3 fw, 4 bytes of one image of dx, 5 of one image of dy, 6 bytes of a dx
 *   row, 7 bytes between the two pixels of a pair (sw·Cin·4), 8 the number of column groups,
 *   9 the word where the row table starts, 10 its words per row, 11 the word where the column
 *   groups start, 12 their words per group, 13 Cin·4.
 * Row table, per dx row y: the count of its taps i, then per tap: the byte offset of the filter
 * rows i ([fw, Cout, Cin] floats from `weights`) and of dy's row oy within an image.
 * Column groups, each: the dx column x, the pixel count P (1 or 2), the count of its taps j, then
 * per tap: the byte offset of the filter column j within a filter row, and of dy's column ox
 * within a dy row.
 */
import type { ConvShape } from './convShape';
import { multiplyAdd, op, type WasmFunction } from './wasmBinary';

const MAX_P = 2;
const MAX_V = 4;
const HEADER_WORDS = 16;

/** The taps of dx pixel `at` along one axis: [tap, dy pixel] for each tap whose dy pixel is whole and inside. */
function axisTaps(at: number, pad: number, filter: number, dilation: number, stride: number, outSize: number): [number, number][] {
  const taps: [number, number][] = [];
  for (let k = 0; k < filter; k++) {
    const t = at + pad - k * dilation;
    if (t < 0 || t % stride !== 0 || t / stride >= outSize) continue;
    taps.push([k, t / stride]);
  }
  return taps;
}

/** The int32 words of convInputGradient's geometry block. */
export function inputGradientGeometry(s: ConvShape): Int32Array {
  const cinBytes = 4 * s.inChannels;
  const coutBytes = 4 * s.outChannels;
  const rowWords = 1 + 2 * s.filterH;
  const groupWords = 3 + 2 * s.filterW;
  // Columns paired with the next one of the same phase when their taps are the same.
  const groups: number[][] = [];
  const taken = new Uint8Array(s.inW);
  for (let x = 0; x < s.inW; x++) {
    if (taken[x]) continue;
    const taps = axisTaps(x, s.left, s.filterW, s.dilationW, s.strideW, s.outW);
    const partner = x + s.strideW;
    const partnerTaps = partner < s.inW ? axisTaps(partner, s.left, s.filterW, s.dilationW, s.strideW, s.outW) : undefined;
    const pairs = partnerTaps !== undefined && !taken[partner] && partnerTaps.length === taps.length && partnerTaps.every(([k, o], t) => k === taps[t][0] && o === taps[t][1] + 1);
    if (pairs) taken[partner] = 1;
    groups.push([x, pairs ? 2 : 1, taps.length, ...taps.flatMap(([k, o]) => [k * s.outChannels * cinBytes, o * coutBytes])]);
  }
  const rowsAt = HEADER_WORDS;
  const groupsAt = rowsAt + s.inH * rowWords;
  const words = new Int32Array(groupsAt + groups.length * groupWords);
  words.set([
    s.inChannels, s.outChannels, s.inH, s.filterW, s.inH * s.inW * cinBytes, s.outH * s.outW * coutBytes, s.inW * cinBytes, s.strideW * cinBytes,
    groups.length, rowsAt, rowWords, groupsAt, groupWords, cinBytes,
  ]);
  for (let y = 0; y < s.inH; y++) {
    const taps = axisTaps(y, s.top, s.filterH, s.dilationH, s.strideH, s.outH);
    words.set([taps.length, ...taps.flatMap(([k, o]) => [k * s.filterW * s.outChannels * cinBytes, o * s.outW * coutBytes])], rowsAt + y * rowWords);
  }
  groups.forEach((g, k) => words.set(g, groupsAt + k * groupWords));
  return words;
}

const [DY, WEIGHTS, DX, IMAGES, GEO] = [0, 1, 2, 3, 4];
const I32_LOCALS = [
  'image', 'dyImage', 'dxImage', 'y', 'rowEntry', 'rowTaps', 'group', 'groupEntry', 'pixels', 'colTaps', 'dxPixel', 'ci', 'v',
  'rt', 'ct', 'rowEntryAt', 'colEntryAt', 'wp', 'dp', 'co',
  'cin', 'cout', 'height', 'dxImageBytes', 'dyImageBytes', 'dxRowBytes', 'pairBytes', 'groups', 'rowsAt', 'rowWords', 'groupsAt', 'groupWords', 'cinBytes',
] as const;
const L = Object.fromEntries(I32_LOCALS.map((name, k) => [name, 5 + k])) as Record<(typeof I32_LOCALS)[number], number>;
const V128_AT = 5 + I32_LOCALS.length;
const SUMS = Array.from({ length: MAX_P }, (_, p) => Array.from({ length: MAX_V }, (_, v) => V128_AT + p * MAX_V + v));
const WS = Array.from({ length: MAX_V }, (_, v) => V128_AT + MAX_P * MAX_V + v);
const SPLATS = Array.from({ length: MAX_P }, (_, p) => V128_AT + MAX_P * MAX_V + MAX_V + p);
const V128_LOCALS = MAX_P * MAX_V + MAX_V + MAX_P;

const word = (base: number, index: number) => [op.get(base), op.i32Load(4 * index)];

/** One P × V tile of dx: zero the sums, gather every row tap × column tap × output channel, store. */
function tile(P: number, V: number, fused: boolean): number[][] {
  const body: number[][] = [];
  for (let p = 0; p < P; p++) for (let v = 0; v < V; v++) body.push(op.v128Const(new Array(16).fill(0)), op.set(SUMS[p][v]));
  const perChannel: number[][] = [];
  for (let v = 0; v < V; v++) perChannel.push(op.get(L.wp), op.v128Load(16 * v), op.set(WS[v]));
  perChannel.push(op.get(L.dp), op.v128Load32Splat(0), op.set(SPLATS[0]));
  if (P === 2) perChannel.push(op.get(L.dp), op.get(L.cout), op.i32Const(2), op.i32Shl(), op.i32Add(), op.v128Load32Splat(0), op.set(SPLATS[1]));
  for (let p = 0; p < P; p++) for (let v = 0; v < V; v++) perChannel.push(...multiplyAdd(SUMS[p][v], SPLATS[p], WS[v], fused));
  body.push(
    // Row taps.
    op.i32Const(0), op.set(L.rt),
    op.block(), op.loop(),
    op.get(L.rt), op.get(L.rowTaps), op.i32GeU(), op.brIf(1),
    op.get(L.rowEntry), op.get(L.rt), op.i32Const(3), op.i32Shl(), op.i32Add(), op.set(L.rowEntryAt),
    // Column taps.
    op.i32Const(0), op.set(L.ct),
    op.block(), op.loop(),
    op.get(L.ct), op.get(L.colTaps), op.i32GeU(), op.brIf(1),
    op.get(L.groupEntry), op.get(L.ct), op.i32Const(3), op.i32Shl(), op.i32Add(), op.set(L.colEntryAt),
    // wp = weights + row tap's filter rows + column tap's column + ci·4; dp = dy image + dy row + dy column.
    op.get(WEIGHTS), op.get(L.rowEntryAt), op.i32Load(4), op.i32Add(), op.get(L.colEntryAt), op.i32Load(12), op.i32Add(), op.get(L.ci), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.wp),
    op.get(L.dyImage), op.get(L.rowEntryAt), op.i32Load(8), op.i32Add(), op.get(L.colEntryAt), op.i32Load(16), op.i32Add(), op.set(L.dp),
    op.get(L.cout), op.set(L.co),
    op.loop(),
    ...perChannel,
    op.get(L.wp), op.get(L.cinBytes), op.i32Add(), op.set(L.wp),
    op.get(L.dp), op.i32Const(4), op.i32Add(), op.set(L.dp),
    op.get(L.co), op.i32Const(1), op.i32Sub(), op.tee(L.co), op.brIf(0),
    op.end(),
    op.get(L.ct), op.i32Const(1), op.i32Add(), op.set(L.ct),
    op.br(0),
    op.end(), op.end(),
    op.get(L.rt), op.i32Const(1), op.i32Add(), op.set(L.rt),
    op.br(0),
    op.end(), op.end(),
  );
  for (let p = 0; p < P; p++) {
    for (let v = 0; v < V; v++) {
      body.push(op.get(L.dxPixel), op.get(L.ci), op.i32Const(2), op.i32Shl(), op.i32Add(), ...(p === 1 ? [op.get(L.pairBytes), op.i32Add()] : []), op.get(SUMS[p][v]), op.v128Store(16 * v));
    }
  }
  return body;
}

function tiles(fused: boolean): number[][] {
  const out: number[][] = [];
  for (let P = 1; P <= MAX_P; P++) {
    for (let V = 1; V <= MAX_V; V++) {
      out.push(op.get(L.pixels), op.i32Const(P), op.i32Eq(), op.get(L.v), op.i32Const(V), op.i32Eq(), op.i32And(), op.if(), ...tile(P, V, fused), op.end());
    }
  }
  return out;
}

export function convInputGradient(fused: boolean): WasmFunction {
  // One column group of one dx row: every block of input channels.
  const group = [
    op.get(GEO), op.get(L.groupsAt), op.get(L.group), op.get(L.groupWords), op.i32Mul(), op.i32Add(), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.groupEntry),
    op.get(L.dxImage), op.get(L.y), op.get(L.dxRowBytes), op.i32Mul(), op.i32Add(), ...word(L.groupEntry, 0), op.get(L.cinBytes), op.i32Mul(), op.i32Add(), op.set(L.dxPixel),
    ...word(L.groupEntry, 1), op.set(L.pixels),
    ...word(L.groupEntry, 2), op.set(L.colTaps),
    op.i32Const(0), op.set(L.ci),
    op.loop(),
    // v = min(4, (Cin − ci) / 4).
    op.get(L.cin), op.get(L.ci), op.i32Sub(), op.i32Const(2), op.i32ShrU(), op.tee(L.v), op.i32Const(MAX_V), op.i32GeU(),
    op.if(), op.i32Const(MAX_V), op.set(L.v), op.end(),
    ...tiles(fused),
    op.get(L.ci), op.get(L.v), op.i32Const(2), op.i32Shl(), op.i32Add(), op.tee(L.ci), op.get(L.cin), op.i32LtU(), op.brIf(0),
    op.end(),
  ];
  const row = [
    op.get(GEO), op.get(L.rowsAt), op.get(L.y), op.get(L.rowWords), op.i32Mul(), op.i32Add(), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(L.rowEntry),
    ...word(L.rowEntry, 0), op.set(L.rowTaps),
    op.i32Const(0), op.set(L.group),
    op.block(), op.loop(),
    op.get(L.group), op.get(L.groups), op.i32GeU(), op.brIf(1),
    ...group,
    op.get(L.group), op.i32Const(1), op.i32Add(), op.set(L.group),
    op.br(0),
    op.end(), op.end(),
  ];
  return {
    name: 'convInputGradient',
    params: ['i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: [...I32_LOCALS.map(() => 'i32' as const), ...Array.from({ length: V128_LOCALS }, () => 'v128' as const)],
    body: [
      ...word(GEO, 0), op.set(L.cin),
      ...word(GEO, 1), op.set(L.cout),
      ...word(GEO, 2), op.set(L.height),
      ...word(GEO, 4), op.set(L.dxImageBytes),
      ...word(GEO, 5), op.set(L.dyImageBytes),
      ...word(GEO, 6), op.set(L.dxRowBytes),
      ...word(GEO, 7), op.set(L.pairBytes),
      ...word(GEO, 8), op.set(L.groups),
      ...word(GEO, 9), op.set(L.rowsAt),
      ...word(GEO, 10), op.set(L.rowWords),
      ...word(GEO, 11), op.set(L.groupsAt),
      ...word(GEO, 12), op.set(L.groupWords),
      ...word(GEO, 13), op.set(L.cinBytes),
      op.get(DY), op.set(L.dyImage),
      op.get(DX), op.set(L.dxImage),
      op.i32Const(0), op.set(L.image),
      op.block(), op.loop(),
      op.get(L.image), op.get(IMAGES), op.i32GeU(), op.brIf(1),
      op.i32Const(0), op.set(L.y),
      op.block(), op.loop(),
      op.get(L.y), op.get(L.height), op.i32GeU(), op.brIf(1),
      ...row,
      op.get(L.y), op.i32Const(1), op.i32Add(), op.set(L.y),
      op.br(0),
      op.end(), op.end(),
      op.get(L.dxImage), op.get(L.dxImageBytes), op.i32Add(), op.set(L.dxImage),
      op.get(L.dyImage), op.get(L.dyImageBytes), op.i32Add(), op.set(L.dyImage),
      op.get(L.image), op.i32Const(1), op.i32Add(), op.set(L.image),
      op.br(0),
      op.end(), op.end(),
    ],
  };
}
