// Recording training: watch() in model.fit and record() around a hand-written loop. The recorded
// statistics against a direct probe at the same step, the update ratio against SGD's own
// arithmetic, a clean stop at a non-finite loss and at the user's stop, and no leaks.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { guardOps } from '../../../src/toolkit/engine/opGuard';
import { probe } from '../../../src/toolkit/probe/probe';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { formatToolkitValue } from '../../../src/toolkit/display';
import { MimeTypes } from '../../../src/shared/mimeTypes';
import * as nn from '../../../src/toolkit/nn';
import { watch } from '../../../src/toolkit/watch/watch';
import { record } from '../../../src/toolkit/watch/record';
import type { WatchRecord } from '../../../src/toolkit/watch/watchRecord';

before(async () => {
  await initEngine();
});

const num = fromStatNumber;
const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a / b - 1) < rel, `${what}: ${a} against ${b}`);

function reluModel(seed = 1): tfjs.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [20], units: 32, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }), name: 'h1' }),
      tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }), name: 'h2' }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }), name: 'out' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return model;
}

/** One step of `optimizer` on the MSE of the whole (x, y), returning the loss as a scalar. */
const minimizeStep = (model: tfjs.LayersModel, optimizer: tfjs.Optimizer, x: tfjs.Tensor, y: tfjs.Tensor) => () =>
  optimizer.minimize(() => tf.losses.meanSquaredError(y, model.predict(x) as tfjs.Tensor) as tfjs.Scalar, true)!;

const data = () => {
  const x = tf.randomNormal([128, 20], 0, 1, 'float32', 11);
  const y = tf.sum(x.slice([0, 0], [128, 3]), 1, true);
  return { x, y };
};

test('watch in model.fit: every batch is a step, and the last recorded step equals a probe run then', async () => {
  const model = reluModel();
  const { x, y } = data();
  const w = watch(model, { x, y, every: 1, live: false });
  await model.fit(x, y, { epochs: 2, batchSize: 32, callbacks: [w], verbose: 0 });
  const rec = w.record;
  assert.equal(rec.losses.length, 8, '2 epochs of 4 batches');
  assert.deepEqual([...new Set(rec.stats.map((s) => s.step))], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(num(rec.losses[7].loss) < num(rec.losses[0].loss), 'Adam lowered the loss');
  assert.equal(rec.running, false);
  const direct = probe(model, { dataGrad: false }).step(x, y);
  for (const layer of direct.layers) {
    const recorded = rec.stats.find((s) => s.step === 8 && s.layer === layer.layer)!;
    close(num(recorded.std.activation!), num((layer.tensors.activation ?? layer.tensors.preActivation)!.std), 1e-5, `${layer.name} activation std`);
    if (layer.tensors.weightGrad) close(num(recorded.std['weight gradient']!), num(layer.tensors.weightGrad.std), 1e-5, `${layer.name} gradient std`);
  }
  // Every recorded step has each layer's histograms and an update ratio for weighted layers.
  const h1 = rec.stats.filter((s) => s.layer === 1);
  assert.equal(h1[0].updateRatio, null, 'no update before step 1');
  assert.ok(h1.slice(1).every((s) => typeof s.updateRatio === 'number' && s.updateRatio > 0));
  assert.equal(rec.histograms.filter((h) => h.step === 8 && h.quantity === 'activation').length, direct.layers.length);
  x.dispose();
  y.dispose();
});

test('record around plain SGD: the update ratio is lr × ‖gradient‖ / ‖w‖ of the step before', async () => {
  const model = reluModel(5);
  const { x, y } = data();
  const lr = 0.05;
  const sgd = tf.train.sgd(lr);
  const rec = await record(model, minimizeStep(model, sgd, x, y), { x, y, steps: 6, every: 1, live: false });
  assert.equal(rec.losses.length, 6);
  for (let step = 1; step <= 6; step++) {
    for (const layer of [1, 2, 3]) {
      const before = rec.stats.find((s) => s.step === step - 1 && s.layer === layer)!;
      const after = rec.stats.find((s) => s.step === step && s.layer === layer)!;
      // ‖w‖ from the recorded weight statistics: Σw² = (n − 1)·std² + n·mean².
      const n = layer === 3 ? 32 : layer === 1 ? 20 * 32 : 32 * 32;
      const wNorm = Math.sqrt((n - 1) * num(before.std.weights!) ** 2 + n * num(before.mean.weights!) ** 2);
      close(num(after.updateRatio!), (lr * num(before.gradNorm!)) / wNorm, 2e-3, `step ${step} layer ${layer} update ratio`);
    }
  }
  x.dispose();
  y.dispose();
});

test('a loss that turns Infinity or NaN stops training at that step, marks it, and keeps what came before', async () => {
  const model = reluModel(9);
  const { x, y } = data();
  const sgd = tf.train.sgd(50);
  const rec = await record(model, minimizeStep(model, sgd, x, y), { x, y, steps: 200, every: 1, live: false });
  assert.notEqual(rec.divergedAtStep, null);
  const last = rec.losses[rec.losses.length - 1];
  assert.equal(last.step, rec.divergedAtStep);
  assert.ok(typeof last.loss === 'string', `the last loss is ${last.loss}, kept as text`);
  assert.ok(rec.losses.slice(0, -1).every((l) => typeof l.loss === 'number'), 'every earlier loss is finite');
  assert.ok(rec.stats.some((s) => s.step === rec.divergedAtStep), 'the diverging step is recorded too');
  const bundle = (await formatToolkitValue(rec))!;
  assert.match(String(bundle[MimeTypes.plain]), /loss not finite at step \d+/);
  assert.match(String(bundle[MimeTypes.svg]), /<svg/);
  x.dispose();
  y.dispose();
});

test('a stop pressed mid-step ends training after that step; the record and the weights stay', async () => {
  const model = reluModel(13);
  const { x, y } = data();
  let stop = false;
  // What the kernel installs: every op asks first, and the asker throws once stop is pressed.
  guardOps(tf.getBackend(), () => {
    if (stop) throw new Error('KeyboardInterrupt');
  });
  const sgd = tf.train.sgd(0.01);
  let rec: WatchRecord | undefined;
  try {
    rec = await record(
      model,
      (step) => {
        if (step === 5) stop = true; // pressed while step 5 runs: its ops still run whole
        return minimizeStep(model, sgd, x, y)();
      },
      { x, y, steps: 50, every: 2, live: false },
    );
    assert.throws(() => tf.add(x, 1), /KeyboardInterrupt/, 'the cell still ends as stopped at its next op');
  } finally {
    stop = false;
  }
  assert.equal(rec.stoppedAtStep, 5);
  assert.equal(rec.losses.length, 5);
  assert.equal(rec.running, false);
  assert.ok(Number.isFinite(num(rec.losses[4].loss)));
  const prediction = model.predict(x) as tfjs.Tensor;
  assert.ok(Number.isFinite(prediction.sum().dataSync()[0]), 'the model still works');
  prediction.dispose();
  x.dispose();
  y.dispose();
});

test('record on an nn model with its hand-written backward; 1,000 steps leak no tensor', async () => {
  const model = nn.mlp([20, 16, 16, 1], { loss: 'mse', seed: 3 });
  const { x, y } = data();
  const linears = model.layers.filter((m): m is nn.Linear => m instanceof nn.Linear);
  const step = () => {
    const loss = model.forward(x, y).dataSync()[0];
    model.backward({ dataGrad: false });
    for (const l of linears) l.setParameters(tf.tidy(() => tf.sub(l.w, tf.mul(l.w.g!, 0.01))), tf.tidy(() => tf.sub(l.b, tf.mul(l.b.g!, 0.01))));
    return loss;
  };
  step();
  model.release();
  const tensorsBefore = tf.memory().numTensors;
  const rec = await record(model, step, { x, y, steps: 1000, every: 10, live: false });
  model.release();
  assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors after 1,000 recorded steps');
  assert.equal(rec.losses.length, 1000);
  assert.equal(rec.stats.filter((s) => s.layer === 1).length, 101, 'step 0 and every 10th');
  assert.ok(num(rec.losses[999].loss) < num(rec.losses[0].loss));
  assert.ok(rec.stats.filter((s) => s.layer === 1 && s.step > 0).every((s) => typeof s.updateRatio === 'number' && s.updateRatio > 0), 'nn modules replace their weights; the ratio still reads the new ones');
  x.dispose();
  y.dispose();
});

// The overhead itself is a timing, measured by `npm run bench -- --only train`; here, that 'auto'
// records less often than every step when a step is cheaper than a recording.
test("every: 'auto' spaces recordings by what it measures a step and a recording to cost", async () => {
  const model = reluModel(17);
  const { x, y } = data();
  const sgd = tf.train.sgd(0.01);
  const rec = await record(model, minimizeStep(model, sgd, x, y), { x, y, steps: 300, live: false });
  const share = rec.timing.recordingMs / rec.timing.trainingMs;
  assert.ok(rec.every > 1, `every grew to ${rec.every}`);
  console.log(`figure: every 'auto' chose ${rec.every}; recording took ${(100 * share).toFixed(1)}% of training time over 300 steps`);
  x.dispose();
  y.dispose();
});

test('bad arguments are clear errors', async () => {
  const model = reluModel(21);
  const { x, y } = data();
  assert.throws(() => watch(model, undefined as never), /watch: options \{ x, y \} are required/);
  assert.throws(() => watch({} as never, { x, y }), /watch: model must be a tf.LayersModel/);
  assert.throws(() => watch(model, { x, y, every: 0 }), /watch: options.every must be/);
  assert.throws(() => watch(model, { x, y, every: 'often' as never }), /positive integer or 'auto'/);
  assert.throws(() => watch(model, { x, y: y.slice(0, 3) }), /one target per row/);
  assert.throws(() => record(model, 'step' as never, { x, y, steps: 3 }), /record: stepFn must be a function/, 'checked before anything runs');
  assert.throws(() => record(model, () => 1, { x, y } as never), /record: options.steps is required/);
  await assert.rejects(record(model, (() => 'low') as never, { x, y, steps: 1, live: false }), /record: stepFn's result must be the step's loss/);
  x.dispose();
  y.dispose();
});
