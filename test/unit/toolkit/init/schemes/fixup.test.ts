// init.fixup (Zhang, Dauphin and Ma, 2019) on residual networks without normalization: the
// classification layer and each branch's last layer zero, the branches' other layers scaled by
// L^(−1/(2m−2)). The paper's properties, measured: the signal reaching the output layer has the
// same variance at 4 and 32 blocks (He init without Fixup: it grows about 2× per block); a
// 200-block network stays finite and trains (He: NaN at the first pass); five SGD steps move the
// features about as much at 32 blocks as at 4 (without the L scaling, 15× more). Then tf.layers
// models with Add merges (identity and projection shortcuts), nn.reinit on a residual CNN, the
// refusal of a model with no branch, the arguments, and the tensor count.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as init from '../../../../../src/toolkit/init';
import * as nn from '../../../../../src/toolkit/nn';
import { sgdUpdate } from '../../../../../src/toolkit/nn/sgdUpdate';

before(async () => {
  await initEngine();
});

/** 16 → width, `depth` blocks x + Linear(ReLU(Linear(x))), then → 1; He-normal weights, zero biases. */
function residualMlp(depth: number, seed: number, width = 32): nn.Model {
  let s = seed * 1000;
  const linear = (a: number, b: number) => new nn.Linear(init.kaimingNormal([a, b], { seed: s++ }), tf.zeros([b]));
  const layers: nn.Module[] = [linear(16, width)];
  for (let i = 0; i < depth; i++) layers.push(new nn.Residual([linear(width, width), new nn.ReLU(), linear(width, width)]));
  layers.push(linear(width, 1));
  return new nn.Model(layers, new nn.MSE());
}

/** The variance of what reaches the output layer (its input) for x. */
function signalAtOutput(model: nn.Model, x: tfjs.Tensor): number {
  model.predict(x);
  const variance = tf.tidy(() => tf.moments(model.layers[model.layers.length - 1].inp!).variance.dataSync()[0]);
  model.release();
  return variance;
}

const values = (t: tfjs.Tensor) => Array.from(t.dataSync());

test('the output layer and each branch\'s last layer are zero, the branches\' first layers scaled by L^(−1/2) (m = 2), the rest untouched; the report says what was done', () => {
  const model = residualMlp(9, 1);
  const before = tf.memory().numTensors;
  const blocks = model.layers.filter((m): m is nn.Residual => m instanceof nn.Residual);
  const firstBefore = blocks.map((b) => values((b.body[0] as nn.Linear).w));
  const stemBefore = values(model.linears()[0].w);
  const report = init.fixup(model);
  assert.equal(tf.memory().numTensors, before, 'the old weights freed');
  assert.equal(report.branches.length, 9);
  assert.ok(report.branches.every((b) => Math.abs(b.scale - 1 / 3) < 1e-12 && b.layers.length === 2), 'L = 9, m = 2: each branch scaled by 9^(−1/2)');
  assert.deepEqual(report.zeroed.length, 10, 'nine branch ends and the output layer');
  assert.match(report.notAdded, /scalar multipliers \(1\) and biases \(0\) are not added/);
  blocks.forEach((b, i) => {
    const [first, , last] = b.body as [nn.Linear, nn.ReLU, nn.Linear];
    assert.ok(values(last.w).every((v) => v === 0) && values(last.b).every((v) => v === 0), `block ${i + 1}: last layer zero`);
    values(first.w).forEach((v, k) => assert.ok(Math.abs(v - firstBefore[i][k] / 3) < 1e-6, `block ${i + 1}: first layer is the He draw / 3`));
  });
  const head = model.linears()[model.linears().length - 1];
  assert.ok(values(head.w).every((v) => v === 0), 'the output layer zero');
  assert.deepEqual(values(model.linears()[0].w), stemBefore, 'the stem keeps its He draw');
  model.dispose();
});

test('what reaches the output layer has the same variance at 4 and 32 blocks (ratio 1 within 1e-6); with He init alone it grows by orders of magnitude', (t) => {
  const x = tf.randomNormal([256, 16], 0, 1, 'float32', 3);
  const before = tf.memory().numTensors;
  const measured = [4, 32].map((depth) => {
    const model = residualMlp(depth, 2);
    const he = signalAtOutput(model, x);
    init.fixup(model);
    const fixed = signalAtOutput(model, x);
    model.dispose();
    return { he, fixed };
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  const fixupRatio = measured[1].fixed / measured[0].fixed;
  const heRatio = measured[1].he / measured[0].he;
  t.diagnostic(`variance reaching the output layer, 32 blocks / 4 blocks: Fixup ${fixupRatio}, He alone ${heRatio.toExponential(2)}`);
  assert.ok(Math.abs(fixupRatio - 1) < 1e-6, `Fixup: ${fixupRatio}`);
  assert.ok(heRatio > 1e4, `He alone: ${heRatio}`);
  x.dispose();
});

test('a 100-block residual MLP without normalization: with He init alone the loss overflows at the first pass; with Fixup the output, the loss and five SGD steps stay finite and the loss falls', (t) => {
  const x = tf.randomNormal([64, 16], 0, 1, 'float32', 4);
  const y = tf.randomNormal([64, 1], 0, 1, 'float32', 5);
  const model = residualMlp(100, 3);
  const heLoss = model.forward(x, y).dataSync()[0];
  model.release();
  assert.ok(!Number.isFinite(heLoss), `He init alone: the loss overflows (${heLoss})`);
  init.fixup(model);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    losses.push(model.forward(x, y).dataSync()[0]);
    model.backward({ dataGrad: false });
    sgdUpdate(model, 0.01);
  }
  t.diagnostic(`Fixup, 100 blocks, SGD lr 0.01: losses ${losses.map((l) => l.toFixed(4)).join(', ')}`);
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses[4] < losses[0], 'the loss falls');
  model.dispose();
  tf.dispose([x, y]);
});

test('five SGD steps (lr 0.05) move the features as much at 32 blocks as at 4 within a factor of 2.5; without the L^(−1/(2m−2)) scaling, 32 blocks move more than 5× as much', (t) => {
  const x = tf.randomNormal([64, 16], 0, 1, 'float32', 1);
  const y = tf.randomNormal([64, 1], 0, 1, 'float32', 2);
  const before = tf.memory().numTensors;
  const featureMove = (depth: number, scaled: boolean) => {
    const model = residualMlp(depth, 1);
    const report = init.fixup(model);
    if (!scaled) {
      // Undo the scaling, keep the zeros: only L's factor differs.
      for (const block of model.layers) if (block instanceof nn.Residual) (block.body[0] as nn.Linear).setParameters(tf.div((block.body[0] as nn.Linear).w, report.branches[0].scale), tf.clone((block.body[0] as nn.Linear).b));
    }
    const head = model.layers[model.layers.length - 1];
    model.predict(x);
    const start = tf.clone(head.inp!);
    model.release();
    for (let step = 0; step < 5; step++) {
      model.forward(x, y);
      model.backward({ dataGrad: false });
      sgdUpdate(model, 0.05);
    }
    model.predict(x);
    const move = tf.tidy(() => tf.norm(tf.sub(head.inp!, start)).dataSync()[0]);
    start.dispose();
    model.dispose();
    return move;
  };
  const fixup = featureMove(32, true) / featureMove(4, true);
  const unscaled = featureMove(32, false) / featureMove(4, false);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  t.diagnostic(`feature move after 5 steps, 32 blocks / 4 blocks: Fixup ${fixup.toFixed(2)}, without the L scaling ${unscaled.toFixed(2)}`);
  assert.ok(fixup > 0.4 && fixup < 2.5, `Fixup: ${fixup}`);
  assert.ok(!(unscaled < 5), `without the scaling: ${unscaled}`);
  tf.dispose([x, y]);
});

/** Dense 16 → 32, two identity blocks, a projection block 32 → 24, then Dense → 1; MSE. */
function layersResNet(): tfjs.LayersModel {
  const input = tf.input({ shape: [16] });
  let h = tf.layers.dense({ units: 32, activation: 'relu', name: 'stem' }).apply(input) as tfjs.SymbolicTensor;
  for (const k of [1, 2]) {
    const a = tf.layers.dense({ units: 32, activation: 'relu', name: `b${k}a` }).apply(h) as tfjs.SymbolicTensor;
    const b = tf.layers.dense({ units: 32, name: `b${k}b` }).apply(a) as tfjs.SymbolicTensor;
    h = tf.layers.add({ name: `add${k}` }).apply([h, b]) as tfjs.SymbolicTensor;
  }
  const shortcut = tf.layers.dense({ units: 24, name: 'projection' }).apply(h) as tfjs.SymbolicTensor;
  const a = tf.layers.dense({ units: 24, activation: 'relu', name: 'b3a' }).apply(h) as tfjs.SymbolicTensor;
  const b = tf.layers.dense({ units: 24, name: 'b3b' }).apply(a) as tfjs.SymbolicTensor;
  const joined = tf.layers.add({ name: 'add3' }).apply([shortcut, b]) as tfjs.SymbolicTensor;
  const output = tf.layers.dense({ units: 1, name: 'head' }).apply(joined) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

test('a tf.layers model: each Add\'s branch found (identity and projection shortcuts), its last Dense and the head zeroed, its first Dense scaled by 3^(−1/2), the projection and the stem untouched', () => {
  const model = layersResNet();
  const kernel = (name: string) => values(model.getLayer(name).getWeights()[0]);
  const beforeValues = Object.fromEntries(['stem', 'b1a', 'b2a', 'b3a', 'projection'].map((n) => [n, kernel(n)]));
  const before = tf.memory().numTensors;
  const report = init.fixup(model);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.deepEqual(
    report.branches.map((b) => b.layers),
    [
      ['b1a', 'b1b'],
      ['b2a', 'b2b'],
      ['b3a', 'b3b'],
    ],
  );
  assert.deepEqual(report.zeroed, ['b1b', 'b2b', 'b3b', 'head']);
  for (const name of ['b1b', 'b2b', 'b3b', 'head']) assert.ok(model.getLayer(name).getWeights().every((w) => values(w).every((v) => v === 0)), `${name} zero`);
  for (const name of ['b1a', 'b2a', 'b3a']) kernel(name).forEach((v, k) => assert.ok(Math.abs(v - beforeValues[name][k] / Math.sqrt(3)) < 1e-6, `${name} scaled by 1/√3`));
  assert.deepEqual(kernel('projection'), beforeValues.projection, 'the projection shortcut keeps its draw');
  assert.deepEqual(kernel('stem'), beforeValues.stem);
  model.dispose();
});

test("nn.reinit(residual CNN, 'fixup') draws a Kaiming copy and zeroes each residual block's last convolution and the head; the original keeps its weights", () => {
  const cnn = nn.cnn({ input: [8, 8, 1], channels: [4, 8], strides: [1, 2], residual: true, classes: 3, seed: 0 });
  const original = cnn.parameters().map(values);
  const before = tf.memory().numTensors;
  const fresh = nn.reinit(cnn, 'fixup', { seed: 1 });
  const blocks = fresh.layers.filter((m): m is nn.Residual => m instanceof nn.Residual);
  assert.equal(blocks.length, 2);
  for (const block of blocks) {
    const convs = block.body.filter((m): m is nn.Conv2d => m instanceof nn.Conv2d);
    assert.ok(values(convs[1].w).every((v) => v === 0), 'the branch ends in zero');
    assert.ok(values(convs[0].w).some((v) => v !== 0), 'its first convolution is drawn');
  }
  assert.ok(values(fresh.linears()[0].w).every((v) => v === 0), 'the head zero');
  fresh.dispose();
  assert.equal(tf.memory().numTensors, before, 'the copy freed whole');
  assert.deepEqual(cnn.parameters().map(values), original, 'the original untouched');
  cnn.dispose();
});

test('a model without residual branches is refused, saying Fixup does not apply; other arguments are checked', () => {
  const mlp = nn.mlp([4, 8, 1], { seed: 0 });
  const sequential = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
  const before = tf.memory().numTensors;
  assert.throws(() => init.fixup(mlp), /init\.fixup: Fixup applies to residual networks, and this model has no residual branch/);
  assert.throws(() => init.fixup(sequential), /Fixup applies to residual networks/);
  assert.throws(() => nn.reinit(mlp, 'fixup', { seed: 0 }), /Fixup applies to residual networks/);
  assert.throws(() => init.fixup({} as never), /init\.fixup: model must be a residual network/);
  assert.throws(() => (init.fixup as (...a: unknown[]) => unknown)(mlp, { seed: 1 }), /init\.fixup: takes at most 1 argument/);
  // An Add of two one-layer paths: which one is the branch? Zeroing the first would leave the block the other path alone.
  const input = tf.input({ shape: [4] });
  const twoPaths = tf.model({ inputs: input, outputs: tf.layers.add({ name: 'join' }).apply([tf.layers.dense({ units: 4 }).apply(input), tf.layers.dense({ units: 4 }).apply(input)] as tfjs.SymbolicTensor[]) as tfjs.SymbolicTensor });
  const madeTwoPaths = tf.memory().numTensors;
  assert.throws(() => init.fixup(twoPaths), /init\.fixup: the Add 'join' sums 2 paths of 1 weight layer each, so Fixup cannot tell its residual branch from its shortcut/);
  assert.equal(tf.memory().numTensors, madeTwoPaths, 'nothing changed or made');
  twoPaths.dispose();
  assert.equal(tf.memory().numTensors, before, 'a refused reinit leaves no copy behind');
  mlp.dispose();
  sequential.dispose();
});
