/**
 * The initializers whose meaning depends on which axis is which, checked by what they do in
 * InitLab's layout (output units last: dense [fanIn, fanOut], conv [...kernel, in, out]), not
 * only by their statistics: a dirac kernel convolved with an image returns the image, an eye
 * weight copies inputs to outputs, orthogonal's output-unit weight vectors are orthonormal, and
 * sparse zeroes what torch's sparse_ zeroes on the same layer.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as init from '../../../src/toolkit/init';

before(async () => {
  await initEngine();
});

function maxAbsDiff(a: tfjs.Tensor, b: tfjs.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Leaves tf.memory().numTensors as it found it. */
function noLeak(body: () => void): void {
  const before = tf.memory().numTensors;
  tf.tidy(body);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
}

test('orthogonal: the output units (last axis) get orthonormal weight vectors, for dense and conv shapes', () =>
  noLeak(() => {
    // [shape, gain, what is orthonormal]: columns are the output units of the flattened [rest, out].
    const cases: [number[], number, 'columns' | 'rows'][] = [
      [[64, 16], 1, 'columns'], // dense, fewer outputs than inputs: torch's rows of [16, 64]
      [[16, 64], 2, 'rows'], // dense, more outputs than inputs
      [[32, 32], Math.SQRT2, 'columns'],
      [[3, 3, 4, 8], 1, 'columns'], // conv: 8 filters of 3·3·4 = 36 weights, mutually orthonormal
      [[3, 3, 16, 8], 1.5, 'columns'],
      [[1, 1, 4, 8], 1, 'rows'], // 1×1 conv with more outputs than inputs
    ];
    for (const [shape, gain, which] of cases) {
      const w = init.orthogonal(shape, { gain, seed: 10 });
      assert.deepEqual(w.shape, shape);
      const cout = shape[shape.length - 1];
      const flat = w.reshape([-1, cout]);
      const gram = which === 'columns' ? tf.matMul(flat, flat, true, false) : tf.matMul(flat, flat, false, true);
      const n = which === 'columns' ? cout : flat.shape[0];
      const err = maxAbsDiff(gram, tf.mul(tf.eye(n), gain * gain));
      assert.ok(err < 1e-4 * gain * gain, `orthogonal ${shape}: the ${which} of [${flat.shape}] are orthonormal × ${gain} (error ${err})`);
    }
  }));

test('orthogonal of a conv kernel: each output channel’s filter is a unit vector, orthogonal to the others', () =>
  noLeak(() => {
    // The property a user wants from an orthogonal conv init, stated per output channel: the
    // 3×3×4 filter feeding channel i has norm 1 and is orthogonal to channel j's.
    const w = init.orthogonal([3, 3, 4, 8], { seed: 3 });
    const filters = tf.unstack(w, 3).map((f) => f.reshape([-1]));
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const dot = tf.sum(tf.mul(filters[i], filters[j])).dataSync()[0];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-4, `filter ${i} · filter ${j} = ${dot}`);
      }
    }
  }));

test('dirac: a same-padded convolution with it returns the image, channel i to channel i', () =>
  noLeak(() => {
    const x2 = tf.randomNormal([2, 6, 5, 4], 0, 1, 'float32', 1) as tfjs.Tensor4D;
    const conv2d = (shape: number[]) => tf.conv2d(x2, init.dirac(shape) as tfjs.Tensor4D, 1, 'same');
    assert.ok(maxAbsDiff(conv2d([3, 3, 4, 4]), x2) < 1e-6, '3×3, 4 → 4: the image itself');
    const wider = conv2d([3, 3, 4, 6]);
    assert.ok(maxAbsDiff(wider.slice([0, 0, 0, 0], [-1, -1, -1, 4]), x2) < 1e-6, '4 → 6: the first 4 output channels are the input');
    assert.equal(tf.max(tf.abs(wider.slice([0, 0, 0, 4], [-1, -1, -1, 2]))).dataSync()[0], 0, 'and the other 2 are zero');
    const x6 = tf.randomNormal([1, 5, 5, 6], 0, 1, 'float32', 2) as tfjs.Tensor4D;
    const narrower = tf.conv2d(x6, init.dirac([5, 5, 6, 4]) as tfjs.Tensor4D, 1, 'same');
    assert.ok(maxAbsDiff(narrower, x6.slice([0, 0, 0, 0], [-1, -1, -1, 4])) < 1e-6, '5×5, 6 → 4: input channels 0-3');

    const x1 = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 3) as tfjs.Tensor3D;
    assert.ok(maxAbsDiff(tf.conv1d(x1, init.dirac([5, 3, 3]) as tfjs.Tensor3D, 1, 'same'), x1) < 1e-6, '1-D conv');
    const x3 = tf.randomNormal([1, 4, 5, 4, 2], 0, 1, 'float32', 4) as tfjs.Tensor5D;
    assert.ok(maxAbsDiff(tf.conv3d(x3, init.dirac([3, 3, 3, 2, 2]) as tfjs.Tensor5D, 1, 'same'), x3) < 1e-6, '3-D conv');
  }));

test('dirac with groups: output channel g·(out/groups) + i copies input channel i of group g, as torch', () =>
  noLeak(() => {
    // A grouped 1-D conv, 2 groups: 4 input channels (2 per group), 6 outputs (3 per group).
    // tfjs has no grouped conv, so run each group's conv on its slice of channels.
    const w = init.dirac([3, 2, 6], { groups: 2 });
    assert.deepEqual(Array.from(init.dirac([3, 2, 6], 2).dataSync()), Array.from(w.dataSync()), 'positional groups, same kernel');
    const x = tf.randomNormal([1, 7, 4], 0, 1, 'float32', 5) as tfjs.Tensor3D;
    const y = tf.concat(
      [0, 1].map((g) => tf.conv1d(x.slice([0, 0, 2 * g], [-1, -1, 2]), w.slice([0, 0, 3 * g], [-1, -1, 3]) as tfjs.Tensor3D, 1, 'same')),
      2,
    );
    for (const g of [0, 1]) {
      for (const d of [0, 1]) assert.ok(maxAbsDiff(y.slice([0, 0, 3 * g + d], [-1, -1, 1]), x.slice([0, 0, 2 * g + d], [-1, -1, 1])) < 1e-6, `group ${g}: output ${3 * g + d} = input ${2 * g + d}`);
      assert.equal(tf.max(tf.abs(y.slice([0, 0, 3 * g + 2], [-1, -1, 1]))).dataSync()[0], 0, `group ${g}: its third output is zero`);
    }
    assert.throws(() => init.dirac([3, 2, 6], { groups: 4 }), /init.dirac: 6 output channels \(the last axis\) cannot be split into options.groups = 4 groups/);
  }));

test('eye: output unit i copies input unit i (x @ eye), as torch’s eye_ on the [out, in] weight', () =>
  noLeak(() => {
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 6) as tfjs.Tensor2D;
    const widened = tf.matMul(x, init.eye([4, 6]) as tfjs.Tensor2D);
    assert.ok(maxAbsDiff(widened.slice([0, 0], [-1, 4]), x) < 1e-7, 'outputs 0-3 are the inputs');
    assert.equal(tf.max(tf.abs(widened.slice([0, 4], [-1, 2]))).dataSync()[0], 0, 'outputs 4-5 are zero');
    assert.ok(maxAbsDiff(tf.matMul(x, init.eye([4, 3]) as tfjs.Tensor2D), x.slice([0, 0], [-1, 3])) < 1e-7, 'fewer outputs: the first inputs');
    // torch: y = W x with W = eye(out, in): the same map, so our weight is torch's transposed.
    assert.deepEqual(Array.from(init.eye([4, 6]).transpose().dataSync()), Array.from(tf.eye(6, 4).dataSync()));
  }));

test('sparse: each input unit (a row of [fanIn, fanOut]) has ⌈sparsity·fanOut⌉ zero weights, as torch’s sparse_ zeroes each column of its [out, in] weight', () =>
  noLeak(() => {
    const [fanIn, fanOut, sparsity, std] = [200, 50, 0.3, 0.5];
    const w = init.sparse([fanIn, fanOut], { sparsity, std, seed: 11 });
    // torch's own statement, on torch's layout: rows, cols = weight.shape (out, in);
    // num_zeros = ceil(sparsity * rows) in every column.
    const torchWeight = w.transpose();
    const [rows, cols] = torchWeight.shape;
    const v = torchWeight.dataSync();
    const zerosPerTorchColumn = Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => v[r * cols + c]).filter((x) => x === 0).length);
    assert.ok(zerosPerTorchColumn.every((z) => z === Math.ceil(sparsity * rows)), `zeros per torch column: ${[...new Set(zerosPerTorchColumn)]}`);
    // The same in our layout: every row (input unit) of [fanIn, fanOut] has ⌈0.3 · 50⌉ = 15 zeros,
    // while the zeros per output unit (column) vary around 0.3 · 200.
    const ours = w.dataSync();
    const perRow = Array.from({ length: fanIn }, (_, r) => Array.from(ours.subarray(r * fanOut, (r + 1) * fanOut)).filter((x) => x === 0).length);
    assert.ok(perRow.every((z) => z === 15));
    const perColumn = Array.from({ length: fanOut }, (_, c) => Array.from({ length: fanIn }, (_, r) => ours[r * fanOut + c]).filter((x) => x === 0).length);
    assert.ok(new Set(perColumn).size > 1, 'columns are not all cut to the same count');
    assert.equal(perColumn.reduce((a, b) => a + b, 0), 15 * fanIn);
    const nonzero = Array.from(ours).filter((x) => x !== 0);
    const sampleStd = Math.sqrt(nonzero.reduce((a, x) => a + x * x, 0) / nonzero.length);
    assert.ok(Math.abs(sampleStd / std - 1) < 5 / Math.sqrt(2 * nonzero.length), `non-zero std ${sampleStd}`);
    assert.deepEqual(Array.from(init.sparse([fanIn, fanOut], sparsity, std, { seed: 11 }).dataSync()), Array.from(ours), 'positional form, same weights');
  }));
