// init.metaInit (Dauphin and Schoenholz, 2019): the gradient quotient GQ = mean |(g − Hg)/g − 1|
// drops on a badly scaled network (tanh, weights three times LeCun's scale, deep in the chaotic
// phase), by signSGD with momentum on each weight matrix's norm, directions kept. The quotient
// before and after is measured here by curvature.ts' gradientQuotient apart from MetaInit's
// report; a tf.LayersModel is tuned too (its BatchNorm statistics put back), nn.reinit runs it on
// a copy, and the arguments are checked. Every test counts tensors.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as init from '../../../../../src/toolkit/init';
import * as nn from '../../../../../src/toolkit/nn';
import { differentiableModel } from '../../../../../src/toolkit/init/differentiableModel';
import { gradientQuotient } from '../../../../../src/toolkit/init/curvature';

before(async () => {
  await initEngine();
});

const quotient = (model: nn.Model | tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor) =>
  tf.tidy(() => gradientQuotient(differentiableModel('test', model, x, y), x, y, 1e-5).dataSync()[0]);

const directions = (model: nn.Model) => model.linears().map((l) => tf.tidy(() => Array.from(tf.div(l.w, tf.norm(l.w)).dataSync())));

test('a tanh MLP drawn at three times LeCun scale: MetaInit lowers its gradient quotient, changing only the weight matrices\' norms', (t) => {
  const model = nn.mlp([10, 16, 16, 16, 1], { activation: 'tanh', init: (shape, _l, seed) => init.normal(shape, 0, 3 / Math.sqrt(shape[0]), { seed }), seed: 0 });
  const x = tf.randomNormal([32, 10], 0, 1, 'float32', 1);
  const y = tf.randomNormal([32, 1], 0, 1, 'float32', 2);
  const before = tf.memory().numTensors;
  const measuredBefore = quotient(model, x, y);
  const shapesBefore = directions(model);
  const biases = model.linears().map((l) => Array.from(l.b.dataSync()));
  const report = init.metaInit(model, x, y, { steps: 20 });
  const measuredAfter = quotient(model, x, y);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  t.diagnostic(`gradient quotient ${measuredBefore.toFixed(2)} → ${measuredAfter.toFixed(2)} (norms after step ${report.keptStep} of 20); norms ${report.layers.map((l) => `${l.normBefore.toFixed(2)}→${l.normAfter.toFixed(2)}`).join(', ')}`);
  assert.ok(Math.abs(report.quotientBefore - measuredBefore) < 1e-4 * measuredBefore && Math.abs(report.quotientAfter - measuredAfter) < 1e-4 * measuredAfter, 'the report gives the measured quotients');
  assert.equal(report.quotients.length, 20);
  assert.ok(measuredAfter < 0.75 * measuredBefore, `the quotient drops: ${measuredBefore} → ${measuredAfter}`);
  directions(model).forEach((d, i) => d.forEach((v, k) => assert.ok(Math.abs(v - shapesBefore[i][k]) < 1e-5, `layer ${i + 1}: direction kept`)));
  model.linears().forEach((l, i) => assert.deepEqual(Array.from(l.b.dataSync()), biases[i], `layer ${i + 1}: bias untouched`));
  assert.ok(report.layers.some((l) => Math.abs(l.normAfter - l.normBefore) > 0.5), 'some norm moved');
  model.dispose();
  tf.dispose([x, y]);
});

test("a tf.LayersModel (dense tanh, BatchNorm, softmax, cross-entropy) is tuned in place, BatchNorm's moving statistics put back; nn.reinit(model, 'metaInit', { x, y }) tunes a copy", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 12, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 1 }) }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([24, 6], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 3), 'int32'), 3);
  const moving = () => model.getLayer('bn').getWeights().slice(2).map((w) => Array.from(w.dataSync()));
  const movingBefore = moving();
  const before = tf.memory().numTensors;
  const copy = nn.reinit(model, 'metaInit', { x, y, seed: 0 });
  assert.notEqual(copy, model);
  copy.dispose();
  assert.equal(tf.memory().numTensors, before, 'the copy freed whole');
  const report = init.metaInit(model, x, y, { steps: 4 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.ok(Number.isFinite(report.quotientBefore) && Number.isFinite(report.quotientAfter));
  assert.deepEqual(report.layers.length, 2, 'the two dense kernels');
  assert.deepEqual(moving(), movingBefore, 'moving statistics put back');
  model.dispose();
  tf.dispose([x, y]);
});

test('init.metaInit and nn.reinit check their arguments', () => {
  const model = nn.mlp([4, 3, 1], { seed: 0 });
  const [x, y, wrongX, wrongY] = [tf.zeros([5, 4]), tf.zeros([5, 1]), tf.zeros([5, 3]), tf.zeros([4, 1])];
  const before = tf.memory().numTensors;
  assert.throws(() => init.metaInit({} as never, x, y), /init\.metaInit: model must be an nn\.Model/);
  assert.throws(() => init.metaInit(model, wrongX, y), /init\.metaInit: x must be \[rows, 4\]/);
  assert.throws(() => init.metaInit(model, x, 'y' as never), /init\.metaInit: y must be a tf\.Tensor/);
  assert.throws(() => init.metaInit(model, x, wrongY), /y must have one row per row of x/);
  assert.throws(() => init.metaInit(model, x, y, { steps: -1 }), /options\.steps must be an integer >= 0/);
  assert.throws(() => init.metaInit(model, x, y, { lr: 0 }), /options\.lr must be a finite number > 0/);
  assert.throws(() => init.metaInit(model, x, y, { batchSize: 6 }), /options\.batchSize must be an integer in \[1, 5\]/);
  assert.throws(() => init.metaInit(model, x, y, { step: 3 } as never), /unknown option "step"/);
  assert.throws(() => nn.reinit(model, 'metaInit', { seed: 0 }), /nn\.reinit: options\.x must be a tf\.Tensor: metaInit tunes the copy on a batch/);
  assert.throws(() => nn.reinit(model, 'fixup', { x, y }), /Fixup reads no data/);
  assert.throws(() => (init.metaInit as (...a: unknown[]) => unknown)(model, x, y, { steps: 1 }, 5), /init\.metaInit: takes at most 4 arguments/);
  // What would give NaN quotients, or fail inside nested gradients with tfjs's words and a tape left behind.
  const [empty, emptyY, nanX, wideY] = [tf.zeros([0, 4]), tf.zeros([0, 1]), tf.fill([5, 4], Number.NaN), tf.zeros([5, 3])];
  const made = tf.memory().numTensors;
  assert.throws(() => init.metaInit(model, empty, emptyY), /init\.metaInit: x must have at least one row/);
  assert.throws(() => init.metaInit(model, nanX, y), /init\.metaInit: x has NaN or ±Infinity values/);
  assert.throws(() => init.gradInit(model, x, wideY), /init\.gradInit: x of shape \[5, 4\] and y of shape \[5, 3\] do not fit the model's layers and loss/);
  assert.equal(tf.memory().numTensors, made, 'nothing left behind by the refused batches');
  const layersModel = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1 })] });
  assert.throws(() => init.metaInit(layersModel, x, y), /init\.metaInit: the model has no loss to tune on; compile it first/);
  layersModel.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const compiled = tf.memory().numTensors;
  // tf.layers' MSE would broadcast [1] against [3]: the shape is checked before any loss runs.
  assert.throws(() => init.metaInit(layersModel, x, wideY), /init\.metaInit: y must be \[rows, 1\] for the model's output, got \[5, 3\]/);
  assert.equal(tf.memory().numTensors, compiled, 'nothing left behind');
  layersModel.dispose();
  tf.dispose([empty, emptyY, nanX, wideY]);
  assert.equal(tf.memory().numTensors, before, 'nothing made on the way to an error');
  model.dispose();
  tf.dispose([x, y, wrongX, wrongY]);
});
