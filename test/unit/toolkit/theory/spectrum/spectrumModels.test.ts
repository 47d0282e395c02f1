// The spectrum of the models users have: a functional tf.layers model with a nested Sequential,
// BatchNormalization and Dropout; an nn network with BatchNorm; models with several outputs or
// inputs; a model with an op TensorFlow.js cannot differentiate twice. Each Jacobian is checked
// against one written out in float64 (BatchNorm with the examples' batch statistics held fixed,
// dropout off), and each model is left as it was.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import { spectrum } from '../../../../../src/toolkit/theory/spectrum/spectrum';
import { singularValues } from '../../../../../src/toolkit/theory/spectrum/symmetricEigen';

before(async () => {
  await initEngine();
});

const EPS = 1e-3; // tf.layers' BatchNormalization epsilon

/** Row-major [rows, cols] values in float64. */
const matrix = (t: tfjs.Tensor) => Float64Array.from(t.dataSync());

/**
 * x ↦ W2ᵀ-side of: h = xW1 + b1, a = tanh(h), n = γ (a − μ)/√(v + ε) + β, out = nW2 + b2, with μ
 * and v the batch statistics of a over the examples, held fixed: J = W2ᵀ diag(γ/√(v + ε)) D W1ᵀ.
 */
function tanhBatchNormJacobians(w1: Float64Array, b1: Float64Array, w2: Float64Array, xs: number[][], eps: number, normalizeAfterTanh: boolean): { values: Float64Array[] } {
  const n = xs[0].length;
  const hidden = b1.length;
  const m = w2.length / hidden;
  const pre = xs.map((x) => Float64Array.from({ length: hidden }, (_, j) => b1[j] + x.reduce((s, xi, i) => s + xi * w1[i * hidden + j], 0)));
  const normalized = pre.map((h) => (normalizeAfterTanh ? h.map(Math.tanh) : h));
  const mean = Float64Array.from({ length: hidden }, (_, j) => normalized.reduce((s, a) => s + a[j], 0) / xs.length);
  const variance = Float64Array.from({ length: hidden }, (_, j) => normalized.reduce((s, a) => s + (a[j] - mean[j]) ** 2, 0) / xs.length);
  return {
    values: pre.map((h) => {
      const scale = Float64Array.from({ length: hidden }, (_, j) => {
        const bn = 1 / Math.sqrt(variance[j] + eps);
        // tanh then BatchNorm: both scale unit j. BatchNorm then tanh: tanh' at the normalized value.
        const tanhSlope = normalizeAfterTanh ? 1 - Math.tanh(h[j]) ** 2 : 1 - Math.tanh((h[j] - mean[j]) * bn) ** 2;
        return bn * tanhSlope;
      });
      const jacobian = new Float64Array(m * n);
      for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) for (let j = 0; j < hidden; j++) jacobian[r * n + i] += w2[j * m + r] * scale[j] * w1[i * hidden + j];
      return singularValues(jacobian, m, n);
    }),
  };
}

test('a functional tf.layers model with a nested Sequential, BatchNormalization and Dropout: the Jacobian with the batch statistics held fixed and dropout off; moving statistics left as they were', () => {
  const inner = tf.sequential({ name: 'body', layers: [tf.layers.dense({ inputShape: [7], units: 12, activation: 'tanh' }), tf.layers.batchNormalization(), tf.layers.dropout({ rate: 0.5 })] });
  const input = tf.input({ shape: [7] });
  const output = tf.layers.dense({ units: 5, name: 'head' }).apply(inner.apply(input)) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const x = tf.randomNormal([6, 7], 0, 1, 'float32', 1);
  const moving = () => inner.layers[1].getWeights().slice(2).map((w) => Array.from(w.dataSync()));
  const movingBefore = moving();
  const before = tf.memory().numTensors;
  const report = spectrum(model, x, { seed: 0 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.deepEqual(moving(), movingBefore, 'the moving statistics are put back');
  const [w1, b1] = inner.layers[0].getWeights().map(matrix);
  const [w2] = model.getLayer('head').getWeights().map(matrix);
  const want = tanhBatchNormJacobians(w1, b1, w2, x.arraySync() as number[][], EPS, true).values;
  let worst = 0;
  report.perExample.forEach((e, k) => e.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[k][i]) / want[k][0]))));
  console.log(`    nested tf.layers with BatchNorm: worst relative deviation ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5, `${worst}`);
  assert.deepEqual(
    report.layers.map((l) => l.name),
    ['input', 'body/dense_' + inner.layers[0].name.split('_').pop(), `body/${inner.layers[1].name}`, `body/${inner.layers[2].name}`, 'head'],
  );
  x.dispose();
  model.dispose();
});

test('an nn network with BatchNorm: the Jacobian with the batch statistics held fixed; running statistics and the training mode left as they were', () => {
  const w1 = tf.randomNormal([5, 9], 0, 0.6, 'float32', 2);
  const w2 = tf.randomNormal([9, 4], 0, 0.4, 'float32', 3);
  const norm = new nn.BatchNorm(9);
  const model = new nn.Sequential([new nn.Linear(w1, tf.zeros([9])), norm, new nn.Tanh(), new nn.Linear(w2, tf.zeros([4]))]);
  // Running statistics that are not the batch's, to see that they are not used and stay.
  const runningMean = tf.fill([9], 0.3);
  const runningVar = tf.fill([9], 2);
  norm.reset();
  tf.dispose([norm.runningMean, norm.runningVar]);
  norm.runningMean = runningMean;
  norm.runningVar = runningVar;
  const x = tf.randomNormal([6, 5], 0, 1, 'float32', 4);
  const before = tf.memory().numTensors;
  const report = spectrum(model, x, { seed: 0 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.equal(norm.training, true, 'back in training mode');
  assert.deepEqual(Array.from(norm.runningMean.dataSync()), Array(9).fill(Math.fround(0.3)));
  assert.deepEqual(Array.from(norm.runningVar.dataSync()), Array(9).fill(2));
  const want = tanhBatchNormJacobians(matrix(w1), new Float64Array(9), matrix(w2), x.arraySync() as number[][], 1e-5, false).values;
  let worst = 0;
  report.perExample.forEach((e, k) => e.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[k][i]) / want[k][0]))));
  console.log(`    nn with BatchNorm: worst relative deviation ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5, `${worst}`);
  assert.deepEqual(
    report.layers.map((l) => l.name),
    ['input', 'Linear(5→9)', 'BatchNorm(9)', 'Tanh', 'Linear(9→4)'],
  );
  x.dispose();
  model.dispose();
});

// Bilinear, not nearest: tfjs 4.22's CPU kernel for ResizeNearestNeighborGrad reads the wrong
// rows of dy for every example after the first, so the exact route would be wrong on the CPU backend.
test('a model with an op TensorFlow.js cannot differentiate twice (bilinear upSampling2d) estimates with central-difference Jacobian-vector products, says so, and agrees with the exact route', () => {
  const model = tf.sequential({
    layers: [
      tf.layers.upSampling2d({ inputShape: [4, 4, 2], size: [2, 2], interpolation: 'bilinear' }),
      tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 40, kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }),
    ],
  });
  const x = tf.randomNormal([3, 4, 4, 2], 0, 1, 'float32', 7);
  const before = tf.memory().numTensors;
  const exact = spectrum(model, x, { method: 'exact', seed: 0 });
  const estimate = spectrum(model, x, { method: 'estimate', seed: 0, probes: 16 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind, the failed second derivative included');
  assert.match(estimate.methodText, /central differences.*no second derivative for ResizeBilinearGrad/);
  const e = exact.summary;
  const s = estimate.summary;
  console.log(`    central differences: max σ ${s.max!.toFixed(5)} (exact ${e.max!.toFixed(5)}), mean σ² ${s.meanSquared!.toFixed(4)} ± ${s.meanSquaredError!.toFixed(4)} (exact ${e.meanSquared!.toFixed(4)})`);
  assert.ok(Math.abs(s.max! - e.max!) < 0.01 * e.max!);
  assert.ok(Math.abs(s.meanSquared! - e.meanSquared!) < 3 * s.meanSquaredError!);
  x.dispose();
  model.dispose();
});

// Nearest upsampling of a 2 × 2 image to 256 × 256, then 32 × 32 average pooling: each output is
// one input pixel's value, each pixel feeds 16 outputs, so JᵀJ = 16 I and every σ is 4, for every
// example. The 256 × 256 layer makes a chunk of rows small: the central differences that take
// over after the first chunk's failed second derivative go in larger chunks, which once skipped
// the rows in between and left those examples' Jacobians at 0.
test('central differences after a failed second derivative cover every row: a linear upsampling and pooling model whose every σ is 4, in every example', () => {
  const model = tf.sequential({
    layers: [
      tf.layers.upSampling2d({ inputShape: [2, 2, 1], size: [128, 128], interpolation: 'nearest' }),
      tf.layers.averagePooling2d({ poolSize: 32 }),
      tf.layers.flatten(),
    ],
  });
  const x = tf.randomNormal([16, 2, 2, 1], 0, 1, 'float32', 9);
  const before = tf.memory().numTensors;
  const report = spectrum(model, x, { examples: 16, seed: 0 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.match(report.methodText, /64 × 4 Jacobian from 4 Jacobian-vector products \(by central differences.*ResizeNearestNeighborGrad\)/);
  const all = report.perExample.flatMap((e) => e.values);
  const worst = Math.max(...all.map((v) => Math.abs(v - 4)));
  console.log(`    upsampling and pooling, 16 examples: every σ within ${worst.toExponential(2)} of 4`);
  assert.equal(all.length, 16 * 4);
  // Central differences divide the model's float32 error by the step, 1e-3 of the input: the
  // pooling's sums of 1,024 values put that near 2.5e-3 relative here.
  assert.ok(worst < 0.01 * 4, `worst |σ − 4| = ${worst}`);
  x.dispose();
  model.dispose();
});

test('a model with two outputs takes options.to; one with two inputs, or with integer inputs, is refused naming why', () => {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({ units: 8, activation: 'relu', name: 'trunk' }).apply(input) as tfjs.SymbolicTensor;
  const a = tf.layers.dense({ units: 3, name: 'a' }).apply(hidden) as tfjs.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: 'b' }).apply(hidden) as tfjs.SymbolicTensor;
  const twoOutputs = tf.model({ inputs: input, outputs: [a, b] });
  const x = tf.randomNormal([2, 6], 0, 1, 'float32', 8);
  assert.throws(() => spectrum(twoOutputs, x), /spectrum: the model has 2 outputs \(a, b\); give options.to/);
  const before = tf.memory().numTensors;
  const toB = spectrum(twoOutputs, x, { to: 'b', seed: 0 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(toB.outputSize, 2);
  assert.deepEqual(toB.layers.map((l) => l.name), ['input', 'trunk', 'b'], 'only the layers b depends on');

  const i1 = tf.input({ shape: [3] });
  const i2 = tf.input({ shape: [3] });
  const twoInputs = tf.model({ inputs: [i1, i2], outputs: tf.layers.add().apply([i1, i2]) as tfjs.SymbolicTensor });
  assert.throws(() => spectrum(twoInputs, tf.zeros([1, 3])), /spectrum: the model has 2 inputs/);
  const tokens = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5, inputShape: [5], dtype: 'int32' } as never), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
  assert.throws(() => spectrum(tokens, tf.zeros([1, 5])), /spectrum: the model's input is int32/);
  tf.dispose(x);
  twoOutputs.dispose();
  twoInputs.dispose();
  tokens.dispose();
});
