// The gradient of tf.avgPool where 'same' padding cuts windows (avgPoolPaddingGradient.ts), on
// the running backend (WASM, or CPU under INITLAB_BACKEND=cpu): directional derivatives by
// tf.grad against central finite differences of the forward pass. tfjs's own gradient divided
// by the whole window's area and was off by up to 40% at the borders; 'valid' padding is checked
// too, which runs the package's gradient unchanged.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';

before(async () => {
  await initEngine();
});

const CASES = [
  { filter: 3, stride: 2, pad: 'same', shape: [2, 8, 8, 3] },
  { filter: 3, stride: 1, pad: 'same', shape: [2, 7, 6, 2] },
  { filter: 2, stride: 2, pad: 'same', shape: [1, 7, 7, 4] },
  { filter: 2, stride: 2, pad: 'valid', shape: [2, 8, 8, 3] },
  { filter: 3, stride: 2, pad: 1, shape: [2, 8, 8, 3] },
] as const;

for (const { filter, stride, pad, shape } of CASES) {
  test(`avgPool ${filter}×${filter}, stride ${stride}, padding ${JSON.stringify(pad)}: the gradient's directional derivative matches finite differences`, () => {
    const before = tf.memory().numTensors;
    const [dAutodiff, dFinite] = tf.tidy(() => {
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 1) as tfjs.Tensor4D;
      const weights = tf.randomNormal(tf.avgPool(x, filter, stride, pad).shape, 0, 1, 'float32', 2);
      const u = tf.randomNormal(x.shape, 0, 1, 'float32', 3);
      const f = (t: tfjs.Tensor4D) => tf.sum(tf.mul(tf.avgPool(t, filter, stride, pad), weights));
      const g = tf.grad((t: tfjs.Tensor) => f(t as tfjs.Tensor4D))(x);
      const eps = 1e-2;
      // The forward is linear in x: the central difference is exact up to float32 rounding.
      const finite = (f(tf.add(x, tf.mul(u, eps))).dataSync()[0] - f(tf.sub(x, tf.mul(u, eps))).dataSync()[0]) / (2 * eps);
      return [tf.sum(tf.mul(g, u)).dataSync()[0], finite];
    });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.ok(Math.abs(dAutodiff - dFinite) <= 1e-3 * Math.max(1, Math.abs(dFinite)), `tf.grad gives ${dAutodiff}, finite differences ${dFinite}`);
  });
}
