// nn's convolution, BatchNorm, pooling, flatten and residual modules: each hand-written backward
// against TensorFlow.js's autodiff of the same formula and against central finite differences;
// nn.cnn builds a network the probe reads, with theory through conv and BatchNorm; no leaks.
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

function maxRelErr(a: tfjs.Tensor, b: tfjs.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1e-3))).dataSync()[0]);
}

/**
 * Runs `module` forward on x and backward from a fixed random output gradient G, and compares
 * inp.g and every parameter's .g with tf.grads of Σ reference(x, params) · G.
 */
function checkAgainstAutodiff(module: nn.Module, x: tfjs.Tensor, reference: (x: tfjs.Tensor, params: tfjs.Tensor[]) => tfjs.Tensor, what: string): void {
  const out = module.forward(x);
  const g = tf.randomNormal(out.shape, 0, 1, 'float32', 11);
  out.g = g;
  module.backward();
  const params = module.parameters();
  const grads = tf.grads((...args: tfjs.Tensor[]) => tf.sum(tf.mul(reference(args[0], args.slice(1)), g)))([x, ...params]);
  assert.ok(maxRelErr(out, reference(x, params)) < 1e-4, `${what}: the same output`);
  assert.ok(maxRelErr(module.inp!.g!, grads[0]) < 1e-3, `${what}: input gradient ${maxRelErr(module.inp!.g!, grads[0])}`);
  params.forEach((p, i) => assert.ok(maxRelErr(p.g!, grads[i + 1]) < 1e-3, `${what}: parameter ${i} gradient ${maxRelErr(p.g!, grads[i + 1])}`));
}

const tfPad = (p: nn.Padding) => (typeof p === 'number' ? ([[0, 0], [p, p], [p, p], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : p);

for (const [stride, padding] of [[1, 'valid'], [1, 'same'], [2, 'valid'], [2, 'same'], [1, 1], [2, 2]] as [number, nn.Padding][]) {
  test(`Conv2d, stride ${stride}, padding ${padding}: hand-written gradients equal autodiff's`, () => {
    const conv = new nn.Conv2d(init.kaimingNormal([3, 3, 2, 4], { seed: 1 }), tf.randomNormal([4], 0, 0.1, 'float32', 2), { stride, padding });
    const x = tf.randomNormal([3, 7, 7, 2], 0, 1, 'float32', 3);
    checkAgainstAutodiff(conv, x, (input, [w, b]) => tf.add(tf.conv2d(input as tfjs.Tensor4D, w as tfjs.Tensor4D, stride, tfPad(padding)), b), `stride ${stride}, ${padding}`);
  });
}

test('Conv2d weight and input gradients agree with central finite differences', () => {
  const conv = new nn.Conv2d(init.normal([2, 2, 1, 2], { std: 0.5, seed: 4 }), tf.zeros([2]), { stride: 2, padding: 1 });
  const x = tf.randomNormal([1, 4, 4, 1], 0, 1, 'float32', 5);
  const g = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 6);
  const lossOf = () => tf.sum(tf.mul(conv.forward(x), g)).dataSync()[0];
  lossOf();
  conv.out!.g = g;
  conv.backward();
  const analytic = conv.w.g!.dataSync().slice();
  const inputGrad = conv.inp!.g!.dataSync().slice();
  const w = conv.w.dataSync().slice();
  const h = 1e-2;
  for (let i = 0; i < w.length; i++) {
    const at = (delta: number) => {
      const moved = w.slice();
      moved[i] += delta;
      conv.w = tf.tensor(moved, conv.w.shape);
      return lossOf();
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    assert.ok(Math.abs(numeric - analytic[i]) < 2e-2, `w[${i}]: finite differences ${numeric}, backward ${analytic[i]}`);
  }
  conv.w = tf.tensor(w, conv.w.shape);
  const xs = x.dataSync().slice();
  for (const i of [0, 5, 10, 15]) {
    const at = (delta: number) => {
      const moved = xs.slice();
      moved[i] += delta;
      return tf.sum(tf.mul(conv.forward(tf.tensor(moved, x.shape)), g)).dataSync()[0];
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    assert.ok(Math.abs(numeric - inputGrad[i]) < 2e-2, `x[${i}]: finite differences ${numeric}, backward ${inputGrad[i]}`);
  }
});

test('BatchNorm in training and in eval mode, on images and on rows, against autodiff; running statistics as torch moves them', () => {
  for (const shape of [[4, 3, 3, 5], [16, 5]]) {
    const bn = new nn.BatchNorm(5, { eps: 1e-5, momentum: 0.1 });
    bn.gamma = tf.randomNormal([5], 1, 0.2, 'float32', 7);
    bn.beta = tf.randomNormal([5], 0, 0.2, 'float32', 8);
    const x = tf.randomNormal(shape, 2, 3, 'float32', 9);
    const axes = shape.slice(0, -1).map((_, i) => i);
    checkAgainstAutodiff(
      bn,
      x,
      (input, [gamma, beta]) => {
        const { mean, variance } = tf.moments(input, axes);
        return tf.add(tf.mul(tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
      },
      `training [${shape}]`,
    );
    // torch: running = 0.9 running + 0.1 batch, with the batch's unbiased variance.
    const m = x.size / 5;
    const { mean, variance } = tf.moments(x, axes);
    assert.ok(maxRelErr(bn.runningMean, tf.mul(mean, 0.1)) < 1e-4);
    assert.ok(maxRelErr(bn.runningVar, tf.add(0.9, tf.mul(variance, (0.1 * m) / (m - 1)))) < 1e-4);
    bn.training = false;
    const runningMean = bn.runningMean.clone();
    const runningVar = bn.runningVar.clone();
    checkAgainstAutodiff(bn, x, (input, [gamma, beta]) => tf.add(tf.mul(tf.div(tf.sub(input, runningMean), tf.sqrt(tf.add(runningVar, 1e-5))), gamma), beta), `eval [${shape}]`);
  }
});

test('Flatten, GlobalAvgPool and a residual block (identity and conv shortcut) against autodiff', () => {
  const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 10);
  checkAgainstAutodiff(new nn.Flatten(), x, (input) => tf.reshape(input, [2, -1]), 'flatten');
  checkAgainstAutodiff(new nn.GlobalAvgPool(), x, (input) => tf.mean(input, [1, 2]), 'global average pooling');
  const w1 = init.kaimingNormal([3, 3, 3, 3], { seed: 12 });
  const w2 = init.kaimingNormal([3, 3, 3, 3], { seed: 13 });
  const identity = new nn.Residual([new nn.Conv2d(w1, tf.zeros([3]), { padding: 1 }), new nn.ReLU(), new nn.Conv2d(w2, tf.zeros([3]), { padding: 1 })]);
  checkAgainstAutodiff(
    identity,
    x,
    (input, [a, ab, b, bb]) => tf.add(input, tf.add(tf.conv2d(tf.relu(tf.add(tf.conv2d(input as tfjs.Tensor4D, a as tfjs.Tensor4D, 1, 'same'), ab)) as tfjs.Tensor4D, b as tfjs.Tensor4D, 1, 'same'), bb)),
    'residual, identity shortcut',
  );
  const ws = init.kaimingNormal([1, 1, 3, 3], { seed: 14 });
  const projected = new nn.Residual([new nn.Conv2d(w1, tf.zeros([3]), { padding: 1 })], new nn.Conv2d(ws, tf.zeros([3])));
  checkAgainstAutodiff(
    projected,
    x,
    (input, [a, ab, s, sb]) => tf.add(tf.add(tf.conv2d(input as tfjs.Tensor4D, a as tfjs.Tensor4D, 1, 'same'), ab), tf.add(tf.conv2d(input as tfjs.Tensor4D, s as tfjs.Tensor4D, 1, 'valid'), sb)),
    'residual, conv shortcut',
  );
});

test('nn.cnn: a CNN the probe reads node by node, with theory through conv and BatchNorm, that leaks nothing', () => {
  const net = nn.cnn({ input: [12, 12, 1], channels: [8, 16], strides: [1, 2], batchNorm: true, residual: true, seed: 0 });
  const x = tf.randomNormal([64, 12, 12, 1], 0, 1, 'float32', 15);
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10));
  const report = probe(net).step(x, y);
  const block = ['conv2d', 'batchNorm', 'activation'];
  const residual = [...block, 'conv2d', 'batchNorm', 'add', 'activation'];
  assert.deepEqual(report.layers.map((l) => l.kind), [...block, ...residual, ...block, ...residual, 'globalAvgPool', 'linear']);
  const add = report.layers[8];
  assert.deepEqual(add.inputs, [report.layers[7].id, report.layers[2].id], 'the add reads the block’s last BatchNorm and the block’s input');
  const first = report.layers[0];
  const num = fromStatNumber;
  assert.ok(Math.abs(num(first.tensors.preActivation!.std) / num(first.theory.preActivationStd!) - 1) < 0.15, 'conv pre-activation std against theory (fan-in 3 × 3 × 1)');
  assert.ok(Math.abs(num(report.layers[1].tensors.activation!.std) - 1) < 0.05, 'BatchNorm output std is γ = 1');
  assert.ok(report.layers[1].tensors.gamma && report.layers[1].tensors.gammaGrad && report.layers[1].tensors.movingVariance);
  net.forward(x, y);
  net.backward();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    net.forward(x, y);
    net.backward();
  }
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => nn.cnn({ input: [12, 12, 1], channels: [8], strides: [1, 2] }), /one stride per block/);
  assert.throws(() => new nn.Conv2d(tf.zeros([3, 3, 2, 4]), tf.zeros([4])).forward(tf.zeros([1, 5, 5, 3])), /input must be images \[batch, height, width, 2\]/);
});
