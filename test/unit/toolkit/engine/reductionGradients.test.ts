// Sum's and Mean's gradients as a broadcast of dy (engine/reductionGradients.ts): the gradient of
// Σ c·reduce(x) is c (over n for Mean) repeated along the reduced axes, for one axis, several,
// a negative one, none (all), with and without keepDims; a second derivative through them; the
// same numbers on the CPU backend; and no tensor left behind.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor } from '@tensorflow/tfjs';

before(async () => {
  await initEngine();
});

interface Case {
  axis?: number | number[];
  keepDims: boolean;
}

const SHAPE = [3, 4, 5, 6];
const CASES: Case[] = [{ axis: 1, keepDims: false }, { axis: [1, 2], keepDims: true }, { axis: -1, keepDims: false }, { axis: [0, 3], keepDims: false }, { keepDims: false }];

/** Where element `flat` of SHAPE lands in the reduced result (row-major, reduced axes dropped). */
function reducedIndex(flat: number, axes: number[]): number {
  const index: number[] = [];
  for (let k = SHAPE.length - 1; k >= 0; k--) {
    index.unshift(flat % SHAPE[k]);
    flat = Math.floor(flat / SHAPE[k]);
  }
  let out = 0;
  for (let k = 0; k < SHAPE.length; k++) if (!axes.includes(k)) out = out * SHAPE[k] + index[k];
  return out;
}

for (const backend of ['wasm', 'cpu']) {
  test(`${backend}: the gradients of sum and mean repeat the upstream gradient along the reduced axes`, async () => {
    await tf.setBackend(backend);
    try {
      for (const c of CASES) {
        const axes = c.axis === undefined ? [0, 1, 2, 3] : (Array.isArray(c.axis) ? c.axis : [c.axis]).map((a) => (a < 0 ? a + SHAPE.length : a));
        const n = axes.reduce((p, a) => p * SHAPE[a], 1);
        const before = tf.memory().numTensors;
        const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 3);
        const reduced = tf.sum(x, c.axis, c.keepDims);
        const reducedShape = reduced.shape;
        reduced.dispose();
        const weights = tf.randomNormal(reducedShape, 0, 1, 'float32', 5);
        const w = weights.dataSync();
        for (const [name, reduce, scale] of [
          ['sum', (t: Tensor) => tf.sum(t, c.axis, c.keepDims), 1],
          ['mean', (t: Tensor) => tf.mean(t, c.axis, c.keepDims), 1 / n],
        ] as const) {
          const g = tf.grad((t: Tensor) => tf.sum(tf.mul(reduce(t), weights)))(x);
          assert.deepEqual(g.shape, SHAPE);
          const got = g.dataSync();
          for (let i = 0; i < got.length; i++) {
            const want = Math.fround(w[reducedIndex(i, axes)] * scale);
            assert.ok(Math.abs(got[i] - want) <= 1e-7 * Math.max(1, Math.abs(want)), `${name} axis ${JSON.stringify(c.axis)}: element ${i} ${got[i]} against ${want}`);
          }
          g.dispose();
        }
        tf.dispose([x, weights]);
        assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });
}

test('a second derivative through mean: d²/dx² of Σ mean(x, 1)² is 2/n² on each row block', () => {
  const x = tf.randomNormal([2, 8], 0, 1, 'float32', 9);
  const v = tf.randomNormal([2, 8], 0, 1, 'float32', 11);
  // Hessian-vector product: the gradient of ⟨∇f(x), v⟩.
  const hv = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.grad((u: Tensor) => tf.sum(tf.square(tf.mean(u, 1))))(t), v)))(x);
  const vs = v.arraySync() as number[][];
  const got = hv.arraySync() as number[][];
  for (let r = 0; r < 2; r++) {
    const want = (2 / 64) * vs[r].reduce((a, b) => a + b, 0);
    for (const value of got[r]) assert.ok(Math.abs(value - want) <= 1e-6, `${value} against ${want}`);
  }
  tf.dispose([x, v, hv]);
});

test('the backward pass repeats dy without multiplying by an array of ones', async () => {
  const x = tf.randomNormal([16, 7, 7, 64], 0, 1, 'float32', 13);
  const profile = await tf.profile(() => tf.grad((t: Tensor) => tf.sum(tf.mean(t, [1, 2])))(x));
  const kernels = profile.kernelNames;
  assert.ok(!kernels.includes('Multiply'), `kernels run: ${kernels.join(', ')}`);
  assert.ok(kernels.includes('Tile'), `kernels run: ${kernels.join(', ')}`);
  tf.dispose([x, profile.result as Tensor]);
});
