// Every initializer's sample statistics against its formula, at several shapes (torch parity).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as init from '../../../src/toolkit/init';
import { synthetic } from '../../../src/toolkit/data/mnist';

before(async () => {
  await initEngine();
});

function stats(t: import('@tensorflow/tfjs').Tensor) {
  const v = t.dataSync();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (v.length - 1)), min, max, n: v.length };
}

/** The sample std of n draws is within ~4/sqrt(2n) of the true std (relative). */
function assertStd(actual: number, expected: number, n: number, what: string) {
  const tolerance = 5 / Math.sqrt(2 * n);
  assert.ok(Math.abs(actual / expected - 1) < tolerance, `${what}: std ${actual} vs formula ${expected} (tolerance ${(tolerance * 100).toFixed(2)}%)`);
}

function assertMean(actual: number, expectedStd: number, n: number, what: string) {
  assert.ok(Math.abs(actual) < (5 * expectedStd) / Math.sqrt(n), `${what}: mean ${actual} should be 0 (std ${expectedStd}, n ${n})`);
}

const SHAPES: number[][] = [
  [784, 100],
  [100, 100],
  [100, 1],
  [3, 3, 16, 32], // a conv kernel in tfjs layout: fanIn 3*3*16, fanOut 3*3*32
];

test('calculateGain matches torch for every nonlinearity', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('conv2d'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain('selu'), 0.75);
  assert.throws(() => init.calculateGain('swish' as never), /init.calculateGain: nonlinearity must be one of 'linear'.*got "swish"/);
});

test('fans follow [fanIn, fanOut] for dense weights and include the receptive field for conv kernels', () => {
  assert.deepEqual(init.calculateFanInAndFanOut([784, 100]), { fanIn: 784, fanOut: 100 });
  assert.deepEqual(init.calculateFanInAndFanOut([3, 3, 16, 32]), { fanIn: 144, fanOut: 288 });
  assert.deepEqual(init.calculateFanInAndFanOut([5, 8, 4]), { fanIn: 40, fanOut: 20 });
  assert.throws(() => init.calculateFanInAndFanOut([10]), /init.calculateFanInAndFanOut: shape must be an array of at least 2 positive integers, got an array \[10\]/);
});

test('uniform, normal, constant, ones, zeros, eye', () => {
  const u = stats(init.uniform([400, 300], -0.5, 1.5, { seed: 1 }));
  assert.ok(u.min >= -0.5 && u.max <= 1.5);
  assert.ok(Math.abs(u.mean - 0.5) < 0.01);
  assertStd(u.std, 2 / Math.sqrt(12), u.n, 'uniform');
  const n = stats(init.normal([400, 300], 3, 2, { seed: 2 }));
  assert.ok(Math.abs(n.mean - 3) < 0.02);
  assertStd(n.std, 2, n.n, 'normal');
  assert.deepEqual(Array.from(init.constant([2, 2], 0.3).dataSync()), [0.3, 0.3, 0.3, 0.3].map(Math.fround));
  assert.deepEqual(Array.from(init.ones([3]).dataSync()), [1, 1, 1]);
  assert.deepEqual(Array.from(init.zeros([2]).dataSync()), [0, 0]);
  assert.deepEqual(Array.from(init.eye([2, 3]).dataSync()), [1, 0, 0, 0, 1, 0]);
});

test('xavierUniform and xavierNormal: bound gain*sqrt(6/(fanIn+fanOut)), std gain*sqrt(2/(fanIn+fanOut))', () => {
  for (const shape of SHAPES) {
    const { fanIn, fanOut } = init.calculateFanInAndFanOut(shape);
    for (const gain of [1, Math.SQRT2]) {
      const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
      const u = stats(init.xavierUniform(shape, gain, { seed: 3 }));
      assert.ok(u.min >= -bound && u.max <= bound, `xavierUniform ${shape} within ±${bound}`);
      assert.ok(u.max > 0.95 * bound, 'reaches close to the bound');
      assertStd(u.std, bound / Math.sqrt(3), u.n, `xavierUniform ${shape}`);
      const std = gain * Math.sqrt(2 / (fanIn + fanOut));
      const n = stats(init.xavierNormal(shape, gain, { seed: 4 }));
      assertStd(n.std, std, n.n, `xavierNormal ${shape}`);
      assertMean(n.mean, std, n.n, `xavierNormal ${shape}`);
    }
  }
});

test('kaimingUniform and kaimingNormal: std gain/sqrt(fan), with mode, nonlinearity and a', () => {
  for (const shape of SHAPES) {
    const { fanIn, fanOut } = init.calculateFanInAndFanOut(shape);
    const cases: [init.KaimingOptions, number][] = [
      [{}, Math.SQRT2 / Math.sqrt(fanIn)], // torch's default: leaky_relu with a = 0
      [{ nonlinearity: 'relu' }, Math.SQRT2 / Math.sqrt(fanIn)],
      [{ nonlinearity: 'relu', mode: 'fan_out' }, Math.SQRT2 / Math.sqrt(fanOut)],
      [{ nonlinearity: 'leaky_relu', a: 0.2 }, Math.sqrt(2 / 1.04) / Math.sqrt(fanIn)],
      [{ nonlinearity: 'tanh' }, 5 / 3 / Math.sqrt(fanIn)],
      [{ nonlinearity: 'linear', mode: 'fan_out' }, 1 / Math.sqrt(fanOut)],
    ];
    for (const [options, std] of cases) {
      const n = stats(init.kaimingNormal(shape, { ...options, seed: 5 }));
      assertStd(n.std, std, n.n, `kaimingNormal ${shape} ${JSON.stringify(options)}`);
      assertMean(n.mean, std, n.n, `kaimingNormal ${shape}`);
      const u = stats(init.kaimingUniform(shape, { ...options, seed: 6 }));
      const bound = Math.sqrt(3) * std;
      assert.ok(u.min >= -bound && u.max <= bound, `kaimingUniform ${shape} within ±${bound}`);
      assertStd(u.std, std, u.n, `kaimingUniform ${shape} ${JSON.stringify(options)}`);
    }
  }
});

test('truncNormal: bounds a and b are absolute, and the std is the truncated normal’s', () => {
  const cases = [
    { mean: 0, std: 1, a: -2, b: 2 },
    { mean: 0, std: 0.02, a: -0.04, b: 0.04 },
    { mean: 1, std: 2, a: 0, b: 10 }, // asymmetric
  ];
  for (const c of cases) {
    const s = stats(init.truncNormal([500, 200], c.mean, c.std, c.a, c.b, { seed: 7 }));
    assert.ok(s.min >= c.a && s.max <= c.b, `within [${c.a}, ${c.b}]`);
    assertStd(s.std, init.truncatedNormalStd(c.mean, c.std, c.a, c.b), s.n, `truncNormal ${JSON.stringify(c)}`);
  }
  // The textbook figure: N(0, 1) truncated at ±2 has std 0.8796.
  assert.ok(Math.abs(init.truncatedNormalStd(0, 1, -2, 2) - 0.8796) < 1e-4);
});

test('lecunNormal has std exactly 1/sqrt(fanIn): the 1/0.8796 truncation correction is applied (tfjs#8594)', () => {
  for (const shape of SHAPES) {
    const { fanIn } = init.calculateFanInAndFanOut(shape);
    const s = stats(init.lecunNormal(shape, { seed: 8 }));
    assertStd(s.std, 1 / Math.sqrt(fanIn), s.n, `lecunNormal ${shape}`);
    assert.ok(s.max <= 2 / 0.87962566 / Math.sqrt(fanIn) + 1e-6, 'truncated at 2 of its scale');
    const u = stats(init.lecunUniform(shape, { seed: 9 }));
    assertStd(u.std, 1 / Math.sqrt(fanIn), u.n, `lecunUniform ${shape}`);
  }
});

test('seeds are explicit and reproducible: a seed or manualSeed repeats a draw', () => {
  const a = init.kaimingNormal([20, 10], { seed: 42 }).dataSync();
  const b = init.kaimingNormal([20, 10], { seed: 42 }).dataSync();
  assert.deepEqual(a, b);
  init.manualSeed(7);
  const c = [init.normal([5]).dataSync(), init.xavierUniform([4, 4]).dataSync(), init.truncNormal([6]).dataSync()];
  init.manualSeed(7);
  const d = [init.normal([5]).dataSync(), init.xavierUniform([4, 4]).dataSync(), init.truncNormal([6]).dataSync()];
  assert.deepEqual(c, d);
  assert.notDeepEqual(Array.from(c[0]), Array.from(init.normal([5]).dataSync()));
});

test('a Variable is filled in place, like torch’s trailing underscore', () => {
  const v = tf.variable(tf.zeros([10, 10]));
  const returned = init.ones(v);
  assert.equal(returned, v);
  assert.equal(tf.sum(v).dataSync()[0], 100);
});

test('a seed of 0 is a seed like any other: the same draw every time, for every initializer and for synthetic data', () => {
  // tfjs's random ops read a seed of 0 as "no seed"; InitLab hands them another (random.ts).
  const draws: [string, () => import('@tensorflow/tfjs').Tensor][] = [
    ['normal', () => init.normal([40, 30], { mean: 0, std: 1, seed: 0 })],
    ['uniform', () => init.uniform([40, 30], { a: -1, b: 1, seed: 0 })],
    ['truncNormal', () => init.truncNormal([40, 30], { mean: 0, std: 1, a: -2, b: 2, seed: 0 })],
    ['kaimingNormal', () => init.kaimingNormal([3, 3, 16, 32], { seed: 0 })],
    ['xavierUniform', () => init.xavierUniform([40, 30], { seed: 0 })],
    ['orthogonal', () => init.orthogonal([40, 30], { seed: 0 })],
    ['sparse', () => init.sparse([40, 30], { sparsity: 0.5, std: 0.01, seed: 0 })],
    ['synthetic data', () => synthetic(20, 5, { seed: 0 }).x],
  ];
  for (const [name, draw] of draws) {
    const first = draw();
    const second = draw();
    assert.deepEqual(second.dataSync(), first.dataSync(), `${name} with seed 0`);
    const other = tf.tidy(() => tf.sum(tf.abs(first)).dataSync()[0]);
    assert.ok(other > 0, `${name} drew something`);
    tf.dispose([first, second]);
  }
  // And seed 0 is not the same draw as seed 1.
  assert.notDeepEqual(init.normal([10], { mean: 0, std: 1, seed: 0 }).dataSync(), init.normal([10], { mean: 0, std: 1, seed: 1 }).dataSync());
});
