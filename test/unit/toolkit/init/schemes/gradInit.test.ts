// init.gradInit (Zhu et al., 2021, Algorithm 1): per-layer scales learned so that one SGD (or
// Adam) step on a batch gives the lowest loss on the next, under the gradient-norm bound γ.
// Measured apart from GradInit's own code, with nn's hand-written backward and plain SGD: the
// loss on the second batch after one step from the first is lower than from the starting (He)
// draw, and the gradient's norm ends within γ where it started far above it. Each iteration
// took the branch its gradient norm calls for; Adam's variant (the 1-norm, sign steps) improves
// its own objective; a tf.LayersModel and nn.reinit; the arguments; the tensor count.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as init from '../../../../../src/toolkit/init';
import * as nn from '../../../../../src/toolkit/nn';
import { sgdUpdate } from '../../../../../src/toolkit/nn/sgdUpdate';
import { differentiableModel } from '../../../../../src/toolkit/init/differentiableModel';
import { lossGradients } from '../../../../../src/toolkit/init/curvature';
import { slopesAt, type GradInitSettings } from '../../../../../src/toolkit/init/gradInit';

before(async () => {
  await initEngine();
});

const rows = (t: tfjs.Tensor, start: number, count: number) => tf.slice(t, [start, 0], [count, -1]);

/** ‖∇L‖₂ on the first batch and the loss on the second after one SGD step of `lr`, by nn's own backward; the weights are put back. */
function oneStep(model: nn.Model, x: tfjs.Tensor, y: tfjs.Tensor, lr: number, batch: number): { gradientNorm: number; lossAfterStep: number } {
  const saved = model.linears().map((l) => [tf.clone(l.w), tf.clone(l.b)] as const);
  const [x0, y0, x1, y1] = [rows(x, 0, batch), rows(y, 0, batch), rows(x, batch, batch), rows(y, batch, batch)];
  model.forward(x0, y0);
  model.backward({ dataGrad: false });
  const gradientNorm = Math.sqrt(model.parameters().reduce((sum, p) => sum + tf.tidy(() => tf.sum(tf.square(p.g!)).dataSync()[0]), 0));
  sgdUpdate(model, lr);
  const lossAfterStep = model.forward(x1, y1).dataSync()[0];
  model.release();
  model.linears().forEach((l, i) => l.setParameters(saved[i][0], saved[i][1]));
  tf.dispose([x0, y0, x1, y1]);
  return { gradientNorm, lossAfterStep };
}

test('a ReLU MLP drawn by He: after GradInit one SGD step (lr 0.1) lowers the next batch\'s loss more, and the gradient norm, far above γ = 1 at the start, is within it', (t) => {
  const model = nn.mlp([20, 64, 64, 64, 1], { activation: 'relu', seed: 0 });
  const x = tf.randomNormal([128, 20], 0, 1, 'float32', 1);
  const y = tf.randomNormal([128, 1], 0, 1, 'float32', 2);
  const before = tf.memory().numTensors;
  const start = oneStep(model, x, y, 0.1, 64);
  const report = init.gradInit(model, x, y, { lr: 0.1, iterations: 25 });
  const end = oneStep(model, x, y, 0.1, 64);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  t.diagnostic(`one SGD step then the next batch's loss: ${start.lossAfterStep.toFixed(3)} → ${end.lossAfterStep.toFixed(3)}; ‖g‖ ${start.gradientNorm.toFixed(2)} → ${end.gradientNorm.toFixed(3)} (γ = 1); scales ${report.scales.map((s) => s.scale.toFixed(3)).join(', ')}`);
  assert.ok(start.gradientNorm > 1, `the He draw starts above the bound: ${start.gradientNorm}`);
  assert.ok(end.gradientNorm <= 1, `the gradient norm ends within γ: ${end.gradientNorm}`);
  assert.ok(end.lossAfterStep < start.lossAfterStep, `loss after one step: ${start.lossAfterStep} → ${end.lossAfterStep}`);
  assert.ok(Math.abs(report.before.lossAfterStep - start.lossAfterStep) < 1e-4 * start.lossAfterStep && Math.abs(report.after.gradientNorm - end.gradientNorm) < 1e-4 * end.gradientNorm, "the report's figures are the measured ones");
  report.iterations.forEach((it, i) => assert.equal(it.constrained, it.gradientNorm > 1, `iteration ${i + 1}: the branch its gradient norm ${it.gradientNorm} calls for`));
  assert.ok(report.iterations.some((it) => !it.constrained), 'it reached the loss objective');
  assert.equal(report.scales.length, 4);
  assert.ok(report.scales.every((s) => s.scale >= 0.01), 'no scale below α_min');
  model.dispose();
  tf.dispose([x, y]);
});

test("with Adam's first step (η·sign(g)) and the 1-norm: GradInit lowers the loss after that step; a bound no gradient reaches leaves the loss objective throughout", () => {
  const model = nn.mlp([10, 32, 32, 1], { activation: 'tanh', seed: 3 });
  const x = tf.randomNormal([64, 10], 0, 1, 'float32', 4);
  const y = tf.randomNormal([64, 1], 0, 1, 'float32', 5);
  const before = tf.memory().numTensors;
  const report = init.gradInit(model, x, y, { optimizer: 'adam', lr: 0.01, gradientBound: 1e6, iterations: 15 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.ok(report.iterations.every((it) => !it.constrained), 'never above a bound of 1e6');
  assert.ok(report.after.lossAfterStep < report.before.lossAfterStep, `loss after one Adam step: ${report.before.lossAfterStep} → ${report.after.lossAfterStep}`);
  model.dispose();
  tf.dispose([x, y]);
});

test("a tf.LayersModel is scaled in place, kernels only; nn.reinit(model, 'gradInit', { x, y }) scales a copy", () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', biasInitializer: 'ones' }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tf.randomNormal([32, 8], 0, 1, 'float32', 6);
  const y = tf.randomNormal([32, 1], 0, 1, 'float32', 7);
  const before = tf.memory().numTensors;
  const copy = nn.reinit(model, 'gradInit', { x, y, seed: 1 });
  copy.dispose();
  assert.equal(tf.memory().numTensors, before, 'the copy freed whole');
  const kernels = model.getWeights().map((w) => Array.from(w.dataSync()));
  const report = init.gradInit(model, x, y, { iterations: 5 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  const after = model.getWeights().map((w) => Array.from(w.dataSync()));
  [0, 2].forEach((k, i) => after[k].forEach((v, j) => assert.ok(Math.abs(v - kernels[k][j] * report.scales[i].scale) < 1e-5, `kernel ${i + 1} = α · its start`)));
  assert.deepEqual(after[1], kernels[1], 'the bias keeps its value');
  model.dispose();
  tf.dispose([x, y]);
});

test("each branch's ∂/∂α (the gradient norm's, the loss after an SGD step's with its Hessian term, the loss after Adam's sign step's) matches central differences of its objective in α", (t) => {
  // A smooth net (tanh), so no kink lies between α(1 − ε) and α(1 + ε).
  const model = nn.mlp([6, 10, 10, 2], { activation: 'tanh', seed: 5 });
  const x = tf.randomNormal([16, 6], 0, 1, 'float32', 8);
  const y = tf.randomNormal([16, 2], 0, 1, 'float32', 9);
  const before = tf.memory().numTensors;
  const view = differentiableModel('test', model, x, y);
  const batch = { x: rows(x, 0, 8), y: rows(y, 0, 8) };
  const next = { x: rows(x, 8, 8), y: rows(y, 8, 8) };
  const scaled = view.blocks.flatMap((b, i) => (b.kernel ? [i] : []));
  const start = scaled.map((i) => tf.clone(view.blocks[i].read()));
  const others = view.blocks.map((b) => tf.clone(b.read()));
  const settings = (adam: boolean, gradientBound: number): GradInitSettings => ({ iterations: 1, lr: 0.3, adam, scaleLr: 0.05, gradientBound, minScale: 0.01, batchSize: 8 });
  /** The objective with kernel k scaled by `alpha`, the other blocks as they started: written out by its definition. */
  const objective = (s: GradInitSettings, constrained: boolean, k: number, alpha: number): number => {
    view.blocks.forEach((b, i) => b.write(tf.clone(others[i])));
    view.blocks[scaled[k]].write(tf.mul(start[k], alpha));
    const g = lossGradients(view, batch.x, batch.y);
    let value: number;
    if (constrained) value = tf.tidy(() => (s.adam ? tf.addN(g.map((t) => tf.sum(tf.abs(t)))).dataSync()[0] : Math.sqrt(tf.addN(g.map((t) => tf.sum(tf.square(t)))).dataSync()[0])));
    else {
      view.blocks.forEach((b, i) => b.write(tf.tidy(() => tf.sub(b.read(), tf.mul(s.adam ? tf.sign(g[i]) : g[i], s.lr)))));
      value = tf.tidy(() => view.loss(next.x, next.y).dataSync()[0]);
    }
    tf.dispose(g);
    return value;
  };
  const eps = 1e-3;
  const errors: string[] = [];
  for (const [label, s, constrained] of [
    ['SGD, ‖g‖₂ above γ', settings(false, 1e-6), true],
    ['SGD, loss after the step', settings(false, 1e6), false],
    ["Adam, loss after the sign step", settings(true, 1e6), false],
  ] as const) {
    view.blocks.forEach((b, i) => b.write(tf.clone(others[i])));
    const { slopes, seen } = slopesAt(view, batch, next, scaled, start, s);
    assert.equal(seen.constrained, constrained, label);
    const finite = scaled.map((_, k) => (objective(s, constrained, k, 1 + eps) - objective(s, constrained, k, 1 - eps)) / (2 * eps));
    const worst = Math.max(...slopes.map((v, k) => Math.abs(v - finite[k]) / Math.max(1e-3, Math.abs(finite[k]))));
    errors.push(`${label}: ${worst.toExponential(1)}`);
    assert.ok(worst < 2e-2, `${label}: slopes ${slopes} against finite differences ${finite}`);
  }
  view.blocks.forEach((b, i) => b.write(tf.clone(others[i])));
  t.diagnostic(`largest relative error of ∂/∂α against central differences: ${errors.join('; ')}`);
  tf.dispose([batch.x, batch.y, next.x, next.y, start, others]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  model.dispose();
  tf.dispose([x, y]);
});

test('init.gradInit checks its arguments', () => {
  const model = nn.mlp([4, 3, 1], { seed: 0 });
  const [x, y, one, oneY] = [tf.zeros([6, 4]), tf.zeros([6, 1]), tf.zeros([1, 4]), tf.zeros([1, 1])];
  const before = tf.memory().numTensors;
  assert.throws(() => init.gradInit(model, one, oneY), /init\.gradInit: needs at least 2 rows/);
  assert.throws(() => init.gradInit(model, x, y, { optimizer: 'rmsprop' } as never), /options\.optimizer must be one of 'sgd', 'adam'/);
  assert.throws(() => init.gradInit(model, x, y, { gradientBound: 0 }), /options\.gradientBound must be a finite number > 0/);
  assert.throws(() => init.gradInit(model, x, y, { batchSize: 4 }), /options\.batchSize must be an integer in \[1, 3\]/);
  assert.throws(() => init.gradInit(model, x, y, { iterations: 1.5 }), /options\.iterations must be an integer/);
  assert.throws(() => nn.reinit(model, 'gradInit', { x, seed: 0 }), /nn\.reinit: options\.y must be a tf\.Tensor: gradInit tunes the copy/);
  assert.equal(tf.memory().numTensors, before, 'nothing made on the way to an error');
  model.dispose();
  tf.dispose([x, y, one, oneY]);
});
