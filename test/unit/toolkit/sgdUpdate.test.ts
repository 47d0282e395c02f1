// Plain SGD on nn models with convolutions, BatchNorm and residual blocks (nn/sgdUpdate.ts):
// each parameter moves by exactly −lr times its gradient, sgdSteps trains such a model, and
// record() follows it without leaking tensors.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import { sgdUpdate } from '../../../src/toolkit/nn/sgdUpdate';
import { sgdSteps } from '../../../src/toolkit/watch/sgdSteps';
import { record } from '../../../src/toolkit/watch/record';

before(async () => {
  await initEngine();
});

const smallCnn = () => nn.cnn({ input: [8, 8, 1], channels: [4, 6], strides: [1, 2], batchNorm: true, residual: true, seed: 3 });
const data = () => ({ x: tf.randomNormal([32, 8, 8, 1], 0, 1, 'float32', 1), y: tf.floor(tf.randomUniform([32], 0, 10, 'float32', 2)) });

test('sgdUpdate moves every parameter of a conv, BatchNorm and residual model by −lr × its gradient', () => {
  const model = smallCnn();
  const { x, y } = data();
  const lr = 0.05;
  model.forward(x, y);
  model.backward({ dataGrad: false });
  const params = model.parameters();
  assert.ok(params.length >= 12, `${params.length} parameters: convolutions, BatchNorm's γ and β, the head`);
  const expected = params.map((p) => tf.tidy(() => tf.sub(p, tf.mul(p.g!, lr))).dataSync());
  sgdUpdate(model, lr);
  model.release();
  const after = model.parameters();
  assert.equal(after.length, params.length);
  after.forEach((p, i) => {
    const got = Array.from(p.dataSync());
    const worst = got.reduce((m, v, j) => Math.max(m, Math.abs(v - expected[i][j])), 0);
    assert.ok(worst < 1e-6, `parameter ${i} [${p.shape.join(', ')}] off by ${worst}`);
  });
  assert.ok(params.every((p) => p.isDisposed), 'the old parameters are freed');
  model.dispose();
  tf.dispose([x, y]);
});

test('sgdSteps trains an nn.cnn, and record follows it over 100 steps without leaking a tensor', async () => {
  const model = smallCnn();
  const { x, y } = data();
  // Learn 32 fixed random labels: the loss must fall well below its start.
  const step = sgdSteps(model, x, y, { lr: 0.05, batchSize: 32, seed: 0 });
  await record(model, step, { x, y, steps: 2, every: 1, live: false });
  const before = tf.memory().numTensors;
  const rec = await record(model, step, { x, y, steps: 100, every: 10, live: false });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind by 100 steps and 11 recordings');
  const losses = rec.losses.map((l) => Number(l.loss));
  assert.equal(losses.length, 100);
  assert.ok(losses[99] < 0.7 * losses[0], `loss ${losses[0]} → ${losses[99]}`);
  const convSteps = rec.stats.filter((s) => rec.layers.find((l) => l.layer === s.layer)?.kind === 'conv2d' && s.step > 0);
  assert.ok(convSteps.length > 0 && convSteps.every((s) => Number(s.updateRatio) > 0), 'each convolution moved at each recorded step');
  model.dispose();
  tf.dispose([x, y]);
});
