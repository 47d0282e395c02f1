// μP (muP.ts, muPRules.ts, layerwiseOptimizer.ts): Tensor Programs V's per-layer learning rates,
// checked against a hand computation of one Adam and one SGD step from gradients that tf.grads
// takes of the same network written as plain tensor ops; the readout's init; and the errors.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import { muP } from '../../../../../src/toolkit/theory/widthScaling';
import { muPRule, readoutFactor } from '../../../../../src/toolkit/theory/widthScaling/muPRules';

before(async () => {
  await initEngine();
});

function leakFree<T>(run: () => T): T {
  const before = tf.memory().numTensors;
  const result = run();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  return result;
}

function maxDiff(a: tfjs.Tensor, b: tfjs.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test("Table 3 of Tensor Programs V, relative to the base width: every multiplier is 1 at the base, and scales with fan_in or fan_out as the table says", () => {
  // Adam: input weights and biases η, hidden and output weights η/fan_in.
  assert.deepEqual(muPRule('input', 16, 256, 64, 'adam'), { weightLr: 1, biasLr: 1 });
  assert.deepEqual(muPRule('hidden', 256, 256, 64, 'adam'), { weightLr: 0.25, biasLr: 1 });
  assert.deepEqual(muPRule('output', 256, 10, 64, 'adam'), { weightLr: 0.25, biasLr: 1 });
  // SGD: input weights and biases η·fan_out, hidden weights η, output weights η/fan_in.
  assert.deepEqual(muPRule('input', 16, 256, 64, 'sgd'), { weightLr: 4, biasLr: 4 });
  assert.deepEqual(muPRule('hidden', 256, 256, 64, 'sgd'), { weightLr: 1, biasLr: 4 });
  assert.deepEqual(muPRule('output', 256, 10, 64, 'sgd'), { weightLr: 0.25, biasLr: 1 });
  for (const optimizer of ['adam', 'sgd'] as const) {
    for (const role of ['input', 'hidden', 'output'] as const) {
      const at = muPRule(role, role === 'input' ? 16 : 64, role === 'output' ? 10 : 64, 64, optimizer);
      assert.deepEqual(at, { weightLr: 1, biasLr: 1 }, `${optimizer} ${role} at the base width is standard parametrization`);
    }
  }
  // Output init variance 1/fan_in² relative to the base: std × √(base/fan_in).
  assert.equal(readoutFactor('scaled', 256, 64), 0.5);
  assert.equal(readoutFactor('scaled', 64, 64), 1);
  assert.equal(readoutFactor('zero', 256, 64), 0);
});

const x = () => tf.randomNormal([5, 3], 0, 1, 'float32', 11);
const y = () => tf.randomNormal([5, 2], 0, 1, 'float32', 12);

/** The 3 → 8 → 8 → 2 ReLU MLP as plain tensor ops, and its mean squared error. */
function mlpLoss(params: tfjs.Tensor[], xs: tfjs.Tensor, ys: tfjs.Tensor): tfjs.Scalar {
  const [w1, b1, w2, b2, w3, b3] = params as tfjs.Tensor2D[];
  const h1 = tf.relu(tf.add(tf.matMul(xs as tfjs.Tensor2D, w1), b1)) as tfjs.Tensor2D;
  const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2)) as tfjs.Tensor2D;
  const out = tf.add(tf.matMul(h2, w3), b3);
  return tf.mean(tf.square(tf.sub(out, ys)));
}

/**
 * One trainer step against the update computed by hand from tf.grads' gradients g:
 * Adam's first step is p − lr·m·ĝ/(√v̂ + ε) with ĝ = g and v̂ = g² after bias correction,
 * that is p − lr·m·g/(|g| + ε); SGD's is p − lr·m·g.
 */
function checkOneStep(optimizer: 'adam' | 'sgd', params: () => tfjs.Tensor[], step: (xs: tfjs.Tensor, ys: tfjs.Tensor) => number, multipliers: number[], lr: number): number[] {
  const xs = x();
  const ys = y();
  const before = params().map((p) => p.clone());
  const { value, grads } = tf.valueAndGrads((...ps: tfjs.Tensor[]) => mlpLoss(ps, xs, ys))(before);
  const loss = step(xs, ys);
  assert.ok(Math.abs(loss - value.dataSync()[0]) < 1e-5, `the step returns the loss before its update: ${loss} against ${value.dataSync()[0]}`);
  const eps = tf.backend().epsilon();
  const moved = params().map((p, i) => {
    const expected = tf.tidy(() => {
      const g = grads[i];
      const direction = optimizer === 'adam' ? tf.div(g, tf.add(tf.abs(g), eps)) : g;
      return tf.sub(before[i], tf.mul(direction, lr * multipliers[i]));
    });
    const off = maxDiff(p, expected);
    assert.ok(off < 1e-6, `parameter ${i} [${p.shape.join(', ')}] (multiplier ${multipliers[i]}) off the hand computation by ${off}`);
    const largest = maxDiff(p, before[i]);
    tf.dispose(expected);
    return largest;
  });
  tf.dispose([xs, ys, value, ...grads, ...before]);
  return moved;
}

test('muP.trainer on an nn MLP: one Adam step moves each parameter by lr × its multiplier, as by hand', () => {
  leakFree(() => {
    const m = muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 4, readout: 'scaled', seed: 1 });
    // Input weights and biases 1; hidden and output weights base/fan_in = 4/8.
    assert.deepEqual(m.lrMultipliers, [1, 1, 0.5, 1, 0.5, 1]);
    assert.deepEqual(m.layers.map((l) => [l.layer, l.role, l.fanIn, l.fanOut]), [['Linear 1', 'input', 3, 8], ['Linear 2', 'hidden', 8, 8], ['Linear 3', 'output', 8, 2]]);
    const trainer = muP.trainer(m, { lr: 0.01 });
    const moved = checkOneStep('adam', () => m.model.parameters(), (xs, ys) => trainer.step(xs, ys), m.lrMultipliers, 0.01);
    // Adam's first step is ±lr·m per entry: the hidden weights' largest move is half the input weights'.
    assert.ok(Math.abs(moved[0] - 0.01) < 1e-6 && Math.abs(moved[2] - 0.005) < 1e-6, `largest moves ${moved.map((v) => v.toExponential(3))}`);
    trainer.dispose();
    m.model.dispose();
  });
});

test('muP.trainer with SGD: input weights and biases at lr·fan_out/base, hidden weights at lr, output weights at lr·base/fan_in', () => {
  leakFree(() => {
    const m = muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 4, readout: 'scaled', optimizer: 'sgd', seed: 2 });
    assert.deepEqual(m.lrMultipliers, [2, 2, 1, 2, 0.5, 1]);
    const trainer = muP.trainer(m, { lr: 0.05 });
    checkOneStep('sgd', () => m.model.parameters(), (xs, ys) => trainer.step(xs, ys), m.lrMultipliers, 0.05);
    trainer.dispose();
    m.model.dispose();
  });
});

function denseModel(width: number, seed: number, init?: 'glorot'): tfjs.LayersModel {
  const kernel = (k: number) => (init === 'glorot' ? tf.initializers.glorotUniform({ seed: seed + k }) : tf.initializers.heNormal({ seed: seed + k }));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: width, activation: 'relu', kernelInitializer: kernel(1) }),
      tf.layers.dense({ units: width, activation: 'relu', kernelInitializer: kernel(2) }),
      tf.layers.dense({ units: 2, kernelInitializer: kernel(3) }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

test('muP.parametrize on a tf.LayersModel of dense layers: multipliers in trainableWeights order, and one Adam step as by hand', () => {
  leakFree(() => {
    const model = denseModel(8, 3);
    const kernels = model.trainableWeights.map((w) => w.read().clone());
    const m = muP.parametrize(model, { baseWidth: 4, readout: 'scaled' });
    assert.equal(m.model, model, 'changed in place, as mup does');
    assert.deepEqual(m.lrMultipliers, [1, 1, 0.5, 1, 0.5, 1]);
    assert.deepEqual(m.layers.map((l) => l.init), ['kept', 'kept', Math.sqrt(0.5)]);
    // Input and hidden weights kept; the output's scaled by √(base/fan_in).
    const now = model.trainableWeights.map((w) => w.read());
    for (const i of [0, 1, 2, 3, 5]) assert.equal(maxDiff(now[i], kernels[i]), 0);
    const scaled = tf.mul(kernels[4], Math.sqrt(0.5));
    assert.ok(maxDiff(now[4], scaled) < 1e-7);
    const trainer = muP.trainer(m, { lr: 0.01 });
    checkOneStep('adam', () => model.trainableWeights.map((w) => w.read()), (xs, ys) => trainer.step(xs, ys), m.lrMultipliers, 0.01);
    trainer.dispose();
    tf.dispose([...kernels, scaled]);
    model.dispose();
  });
});

test("the zero readout zeroes the output weights only; at the base width μP with a scaled readout is the model's own parametrization", () => {
  leakFree(() => {
    const m = muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 4, seed: 4 });
    const sp = nn.mlp([3, 8, 8, 2], { seed: 4 });
    const [mu, std] = [m.model.parameters(), sp.parameters()];
    assert.equal(m.readout, 'zero');
    assert.equal(tf.tidy(() => tf.max(tf.abs(mu[4])).dataSync()[0]), 0);
    for (const i of [0, 1, 2, 3, 5]) assert.equal(maxDiff(mu[i], std[i]), 0, `parameter ${i} kept`);
    const base = muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 8, readout: 'scaled', seed: 4 });
    assert.deepEqual(base.lrMultipliers, [1, 1, 1, 1, 1, 1]);
    base.model.parameters().forEach((p, i) => assert.equal(maxDiff(p, std[i]), 0, `parameter ${i} is standard parametrization's`));
    for (const model of [m.model, sp, base.model]) model.dispose();
  });
});

test("muP.parametrize says when the model's own init will not scale: Glorot in the input layer, std 1 weights", () => {
  leakFree(() => {
    const glorot = muP.parametrize(denseModel(512, 5, 'glorot'), { baseWidth: 64 });
    assert.match(glorot.notes.join('\n'), /dense_Dense\d+'s kernel initializer scales its variance by 2\/\(fan_in \+ fan_out\) \(Glorot, tf\.layers' default\).*heNormal/);
    glorot.model.dispose();
    const he = muP.parametrize(denseModel(512, 5), { baseWidth: 64 });
    assert.deepEqual(he.notes, []);
    he.model.dispose();
    const normal = muP.parametrize(nn.mlp([16, 256, 256, 10], { init: 'normal', seed: 0 }), { baseWidth: 64 });
    assert.match(normal.notes.join('\n'), /Linear 2's weights have std (0\.99\d|1\.0\d) = 1[56]\.\d\/√fan_in: μP keeps them/);
    normal.model.dispose();
  });
});

test('wrong arguments to muP are refused by name, with no tensor left behind', () => {
  leakFree(() => {
    const model = nn.mlp([3, 8, 2], { seed: 0 });
    const cnn = nn.cnn({ input: [8, 8, 1], channels: [2], seed: 0 });
    const single = new nn.Model([new nn.Linear(tf.zeros([2, 2]), tf.zeros([2]))]);
    const cases: [() => unknown, RegExp][] = [
      [() => muP.parametrize('x' as never, { baseWidth: 4 }), /muP\.parametrize: model must be an nn model of Linear layers \(nn\.mlp\) or a tf\.LayersModel of dense layers, got "x"/],
      [() => muP.parametrize(model, undefined as never), /options\.baseWidth is required/],
      [() => muP.parametrize(model, { baseWidth: 0 }), /options\.baseWidth must be an integer >= 1, got 0/],
      [() => muP.parametrize(model, { baseWidth: 4, readout: 'none' as never }), /options\.readout must be one of 'zero', 'scaled', got "none"/],
      [() => muP.parametrize(model, { baseWidth: 4, optimizer: 'rmsprop' as never }), /options\.optimizer must be one of 'sgd', 'adam'/],
      [() => muP.parametrize(model, { baseWidth: 4, base: 4 } as never), /unknown option "base"/],
      [() => muP.parametrize(cnn, { baseWidth: 4 }), /handles chains of nn\.Linear layers; Conv2d.* has parameters too/],
      [() => muP.parametrize(single, { baseWidth: 4 }), /needs at least two dense layers/],
      [() => muP.mlp({ width: 8, outputs: 2, baseWidth: 4 } as never), /muP\.mlp: options\.inputs must be an integer >= 1, got undefined/],
      [() => muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 4, depth: 1 }), /options\.depth must be an integer >= 2, got 1/],
      [() => muP.mlp(8 as never), /muP\.mlp: options must be an object/],
      [() => muP.trainer(model, { lr: 0 }), /muP\.trainer: options\.lr must be a finite number > 0, got 0/],
      [() => muP.trainer(model, { lr: 0.1, lrMultipliers: [1] }), /options\.lrMultipliers must be an array of 4 learning-rate multipliers/],
      [() => muP.trainer('m' as never, { lr: 0.1 }), /muP\.trainer: value must be what muP\.parametrize or muP\.mlp returns/],
    ];
    for (const [run, message] of cases) assert.throws(run, message);
    const m = muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 4, seed: 0 });
    assert.throws(() => muP.trainer(m, { lr: 0.1, optimizer: 'sgd' }), /the multipliers were made for adam, not sgd; parametrize again with \{ optimizer: 'sgd' \}/);
    assert.throws(() => muP.trainer(m, { lr: 0.1, lrMultipliers: [1, 1, 1, 1, 1, 1] }), /options\.lrMultipliers is for a model given alone/);
    for (const t of [model, cnn, single, m.model]) t.dispose();
  });
});

test('a tf.LayersModel whose dense layers are not one chain is refused: a branch fed by the data would get a hidden layer\'s rates', () => {
  leakFree(() => {
    const input = tf.input({ shape: [3] });
    const a = tf.layers.dense({ units: 8, name: 'a' }).apply(input) as tfjs.SymbolicTensor;
    const b = tf.layers.dense({ units: 8, name: 'b' }).apply(input) as tfjs.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([a, b]) as tfjs.SymbolicTensor;
    const branches = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'out' }).apply(joined) as tfjs.SymbolicTensor });
    assert.throws(() => muP.parametrize(branches, { baseWidth: 4 }), /^TypeError: muP\.parametrize: handles chains of dense layers, one after the other; layer "b" does not take the output of the layer before it$/);
    branches.dispose();
  });
});

test('a trainer\'s step refuses a batch that is not tensors, or whose x and y disagree on rows, by name', () => {
  leakFree(() => {
    const nnModel = muP.mlp({ inputs: 3, width: 8, outputs: 2, baseWidth: 4, seed: 0 });
    const layersModel = muP.parametrize(denseModel(8, 1), { baseWidth: 4 });
    const x3 = tf.zeros([2, 3]);
    const y3 = tf.zeros([3, 2]);
    for (const m of [nnModel, layersModel]) {
      const trainer = muP.trainer(m, { lr: 0.01 });
      assert.throws(() => trainer.step([[1, 2, 3]] as never, [[1, 2]] as never), /^TypeError: muP\.trainer\(\.\.\.\)\.step: x\[0\] must be a tf\.Tensor, got an array/);
      assert.throws(() => trainer.step('a' as never, 'b' as never), /^TypeError: muP\.trainer\(\.\.\.\)\.step: x must be a tf\.Tensor, got "a"$/);
      assert.throws(() => trainer.step(x3, undefined as never), /^TypeError: muP\.trainer\(\.\.\.\)\.step: y must be a tf\.Tensor, got undefined$/);
      assert.throws(() => trainer.step(x3, y3), /^RangeError: muP\.trainer\(\.\.\.\)\.step: x and y must have one row per example, got shapes \[2, 3\], \[3, 2\]$/);
      trainer.dispose();
      m.model.dispose();
    }
    tf.dispose([x3, y3]);
  });
});

test('a model given alone with its own multipliers trains with them', () => {
  leakFree(() => {
    const model = nn.mlp([3, 8, 8, 2], { seed: 6 });
    const multipliers = [3, 1, 1, 1, 0.25, 2];
    const trainer = muP.trainer(model, { lr: 0.02, optimizer: 'sgd', lrMultipliers: multipliers });
    checkOneStep('sgd', () => model.parameters(), (xs, ys) => trainer.step(xs, ys), multipliers, 0.02);
    trainer.dispose();
    model.dispose();
  });
});
