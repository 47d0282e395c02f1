// The probe's SIMD passes on the WASM engine's heap (engine/simd/simdPasses.ts) against the JavaScript
// passes that define them (fusedStats.ts) and against tfjs's own ops: value for value where the
// arithmetic is the same, on lengths that leave values over after the last vector, with zeros,
// NaN and infinities, and split between the threads on large tensors. On other backends there
// are none (the JavaScript passes run).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { binsPass, momentsPass } from '../../../../src/toolkit/probe/fusedStats';
import { heapOffset } from '../../../../src/toolkit/probe/heapFloats';
import { simdPasses, simdWorkerJobs } from '../../../../src/toolkit/engine/simd/simdPasses';

before(async () => {
  await initEngine();
});

const onWasm = () => tf.getBackend() === 'wasm';

/** A float32 tensor of `n` values: normal, with runs of zeros and a few repeated extremes. */
function sample(n: number, seed: number): tfjs.Tensor1D {
  return tf.tidy(() => {
    const normal = tf.randomNormal([n], 0.4, 2, 'float32', seed);
    const zeros = tf.less(tf.randomUniform([n], 0, 1, 'float32', seed + 1), 0.05);
    return tf.where(zeros, tf.zerosLike(normal), normal) as tfjs.Tensor1D;
  });
}

test('moments and bins equal the JavaScript passes, on lengths that leave values after the last vector, and on a large tensor split with the worker', () => {
  if (!onWasm()) return assert.equal(simdPasses(), undefined, 'other backends run the JavaScript passes');
  const simd = simdPasses()!;
  assert.ok(simd, 'the passes instantiate on the engine’s heap');
  const jobsBefore = simdWorkerJobs();
  for (const [n, seed] of [[1, 1], [7, 2], [8, 3], [13, 4], [1001, 5], [3_000_003, 6]]) {
    const t = sample(n, seed);
    const values = t.dataSync() as Float32Array;
    const js = new Float64Array(6);
    momentsPass(values, js);
    const m = simd.moments(heapOffset(t), n);
    assert.equal(m.shift, js[0]);
    assert.ok(Math.abs(m.sum - js[1]) <= 1e-9 * Math.max(1, Math.abs(js[2])), `sum, ${n} values: ${m.sum} against ${js[1]}`);
    // Both float64 sums; only their order differs (eight accumulators against one).
    assert.ok(Math.abs(m.squares - js[2]) <= 1e-9 * js[2] + 1e-12, `squares, ${n} values: ${m.squares} against ${js[2]}`);
    assert.deepEqual([m.min, m.max, m.zeros], [js[3], js[4], js[5]], `min, max and zeros, ${n} values`);
    for (const [bins, edge] of [[30, 2.5], [7, Infinity], [0, 1.1]]) {
      const lo = Math.fround(js[3]);
      const scale = Math.fround(js[4] > js[3] ? bins / (js[4] - js[3]) : 0);
      const expected = new Float64Array(bins + (bins > 0 ? 1 : 0));
      const got = new Float64Array(expected.length);
      const jsSaturated = binsPass(values, lo, scale, expected, edge);
      assert.equal(simd.bins(heapOffset(t), n, lo, scale, got, edge), jsSaturated, `saturated count, ${n} values, edge ${edge}`);
      assert.deepEqual(Array.from(got), Array.from(expected), `${bins} bins of ${n} values`);
    }
    t.dispose();
  }
  assert.ok(simdWorkerJobs() - jobsBefore >= 2 || !(tf.backend() as unknown as { wasm: { wasmMemory?: unknown } }).wasm.wasmMemory, 'the worker took part of the large tensor on the threaded engine');
});

test('a saturation edge between two float32 values counts as float64 compares: the values above it, not the one below', () => {
  if (!onWasm()) return assert.equal(simdPasses(), undefined, 'other backends run the JavaScript passes');
  const t = tf.tensor1d([2.5, 2.5000002, -2.5000002, 1, 2.4999998, 3, -3, 0]);
  const edge = 2.5000001;
  assert.equal(simdPasses()!.bins(heapOffset(t), 8, 0, 0, new Float64Array(0), edge), 4);
  t.dispose();
});

test('non-finite values reach the sums, so a tensor with NaN or Infinity is seen as one', () => {
  if (!onWasm()) return assert.equal(simdPasses(), undefined, 'other backends run the JavaScript passes');
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const at of [0, 5, 20]) {
      const values = Array.from({ length: 21 }, (_, i) => (i === at ? bad : i / 3));
      const t = tf.tensor1d(values);
      const m = simdPasses()!.moments(heapOffset(t), values.length);
      assert.ok(!Number.isFinite(m.sum) || !Number.isFinite(m.squares) || !Number.isFinite(m.shift), `${bad} at ${at}`);
      t.dispose();
    }
  }
});

test('the ReLU gradient pass is tfjs’s gradient of relu and of a clipped relu, NaN, infinities and signed zeros alike, also split with the worker', () => {
  if (!onWasm()) return assert.equal(simdPasses(), undefined, 'other backends run the JavaScript passes');
  const special = tf.tensor1d([-1, 0, -0, 0.5, 6, 7, NaN, Infinity, -Infinity, 1e-30, -1e-30]);
  const specialDy = tf.tensor1d([2, 3, 4, -5, 6, Infinity, 8, 9, -1, -2, NaN]);
  for (const [x, dy] of [[special, specialDy], [sample(1_000_001, 7), sample(1_000_001, 8)]]) {
    const dx = tf.zerosLike(x);
    simdPasses()!.reluGradient(heapOffset(x), heapOffset(dy), heapOffset(dx), x.size, Infinity);
    const reference = tf.grad((input: tfjs.Tensor) => tf.relu(input))(x, dy);
    assert.deepEqual(Array.from(dx.dataSync()), Array.from(reference.dataSync()));
    // tf.layers' ReLU layer with a maxValue: clipByValue(relu(x), 0, 6), +0 above 6.
    simdPasses()!.reluGradient(heapOffset(x), heapOffset(dy), heapOffset(dx), x.size, 6, true);
    const clipped = tf.grad((input: tfjs.Tensor) => tf.clipByValue(tf.relu(input), 0, 6))(x, dy);
    assert.deepEqual(Array.from(dx.dataSync()), Array.from(clipped.dataSync()));
    tf.dispose([dx, reference, clipped]);
  }
  tf.dispose([special, specialDy]);
});

test('channel sums and the per-channel affine pass equal float64 loops over the same values, split with the worker on large arrays', () => {
  if (!onWasm()) return assert.equal(simdPasses(), undefined, 'other backends run the JavaScript passes');
  for (const [rows, channels] of [[3, 4], [37, 12], [40_000, 16]]) {
    const x = sample(rows * channels, 9);
    const dy = sample(rows * channels, 10);
    const xs = x.dataSync();
    const dys = dy.dataSync();
    const shift = Float32Array.from({ length: channels }, (_, c) => xs[c]);
    const sums = simdPasses()!.channelSums(heapOffset(x), heapOffset(dy), rows, channels, shift);
    const expected = new Float64Array(4 * channels);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++) {
        const v = Math.fround(xs[r * channels + c] - shift[c]);
        const g = dys[r * channels + c];
        expected[c] += v;
        expected[channels + c] += v * v;
        expected[2 * channels + c] += g;
        expected[3 * channels + c] += g * v;
      }
    }
    sums.forEach((s, k) => assert.ok(Math.abs(s - expected[k]) <= 1e-9 * Math.max(1, Math.abs(expected[k])), `sum ${k}, ${rows} × ${channels}: ${s} against ${expected[k]}`));
    const a = Array.from({ length: channels }, (_, c) => 1 + c / 7);
    const b = Array.from({ length: channels }, (_, c) => -0.5 + c / 11);
    const d = Array.from({ length: channels }, (_, c) => c / 13);
    const out = tf.zerosLike(x);
    simdPasses()!.channelAffine(heapOffset(x), heapOffset(dy), heapOffset(out), rows, channels, a, b, d);
    const got = out.dataSync();
    for (let i = 0; i < rows * channels; i++) {
      const c = i % channels;
      const [fa, fb, fd] = [Math.fround(a[c]), Math.fround(b[c]), Math.fround(d[c])];
      const want = Math.fround(Math.fround(Math.fround(fa * dys[i]) + Math.fround(fb * xs[i])) + fd);
      if (got[i] !== want) assert.fail(`value ${i} of ${rows} × ${channels}: ${got[i]} against ${want}`);
    }
    tf.dispose([x, dy, out]);
  }
});
