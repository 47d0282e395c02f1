// Every hand-written backward against TensorFlow.js's autodiff and against central finite
// differences; and 100 forward/backward runs leak no tensor.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import * as init from '../../../src/toolkit/init';

before(async () => {
  await initEngine();
});

function maxRelErr(a: tfjs.Tensor, b: tfjs.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1e-3))).dataSync()[0]);
}

/** Builds a small model of one activation kind, deterministic. */
function smallModel(activation: nn.ActivationName, loss: 'mse' | 'crossEntropy' = 'mse', out = 1) {
  return nn.mlp([6, 5, 4, out], { activation, init: 'xavierNormal', seed: 3, loss, reluShift: activation === 'relu' ? 0.5 : 0 });
}

/** The same network written with tf ops only, as a function of its parameters, for tf.grad. */
function referenceLoss(model: nn.Model, x: tfjs.Tensor, y: tfjs.Tensor, params: tfjs.Tensor[]): tfjs.Scalar {
  let h: tfjs.Tensor = x;
  let p = 0;
  for (const layer of model.layers) {
    if (layer instanceof nn.Linear) {
      h = tf.add(tf.matMul(h as tfjs.Tensor2D, params[p] as tfjs.Tensor2D), params[p + 1]);
      p += 2;
    } else if (layer instanceof nn.ReLU) h = tf.sub(tf.relu(h), layer.shift);
    else if (layer instanceof nn.LeakyReLU) h = tf.leakyRelu(h, layer.slope);
    else if (layer instanceof nn.Sigmoid) h = tf.sigmoid(h);
    else if (layer instanceof nn.Tanh) h = tf.tanh(h);
  }
  if (model.loss instanceof nn.MSE) return tf.mean(tf.squaredDifference(h, y.reshape(h.shape)));
  return tf.losses.softmaxCrossEntropy(tf.oneHot(y.toInt(), h.shape[1]!), h) as tfjs.Scalar;
}

const KINDS: nn.ActivationName[] = ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'none'];

for (const activation of KINDS) {
  for (const loss of ['mse', 'crossEntropy'] as const) {
    test(`${activation} network with ${loss}: hand-written gradients equal tf.grad's`, () => {
      const model = smallModel(activation, loss, loss === 'mse' ? 1 : 3);
      const x = tf.randomNormal([8, 6], 0, 1, 'float32', 1);
      const y = loss === 'mse' ? tf.randomNormal([8], 0, 1, 'float32', 2) : tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1], 'float32');
      const lossValue = model.forward(x, y).dataSync()[0];
      model.backward();
      const params = model.parameters();
      const xg = (model.layers[0] as nn.Linear).inp!.g!;
      const reference = tf.grads((...args: tfjs.Tensor[]) => referenceLoss(model, args[0], y, args.slice(1)))([x, ...params]);
      assert.ok(Math.abs(referenceLoss(model, x, y, params).dataSync()[0] - lossValue) < 1e-5, 'same loss');
      assert.ok(maxRelErr(xg, reference[0]) < 1e-4, `input gradient: ${maxRelErr(xg, reference[0])}`);
      params.forEach((p, i) => assert.ok(maxRelErr(p.g!, reference[i + 1]) < 1e-4, `parameter ${i} gradient: ${maxRelErr(p.g!, reference[i + 1])}`));
    });
  }
}

test('hand-written gradients agree with central finite differences', () => {
  for (const activation of ['sigmoid', 'tanh', 'relu'] as const) {
    const model = smallModel(activation);
    const x = tf.randomNormal([8, 6], 0, 1, 'float32', 5);
    const y = tf.randomNormal([8], 0, 1, 'float32', 6);
    model.forward(x, y);
    model.backward();
    const linear = model.layers[0] as nn.Linear;
    const analytic = Float32Array.from(linear.w.g!.dataSync());
    const w = Float32Array.from(linear.w.dataSync());
    // Small enough not to cross a ReLU kink at these points, large enough for float32 losses.
    const eps = 1e-3;
    const lossWith = (values: Float32Array) => {
      const probe = nn.mlp([6, 5, 4, 1], { activation, init: 'xavierNormal', seed: 3, reluShift: activation === 'relu' ? 0.5 : 0 });
      (probe.layers[0] as nn.Linear).setParameters(tf.tensor(values, linear.w.shape), tf.clone(linear.b));
      const value = probe.forward(x, y).dataSync()[0];
      probe.dispose();
      return value;
    };
    for (const index of [0, 7, 13, 29]) {
      const plus = w.slice();
      plus[index] += eps;
      const minus = w.slice();
      minus[index] -= eps;
      const numeric = (lossWith(plus) - lossWith(minus)) / (2 * eps);
      assert.ok(Math.abs(numeric - analytic[index]) < 2e-3 + 2e-2 * Math.abs(numeric), `${activation} w[${index}]: analytic ${analytic[index]}, numeric ${numeric}`);
    }
  }
});

test('Linear stores gradients on .g as the lesson does: w.g = inpᵀ out.g, b.g = Σ out.g, inp.g = out.g wᵀ', () => {
  const w = tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const lin = new nn.Linear(w, tf.tensor1d([0.5, -0.5]));
  const x = tf.tensor2d([[1, 0, -1]]);
  assert.deepEqual(Array.from(lin.forward(x).dataSync()), [1 - 5 + 0.5, 2 - 6 - 0.5]);
  lin.out!.g = tf.tensor2d([[1, 2]]);
  lin.backward();
  assert.deepEqual(Array.from(lin.w.g!.dataSync()), [1, 2, 0, 0, -1, -2]);
  assert.deepEqual(Array.from(lin.b.g!.dataSync()), [1, 2]);
  assert.deepEqual(Array.from((x as nn.GradTensor).g!.dataSync()), [5, 11, 17]);
});

test('ReLU’s optional shift: out = max(0, x) − shift, and the gradient is unchanged', () => {
  const relu = new nn.ReLU({ shift: 0.5 });
  const x = tf.tensor1d([-1, 0.25, 2]);
  assert.deepEqual(Array.from(relu.forward(x).dataSync()), [-0.5, -0.25, 1.5]);
  relu.out!.g = tf.ones([3]);
  relu.backward();
  assert.deepEqual(Array.from((x as nn.GradTensor).g!.dataSync()), [0, 1, 1]);
});

test('100 forward/backward runs leave tf.memory().numTensors unchanged', () => {
  const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 0 });
  const x = tf.randomNormal([64, 784], 0, 1, 'float32', 1);
  const y = tf.randomNormal([64], 0, 1, 'float32', 2);
  model.forward(x, y);
  model.backward();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) {
    model.forward(x, y);
    model.backward();
  }
  assert.equal(tf.memory().numTensors, before);
  model.release();
  model.forward(x, y);
  model.backward();
  assert.equal(tf.memory().numTensors, before, 'release() and another pass: same count');
});

test('mlp builds Linear layers with the activation between them and the named initializer', () => {
  const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 0 });
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['Linear(784→100)', 'ReLU', 'Linear(100→100)', 'ReLU', 'Linear(100→100)', 'ReLU', 'Linear(100→1)'],
  );
  const std = tf.moments(model.linears()[0].w).variance.sqrt().dataSync()[0];
  assert.ok(Math.abs(std / (Math.SQRT2 / Math.sqrt(784)) - 1) < 0.02, `Kaiming std ${std}`);
  assert.throws(() => nn.mlp([784]), /nn.mlp: sizes must be an array of at least 2 positive integers/);
  const custom = nn.mlp([4, 3], { init: (shape) => init.constant(shape, 0.25) });
  assert.deepEqual(Array.from(custom.linears()[0].w.dataSync()), new Array(12).fill(0.25));
});
