// init.lsuv on every kind of model: each weight layer's output (before its activation) ends with
// std within the tolerance of 1, measured here apart from LSUV's own code (by tf ops, or by the
// probe); the draw it starts from is orthogonal; BatchNorm's running statistics, the biases and
// the tensor count are left as they were; and the same seed gives the same weights.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import * as init from '../../../src/toolkit/init';
import { probe } from '../../../src/toolkit/probe/probe';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';

before(async () => {
  await initEngine();
});

const std = (t: tfjs.Tensor) => tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0] * (t.size / (t.size - 1))));
const values = (model: tfjs.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

test('an nn MLP: every Linear output has std 1 ± 0.1, from an orthogonal start, as its report says', () => {
  const model = nn.mlp([50, 40, 40, 30, 1], { activation: 'tanh', init: 'normal', seed: 1 });
  const x = tf.randomNormal([500, 50], 0, 3, 'float32', 2);
  const before = tf.memory().numTensors;
  const report = init.lsuv(model, x, { seed: 3 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.deepEqual(
    report.map((r) => [r.layer, r.name]),
    [
      [1, 'Linear(50→40)'],
      [2, 'Linear(40→40)'],
      [3, 'Linear(40→30)'],
      [4, 'Linear(30→1)'],
    ],
  );
  model.predict(x);
  model.linears().forEach((linear, i) => {
    const out = std(linear.out!);
    assert.ok(Math.abs(out - 1) < 0.1, `Linear ${i + 1}: output std ${out}`);
    assert.ok(Math.abs(out - report[i].std) < 1e-4, `Linear ${i + 1}: report says ${report[i].std}, measured ${out}`);
    // Orthogonal, then scaled: wᵀw is a multiple of the identity (columns, as there are no more outputs than inputs).
    tf.tidy(() => {
      const gram = tf.matMul(linear.w as tfjs.Tensor2D, linear.w as tfjs.Tensor2D, true, false);
      const scale = (gram.arraySync() as number[][])[0][0];
      const offIdentity = tf.max(tf.abs(tf.sub(tf.div(gram, scale), tf.eye(gram.shape[0])))).dataSync()[0];
      assert.ok(offIdentity < 1e-4, `Linear ${i + 1}: wᵀw/${scale} is ${offIdentity} from the identity`);
    });
  });
  model.release();
  x.dispose();
  model.dispose();
});

test('an nn CNN with BatchNorm and residual blocks: every convolution, the residual ones too, and the Linear end at std 1 ± 0.1; running statistics untouched', () => {
  const model = nn.cnn({ input: [12, 12, 1], channels: [4, 8], strides: [1, 2], batchNorm: true, residual: true, classes: 3, seed: 1, init: 'normal' });
  const x = tf.randomNormal([64, 12, 12, 1], 0, 1, 'float32', 5);
  const norms = model.layers.flatMap((m) => (m instanceof nn.BatchNorm ? [m] : m instanceof nn.Residual ? m.body.filter((b): b is nn.BatchNorm => b instanceof nn.BatchNorm) : []));
  const running = norms.map((n) => [...n.runningMean.dataSync(), ...n.runningVar.dataSync()]);
  const report = init.lsuv(model, x, { seed: 0 });
  // Two blocks of conv, each followed by a residual block of two convs, then the classifier.
  assert.deepEqual(
    report.map((r) => r.name),
    ['Conv2d(1→4, 3×3)', 'Conv2d(4→4, 3×3)', 'Conv2d(4→4, 3×3)', 'Conv2d(4→8, 3×3, stride 2)', 'Conv2d(8→8, 3×3)', 'Conv2d(8→8, 3×3)', 'Linear(8→3)'],
  );
  report.forEach((r) => assert.ok(Math.abs(r.std - 1) < 0.1, `${r.name}: std ${r.std}`));
  assert.deepEqual(
    norms.map((n) => [...n.runningMean.dataSync(), ...n.runningVar.dataSync()]),
    running,
    'BatchNorm running statistics as they were',
  );
  // Measured apart: the probe's pre-activation std of each convolution and of the Linear.
  const probed = probe(model).step(x, tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32').tile([16]), 3));
  const weightLayers = probed.layers.filter((l) => /^(Conv2d|Linear)/.test(l.name));
  assert.equal(weightLayers.length, 7);
  weightLayers.forEach((l) => assert.ok(Math.abs(fromStatNumber(l.tensors.preActivation!.std) - 1) < 0.1, `${l.name}: probe says ${String(l.tensors.preActivation!.std)}`));
  x.dispose();
  model.dispose();
});

test('a tf.layers functional model: Dense layers with their own sigmoid and a residual add, rescaled on the std before the activation (the probe agrees), biases and the tensor count unchanged', () => {
  const input = tf.input({ shape: [20] });
  const h1 = tf.layers.dense({ units: 32, activation: 'sigmoid', biasInitializer: 'ones', name: 'h1' }).apply(input) as tfjs.SymbolicTensor;
  const h2 = tf.layers.dense({ units: 32, activation: 'sigmoid', name: 'h2' }).apply(h1) as tfjs.SymbolicTensor;
  const sum = tf.layers.add({ name: 'skip' }).apply([h1, h2]) as tfjs.SymbolicTensor;
  const dropped = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(sum) as tfjs.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, activation: 'softmax', name: 'out' }).apply(dropped) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([400, 20], -3, 3, 'float32', 7);
  const tensors = tf.memory().numTensors;
  const report = init.lsuv(model, x, { seed: 1 });
  assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  assert.deepEqual(
    report.map((r) => r.name),
    ['h1', 'h2', 'out'],
  );
  // Sigmoid's output cannot have std 1: LSUV reads the pre-activation, here computed by hand.
  const [k1, b1, k2, b2, k3, b3] = model.getWeights();
  assert.deepEqual(Array.from(b1.dataSync()), Array(32).fill(1), 'biases kept');
  tf.tidy(() => {
    const z1 = tf.add(tf.matMul(x as tfjs.Tensor2D, k1 as tfjs.Tensor2D), b1);
    const z2 = tf.add(tf.matMul(tf.sigmoid(z1), k2 as tfjs.Tensor2D), b2);
    const z3 = tf.add(tf.matMul(tf.add(tf.sigmoid(z1), tf.sigmoid(z2)), k3 as tfjs.Tensor2D), b3);
    [z1, z2, z3].forEach((z, i) => {
      assert.ok(Math.abs(std(z) - 1) < 0.1, `${report[i].name}: pre-activation std ${std(z)}`);
      assert.ok(Math.abs(std(z) - report[i].std) < 1e-4, `${report[i].name}: report ${report[i].std}, by hand ${std(z)}`);
    });
  });
  const probed = probe(model).step(x, tf.oneHot(tf.zeros([400], 'int32'), 4));
  for (const name of ['h1', 'h2', 'out']) {
    const layer = probed.layers.find((l) => l.name === name)!;
    assert.ok(Math.abs(fromStatNumber(layer.tensors.preActivation!.std) - 1) < 0.1, `${name}: probe says ${String(layer.tensors.preActivation!.std)}`);
  }
  x.dispose();
  model.dispose();
});

test('a tf.layers CNN with BatchNorm: every convolution and the Dense end at std 1 ± 0.1; moving statistics untouched; the same seed, the same weights', () => {
  const build = () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [14, 14, 2], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
        tf.layers.batchNormalization({ name: 'bn' }),
        tf.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'sep' }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'tanh', name: 'dw' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 5, name: 'd' }),
      ],
    });
  const model = build();
  const x = tf.randomNormal([96, 14, 14, 2], 0, 1, 'float32', 9);
  const moving = model.getLayer('bn').nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
  const report = init.lsuv(model, x, { seed: 4 });
  assert.deepEqual(
    report.map((r) => r.name),
    ['c1', 'sep', 'dw', 'd'],
  );
  report.forEach((r) => assert.ok(Math.abs(r.std - 1) < 0.1, `${r.name}: std ${r.std}`));
  assert.deepEqual(
    model.getLayer('bn').nonTrainableWeights.map((w) => Array.from(w.read().dataSync())),
    moving,
  );
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const probed = probe(model).step(x, tf.zeros([96, 5]));
  for (const name of ['c1', 'sep', 'dw', 'd']) {
    const layer = probed.layers.find((l) => l.name === name)!;
    assert.ok(Math.abs(fromStatNumber(layer.tensors.preActivation!.std) - 1) < 0.1, `${name}: probe says ${String(layer.tensors.preActivation!.std)}`);
  }
  const again = build();
  init.lsuv(again, x, { seed: 4 });
  assert.deepEqual(values(again), values(model), 'seed 4 twice: the same weights');
  tf.dispose(x);
  model.dispose();
  again.dispose();
});

test('init.lsuv refuses what it cannot rescale with a clear error, and leaves the weights alone', () => {
  const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 3 })] });
  const kernel = Array.from(dense.getWeights()[0].dataSync());
  assert.throws(() => init.lsuv(dense, tf.zeros([10, 7])), /init\.lsuv: batch must be \[rows, 6\] for the model's input, got \[10, 7\]/);
  assert.deepEqual(Array.from(dense.getWeights()[0].dataSync()), kernel);
  const [a, b] = [tf.input({ shape: [2] }), tf.input({ shape: [2] })];
  const twoInputs = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 1 }).apply(tf.layers.concatenate().apply([a, b])) as tfjs.SymbolicTensor });
  assert.throws(() => init.lsuv(twoInputs, tf.zeros([4, 2])), /init\.lsuv: the model has 2 inputs and 1 outputs; init\.lsuv reads models with one input and one output/);
  const pool = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [3, 3] })] });
  assert.throws(() => init.lsuv(pool, tf.zeros([2, 3, 3])), /init\.lsuv: model must be a model with Dense or convolution layers of its own \(this one has flatten\)/);
  const convs = nn.cnn({ input: [8, 8, 3], channels: [4], classes: 2, seed: 0 });
  assert.throws(() => init.lsuv(convs, tf.zeros([2, 8, 8, 1])), /init\.lsuv: batch must be images \[batch, height, width, 3\] for the model's first Conv2d, got \[2, 8, 8, 1\]/);
  // A constant batch: nothing to scale by. LSUV stops at once and says so through the std.
  const [first] = init.lsuv(dense, tf.zeros([10, 6]));
  assert.equal(first.std, 0);
  assert.equal(first.iterations, 0);
  dense.dispose();
  twoInputs.dispose();
  pool.dispose();
  convs.dispose();
});
