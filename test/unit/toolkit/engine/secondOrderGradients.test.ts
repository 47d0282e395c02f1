// Hessian-vector products (a tf.grad of a gradient) on the running backend, WASM by default and
// CPU under INITLAB_BACKEND=cpu, against central finite differences of first gradients:
// Hv ≈ (g(θ + εv) − g(θ − εv)) / 2ε. Dense networks worked before; convolutions, depthwise
// convolutions, pooling and ELU threw "gradient function not found" for their gradient kernels
// until secondOrderGradients.ts. One more order (what MetaInit differentiates) is checked the
// same way. Smooth activations (tanh, ELU) keep the finite differences clear of kinks.
import { before, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';


type Tensor = tfjs.Tensor;
type Loss = (params: Tensor[]) => tfjs.Scalar;

const gradients = (loss: Loss, params: Tensor[]): Tensor[] => tf.grads((...p: Tensor[]) => loss(p))(params);

/** H v by autodiff: the gradient of ⟨g(θ), v⟩. */
function hvp(loss: Loss, params: Tensor[], v: Tensor[]): Tensor[] {
  return tf.tidy(() => tf.grads((...p: Tensor[]) => tf.addN(gradients(loss, p).map((g, i) => tf.sum(tf.mul(g, v[i])))) as tfjs.Scalar)(params));
}

/** H v by central differences of the gradient. */
function finiteHvp(loss: Loss, params: Tensor[], v: Tensor[], eps: number): Tensor[] {
  return tf.tidy(() => {
    const plus = gradients(loss, params.map((p, i) => tf.add(p, tf.mul(v[i], eps))));
    const minus = gradients(loss, params.map((p, i) => tf.sub(p, tf.mul(v[i], eps))));
    return plus.map((g, i) => tf.div(tf.sub(g, minus[i]), 2 * eps));
  });
}

/** ‖a − b‖ / ‖b‖ over all the blocks together. */
function relativeError(a: Tensor[], b: Tensor[]): number {
  return tf.tidy(() => {
    const diff = tf.addN(a.map((t, i) => tf.sum(tf.square(tf.sub(t, b[i])))));
    const norm = tf.addN(b.map((t) => tf.sum(tf.square(t))));
    return Math.sqrt(diff.dataSync()[0] / norm.dataSync()[0]);
  });
}

const normal = (shape: number[], std: number, seed: number) => tf.randomNormal(shape, 0, std, 'float32', seed);

/** Checks H v against finite differences for `loss` at random parameters of `shapes`; returns the error. */
function checkHvp(t: TestContext, loss: Loss, shapes: number[][], tolerance: number, eps = 1e-3): number {
  const before = tf.memory().numTensors;
  const params = shapes.map((s, i) => normal(s, 0.5, 10 + i));
  const v = shapes.map((s, i) => normal(s, 1, 20 + i));
  const exact = hvp(loss, params, v);
  const approx = finiteHvp(loss, params, v, eps);
  const error = relativeError(exact, approx);
  const norm = tf.tidy(() => Math.sqrt(tf.addN(exact.map((t) => tf.sum(tf.square(t)))).dataSync()[0]));
  tf.dispose([params, v, exact, approx]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  t.diagnostic(`${tf.getBackend()}: ‖Hv − finite differences‖ / ‖finite differences‖ = ${error.toExponential(2)}`);
  assert.ok(norm > 1e-3, `H v is not trivially zero (‖Hv‖ = ${norm})`);
  assert.ok(error < tolerance, `H v by autodiff is ${error.toExponential(2)} from finite differences (tolerance ${tolerance})`);
  return error;
}

// The data every test shares, made once the engine runs (kept to the end, like the engine).
let x2: Tensor;
let images: Tensor;
let targets2: Tensor;
before(async () => {
  await initEngine();
  x2 = normal([16, 6], 1, 1);
  images = normal([3, 8, 8, 2], 1, 2);
  targets2 = normal([16, 3], 1, 3);
});

test('a tanh MLP: H v matches finite differences (matMul, tanh, MSE)', (t) => {
  const loss: Loss = ([w1, w2]) => tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.matMul(x2, w1 as tfjs.Tensor2D)), w2 as tfjs.Tensor2D), targets2)));
  checkHvp(t, loss, [[6, 8], [8, 3]], 1e-3);
});

test('sigmoid, softmax and exp (logSumExp): H v matches finite differences (gradients that read their output, recomputed)', (t) => {
  const loss: Loss = ([w1, w2]) => {
    const z = tf.matMul(tf.sigmoid(tf.matMul(x2, w1 as tfjs.Tensor2D)), w2 as tfjs.Tensor2D);
    // Cross-entropy as tf.layers computes it (the log of a softmax), and as nn does (logSumExp).
    const layersCrossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(tf.softmax(targets2), tf.log(tf.softmax(z))), -1)));
    const nnCrossEntropy = tf.mean(tf.sub(tf.logSumExp(z, -1), tf.sum(tf.mul(tf.softmax(targets2), z), -1)));
    return tf.add(layersCrossEntropy, nnCrossEntropy) as tfjs.Scalar;
  };
  checkHvp(t, loss, [[6, 8], [8, 3]], 1e-3);
});

test('a tanh conv net, stride 1 "same" then stride 2 "valid": H v matches finite differences (Conv2DBackpropFilter twice differentiated)', (t) => {
  const loss: Loss = ([k1, k2]) => {
    const h = tf.tanh(tf.conv2d(images as tfjs.Tensor4D, k1 as tfjs.Tensor4D, 1, 'same'));
    return tf.mean(tf.square(tf.conv2d(h, k2 as tfjs.Tensor4D, 2, 'valid')));
  };
  checkHvp(t, loss, [[3, 3, 2, 4], [3, 3, 4, 3]], 1e-3);
});

test('a depthwise then pointwise conv net: H v matches finite differences (depthwise backprop kernels differentiated)', (t) => {
  const loss: Loss = ([depthwise, pointwise]) => {
    const h = tf.tanh(tf.depthwiseConv2d(images as tfjs.Tensor4D, depthwise as tfjs.Tensor4D, 1, 'same'));
    return tf.mean(tf.square(tf.conv2d(h, pointwise as tfjs.Tensor4D, 1, 'valid')));
  };
  checkHvp(t, loss, [[3, 3, 2, 2], [1, 1, 4, 3]], 1e-3);
});

test('max pooling 2×2 and average pooling 3×3 stride 2 "same" between convolutions: H v matches finite differences', (t) => {
  const loss: Loss = ([k1, k2]) => {
    const h = tf.maxPool(tf.tanh(tf.conv2d(images as tfjs.Tensor4D, k1 as tfjs.Tensor4D, 1, 'same')), 2, 2, 'valid');
    const a = tf.avgPool(tf.tanh(tf.conv2d(h, k2 as tfjs.Tensor4D, 1, 'same')), 3, 2, 'same');
    return tf.mean(tf.square(a));
  };
  // A window's maximum must not change hands between θ − εv and θ + εv: a small step.
  checkHvp(t, loss, [[3, 3, 2, 4], [3, 3, 4, 3]], 1e-3, 1e-3);
});

test('ELU layers: H v matches finite differences (EluGrad differentiated)', (t) => {
  const loss: Loss = ([w1, w2]) => tf.mean(tf.square(tf.matMul(tf.elu(tf.matMul(x2, w1 as tfjs.Tensor2D)), w2 as tfjs.Tensor2D)));
  checkHvp(t, loss, [[6, 8], [8, 3]], 1e-3);
});

test('one order more, through a conv and a max pool: the gradient of vᵀH(θ)v matches its finite differences along u', (t) => {
  const before = tf.memory().numTensors;
  const loss: Loss = ([k1, w]) => {
    const h = tf.maxPool(tf.tanh(tf.conv2d(images as tfjs.Tensor4D, k1 as tfjs.Tensor4D, 1, 'same')), 2, 2, 'valid');
    return tf.mean(tf.square(tf.matMul(tf.reshape(h, [3, -1]), w as tfjs.Tensor2D)));
  };
  const shapes = [
    [3, 3, 2, 4],
    [64, 2],
  ];
  const params = shapes.map((s, i) => normal(s, 0.5, 30 + i));
  const v = shapes.map((s, i) => normal(s, 1, 40 + i));
  const u = shapes.map((s, i) => normal(s, 1, 50 + i));
  const curvature = (p: Tensor[]) => tf.addN(hvpInside(loss, p, v).map((t, i) => tf.sum(tf.mul(t, v[i])))) as tfjs.Scalar;
  const third = tf.tidy(() => {
    const g = tf.grads((...p: Tensor[]) => curvature(p))(params);
    return tf.addN(g.map((t, i) => tf.sum(tf.mul(t, u[i])))).dataSync()[0];
  });
  const eps = 1e-3;
  const finite = tf.tidy(() => {
    const plus = curvature(params.map((p, i) => tf.add(p, tf.mul(u[i], eps)))).dataSync()[0];
    const minus = curvature(params.map((p, i) => tf.sub(p, tf.mul(u[i], eps)))).dataSync()[0];
    return (plus - minus) / (2 * eps);
  });
  tf.dispose([params, v, u]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  t.diagnostic(`${tf.getBackend()}: d/du vᵀHv by autodiff ${third.toPrecision(6)}, by finite differences ${finite.toPrecision(6)}`);
  assert.ok(Math.abs(third) > 1e-3, `the third derivative is not trivially zero (${third})`);
  assert.ok(Math.abs(third - finite) / Math.abs(finite) < 5e-3, `d/du vᵀHv: autodiff ${third}, finite differences ${finite}`);
});

/** H v as a differentiable function of θ (no tidy: the caller differentiates it). */
function hvpInside(loss: Loss, params: Tensor[], v: Tensor[]): Tensor[] {
  return tf.grads((...p: Tensor[]) => tf.addN(gradients(loss, p).map((g, i) => tf.sum(tf.mul(g, v[i])))) as tfjs.Scalar)(params);
}
