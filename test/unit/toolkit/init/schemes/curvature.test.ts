// What MetaInit and GradInit differentiate, checked apart from them: the loss and first gradients
// of an nn model's rewritten forward pass against its own hand-written backward; Hessian-vector
// products of a tf.layers CNN (convolutions with the fused linear path and with tanh,
// BatchNorm, average pooling, softmax and cross-entropy) against finite differences of its
// gradients; the gradient quotient against the same quotient built from finite differences.
// The networks are smooth: across a ReLU's or a max's kink a gradient jumps, and a central
// difference of gradients is then no estimate of Hv (engine/secondOrderGradients.test.ts checks
// max pooling where no window's maximum changes hands).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import { differentiableModel } from '../../../../../src/toolkit/init/differentiableModel';
import { gradientQuotient, hessianVectorProduct, lossGradients } from '../../../../../src/toolkit/init/curvature';

before(async () => {
  await initEngine();
});

type Tensor = tfjs.Tensor;

/** ‖a − b‖ / ‖b‖ over all blocks. */
function relativeError(a: readonly Tensor[], b: readonly Tensor[]): number {
  return tf.tidy(() => Math.sqrt(tf.addN(a.map((t, i) => tf.sum(tf.square(tf.sub(t, b[i]))))).dataSync()[0] / tf.addN(b.map((t) => tf.sum(tf.square(t)))).dataSync()[0]));
}

for (const [label, build, makeData] of [
  ['a tanh MLP with MSE', () => nn.mlp([6, 12, 12, 3], { activation: 'tanh', seed: 0 }), () => [tf.randomNormal([20, 6], 0, 1, 'float32', 1), tf.randomNormal([20, 3], 0, 1, 'float32', 2)]],
  [
    'a residual CNN with BatchNorm and cross-entropy',
    () => nn.cnn({ input: [6, 6, 2], channels: [4, 6], strides: [1, 2], batchNorm: true, residual: true, classes: 3, seed: 0 }),
    () => [tf.randomNormal([10, 6, 6, 2], 0, 1, 'float32', 3), tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32')],
  ],
] as const) {
  test(`${label}: the rewritten forward's loss and gradients equal the model's own forward and hand-written backward`, () => {
    const model = build();
    const [x, y] = makeData();
    const before = tf.memory().numTensors;
    const view = differentiableModel('test', model, x, y);
    const loss = tf.tidy(() => view.loss(x, y).dataSync()[0]);
    const grads = lossGradients(view, x, y);
    const own = model.forward(x, y).dataSync()[0];
    model.backward({ dataGrad: false });
    const handWritten = model.parameters().map((p) => p.g!);
    assert.ok(Math.abs(loss - own) < 1e-5 * Math.max(1, Math.abs(own)), `loss ${loss} against the model's ${own}`);
    const error = relativeError(grads, handWritten);
    assert.ok(error < 1e-4, `gradients ${error} from the hand-written backward`);
    tf.dispose(grads);
    model.release();
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    model.dispose();
    tf.dispose([x, y]);
  });
}

test("a tf.layers CNN (conv2d linear and tanh, BatchNorm, average pooling 'same', dense softmax, categorical cross-entropy): H v matches finite differences of its gradients", (t) => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.activation({ activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'tanh', padding: 'same', name: 'c2' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([8, 6, 6, 2], 0, 1, 'float32', 5);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1], 'int32'), 3);
  const before = tf.memory().numTensors;
  const view = differentiableModel('test', model, x, y);
  const moving = model.getLayer('bn').getWeights().slice(2).map((w) => Array.from(w.dataSync()));
  const error = view.preserving(() => {
    const v = view.blocks.map((b, i) => tf.randomNormal(b.read().shape, 0, 1, 'float32', 40 + i));
    const exact = hessianVectorProduct(view, x, y, v);
    const eps = 1e-3;
    const here = view.blocks.map((b) => tf.clone(b.read()));
    const gradientAt = (sign: number) => {
      view.blocks.forEach((b, i) => b.write(tf.tidy(() => tf.add(here[i], tf.mul(v[i], sign * eps)))));
      return lossGradients(view, x, y);
    };
    const plus = gradientAt(1);
    const minus = gradientAt(-1);
    view.blocks.forEach((b, i) => b.write(tf.clone(here[i])));
    const finite = tf.tidy(() => plus.map((g, i) => tf.div(tf.sub(g, minus[i]), 2 * eps)));
    const e = relativeError(exact, finite);
    tf.dispose([v, exact, here, plus, minus, finite]);
    return e;
  });
  t.diagnostic(`tf.layers CNN: H v is ${error.toExponential(2)} from finite differences`);
  assert.ok(error < 2e-3, `H v is ${error} from finite differences`);
  assert.deepEqual(
    model.getLayer('bn').getWeights().slice(2).map((w) => Array.from(w.dataSync())),
    moving,
    "BatchNorm's moving statistics put back",
  );
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  model.dispose();
  tf.dispose([x, y]);
});

test('the gradient quotient equals mean |(g − Hg)/(g ± ε) − 1| with Hg from finite differences of the gradient along g', () => {
  const model = nn.mlp([5, 8, 2], { activation: 'tanh', seed: 3 });
  const x = tf.randomNormal([16, 5], 0, 1, 'float32', 6);
  const y = tf.randomNormal([16, 2], 0, 1, 'float32', 7);
  const before = tf.memory().numTensors;
  const view = differentiableModel('test', model, x, y);
  const eps = 1e-5;
  const quotient = tf.tidy(() => gradientQuotient(view, x, y, eps).dataSync()[0]);
  const byHand = ((): number => {
    const g = lossGradients(view, x, y);
    const here = view.blocks.map((b) => tf.clone(b.read()));
    const step = 1e-3;
    const at = (sign: number) => {
      view.blocks.forEach((b, i) => b.write(tf.tidy(() => tf.add(here[i], tf.mul(g[i], sign * step)))));
      return lossGradients(view, x, y);
    };
    const [plus, minus] = [at(1), at(-1)];
    view.blocks.forEach((b, i) => b.write(tf.clone(here[i])));
    const hg = tf.tidy(() => plus.map((p, i) => tf.div(tf.sub(p, minus[i]), 2 * step)));
    const flat = (ts: Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync()));
    const [gs, hgs] = [flat(g), flat(hg)];
    tf.dispose([g, here, plus, minus, hg]);
    return gs.reduce((sum, gi, k) => sum + Math.abs((gi - hgs[k]) / (gi + (gi >= 0 ? eps : -eps)) - 1), 0) / gs.length;
  })();
  assert.ok(Math.abs(quotient - byHand) < 1e-2 * byHand, `gradient quotient ${quotient}, by hand ${byHand}`);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  model.dispose();
  tf.dispose([x, y]);
});
