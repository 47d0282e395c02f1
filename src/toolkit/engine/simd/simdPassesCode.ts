/**
 * The passes over large tensors as WebAssembly SIMD functions (bytes by wasmBinary.ts), run on
 * the WASM engine's own heap, on its tensors in place: the probe's statistics, BatchNorm's and
 * ReLU's passes, and the convolution gradients (simdFilterGradientCode.ts,
 * simdInputGradientCode.ts). simdPasses.ts runs them; the JavaScript passes they replace
 * (probe/fusedStats.ts, probe/batchNormGradient.ts) are what the tests compare them with, and
 * what other backends run.
 *
 * Why: on this project's machines a JavaScript loop over the heap runs at 4-12 ns a value (V8
 * does not vectorize it), SIMD WebAssembly at a fraction of a nanosecond; at 10,000 MNIST
 * images a CNN probe reads about 1.3 billion values twice for its statistics alone.
 *
 * Every function takes byte addresses in the heap and a count that is a whole number of its
 * vectors (the caller does the few values left over); each writes its results to an address it
 * is given, in the layout its comment states. Sums are in float64, as the JavaScript passes'.
 */
import { convFilterGradient } from './simdFilterGradientCode';
import { convInputGradient } from './simdInputGradientCode';
import { HIGH_HALF_LANES, op, wasmModule, type WasmFunction } from './wasmBinary';

/** The functions, in export order; the worker thread calls them by index. */
export const SIMD_FUNCTIONS = ['moments', 'bins', 'channelSums', 'channelAffine', 'channelNormalize', 'reluGradient', 'convFilterGradient', 'convInputGradient', 'columnSums'] as const;
export type SimdFunction = (typeof SIMD_FUNCTIONS)[number];

/** Values each function takes per step: its counts are multiples of these. */
export const VALUES_PER_STEP: Record<'moments' | 'bins' | 'reluGradient', number> = { moments: 8, bins: 4, reluGradient: 4 };

/**
 * moments(at, count, shift, out): over `count` floats (a multiple of 8) at `at`, with d = v −
 * shift in float64, writes at `out`: Σd as f64x2 (+0), Σd² as f64x2 (+16), min as f32x4 (+32),
 * max as f32x4 (+48), the count of zeros as i32x4 (+64). The caller adds the lanes.
 */
function moments(): WasmFunction {
  const [at, count, shift, out, end, shiftV] = [0, 1, 2, 3, 4, 5];
  const sums = [6, 7, 8, 9];
  const squares = [10, 11, 12, 13];
  const [min, max, zeros, v, d, zero] = [14, 15, 16, 17, 18, 19];
  const half = (sum: number, square: number, high: boolean) => [
    op.get(v),
    ...(high ? [op.get(v), op.i8x16Shuffle(HIGH_HALF_LANES)] : []),
    op.f64x2PromoteLowF32x4(),
    op.get(shiftV),
    op.f64x2Sub(),
    op.set(d),
    op.get(sum),
    op.get(d),
    op.f64x2Add(),
    op.set(sum),
    op.get(square),
    op.get(d),
    op.get(d),
    op.f64x2Mul(),
    op.f64x2Add(),
    op.set(square),
  ];
  const extremes = [
    op.get(min), op.get(v), op.f32x4Min(), op.set(min),
    op.get(max), op.get(v), op.f32x4Max(), op.set(max),
    op.get(zeros), op.get(v), op.get(zero), op.f32x4Eq(), op.i32x4Sub(), op.set(zeros),
  ];
  return {
    name: 'moments',
    params: ['i32', 'i32', 'f64', 'i32'],
    results: [],
    locals: ['i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128'],
    body: [
      op.get(at), op.get(count), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(end),
      op.get(shift), op.f64x2Splat(), op.set(shiftV),
      op.f32Const(Infinity), op.f32x4Splat(), op.set(min),
      op.f32Const(-Infinity), op.f32x4Splat(), op.set(max),
      op.block(),
      op.get(at), op.get(end), op.i32GeU(), op.brIf(0),
      op.loop(),
      op.get(at), op.v128Load(0), op.set(v),
      ...half(sums[0], squares[0], false), ...half(sums[1], squares[1], true), ...extremes,
      op.get(at), op.v128Load(16), op.set(v),
      ...half(sums[2], squares[2], false), ...half(sums[3], squares[3], true), ...extremes,
      op.get(at), op.i32Const(32), op.i32Add(), op.tee(at), op.get(end), op.i32LtU(), op.brIf(0),
      op.end(),
      op.end(),
      op.get(out), op.get(sums[0]), op.get(sums[1]), op.f64x2Add(), op.get(sums[2]), op.f64x2Add(), op.get(sums[3]), op.f64x2Add(), op.v128Store(0),
      op.get(out), op.get(squares[0]), op.get(squares[1]), op.f64x2Add(), op.get(squares[2]), op.f64x2Add(), op.get(squares[3]), op.f64x2Add(), op.v128Store(16),
      op.get(out), op.get(min), op.v128Store(32),
      op.get(out), op.get(max), op.v128Store(48),
      op.get(out), op.get(zeros), op.v128Store(64),
    ],
  };
}

/**
 * bins(at, count, lo, scale, counts, m, edge, out): over `count` floats (a multiple of 4), adds 1
 * to bin trunc(f32((v − lo)·scale)) of four interleaved histograms of `m` int32 counts at
 * `counts` (lane k's at counts + 4·k·m), exactly as fusedStats.ts' binsPass (a bin outside
 * [0, m), which binning over [min, max] never gives, is clamped into it rather than written
 * elsewhere in the heap); writes the count of |v| > edge (float32 comparison) as i32x4 at `out`.
 */
function bins(): WasmFunction {
  const [at, count, lo, scale, counts, m, edge, out] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [end, loV, scaleV, edgeV, saturated, index, v] = [8, 9, 10, 11, 12, 13, 14];
  const bases = [15, 16, 17, 18];
  const [address, last, zero] = [19, 20, 21];
  const increment = (lane: number) => [
    op.get(bases[lane]), op.get(index), op.i32x4ExtractLane(lane), op.i32Const(2), op.i32Shl(), op.i32Add(), op.tee(address),
    op.get(address), op.i32Load(), op.i32Const(1), op.i32Add(), op.i32Store(),
  ];
  return {
    name: 'bins',
    params: ['i32', 'i32', 'f32', 'f32', 'i32', 'i32', 'f32', 'i32'],
    results: [],
    locals: ['i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'i32', 'i32', 'i32', 'i32', 'i32', 'v128', 'v128'],
    body: [
      op.get(at), op.get(count), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(end),
      op.get(lo), op.f32x4Splat(), op.set(loV),
      op.get(scale), op.f32x4Splat(), op.set(scaleV),
      op.get(edge), op.f32x4Splat(), op.set(edgeV),
      op.get(m), op.i32Const(1), op.i32Sub(), op.i32x4Splat(), op.set(last),
      ...[0, 1, 2, 3].map((k) => [op.get(counts), op.get(m), op.i32Const(4 * k), op.i32Mul(), op.i32Add(), op.set(bases[k])]).flat(),
      op.block(),
      op.get(at), op.get(end), op.i32GeU(), op.brIf(0),
      op.loop(),
      op.get(at), op.v128Load(0), op.set(v),
      op.get(saturated), op.get(v), op.f32x4Abs(), op.get(edgeV), op.f32x4Gt(), op.i32x4Sub(), op.set(saturated),
      op.get(v), op.get(loV), op.f32x4Sub(), op.get(scaleV), op.f32x4Mul(), op.i32x4TruncSatF32x4S(),
      // Never outside [0, m): the caller's bins cover [min, max], this only keeps the heap safe.
      op.get(last), op.i32x4MinS(), op.get(zero), op.i32x4MaxS(), op.set(index),
      ...increment(0), ...increment(1), ...increment(2), ...increment(3),
      op.get(at), op.i32Const(16), op.i32Add(), op.tee(at), op.get(end), op.i32LtU(), op.brIf(0),
      op.end(),
      op.end(),
      op.get(out), op.get(saturated), op.v128Store(0),
    ],
  };
}

/**
 * channelSums(x, dy, rows, channels, shift, acc): for channels-last float32 arrays x and dy of
 * `rows` × `channels` (a multiple of 4), and v = f32(x − shift[c]) (`shift`: float32 per
 * channel), adds into `acc` the float64 sums of v, v², dy and dy·v per channel. `acc` holds 128
 * bytes per group of four channels: for each sum in that order, channels 0-1 then 2-3 as f64x2.
 *
 * The rows go in blocks of CHANNEL_SUMS_BLOCK: within a block, one group of four channels at a
 * time walks down the rows with its eight float64 sums in locals (registers), and adds them to
 * `acc` at the block's end. Keeping every group's sums in `acc` and loading and storing them at
 * each row made the pass 2x slower (1.8 ms for [100352, 16] on two threads); a block is small
 * enough (at most 32 rows) to stay in the core's cache while each group reads it.
 */
const CHANNEL_SUMS_BLOCK = 32;

function channelSums(): WasmFunction {
  const [x, dy, rows, channels, shift, acc] = [0, 1, 2, 3, 4, 5];
  const [rowBytes, blockRows, group, groups, p, q, left, accAt] = [6, 7, 8, 9, 10, 11, 12, 13];
  const [v, g, vh, gh, shiftV] = [14, 15, 16, 17, 18];
  // Σv, Σv², Σdy, Σdy·v for channels 0-1, then the same for 2-3.
  const sums = [19, 20, 21, 22, 23, 24, 25, 26];
  const accumulate = (vLocal: number, gLocal: number, first: number) => [
    op.get(sums[first]), op.get(vLocal), op.f64x2Add(), op.set(sums[first]),
    op.get(sums[first + 1]), op.get(vLocal), op.get(vLocal), op.f64x2Mul(), op.f64x2Add(), op.set(sums[first + 1]),
    op.get(sums[first + 2]), op.get(gLocal), op.f64x2Add(), op.set(sums[first + 2]),
    op.get(sums[first + 3]), op.get(gLocal), op.get(vLocal), op.f64x2Mul(), op.f64x2Add(), op.set(sums[first + 3]),
  ];
  // acc layout: sum k of channels 0-1 at 32·k, of channels 2-3 at 32·k + 16.
  const accOffset = (k: number) => 32 * (k % 4) + 16 * Math.floor(k / 4);
  const zeroSums = sums.flatMap((local) => [op.f64Const(0), op.f64x2Splat(), op.set(local)]);
  const flush = sums.flatMap((local, k) => [op.get(accAt), op.get(accAt), op.v128Load(accOffset(k)), op.get(local), op.f64x2Add(), op.v128Store(accOffset(k))]);
  return {
    name: 'channelSums',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'v128', ...sums.map(() => 'v128' as const)],
    body: [
      op.get(channels), op.i32Const(2), op.i32Shl(), op.set(rowBytes),
      op.get(channels), op.i32Const(2), op.i32ShrU(), op.set(groups),
      op.block(),
      op.get(rows), op.i32Eqz(), op.brIf(0),
      op.loop(),
      // This block's rows: min(rows left, CHANNEL_SUMS_BLOCK).
      op.get(rows), op.tee(blockRows), op.i32Const(CHANNEL_SUMS_BLOCK), op.i32GeU(),
      op.if(), op.i32Const(CHANNEL_SUMS_BLOCK), op.set(blockRows), op.end(),
      op.i32Const(0), op.set(group),
      op.loop(),
      ...zeroSums,
      op.get(shift), op.get(group), op.i32Const(4), op.i32Shl(), op.i32Add(), op.v128Load(0), op.set(shiftV),
      op.get(x), op.get(group), op.i32Const(4), op.i32Shl(), op.i32Add(), op.set(p),
      op.get(dy), op.get(group), op.i32Const(4), op.i32Shl(), op.i32Add(), op.set(q),
      op.get(blockRows), op.set(left),
      op.loop(),
      op.get(p), op.v128Load(0), op.get(shiftV), op.f32x4Sub(), op.set(v),
      op.get(q), op.v128Load(0), op.set(g),
      op.get(v), op.get(v), op.i8x16Shuffle(HIGH_HALF_LANES), op.f64x2PromoteLowF32x4(), op.set(vh),
      op.get(g), op.get(g), op.i8x16Shuffle(HIGH_HALF_LANES), op.f64x2PromoteLowF32x4(), op.set(gh),
      op.get(v), op.f64x2PromoteLowF32x4(), op.set(v),
      op.get(g), op.f64x2PromoteLowF32x4(), op.set(g),
      ...accumulate(v, g, 0),
      ...accumulate(vh, gh, 4),
      op.get(p), op.get(rowBytes), op.i32Add(), op.set(p),
      op.get(q), op.get(rowBytes), op.i32Add(), op.set(q),
      op.get(left), op.i32Const(1), op.i32Sub(), op.tee(left), op.brIf(0),
      op.end(),
      op.get(acc), op.get(group), op.i32Const(7), op.i32Shl(), op.i32Add(), op.set(accAt),
      ...flush,
      op.get(group), op.i32Const(1), op.i32Add(), op.tee(group), op.get(groups), op.i32LtU(), op.brIf(0),
      op.end(),
      // The next block.
      op.get(blockRows), op.get(rowBytes), op.i32Mul(), op.tee(p), op.get(x), op.i32Add(), op.set(x),
      op.get(dy), op.get(p), op.i32Add(), op.set(dy),
      op.get(rows), op.get(blockRows), op.i32Sub(), op.tee(rows), op.brIf(0),
      op.end(),
      op.end(),
    ],
  };
}

/**
 * columnSums(x, rows, channels, acc): for a channels-last float32 array x of `rows` × `channels`
 * (a multiple of 4), adds into `acc` the float64 sum of each channel: 32 bytes per group of four
 * channels, channels 0-1 then 2-3 as f64x2. Blocked as channelSums (a group's sums in locals over
 * CHANNEL_SUMS_BLOCK rows). A bias's gradient: the package's Sum over [N, H, W] ran on one thread.
 */
function columnSums(): WasmFunction {
  const [x, rows, channels, acc] = [0, 1, 2, 3];
  const [rowBytes, blockRows, group, groups, p, left, accAt] = [4, 5, 6, 7, 8, 9, 10];
  const [v, low, high] = [11, 12, 13];
  return {
    name: 'columnSums',
    params: ['i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128'],
    body: [
      op.get(channels), op.i32Const(2), op.i32Shl(), op.set(rowBytes),
      op.get(channels), op.i32Const(2), op.i32ShrU(), op.set(groups),
      op.block(),
      op.get(rows), op.i32Eqz(), op.brIf(0),
      op.loop(),
      op.get(rows), op.tee(blockRows), op.i32Const(CHANNEL_SUMS_BLOCK), op.i32GeU(),
      op.if(), op.i32Const(CHANNEL_SUMS_BLOCK), op.set(blockRows), op.end(),
      op.i32Const(0), op.set(group),
      op.loop(),
      op.f64Const(0), op.f64x2Splat(), op.set(low),
      op.f64Const(0), op.f64x2Splat(), op.set(high),
      op.get(x), op.get(group), op.i32Const(4), op.i32Shl(), op.i32Add(), op.set(p),
      op.get(blockRows), op.set(left),
      op.loop(),
      op.get(p), op.v128Load(0), op.set(v),
      op.get(low), op.get(v), op.f64x2PromoteLowF32x4(), op.f64x2Add(), op.set(low),
      op.get(high), op.get(v), op.get(v), op.i8x16Shuffle(HIGH_HALF_LANES), op.f64x2PromoteLowF32x4(), op.f64x2Add(), op.set(high),
      op.get(p), op.get(rowBytes), op.i32Add(), op.set(p),
      op.get(left), op.i32Const(1), op.i32Sub(), op.tee(left), op.brIf(0),
      op.end(),
      op.get(acc), op.get(group), op.i32Const(5), op.i32Shl(), op.i32Add(), op.set(accAt),
      op.get(accAt), op.get(accAt), op.v128Load(0), op.get(low), op.f64x2Add(), op.v128Store(0),
      op.get(accAt), op.get(accAt), op.v128Load(16), op.get(high), op.f64x2Add(), op.v128Store(16),
      op.get(group), op.i32Const(1), op.i32Add(), op.tee(group), op.get(groups), op.i32LtU(), op.brIf(0),
      op.end(),
      op.get(blockRows), op.get(rowBytes), op.i32Mul(), op.get(x), op.i32Add(), op.set(x),
      op.get(rows), op.get(blockRows), op.i32Sub(), op.tee(rows), op.brIf(0),
      op.end(),
      op.end(),
    ],
  };
}

/**
 * channelAffine(x, dy, out, rows, channels, coefficients): out = a·dy + b·x + d per channel, in
 * float32, for channels-last arrays of `rows` × `channels` (a multiple of 4). `coefficients`
 * holds 48 bytes per group of four channels: a, b, d as f32x4.
 */
function channelAffine(): WasmFunction {
  const [x, dy, out, rows, channels, coefficients] = [0, 1, 2, 3, 4, 5];
  const [end, rowEnd, at] = [6, 7, 8];
  const step = (local: number, bytes: number) => [op.get(local), op.i32Const(bytes), op.i32Add(), op.set(local)];
  return {
    name: 'channelAffine',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32'],
    body: [
      op.get(x), op.get(rows), op.get(channels), op.i32Mul(), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(end),
      op.block(),
      op.get(x), op.get(end), op.i32GeU(), op.brIf(0),
      op.loop(),
      op.get(x), op.get(channels), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(rowEnd),
      op.get(coefficients), op.set(at),
      op.loop(),
      op.get(out),
      op.get(dy), op.v128Load(0), op.get(at), op.v128Load(0), op.f32x4Mul(),
      op.get(x), op.v128Load(0), op.get(at), op.v128Load(16), op.f32x4Mul(),
      op.f32x4Add(),
      op.get(at), op.v128Load(32), op.f32x4Add(),
      op.v128Store(0),
      ...step(dy, 16), ...step(out, 16), ...step(at, 48),
      op.get(x), op.i32Const(16), op.i32Add(), op.tee(x), op.get(rowEnd), op.i32LtU(), op.brIf(0),
      op.end(),
      op.get(x), op.get(end), op.i32LtU(), op.brIf(0),
      op.end(),
      op.end(),
    ],
  };
}

/**
 * channelNormalize(x, out, rows, channels, coefficients): out = (x − m)·a + b per channel, in
 * float32 and in that order (as tfjs's batchNorm), for channels-last arrays of `rows` ×
 * `channels` (a multiple of 4). `coefficients` holds 48 bytes per group of four channels: m, a,
 * b as f32x4.
 */
function channelNormalize(): WasmFunction {
  const [x, out, rows, channels, coefficients] = [0, 1, 2, 3, 4];
  const [end, rowEnd, at] = [5, 6, 7];
  return {
    name: 'channelNormalize',
    params: ['i32', 'i32', 'i32', 'i32', 'i32'],
    results: [],
    locals: ['i32', 'i32', 'i32'],
    body: [
      op.get(x), op.get(rows), op.get(channels), op.i32Mul(), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(end),
      op.block(),
      op.get(x), op.get(end), op.i32GeU(), op.brIf(0),
      op.loop(),
      op.get(x), op.get(channels), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(rowEnd),
      op.get(coefficients), op.set(at),
      op.loop(),
      op.get(out),
      op.get(x), op.v128Load(0), op.get(at), op.v128Load(0), op.f32x4Sub(),
      op.get(at), op.v128Load(16), op.f32x4Mul(),
      op.get(at), op.v128Load(32), op.f32x4Add(),
      op.v128Store(0),
      op.get(out), op.i32Const(16), op.i32Add(), op.set(out),
      op.get(at), op.i32Const(48), op.i32Add(), op.set(at),
      op.get(x), op.i32Const(16), op.i32Add(), op.tee(x), op.get(rowEnd), op.i32LtU(), op.brIf(0),
      op.end(),
      op.get(x), op.get(end), op.i32LtU(), op.brIf(0),
      op.end(),
      op.end(),
    ],
  };
}

/**
 * reluGradient(x, dy, out, count, upper, clip): out = dy · s over `count` floats (a multiple of
 * 4), with s = 1 where 0 < x ≤ upper, NaN where x is NaN, else 0: tfjs's gradient of relu (upper
 * = ∞: dy · step(x)) and of min(6, relu(x)) (upper just below 6), NaN and signed zeros alike.
 * With `clip` (1), out = +0 where x > upper, as the gradient of clipByValue(relu(x), 0, upper)
 * (tf.layers' ReLU layer with a maxValue) gives it.
 */
function reluGradient(): WasmFunction {
  const [x, dy, out, count, upper, clip] = [0, 1, 2, 3, 4, 5];
  const [end, upperV, one, nan, v, s, zero, clipV] = [6, 7, 8, 9, 10, 11, 12, 13];
  return {
    name: 'reluGradient',
    params: ['i32', 'i32', 'i32', 'i32', 'f32', 'i32'],
    results: [],
    locals: ['i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128'],
    body: [
      op.get(x), op.get(count), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(end),
      op.get(upper), op.f32x4Splat(), op.set(upperV),
      op.f32Const(1), op.f32x4Splat(), op.set(one),
      op.f32Const(NaN), op.f32x4Splat(), op.set(nan),
      // All ones where clip is set: x > upper then selects +0.
      op.i32Const(0), op.get(clip), op.i32Sub(), op.i32x4Splat(), op.set(clipV),
      op.block(),
      op.get(x), op.get(end), op.i32GeU(), op.brIf(0),
      op.loop(),
      op.get(x), op.v128Load(0), op.set(v),
      op.get(out),
      op.get(zero),
      op.get(dy), op.v128Load(0),
      op.get(one), op.get(zero), op.get(v), op.get(zero), op.f32x4Gt(), op.get(v), op.get(upperV), op.f32x4Le(), op.v128And(), op.v128Bitselect(), op.set(s),
      op.get(nan), op.get(s), op.get(v), op.get(v), op.f32x4Ne(), op.v128Bitselect(),
      op.f32x4Mul(),
      op.get(v), op.get(upperV), op.f32x4Gt(), op.get(clipV), op.v128And(),
      op.v128Bitselect(),
      op.v128Store(0),
      op.get(dy), op.i32Const(16), op.i32Add(), op.set(dy),
      op.get(out), op.i32Const(16), op.i32Add(), op.set(out),
      op.get(x), op.i32Const(16), op.i32Add(), op.tee(x), op.get(end), op.i32LtU(), op.brIf(0),
      op.end(),
      op.end(),
    ],
  };
}

const BUILDERS: Record<SimdFunction, (fused: boolean) => WasmFunction> = {
  moments,
  bins,
  channelSums,
  channelAffine,
  channelNormalize,
  reluGradient,
  convFilterGradient,
  convInputGradient,
  columnSums,
};

/**
 * The module's bytes, for an engine heap that is shared memory (the threaded build) or not;
 * `fused`: the convolution gradients use relaxed SIMD's multiply-add (engine/relaxedSimd.ts).
 */
export function simdPassesModule(shared: boolean, fused = false): Uint8Array {
  return wasmModule(
    SIMD_FUNCTIONS.map((f) => BUILDERS[f](fused)),
    { shared },
  );
}
