/**
 * Runs InitLab's SIMD passes (simdPassesCode.ts) on the WASM engine's heap: the probe's
 * statistics (probe/fusedStats.ts), BatchNorm's forward and backward (probe/batchNormForward.ts,
 * batchNormGradient.ts, kernels/batchNormTraining.ts), ReLU's backward (probe/layerGradient.ts)
 * and the convolution gradients (kernels/filterGradientBySimd.ts, inputGradientBySimd.ts). Large
 * tensors are split between the main thread and a worker thread (statsWorker.ts) that runs the
 * same functions on the same memory.
 *
 * simdPasses() is undefined on other backends, or where the module does not instantiate: the
 * callers then run their JavaScript passes. Each function here does the values its WebAssembly
 * function leaves over (fewer than a vector) in JavaScript, the same way.
 *
 * The passes write their sums to a small scratch block of the heap, one part per thread,
 * allocated once through the engine's own malloc (and grown when a layer has more channels).
 */
import * as os from 'node:os';
import { tf } from '../engine';
import { SIMD_FUNCTIONS, VALUES_PER_STEP, simdPassesModule } from './simdPassesCode';
import { StatsWorker } from './statsWorker';
import { relaxedSimdAvailable } from '../relaxedSimd';

interface EngineModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  wasmMemory?: { buffer: ArrayBufferLike };
  asm?: { memory?: { buffer: ArrayBufferLike } };
}

type Exports = {
  moments(at: number, count: number, shift: number, out: number): void;
  bins(at: number, count: number, lo: number, scale: number, counts: number, m: number, edge: number, out: number): void;
  channelSums(x: number, dy: number, rows: number, channels: number, shift: number, acc: number): void;
  channelAffine(x: number, dy: number, out: number, rows: number, channels: number, coefficients: number): void;
  channelNormalize(x: number, out: number, rows: number, channels: number, coefficients: number): void;
  reluGradient(x: number, dy: number, out: number, count: number, upper: number, clip: number): void;
  convFilterGradient(x: number, dy: number, out: number, images: number, geometry: number): void;
  convInputGradient(dy: number, weights: number, dx: number, images: number, geometry: number): void;
  columnSums(x: number, rows: number, channels: number, acc: number): void;
};

/** Below this many values a pass runs on the main thread alone: the hand-off costs more. */
const PARALLEL_MIN_VALUES = 1 << 18;

/** The result of a moments pass: sums about `shift`. */
export interface RawMoments {
  shift: number;
  sum: number;
  squares: number;
  min: number;
  max: number;
  zeros: number;
}

class SimdPasses {
  private scratchAt = 0;
  private scratchBytes = 0;
  private worker: StatsWorker | null | undefined;

  constructor(
    private readonly module: EngineModule,
    private readonly memory: { buffer: ArrayBufferLike },
    private readonly exports: Exports,
    private readonly bytes: Uint8Array,
  ) {}

  /** Calls the worker has completed. */
  get workerJobs(): number {
    return this.worker ? this.worker.jobs : 0;
  }

  /** Two scratch areas of at least `bytes` each, 16-byte aligned: the main thread's and the worker's. */
  private scratch(bytes: number): [number, number] {
    const per = Math.ceil(Math.max(bytes, 4096) / 16) * 16;
    if (per > this.scratchBytes) {
      if (this.scratchAt) this.module._free(this.scratchAt);
      this.scratchAt = 0;
      // Unsigned: an address past 2 GiB comes back from WebAssembly as a negative int32.
      this.scratchAt = this.module._malloc(2 * per + 16) >>> 0;
      this.scratchBytes = per;
    }
    const base = Math.ceil(this.scratchAt / 16) * 16;
    return [base, base + this.scratchBytes];
  }

  /** The worker, on the threaded engine (a shared heap) with more than one core, unless INITLAB_STATS_WORKER=0. */
  private helper(values: number): StatsWorker | undefined {
    if (values < PARALLEL_MIN_VALUES) return undefined;
    if (this.worker === undefined) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
      this.worker = shared && os.availableParallelism() > 1 && process.env.INITLAB_STATS_WORKER !== '0' ? new StatsWorker({ bytes: this.bytes, memory: this.memory, names: SIMD_FUNCTIONS }) : null;
    }
    return this.worker?.usable ? this.worker : undefined;
  }

  /**
   * Runs a pass over [0, total) split at a whole number of `step`s: the second part in the worker
   * (`worker` gives the call), the first on the main thread (`main`, thread 0); if the worker
   * fails, the main thread runs the second part too (thread 1). Small passes (fewer than
   * PARALLEL_MIN_VALUES `values`) run whole on the main thread.
   */
  private split(total: number, step: number, values: number, worker: (first: number, count: number) => [string, number[]], main: (first: number, count: number, thread: 0 | 1) => void): void {
    const helper = this.helper(values);
    if (!helper || total < 2 * step) {
      main(0, total, 0);
      return;
    }
    const half = Math.floor(total / 2 / step) * step;
    const [name, args] = worker(half, total - half);
    const job = helper.call(name, args);
    main(0, half, 0);
    try {
      job.wait();
    } catch {
      main(half, total - half, 1);
    }
  }

  private f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  private f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }

  private i32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }

  /** Sums about the first value, min, max and zeros of the `n` floats at byte `at`. */
  moments(at: number, n: number): RawMoments {
    const [out0, out1] = this.scratch(80);
    const shift = this.f32(at, 1)[0];
    const step = VALUES_PER_STEP.moments;
    const vectors = Math.floor(n / step) * step;
    const used = new Set<number>();
    this.split(
      vectors,
      step,
      n,
      (first, count) => {
        used.add(out1);
        return ['moments', [at + 4 * first, count, shift, out1]];
      },
      (first, count, thread) => {
        const out = thread === 0 ? out0 : out1;
        used.add(out);
        this.exports.moments(at + 4 * first, count, shift, out);
      },
    );
    const result: RawMoments = { shift, sum: 0, squares: 0, min: Infinity, max: -Infinity, zeros: 0 };
    for (const out of used) {
      const sums = this.f64(out, 4);
      const lanes = this.f32(out + 32, 8);
      result.sum += sums[0] + sums[1];
      result.squares += sums[2] + sums[3];
      result.min = Math.min(result.min, lanes[0], lanes[1], lanes[2], lanes[3]);
      result.max = Math.max(result.max, lanes[4], lanes[5], lanes[6], lanes[7]);
      const zeros = this.i32(out + 64, 4);
      result.zeros += zeros[0] + zeros[1] + zeros[2] + zeros[3];
    }
    // The few values left over, in JavaScript, about the same shift (as fusedStats.ts' momentsPass).
    for (const v of this.f32(at + 4 * vectors, n - vectors)) {
      const d = v - shift;
      result.sum += d;
      result.squares += d * d;
      if (v < result.min) result.min = v;
      if (v > result.max) result.max = v;
      if (v === 0) result.zeros++;
    }
    return result;
  }

  /**
   * Adds the histogram of the `n` floats at byte `at` to `counts` (bins by trunc(f32((v − lo) ·
   * scale)), as fusedStats.ts' binsPass) and returns how many have |v| > edge.
   */
  bins(at: number, n: number, lo: number, scale: number, counts: Float64Array, edge: number): number {
    const m = Math.max(1, counts.length);
    // No histogram asked for (saturation only): every value to the one scratch bin.
    const binScale = counts.length > 0 ? scale : 0;
    const [s0, s1] = this.scratch(16 + 16 * m);
    // |v| > edge, compared in float32: the largest float32 not above edge, so the comparison agrees with float64's.
    const rounded = Math.fround(edge);
    const edge32 = rounded <= edge ? rounded : nextFloat32Below(rounded);
    const step = VALUES_PER_STEP.bins;
    const vectors = Math.floor(n / step) * step;
    const used = new Set<number>();
    const run = (s: number, first: number, count: number) => {
      this.i32(s + 16, 4 * m).fill(0);
      used.add(s);
      return [at + 4 * first, count, lo, binScale, s + 16, m, edge32, s];
    };
    this.split(
      vectors,
      step,
      n,
      (first, count) => ['bins', run(s1, first, count)],
      (first, count, thread) => {
        const [a, c, l, sc, cs, mm, e, o] = run(thread === 0 ? s0 : s1, first, count);
        this.exports.bins(a, c, l, sc, cs, mm, e, o);
      },
    );
    let saturated = 0;
    for (const s of used) {
      const sub = this.i32(s + 16, 4 * m);
      for (let k = 0; k < counts.length; k++) counts[k] += sub[k] + sub[m + k] + sub[2 * m + k] + sub[3 * m + k];
      const sat = this.i32(s, 4);
      saturated += sat[0] + sat[1] + sat[2] + sat[3];
    }
    for (const v of this.f32(at + 4 * vectors, n - vectors)) {
      if (counts.length > 0) counts[Math.fround(Math.fround(v - lo) * scale) | 0]++;
      if (v > edge || v < -edge) saturated++;
    }
    return saturated;
  }

  /**
   * Per channel of channels-last x and dy (`rows` × `channels`, channels a multiple of 4): the
   * float64 sums of v = f32(x − shift[c]), v², dy and dy·v, as [Σv..., Σv²..., Σdy..., Σdy·v...].
   */
  channelSums(x: number, dy: number, rows: number, channels: number, shift: Float32Array): Float64Array {
    const accBytes = 32 * channels;
    const [s0, s1] = this.scratch(accBytes + 4 * channels);
    // The shift lives in the main thread's area, after its sums; the worker reads it there.
    const shiftAt = s0 + accBytes;
    this.f32(shiftAt, channels).set(shift);
    const used = new Set<number>();
    const rowBytes = 4 * channels;
    this.split(
      rows,
      1,
      rows * channels,
      (first, count) => {
        this.f64(s1, 4 * channels).fill(0);
        used.add(s1);
        return ['channelSums', [x + first * rowBytes, dy + first * rowBytes, count, channels, shiftAt, s1]];
      },
      (first, count, thread) => {
        // Thread 1's area again when the worker failed: whatever it wrote is dropped.
        const acc = thread === 0 ? s0 : s1;
        this.f64(acc, 4 * channels).fill(0);
        used.add(acc);
        this.exports.channelSums(x + first * rowBytes, dy + first * rowBytes, count, channels, shiftAt, acc);
      },
    );
    const sums = new Float64Array(4 * channels);
    for (const acc of used) {
      const raw = this.f64(acc, 4 * channels);
      // 16 float64 per group of four channels: each sum's four channels in turn.
      for (let g = 0; g < channels / 4; g++) for (let q = 0; q < 4; q++) for (let lane = 0; lane < 4; lane++) sums[q * channels + 4 * g + lane] += raw[16 * g + 4 * q + lane];
    }
    return sums;
  }

  /** The float64 sum of each channel of channels-last x (`rows` × `channels`, channels a multiple of 4) at byte `x`. */
  columnSums(x: number, rows: number, channels: number): Float64Array {
    const accBytes = 8 * channels;
    const [s0, s1] = this.scratch(accBytes);
    const used = new Set<number>();
    const rowBytes = 4 * channels;
    const run = (acc: number, first: number, count: number) => {
      this.f64(acc, channels).fill(0);
      used.add(acc);
      return [x + first * rowBytes, count, channels, acc];
    };
    this.split(
      rows,
      1,
      rows * channels,
      (first, count) => ['columnSums', run(s1, first, count)],
      (first, count, thread) => {
        const [at, n, c, acc] = run(thread === 0 ? s0 : s1, first, count);
        this.exports.columnSums(at, n, c, acc);
      },
    );
    const sums = new Float64Array(channels);
    for (const acc of used) {
      const raw = this.f64(acc, channels);
      // Per group of four channels: channels 0-1, then 2-3.
      for (let c = 0; c < channels; c++) sums[c] += raw[c];
    }
    return sums;
  }

  /** out = (x − m)·a + b per channel, float32 in that order, channels-last `rows` × `channels` (a multiple of 4). */
  channelNormalize(x: number, out: number, rows: number, channels: number, m: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): void {
    const [s0] = this.scratch(12 * channels);
    this.interleave(s0, channels, m, a, b);
    const rowBytes = 4 * channels;
    this.split(
      rows,
      1,
      rows * channels,
      (first, count) => ['channelNormalize', [x + first * rowBytes, out + first * rowBytes, count, channels, s0]],
      (first, count) => this.exports.channelNormalize(x + first * rowBytes, out + first * rowBytes, count, channels, s0),
    );
  }

  /** Three per-channel arrays as f32x4 triples per group of four channels, at `at`. */
  private interleave(at: number, channels: number, a: ArrayLike<number>, b: ArrayLike<number>, d: ArrayLike<number>): void {
    const coefficients = this.f32(at, 3 * channels);
    for (let g = 0; g < channels / 4; g++) {
      for (let lane = 0; lane < 4; lane++) {
        const c = 4 * g + lane;
        coefficients[12 * g + lane] = a[c];
        coefficients[12 * g + 4 + lane] = b[c];
        coefficients[12 * g + 8 + lane] = d[c];
      }
    }
  }

  /** out = a·dy + b·x + d per channel, float32, channels-last `rows` × `channels` (a multiple of 4). */
  channelAffine(x: number, dy: number, out: number, rows: number, channels: number, a: ArrayLike<number>, b: ArrayLike<number>, d: ArrayLike<number>): void {
    const [s0] = this.scratch(12 * channels);
    this.interleave(s0, channels, a, b, d);
    const rowBytes = 4 * channels;
    this.split(
      rows,
      1,
      rows * channels,
      (first, count) => ['channelAffine', [x + first * rowBytes, dy + first * rowBytes, out + first * rowBytes, count, channels, s0]],
      (first, count) => this.exports.channelAffine(x + first * rowBytes, dy + first * rowBytes, out + first * rowBytes, count, channels, s0),
    );
  }

  /**
   * A convolution's filter gradient into `out` (float32 [fh, fw, Cin, Cout], overwritten), for
   * channels-last x and dy of `images` images at the byte addresses `x` and `dy`
   * (simdFilterGradientCode.ts; `geometry` from its filterGeometry). The images are split with
   * the worker thread, each summing into its own dW; the worker's is added at the end.
   */
  convFilterGradient(x: number, dy: number, out: number, images: number, geometry: Int32Array): void {
    const [cin, cout, fh, fw, xImageBytes, dyImageBytes] = geometry;
    const weights = fh * fw * cin * cout;
    const [s0, s1] = this.scratch(Math.max(4 * geometry.length, 4 * weights));
    this.i32(s0, geometry.length).set(geometry);
    this.f32(out, weights).fill(0);
    let workerSums = false;
    this.split(
      images,
      1,
      (images * (xImageBytes + dyImageBytes)) / 4,
      (first, count) => {
        this.f32(s1, weights).fill(0);
        workerSums = true;
        return ['convFilterGradient', [x + first * xImageBytes, dy + first * dyImageBytes, s1, count, s0]];
      },
      (first, count, thread) => {
        // Thread 1 when the worker failed: its partial sums are dropped and the part done again.
        if (thread === 1) this.f32(s1, weights).fill(0);
        this.exports.convFilterGradient(x + first * xImageBytes, dy + first * dyImageBytes, thread === 0 ? out : s1, count, s0);
      },
    );
    if (!workerSums) return;
    const sums = this.f32(out, weights);
    const more = this.f32(s1, weights);
    for (let k = 0; k < weights; k++) sums[k] += more[k];
  }

  /**
   * A convolution's input gradient into `dx` (every value written), for channels-last dy of
   * `images` images at byte address `dy` and the filter at `weights`, transposed to [fh, fw,
   * Cout, Cin] (simdInputGradientCode.ts; `geometry` from its inputGradientGeometry). The images
   * are split with the worker thread; each writes its own.
   */
  convInputGradient(dy: number, weights: number, dx: number, images: number, geometry: Int32Array): void {
    const [, , , , dxImageBytes, dyImageBytes] = geometry;
    const [s0] = this.scratch(4 * geometry.length);
    this.i32(s0, geometry.length).set(geometry);
    this.split(
      images,
      1,
      (images * (dxImageBytes + dyImageBytes)) / 4,
      (first, count) => ['convInputGradient', [dy + first * dyImageBytes, weights, dx + first * dxImageBytes, count, s0]],
      (first, count) => this.exports.convInputGradient(dy + first * dyImageBytes, weights, dx + first * dxImageBytes, count, s0),
    );
  }

  /**
   * out = dy · (0 < x ≤ upper), NaN where x is NaN, over `n` floats: relu's gradient (upper ∞) and
   * relu6's; with `clip`, +0 where x > upper (clipByValue's gradient: tf.layers' ReLU layer).
   */
  reluGradient(x: number, dy: number, out: number, n: number, upper: number, clip = false): void {
    const step = VALUES_PER_STEP.reluGradient;
    const vectors = Math.floor(n / step) * step;
    const flag = clip ? 1 : 0;
    this.split(
      vectors,
      step,
      n,
      (first, count) => ['reluGradient', [x + 4 * first, dy + 4 * first, out + 4 * first, count, upper, flag]],
      (first, count) => this.exports.reluGradient(x + 4 * first, dy + 4 * first, out + 4 * first, count, upper, flag),
    );
    const xs = this.f32(x + 4 * vectors, n - vectors);
    const dys = this.f32(dy + 4 * vectors, n - vectors);
    const outs = this.f32(out + 4 * vectors, n - vectors);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i];
      outs[i] = clip && v > upper ? 0 : dys[i] * (v !== v ? NaN : v > 0 && v <= upper ? 1 : 0);
    }
  }
}

/** The float32 just below `x` (a float32). */
function nextFloat32Below(x: number): number {
  const bits = new Float32Array([x]);
  const u = new Int32Array(bits.buffer);
  u[0] += x > 0 ? -1 : x < 0 ? 1 : 0;
  if (x === 0) return -Math.pow(2, -149);
  return bits[0];
}

let instance: { module: EngineModule; passes: SimdPasses | undefined } | undefined;

/** The passes on the active WASM engine's heap, or undefined on other backends or where they do not instantiate. */
export function simdPasses(): SimdPasses | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const module = (tf.backend() as unknown as { wasm?: EngineModule }).wasm;
  if (!module) return undefined;
  if (instance?.module !== module) instance = { module, passes: instantiate(module) };
  return instance.passes;
}

function instantiate(module: EngineModule): SimdPasses | undefined {
  const memory = (module.wasmMemory ?? module.asm?.memory) as { buffer: ArrayBufferLike } | undefined;
  if (!memory || typeof module._malloc !== 'function' || typeof module._free !== 'function') return undefined;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: unknown, i: unknown) => { exports: unknown }; Module: new (b: Uint8Array) => unknown } }).WebAssembly;
  // With relaxed SIMD where the runtime has it, else (or if that module fails) the plain one.
  for (const fused of relaxedSimdAvailable() ? [true, false] : [false]) {
    try {
      const bytes = simdPassesModule(shared, fused);
      const exports = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as Exports;
      return new SimdPasses(module, memory, exports, bytes);
    } catch {
      // The next module, or none.
    }
  }
  return undefined;
}

/** Calls the worker thread has completed so far (0 when it is not in use). */
export function simdWorkerJobs(): number {
  return instance?.passes?.workerJobs ?? 0;
}
