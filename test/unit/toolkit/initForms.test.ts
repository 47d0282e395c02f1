/**
 * Every initializer takes torch's keyword names in one options object and torch's positional
 * order, and both draw the same values from the same seed. Mixing the two wrongly is an error
 * that says how to call it, never a tensor of NaN.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine } from '../../../src/toolkit/engine/engine';
import * as init from '../../../src/toolkit/init';

before(async () => {
  await initEngine();
});

function values(t: tfjs.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

test('init.xavierNormal(shape, { gain: 2 }) draws with std 2·√(2 / (fanIn + fanOut)), not NaN', () => {
  const w = values(init.xavierNormal([300, 500], { gain: 2, seed: 0 }));
  assert.ok(w.every(Number.isFinite), 'no NaN');
  const std = Math.sqrt(w.reduce((a, x) => a + x * x, 0) / w.length);
  const expected = 2 * Math.sqrt(2 / 800);
  assert.ok(Math.abs(std / expected - 1) < 0.01, `std ${std}, expected ${expected}`);
});

test('the options form and the positional form draw the same values from the same seed', () => {
  const shape = [40, 30];
  const seed = { seed: 5 };
  const pairs: [string, () => tfjs.Tensor, () => tfjs.Tensor][] = [
    ['uniform', () => init.uniform(shape, { a: -0.3, b: 0.7, ...seed }), () => init.uniform(shape, -0.3, 0.7, seed)],
    ['normal', () => init.normal(shape, { mean: 1, std: 0.1, ...seed }), () => init.normal(shape, 1, 0.1, seed)],
    ['truncNormal', () => init.truncNormal(shape, { mean: 0, std: 0.02, a: -0.04, b: 0.04, ...seed }), () => init.truncNormal(shape, 0, 0.02, -0.04, 0.04, seed)],
    ['constant', () => init.constant(shape, { val: 0.25 }), () => init.constant(shape, 0.25)],
    ['xavierUniform', () => init.xavierUniform(shape, { gain: 3, ...seed }), () => init.xavierUniform(shape, 3, seed)],
    ['xavierNormal', () => init.xavierNormal(shape, { gain: 3, ...seed }), () => init.xavierNormal(shape, 3, seed)],
    ['orthogonal', () => init.orthogonal(shape, { gain: 2, ...seed }), () => init.orthogonal(shape, 2, seed)],
    ['sparse', () => init.sparse(shape, { sparsity: 0.5, std: 0.2, ...seed }), () => init.sparse(shape, 0.5, 0.2, seed)],
    ['dirac', () => init.dirac([3, 4, 4], { groups: 2 }), () => init.dirac([3, 4, 4], 2)],
  ];
  for (const [name, options, positional] of pairs) assert.deepEqual(values(options()), values(positional()), name);
  // Only a mean given: the std keeps torch's default, in either form.
  assert.deepEqual(values(init.normal(shape, { mean: 3, seed: 1 })), values(init.normal(shape, 3, undefined, { seed: 1 })));
  assert.deepEqual(values(init.normal(shape, { std: 3, seed: 1 })), values(init.normal(shape, undefined, 3, { seed: 1 })));
});

test('wrong mixes of the two forms are errors that say how to call the initializer', () => {
  assert.throws(() => init.xavierNormal([300, 500], { gain: '2' as never }), { message: 'init.xavierNormal: options.gain must be a finite number >= 0, got "2"' });
  assert.throws(() => init.xavierNormal([300, 500], { gian: 2 } as never), { message: 'init.xavierNormal: unknown option "gian" (expected one of gain, seed)' });
  assert.throws(() => init.xavierNormal([300, 500], '2' as never), { message: 'init.xavierNormal: gain must be a finite number >= 0, got "2"' });
  assert.throws(() => init.normal([3, 3], 0, { std: 2 } as never), /init.normal: option "std" cannot follow positional arguments; pass them all in one object: init.normal\(shape, \{ mean, std, seed \}\)/);
  assert.throws(() => (init.normal as (...args: unknown[]) => unknown)([3, 3], { std: 2 }, { seed: 1 }), /init.normal: the options object must be the last argument/);
  assert.throws(() => init.normal([3, 3], 0, 1, 2 as never), /init.normal: takes mean, std and then an optional \{ seed \} after the shape, got 2 as argument 4/);
  assert.throws(() => init.kaimingNormal([3, 3], 'fan_in' as never), /init.kaimingNormal: options must be an object with some of a, mode, nonlinearity, seed, got "fan_in"/);
  assert.throws(() => init.sparse([3, 3], {} as never), /init.sparse: sparsity is required/);
  assert.throws(() => init.normal([3, 3], { mean: NaN }), /init.normal: options.mean must be a finite number, got NaN/);
  assert.throws(() => init.uniform([3, -3]), /init.uniform: shape must be an array of positive integers, or a tf.Tensor of such a shape, got an array \[3, -3\]/);
});
