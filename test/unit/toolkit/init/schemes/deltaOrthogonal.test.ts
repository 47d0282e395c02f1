// init.deltaOrthogonal (Xiao et al., 2018): zero but the centre tap, where an orthogonal matrix
// times the gain sits. The paper's defining property: a deep linear CNN of such layers has an
// input–output Jacobian whose singular values are all 1. Here a 32-layer linear conv net on
// 4 × 4 × 3 inputs: its Jacobian (48 inputs × 64 outputs) by autodiff, one backward pass for all
// rows; JᵀJ = I to 1e-4 means every singular value is 1. Kaiming-normal kernels on the same net
// spread them widely, for contrast. Then the structure, the out < in projection, the dense
// fallback, nn.reinit, the arguments and the tensor count.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as init from '../../../../../src/toolkit/init';
import * as nn from '../../../../../src/toolkit/nn';

before(async () => {
  await initEngine();
});

const rows = (t: tfjs.Tensor): number[][] => t.arraySync() as number[][];

/**
 * The Jacobian of a linear conv stack at a [1, 4, 4, c] input, as a [64, 48] matrix (outputs ×
 * inputs): the gradient of ⟨f(x_j), e_j⟩ for each output unit j, the 64 taken at once as a batch.
 */
function jacobian(kernels: tfjs.Tensor4D[], side: number, inChannels: number): tfjs.Tensor2D {
  return tf.tidy(() => {
    const f = (x: tfjs.Tensor) => kernels.reduce((h, k) => tf.conv2d(h as tfjs.Tensor4D, k, 1, 'same'), x);
    const outChannels = kernels[kernels.length - 1].shape[3];
    const outputs = side * side * outChannels;
    const x = tf.zeros([outputs, side, side, inChannels]);
    const seeds = tf.reshape(tf.eye(outputs), [outputs, side, side, outChannels]);
    const rowsOfJ = tf.grad((t: tfjs.Tensor) => tf.sum(tf.mul(f(t), seeds)))(x);
    return tf.reshape(rowsOfJ, [outputs, side * side * inChannels]) as tfjs.Tensor2D;
  });
}

/**
 * JᵀJ's largest distance from the identity, and the mean and the coefficient of variation of the
 * squared singular values (the eigenvalues of JᵀJ), from its traces in float64.
 */
function spectrumOf(j: tfjs.Tensor2D): { offIdentity: number; meanSquare: number; spread: number } {
  const product = tf.matMul(j, j, true, false);
  const gram = rows(product);
  product.dispose();
  const n = gram.length;
  let offIdentity = 0;
  let trace = 0;
  let traceOfSquare = 0;
  gram.forEach((row, a) =>
    row.forEach((v, b) => {
      offIdentity = Math.max(offIdentity, Math.abs(v - (a === b ? 1 : 0)));
      if (a === b) trace += v;
      traceOfSquare += v * v;
    }),
  );
  const meanSquare = trace / n;
  return { offIdentity, meanSquare, spread: Math.sqrt(Math.max(0, traceOfSquare / n - meanSquare ** 2)) / meanSquare };
}

test('a 32-layer linear conv net of delta-orthogonal kernels (3 → 4 channels, then 4 → 4): every singular value of its Jacobian is 1 within 1e-4; Kaiming normal spreads them', (t) => {
  const before = tf.memory().numTensors;
  const draw = (scheme: 'delta' | 'kaiming') =>
    Array.from({ length: 32 }, (_, i) => {
      const shape = [3, 3, i === 0 ? 3 : 4, 4];
      return (scheme === 'delta' ? init.deltaOrthogonal(shape, { seed: i }) : init.kaimingNormal(shape, { nonlinearity: 'linear', seed: i })) as tfjs.Tensor4D;
    });
  const delta = draw('delta');
  const j = jacobian(delta, 4, 3);
  const isometry = spectrumOf(j);
  const kaiming = draw('kaiming');
  const jk = jacobian(kaiming, 4, 3);
  const spread = spectrumOf(jk);
  tf.dispose([delta, j, kaiming, jk]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  t.diagnostic(`delta-orthogonal: max |JᵀJ − I| ${isometry.offIdentity.toExponential(2)}, mean σ² ${isometry.meanSquare.toFixed(6)}, σ² std/mean ${isometry.spread.toExponential(2)}; Kaiming normal: mean σ² ${spread.meanSquare.toExponential(2)}, σ² std/mean ${spread.spread.toFixed(2)}`);
  // Every eigenvalue of JᵀJ within 1e-4 of 1 (Gershgorin: the diagonal within it, each row's off-diagonal sum under 48 · 1e-6).
  assert.ok(isometry.offIdentity < 1e-6, `JᵀJ is ${isometry.offIdentity} from the identity`);
  assert.ok(Math.abs(isometry.meanSquare - 1) < 1e-5 && isometry.spread < 1e-4, `mean σ² ${isometry.meanSquare}, std/mean ${isometry.spread}`);
  // Kaiming normal at gain 1 loses the signal at the image's borders and spreads what is left.
  assert.ok(spread.meanSquare < 0.1 && spread.spread > 1, `Kaiming: mean σ² ${spread.meanSquare}, std/mean ${spread.spread}`);
});

test('the kernel is zero but its centre tap, which is an orthogonal [in, out] matrix times the gain: rows orthonormal when out ≥ in, columns when out < in', () => {
  const before = tf.memory().numTensors;
  for (const [cin, cout] of [
    [4, 8],
    [6, 6],
    [8, 4],
  ]) {
    const gain = 1.7;
    const k = init.deltaOrthogonal([3, 5, cin, cout], gain, { seed: 3 });
    const values = k.arraySync() as number[][][][];
    let offCentre = 0;
    values.forEach((row, i) => row.forEach((tap, jTap) => (i === 1 && jTap === 2 ? 0 : tap.flat().forEach((v) => (offCentre = Math.max(offCentre, Math.abs(v)))))));
    assert.equal(offCentre, 0, `${cin}→${cout}: every tap but the centre (1, 2) is zero`);
    const centre = tf.tensor2d(values[1][2]);
    // out ≥ in: H Hᵀ = gain² I (x ↦ xH keeps norms); out < in: Hᵀ H = gain² I.
    const gram = cout >= cin ? tf.matMul(centre, centre, false, true) : tf.matMul(centre, centre, true, false);
    const size = Math.min(cin, cout);
    const off = tf.tidy(() => tf.max(tf.abs(tf.sub(gram, tf.mul(tf.eye(size), gain * gain)))).dataSync()[0]);
    assert.ok(off < 1e-5, `${cin}→${cout}: the centre's Gram matrix is ${off} from gain² I`);
    tf.dispose([k, centre, gram]);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('a dense [in, out] weight falls back to init.orthogonal with the same gain and seed; 3-D and 5-D kernels put the matrix at their centre; the same seed gives the same kernel', () => {
  const before = tf.memory().numTensors;
  const dense = init.deltaOrthogonal([20, 10], { gain: 2, seed: 7 });
  const orthogonal = init.orthogonal([20, 10], { gain: 2, seed: 7 });
  assert.deepEqual(dense.dataSync(), orthogonal.dataSync());
  const conv1d = init.deltaOrthogonal([5, 3, 3], { seed: 1 });
  const centre1d = tf.tidy(() => tf.slice(conv1d, [2, 0, 0], [1, 3, 3]).reshape([3, 3]));
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.matMul(centre1d as tfjs.Tensor2D, centre1d as tfjs.Tensor2D, false, true), tf.eye(3)))).dataSync()[0]) < 1e-5, 'conv1d centre orthogonal');
  assert.ok(Math.abs(tf.tidy(() => tf.sum(tf.abs(conv1d)).dataSync()[0]) - tf.tidy(() => tf.sum(tf.abs(centre1d)).dataSync()[0])) < 1e-5, 'conv1d: all the weight is at the centre tap');
  const conv3d = init.deltaOrthogonal([3, 3, 3, 2, 2], { seed: 1 });
  assert.deepEqual(conv3d.shape, [3, 3, 3, 2, 2]);
  assert.ok(Math.abs(tf.tidy(() => tf.sum(tf.square(conv3d)).dataSync()[0]) - 2) < 1e-5, 'conv3d: a 2 × 2 orthogonal matrix, squared norm 2');
  const again = init.deltaOrthogonal([3, 3, 4, 4], { seed: 9 });
  const same = init.deltaOrthogonal([3, 3, 4, 4], 1, { seed: 9 });
  assert.deepEqual(again.dataSync(), same.dataSync());
  tf.dispose([dense, orthogonal, conv1d, centre1d, conv3d, again, same]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test("nn.reinit(cnn, 'deltaOrthogonal') draws every convolution delta-orthogonal with ReLU's gain √2, and the Linear head orthogonal", () => {
  const cnn = nn.cnn({ input: [8, 8, 1], channels: [4, 8], strides: [1, 2], classes: 3, seed: 0 });
  const before = tf.memory().numTensors;
  const fresh = nn.reinit(cnn, 'deltaOrthogonal', { seed: 1 });
  const convs = fresh.layers.filter((m): m is nn.Conv2d => m instanceof nn.Conv2d);
  assert.equal(convs.length, 2);
  for (const conv of convs) {
    const [kh, kw, cin, cout] = conv.w.shape as number[];
    const centre = tf.tidy(() => tf.reshape(tf.slice(conv.w, [1, 1, 0, 0], [1, 1, cin, cout]), [cin, cout]) as tfjs.Tensor2D);
    const total = tf.tidy(() => tf.sum(tf.square(conv.w)).dataSync()[0]);
    const atCentre = tf.tidy(() => tf.sum(tf.square(centre)).dataSync()[0]);
    assert.ok(Math.abs(total - atCentre) < 1e-6, `${conv.name}: nothing off the centre of its ${kh}×${kw} kernel`);
    assert.ok(Math.abs(atCentre - 2 * cin) < 1e-4, `${conv.name}: ‖centre‖² = gain² · ${cin} = ${2 * cin}, got ${atCentre}`);
    centre.dispose();
  }
  // The head [8, 3]: orthonormal columns times √2, as init.orthogonal draws a dense weight.
  const head = fresh.linears()[0];
  const headGram = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.matMul(head.w as tfjs.Tensor2D, head.w as tfjs.Tensor2D, true, false), tf.mul(tf.eye(3), 2)))).dataSync()[0]);
  assert.ok(headGram < 1e-5, `the Linear head's wᵀw is ${headGram} from 2·I`);
  fresh.dispose();
  assert.equal(tf.memory().numTensors, before, 'the copy freed whole');
  cnn.dispose();
});

test('init.deltaOrthogonal checks its arguments and names the one that is wrong', () => {
  const before = tf.memory().numTensors;
  assert.throws(() => init.deltaOrthogonal([9]), /init\.deltaOrthogonal: shape must be an array of 2 to 5 positive integers/);
  assert.throws(() => init.deltaOrthogonal([1, 1, 1, 1, 2, 2]), /shape must be an array of 2 to 5/);
  assert.throws(() => init.deltaOrthogonal([3, 3, 2, 2], { gain: Number.NaN }), /options\.gain must be a finite number/);
  assert.throws(() => init.deltaOrthogonal([3, 3, 2, 2], { gian: 2 } as never), /unknown option "gian"/);
  assert.throws(() => init.deltaOrthogonal([3, 3, 2, 2], 1, { seed: 'a' } as never), /options\.seed must be a finite number/);
  assert.equal(tf.memory().numTensors, before, 'nothing made on the way to an error');
});
