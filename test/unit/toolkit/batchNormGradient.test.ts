// A BatchNormalization layer's backward by its formula (probe/batchNormGradient.ts) against
// tf.grads of the layer in training mode, element by element, and its forward by its formula
// (batchNormForward.ts) against the layer's own output: on images, sequences and rows,
// and for inputs whose mean is far from zero (the sums are shifted). (tf.layers 4.22 cannot run
// a BatchNorm without γ or β in training mode: its call reads both.)
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { batchNormGradients } from '../../../src/toolkit/probe/batchNormGradient';
import { batchNormForward } from '../../../src/toolkit/probe/batchNormForward';
import { keepingMovingStatistics, runLayer } from '../../../src/toolkit/probe/layersAdapter';
import { stepsOf } from '../../../src/toolkit/probe/layersGraph';

before(async () => {
  await initEngine();
});

/** max |a − b| / max |b|. */
function relativeDifference(a: tfjs.Tensor, b: tfjs.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]));
}

const cases = [
  { name: 'images', shape: [12, 5, 5, 7], mean: 0.3 },
  { name: 'rows', shape: [40, 9], mean: -2 },
  { name: 'sequences', shape: [6, 11, 4], mean: 0 },
  { name: 'images far from zero', shape: [10, 4, 4, 3], mean: 1000 },
];

for (const c of cases) {
  test(`BatchNorm's backward by its formula equals tf.grads of the layer, ${c.name}`, () => {
    const before = tf.memory().numTensors;
    const layer = tf.layers.batchNormalization({
      epsilon: 1e-3,
      gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 1 }),
      betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 2 }),
    });
    layer.build(c.shape);
    tf.tidy(() => {
      const x = tf.randomNormal(c.shape, c.mean, 1.5, 'float32', 3);
      const [gamma, beta] = layer.trainableWeights.map((w) => w.read());
      const dy = tf.randomNormal(c.shape, 0, 1, 'float32', 4);
      const reference = tf.grads((input: tfjs.Tensor, _gamma: tfjs.Tensor, _beta: tfjs.Tensor) => layer.apply(input, { training: true }) as tfjs.Tensor)([x, gamma, beta], dy);
      const g = batchNormGradients(x, dy, gamma, 1e-3, true);
      assert.ok(relativeDifference(g.dx!, reference[0]) < 1e-4, `∂L/∂x: ${relativeDifference(g.dx!, reference[0])}`);
      assert.ok(relativeDifference(g.dGamma, reference[1]) < 1e-4, '∂L/∂γ');
      assert.ok(relativeDifference(g.dBeta, reference[2]) < 1e-4, '∂L/∂β');
      const without = batchNormGradients(x, dy, gamma, 1e-3, false);
      assert.equal(without.dx, undefined, 'no input gradient when not asked for');
      // Without γ (a layer that does not scale): γ = 1.
      const ones = batchNormGradients(x, dy, undefined, 1e-3, true);
      const scaled = batchNormGradients(x, dy, tf.onesLike(gamma), 1e-3, true);
      assert.ok(relativeDifference(ones.dx!, scaled.dx!) < 1e-7, 'no γ is γ = 1');
    });
    for (const w of layer.weights) w.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });
}

test('BatchNorm’s backward refuses what is not a float32 tensor', () => {
  const x = tf.zeros([2, 3], 'int32');
  assert.throws(() => batchNormGradients(x, x, undefined, 1e-3, true), /float32/);
  x.dispose();
});

test('BatchNorm’s forward in training mode by its formula equals the layer’s own output, element by element, and makes only its output', () => {
  const input = tf.input({ shape: [6, 6, 8] });
  const layer = tf.layers.batchNormalization({
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 5 }),
    betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 6 }),
  });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tfjs.SymbolicTensor });
  const step = stepsOf(model).steps[0];
  for (const mean of [0.2, 500]) {
    const x = tf.randomNormal([9, 6, 6, 8], mean, 2, 'float32', 7);
    const expected = keepingMovingStatistics([step], () => layer.apply(x, { training: true }) as tfjs.Tensor);
    const before = tf.memory().numTensors;
    const { out } = runLayer(step, [x]);
    assert.equal(tf.memory().numTensors, before + 1, 'one new tensor: the output');
    assert.ok(relativeDifference(out, expected) < 1e-5, `mean ${mean}: ${relativeDifference(out, expected)}`);
    const direct = batchNormForward(step, x);
    assert.equal(direct === undefined, tf.getBackend() !== 'wasm', 'the formula runs on the WASM engine, the layer elsewhere');
    tf.dispose([x, expected, out, direct!].filter(Boolean));
  }
});
