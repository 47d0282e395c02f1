// init.zerO (Zhao, Schäfer and Anandkumar, 2022, Algorithm 1): identities and Hadamard matrices,
// no randomness. Checked: the same weight whatever the seeds; the identity mapping for square
// layers; the partial identity for narrowing ones; Sylvester's Hadamard rows orthogonal; an
// expansion to a power of two keeps every input's norm exactly (and to other widths never
// raises it); a chain of such layers keeps the norm end to end; the centre tap of a kernel;
// nn.reinit and the arguments.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as init from '../../../../../src/toolkit/init';
import * as nn from '../../../../../src/toolkit/nn';
import { hadamardEntry } from '../../../../../src/toolkit/init/zerO';

before(async () => {
  await initEngine();
});

const norms = (t: tfjs.Tensor): number[] => tf.tidy(() => Array.from(tf.norm(t, 'euclidean', 1).dataSync()));

test('deterministic: the same shape gives the same weight whatever manualSeed and nn.reinit seeds say', () => {
  const before = tf.memory().numTensors;
  init.manualSeed(1);
  const a = init.zerO([12, 20]);
  init.manualSeed(99);
  const b = init.zerO([12, 20]);
  assert.deepEqual(a.dataSync(), b.dataSync());
  const net = nn.mlp([6, 8, 8, 2], { seed: 0 });
  const [one, two] = [nn.reinit(net, 'zerO', { seed: 1 }), nn.reinit(net, 'zerO', { seed: 2 })];
  one.linears().forEach((l, i) => assert.deepEqual(l.w.dataSync(), two.linears()[i].w.dataSync(), `layer ${i + 1}`));
  tf.dispose([a, b]);
  [net, one, two].forEach((m) => m.dispose());
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('a square layer is the identity mapping; a narrowing one passes its first `out` inputs (the partial identity)', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = tf.randomNormal([5, 16], 0, 1, 'float32', 3);
    const square = init.zerO([16, 16]);
    assert.equal(tf.max(tf.abs(tf.sub(tf.matMul(x, square), x))).dataSync()[0], 0, 'x · W = x exactly');
    const narrow = init.zerO([16, 6]);
    assert.equal(tf.max(tf.abs(tf.sub(tf.matMul(x, narrow), tf.slice(x, [0, 0], [5, 6])))).dataSync()[0], 0, 'x · W = x[:, :6] exactly');
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test("Sylvester's Hadamard matrix: entries ±1, rows orthogonal (H Hᵀ = n I) at orders 1 to 64, symmetric", () => {
  for (const order of [1, 2, 4, 8, 16, 32, 64]) {
    let worst = 0;
    for (let a = 0; a < order; a++) {
      for (let b = 0; b < order; b++) {
        assert.equal(hadamardEntry(a, b), hadamardEntry(b, a));
        let dot = 0;
        for (let k = 0; k < order; k++) dot += hadamardEntry(a, k) * hadamardEntry(b, k);
        worst = Math.max(worst, Math.abs(dot - (a === b ? order : 0)));
      }
    }
    assert.equal(worst, 0, `order ${order}`);
  }
});

test('an expanding layer: entries ±1/√(2^m); to a power of two it keeps every input\'s norm (W Wᵀ = I); to another width it never raises one; every output sees every input', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = tf.randomNormal([50, 12], 0, 1, 'float32', 4);
    const toPower = init.zerO([12, 32]);
    const values = Array.from(toPower.dataSync());
    assert.ok(values.every((v) => Math.abs(Math.abs(v) - 1 / Math.sqrt(32)) < 1e-7), 'every entry ±1/√32');
    const gram = tf.matMul(toPower, toPower, false, true);
    assert.ok(tf.max(tf.abs(tf.sub(gram, tf.eye(12)))).dataSync()[0] < 1e-6, 'W Wᵀ = I: rows orthonormal');
    const kept = norms(tf.matMul(x, toPower)).map((n, i) => n / norms(x)[i]);
    assert.ok(kept.every((r) => Math.abs(r - 1) < 1e-5), `‖xW‖/‖x‖ = 1 for every row (worst ${Math.max(...kept.map((r) => Math.abs(r - 1)))})`);
    // 12 → 20: the first 20 rows of H₃₂, scaled by 1/√32: a block of an orthogonal matrix.
    const toOther = init.zerO([12, 20]);
    const ratio = norms(tf.matMul(x, toOther)).map((n, i) => n / norms(x)[i]);
    assert.ok(ratio.every((r) => r <= 1 + 1e-6 && r > 0.5), `‖xW‖/‖x‖ in (0.5, 1]: ${Math.min(...ratio).toFixed(3)} to ${Math.max(...ratio).toFixed(3)}`);
    assert.ok(Array.from(toOther.dataSync()).every((v) => v !== 0), 'no dead output: every entry non-zero');
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('a linear chain 8 → 16 → 16 → 32 → 32 of ZerO layers keeps each input\'s norm exactly; a convolution holds the matrix at its centre tap', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = tf.randomNormal([20, 8], 0, 1, 'float32', 5);
    const widths = [8, 16, 16, 32, 32];
    const out = widths.slice(1).reduce((h, w, i) => tf.matMul(h, init.zerO([widths[i], w]) as tfjs.Tensor2D), x as tfjs.Tensor2D);
    const ratios = norms(out).map((n, i) => n / norms(x)[i]);
    assert.ok(ratios.every((r) => Math.abs(r - 1) < 1e-5), `end-to-end ‖f(x)‖/‖x‖: ${Math.min(...ratios)} to ${Math.max(...ratios)}`);
    const kernel = init.zerO([3, 3, 4, 8]);
    const centre = tf.reshape(tf.slice(kernel, [1, 1, 0, 0], [1, 1, 4, 8]), [4, 8]);
    assert.deepEqual(Array.from(centre.dataSync()), Array.from(init.zerO([4, 8]).dataSync()));
    assert.equal(tf.sum(tf.abs(kernel)).dataSync()[0], tf.sum(tf.abs(centre)).dataSync()[0], 'zero off the centre');
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('init.zerO checks its arguments: a shape of rank 2 to 5, nothing after it (it has no seed)', () => {
  assert.throws(() => init.zerO([4]), /init\.zerO: shape must be an array of 2 to 5 positive integers/);
  assert.throws(() => init.zerO([4, 0]), /init\.zerO: shape must be/);
  assert.throws(() => (init.zerO as (...a: unknown[]) => unknown)([4, 4], { seed: 1 }), /init\.zerO: ZerO is deterministic and takes the shape only/);
});
