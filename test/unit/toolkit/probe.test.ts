// Probe statistics against exact values and against variance-propagation theory; an nn model's
// .g tensors after a probe against tf.grads, element by element; the SGD recorder's divergence
// stop; and how reports display.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { engineInfo, initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import { probe } from '../../../src/toolkit/probe/probe';
import { engineTensorStats, tensorStats, type TensorStats } from '../../../src/toolkit/probe/tensorStats';
import { parallelStatsJobs } from '../../../src/toolkit/probe/fusedStats';
import { gaussianExpectation } from '../../../src/toolkit/probe/theory';
import { train } from '../../../src/toolkit/probe/train';
import { meanStd } from '../../../src/toolkit/data/mnist';
import { verdict } from '../../../src/toolkit/probe/verdict';
import { compareReports, formatToolkitValue, histograms, theory } from '../../../src/toolkit/display';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { MimeTypes } from '../../../src/shared/mimeTypes';
import type { ChartPayload } from '../../../src/shared/chartPayload';

before(async () => {
  await initEngine();
});

const num = fromStatNumber;

test('tensor statistics are exact, and NaN and Infinity are counted, not hidden', () => {
  const [plain, broken] = tensorStats(
    [{ tensor: tf.tensor1d([0, 0, 1, 2, 3, -6]) }, { tensor: tf.tensor1d([1, NaN, Infinity, 0, 3]) }],
    4,
  );
  assert.equal(plain.mean, 0);
  assert.ok(Math.abs(num(plain.std) - Math.sqrt((0 + 0 + 1 + 4 + 9 + 36) / 5)) < 1e-6);
  assert.equal(plain.min, -6);
  assert.equal(plain.max, 3);
  assert.equal(plain.zeroFraction, 2 / 6);
  assert.equal(plain.saturatedFraction, null);
  assert.deepEqual(
    plain.histogram.map((b) => b.count),
    [1, 0, 2, 3],
  );
  assert.equal(broken.mean, 'NaN');
  assert.equal(broken.nanCount, 1);
  assert.equal(broken.infCount, 1);
  assert.equal(broken.max, 'NaN');
  assert.equal(
    broken.histogram.reduce((a, b) => a + b.count, 0),
    3,
    'the histogram holds the three finite values',
  );
  assert.equal(broken.histogram[0].x0, 0);
  assert.equal(broken.histogram[broken.histogram.length - 1].x1, 3);
});

test('the fused JavaScript passes and the engine give the same statistics on a million values', () => {
  // Normal values, a block of exact zeros, and the maximum repeated (it must join the last bin).
  const values = tf.tidy(() => tf.concat([tf.randomNormal([1_000_000], 0.5, 3, 'float32', 7), tf.zeros([5000]), tf.fill([3], 20)]));
  const requests = [{ tensor: values, saturation: 'tanh' as const }, { tensor: values, momentsOnly: true }];
  const fused = tensorStats(requests, 30);
  const engine = engineTensorStats(requests, 30);
  values.dispose();
  for (const [i, [a, b]] of fused.map((f, k) => [f, engine[k]] as const).entries()) {
    for (const key of ['mean', 'std', 'min', 'max'] as const) assert.ok(Math.abs(num(a[key]) - num(b[key])) <= 1e-5 * Math.max(1, Math.abs(num(b[key]))), `${i} ${key}: ${a[key]} vs ${b[key]}`);
    assert.equal(a.count, b.count);
    assert.equal(a.nanCount + a.infCount, 0);
    if (i === 0) {
      assert.equal(a.zeroFraction, b.zeroFraction);
      // The engine evaluates tanh' in float32, which moves its 1e-3 edge by ~1e-4 relative: a few values in a million.
      assert.ok(Math.abs(a.saturatedFraction! - b.saturatedFraction!) < 1e-5, `${a.saturatedFraction} vs ${b.saturatedFraction}`);
      assert.deepEqual(a.histogram, b.histogram, 'the same bins and counts, value for value');
      assert.equal(a.histogram[29].count >= 3, true);
    } else {
      assert.deepEqual([a.histogram, b.histogram], [[], []]);
    }
  }
});

test('a worker thread reads half of each large tensor, and the statistics stay the same, also after the engine’s memory grew', () => {
  const jobsBefore = parallelStatsJobs();
  const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
  const makers = [
    // 3 million values: the zeros and the repeated maximum sit in the second half, the worker's.
    () => tf.concat([tf.randomNormal([3_000_000], -1, 2, 'float32', 11), tf.zeros([7000]), tf.fill([5], 15)]),
    // Made after the worker got its first view of the heap: 24 million more grow it.
    () => tf.concat([tf.randomUniform([24_000_000], -3, 4, 'float32', 12), tf.fill([2], -9)]),
  ];
  const heapSizes: number[] = [];
  for (const make of makers) {
    const values = tf.tidy(make);
    heapSizes.push(heapBytes());
    const requests = [{ tensor: values, saturation: 'sigmoid' as const }];
    const [fused] = tensorStats(requests, 30);
    const [engine] = engineTensorStats(requests, 30);
    values.dispose();
    for (const key of ['mean', 'std', 'min', 'max'] as const) assert.ok(Math.abs(num(fused[key]) - num(engine[key])) <= 1e-5 * Math.max(1, Math.abs(num(engine[key]))), `${key}: ${fused[key]} vs ${engine[key]}`);
    assert.equal(fused.zeroFraction, engine.zeroFraction);
    assert.ok(Math.abs(fused.saturatedFraction! - engine.saturatedFraction!) < 1e-5);
    assert.deepEqual(fused.histogram, engine.histogram, 'the same bins and counts, value for value');
  }
  assert.ok(heapSizes[1] > heapSizes[0], `the heap grew between the two (${heapSizes.join(' → ')} bytes)`);
  // The threaded engine's heap is shared, so the worker can read it; on one thread
  // (INITLAB_WASM_THREADS=1, or one core) the heap is not shared and the main thread reads it all.
  const expectWorker = (engineInfo().threads ?? 1) > 1;
  assert.equal(parallelStatsJobs() - jobsBefore >= 4, expectWorker, 'the worker took the second half of both passes of both tensors');
});

test('a tensor asked for twice gives the same figures each time, in the form each request asked for', () => {
  const t = tf.tensor1d([-3, -1, 0, 0, 2, 5]);
  const [full, momentsOnly, saturated] = tensorStats([{ tensor: t }, { tensor: t, momentsOnly: true }, { tensor: t, saturation: 'tanh' }], 5);
  const [alone] = tensorStats([{ tensor: t, saturation: 'tanh' }], 5);
  t.dispose();
  assert.deepEqual([momentsOnly.mean, momentsOnly.std, momentsOnly.min, momentsOnly.max], [full.mean, full.std, full.min, full.max]);
  assert.deepEqual(momentsOnly.histogram, []);
  assert.equal(full.saturatedFraction, null);
  // tanh'(z) < 1e-3 for |z| > 3.8: only 5 of the six values.
  assert.equal(saturated.saturatedFraction, 1 / 6);
  assert.deepEqual(saturated, alone);
});

test('figures read once are reused for the same values only: a reshape shares them, other values do not', () => {
  const a = tf.tensor2d([[1, 2], [3, 10]]);
  const [first] = tensorStats([{ tensor: a }], 4);
  const [again] = tensorStats([{ tensor: a.reshape([4]) }], 4);
  assert.deepEqual(again, first);
  const b = tf.add(a, 1);
  const [shifted] = tensorStats([{ tensor: b }], 4);
  assert.equal(num(shifted.mean), num(first.mean) + 1);
  const [fewerBins] = tensorStats([{ tensor: a }], 2);
  assert.equal(fewerBins.histogram.length, 2);
  tf.dispose([a, b]);
});

test('saturation: the fraction of pre-activations whose sigmoid or tanh derivative is below 1e-3', () => {
  const z = tf.tensor1d([0, 1, 5, 7.5, -8, 4.1, -4.2]);
  const [sig, tanh] = tensorStats([
    { tensor: z, saturation: 'sigmoid' },
    { tensor: z, saturation: 'tanh' },
  ]);
  // σ'(z) ≈ e^−|z| < 1e-3 for |z| > 6.9; tanh'(z) ≈ 4e^−2|z| < 1e-3 for |z| > 4.15.
  assert.equal(sig.saturatedFraction, 2 / 7);
  assert.equal(tanh.saturatedFraction, 4 / 7);
});

test('gaussian expectations match closed forms: E[relu(z)²] = σ²/2, E[z²] = σ²', () => {
  assert.ok(Math.abs(gaussianExpectation((z) => Math.max(0, z) ** 2, 4) - 2) < 1e-6);
  assert.ok(Math.abs(gaussianExpectation((z) => z * z, 0.3) - 0.3) < 1e-6);
  assert.ok(Math.abs(gaussianExpectation((z) => (z > 0 ? 1 : 0), 7) - 0.5) < 1e-3);
});

test('every layer of a Kaiming ReLU network has the std that variance propagation predicts', () => {
  const model = nn.mlp([400, 256, 256, 256, 256, 10], { activation: 'relu', init: 'kaimingNormal', seed: 1 });
  const x = tf.randomNormal([2000, 400], 0, 1, 'float32', 2);
  const y = tf.randomNormal([2000, 10], 0, 1, 'float32', 3);
  const report = probe(model, { label: 'Kaiming' }).step(x, y);
  assert.equal(report.layers.length, 5);
  for (const layer of report.layers) {
    const measured = num(layer.tensors.preActivation!.std);
    const predicted = num(layer.theory.preActivationStd!);
    assert.ok(Math.abs(measured / predicted - 1) < 0.1, `layer ${layer.layer} pre-activation: measured ${measured}, predicted ${predicted}`);
    const g = num(layer.tensors.inputGrad!.std);
    const gp = num(layer.theory.inputGradStd!);
    assert.ok(Math.abs(g / gp - 1) < 0.2, `layer ${layer.layer} input gradient: measured ${g}, predicted ${gp}`);
    // He's init keeps the signal: each layer's forward gain is about 1 (ReLU halves, √2 restores).
    if (layer.layer > 1 && layer.layer < 5) assert.ok(Math.abs(num(layer.forwardGain) - 1) < 0.25, `forward gain ${layer.forwardGain}`);
  }
  assert.ok(report.layers[0].tensors.activation!.zeroFraction > 0.4, 'ReLU zeroes about half its outputs');
  assert.ok(report.layers.every((l) => l.tensors.weights && l.tensors.weightGrad && l.tensors.biasGrad && l.tensors.inputGrad));
  assert.equal(typeof report.loss, 'number');
});

/** The nn modules as tf ops, from module `from` on, as a function of that module's input and the parameters after it: for tf.grads. */
function nnReference(model: nn.Model, from: number, y: tfjs.Tensor): (h: tfjs.Tensor, ...params: tfjs.Tensor[]) => tfjs.Scalar {
  return (h, ...params) => {
    let p = 0;
    for (const layer of model.layers.slice(from)) {
      if (layer instanceof nn.Linear) {
        h = tf.add(tf.matMul(h as tfjs.Tensor2D, params[p] as tfjs.Tensor2D), params[p + 1]);
        p += 2;
      } else if (layer instanceof nn.ReLU) h = tf.sub(tf.relu(h), layer.shift);
      else if (layer instanceof nn.Tanh) h = tf.tanh(h);
      else throw new Error(`no reference for ${layer.name}`);
    }
    if (model.loss instanceof nn.MSE) return tf.mean(tf.squaredDifference(h, y.reshape(h.shape)));
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y.toInt(), h.shape[1]!), h) as tfjs.Scalar;
  };
}

/** Max |a − b| over max |b|. */
function relativeError(a: tfjs.Tensor, b: tfjs.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]));
}

/** Every element within a float32 tolerance of the reference: |a − b| ≤ 1e-4·max|b|. */
const FLOAT32_TOLERANCE = 1e-4;

for (const [activation, loss] of [['relu', 'mse'], ['tanh', 'crossEntropy']] as const) {
  test(`an nn MLP (${activation}, ${loss}) after probe.step: every module's .g equals tf.grads of the whole model element by element, and the probe reports those tensors' statistics`, () => {
    const model = nn.mlp([20, 16, 12, loss === 'mse' ? 1 : 4], { activation, init: 'kaimingNormal', seed: 7, loss, reluShift: activation === 'relu' ? 0.5 : 0 });
    const x = tf.randomNormal([64, 20], 0, 1, 'float32', 8);
    const y = loss === 'mse' ? tf.randomNormal([64], 0, 1, 'float32', 9) : tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 4), 'float32');
    const report = probe(model).step(x, y);
    const params = model.parameters();
    // The data and every parameter, against tf.grads of the loss of the whole model.
    const reference = tf.grads(nnReference(model, 0, y))([x, ...params]);
    const first = model.layers[0] as nn.Linear;
    assert.ok(relativeError(first.inp!.g!, reference[0]) < FLOAT32_TOLERANCE, `x.g: ${relativeError(first.inp!.g!, reference[0])}`);
    params.forEach((param, k) => assert.ok(relativeError(param.g!, reference[k + 1]) < FLOAT32_TOLERANCE, `parameter ${k} .g: ${relativeError(param.g!, reference[k + 1])}`));
    // Every module's out.g (and so the next one's inp.g): tf.grads of the loss of the modules after it.
    const outputGrads = model.layers.map((layer, i) => {
      const rest = model.parameters().slice(model.layers.slice(0, i + 1).filter((l) => l instanceof nn.Linear).length * 2);
      const [g] = tf.grads((h: tfjs.Tensor, ...ps: tfjs.Tensor[]) => nnReference(model, i + 1, y)(h, ...ps))([layer.out!, ...rest]);
      assert.ok(relativeError(layer.out!.g!, g) < FLOAT32_TOLERANCE, `${layer.name} (module ${i + 1}) out.g: ${relativeError(layer.out!.g!, g)}`);
      return g;
    });
    // The probe's figures are those of the tensors just checked. A layer is a Linear and its activation.
    const same = (reported: TensorStats | undefined, exact: tfjs.Tensor, what: string) => {
      assert.ok(reported, `${what}: reported`);
      const [stats] = tensorStats([{ tensor: exact }]);
      assert.equal(reported.count, stats.count, `${what}: count`);
      const scale = Math.max(Math.abs(num(stats.min)), Math.abs(num(stats.max)));
      for (const figure of ['mean', 'min', 'max'] as const) {
        assert.ok(Math.abs(num(reported[figure]) - num(stats[figure])) <= FLOAT32_TOLERANCE * scale, `${what}: ${figure} ${num(reported[figure])} against tf.grads' ${num(stats[figure])}`);
      }
      // One value (a one-unit layer's bias) has no unbiased std: NaN in both.
      if (stats.count === 1) assert.equal(reported.std, stats.std, `${what}: std of one value`);
      else assert.ok(Math.abs(num(reported.std) / num(stats.std) - 1) < FLOAT32_TOLERANCE, `${what}: std ${num(reported.std)} against tf.grads' ${num(stats.std)}`);
      assert.ok(Math.abs(reported.zeroFraction - stats.zeroFraction) <= 1e-3, `${what}: zero fraction`);
    };
    const linears = model.layers.flatMap((l, i) => (l instanceof nn.Linear ? [i] : []));
    assert.equal(report.layers.length, linears.length);
    linears.forEach((at, n) => {
      const layer = report.layers[n];
      const last = model.layers[at + 1] && !(model.layers[at + 1] instanceof nn.Linear) ? at + 1 : at;
      same(layer.tensors.weightGrad, reference[1 + 2 * n], `layer ${n + 1} weight gradient`);
      same(layer.tensors.biasGrad, reference[2 + 2 * n], `layer ${n + 1} bias gradient`);
      same(layer.tensors.outputGrad, outputGrads[last], `layer ${n + 1} output gradient`);
      same(layer.tensors.inputGrad, at === 0 ? reference[0] : outputGrads[at - 1], `layer ${n + 1} input gradient`);
    });
    tf.dispose([...reference, ...outputGrads, x, y]);
    model.dispose();
  });
}

test('dataGrad: false skips the gradient with respect to the data and changes nothing else', () => {
  const x = tf.randomNormal([300, 64], 0, 1, 'float32', 8);
  const y = tf.randomNormal([300, 1], 0, 1, 'float32', 9);
  const run = (dataGrad?: boolean) => {
    const model = nn.mlp([64, 32, 32, 1], { activation: 'tanh', init: 'xavierNormal', seed: 2 });
    const before = tf.memory().numTensors;
    const report = probe(model, { dataGrad }).step(x, y);
    const held = tf.memory().numTensors - before;
    const dataGradient = (x as { g?: unknown }).g;
    model.dispose();
    return { report, held, dataGradient };
  };
  const full = run();
  const skipped = run(false);
  assert.ok(full.report.layers[0].tensors.inputGrad, 'by default layer 1 has an input gradient, as in the lesson');
  assert.ok(full.dataGradient, 'and x.g is set');
  assert.equal(skipped.report.layers[0].tensors.inputGrad, undefined, 'no statistics of a gradient never computed');
  assert.equal(skipped.dataGradient, undefined, 'x.g is left unset, not stale');
  assert.equal(skipped.report.layers[0].backwardGain, 'NaN');
  assert.equal(skipped.held, full.held - 1, 'one tensor fewer: the [300, 64] gradient');
  // Every other figure is the same: the deeper layers' input gradients, weights' gradients, loss.
  const { layers: _a, ...fullRest } = full.report;
  const { layers: _b, ...skippedRest } = skipped.report;
  assert.deepEqual(skippedRest, fullRest);
  skipped.report.layers.forEach((layer, i) => {
    const { inputGrad, ...others } = layer.tensors;
    const { inputGrad: fullInputGrad, ...fullOthers } = full.report.layers[i].tensors;
    assert.deepEqual(others, fullOthers, `layer ${i + 1}`);
    if (i > 0) assert.deepEqual(inputGrad, fullInputGrad, `layer ${i + 1} input gradient`);
  });
  tf.dispose([x, y]);
});

test('a sigmoid network with normal(0, 1) weights saturates; with Xavier it does not', () => {
  const x = tf.randomNormal([500, 784], 0, 1, 'float32', 4);
  const y = tf.randomNormal([500], 0, 1, 'float32', 5);
  const saturated = (initName: nn.InitName) => {
    const model = nn.mlp([784, 100, 100, 1], { activation: 'sigmoid', init: initName, seed: 6 });
    const report = probe(model).step(x, y);
    model.dispose();
    return report.layers[0].tensors.preActivation!.saturatedFraction!;
  };
  assert.ok(saturated('normal') > 0.7, `normal(0,1): ${saturated('normal')}`);
  assert.ok(saturated('xavierNormal') < 0.01, `Xavier: ${saturated('xavierNormal')}`);
});

test('training records loss and per-layer std at each step, and stops cleanly when the loss diverges', () => {
  const x = tf.randomNormal([256, 20], 0, 1, 'float32', 7);
  const y = tf.sum(x, 1);
  const good = nn.mlp([20, 32, 32, 1], { activation: 'relu', init: 'kaimingNormal', seed: 8 });
  const before = tf.memory().numTensors;
  const record = train(good, x, y, { lr: 0.01, steps: 30, batchSize: 64, seed: 1, label: 'Kaiming' });
  assert.equal(tf.memory().numTensors, before, 'training leaks no tensors');
  assert.equal(record.divergedAtStep, null);
  assert.equal(record.losses.length, 30);
  assert.equal(record.stats.length, 30 * 3 * 2);
  assert.ok(num(record.losses[29].loss) < num(record.losses[0].loss) / 2, `loss falls: ${record.losses[0].loss} → ${record.losses[29].loss}`);

  const bad = nn.mlp([20, 32, 32, 1], { activation: 'relu', init: 'normal', seed: 8 });
  const diverged = train(bad, x, y, { lr: 0.1, steps: 50, batchSize: 64, seed: 1 });
  assert.notEqual(diverged.divergedAtStep, null);
  assert.equal(diverged.losses.length, diverged.divergedAtStep, 'no step after the divergence');
  assert.ok(!Number.isFinite(num(diverged.losses[diverged.losses.length - 1].loss)));
});

test('one std everywhere: train’s first step, the probe and data.meanStd give the same figure for the same tensor', () => {
  const x = tf.randomNormal([300, 16], 0, 1, 'float32', 11);
  const y = tf.sum(x, 1);
  const build = () => nn.mlp([16, 12, 12, 1], { activation: 'tanh', init: 'xavierNormal', seed: 3 });
  const trained = build();
  const record = train(trained, x, y, { lr: 0.01, steps: 1 });
  const probed = build();
  const report = probe(probed).step(x, y);
  report.layers.forEach((layer, i) => {
    const at = (quantity: string) => record.stats.find((s) => s.layer === i + 1 && s.quantity === quantity)!.std;
    assert.equal(at('activation'), (layer.tensors.activation ?? layer.tensors.preActivation)!.std, `layer ${i + 1} activation`);
    assert.equal(at('weight gradient'), layer.tensors.weightGrad!.std, `layer ${i + 1} weight gradient`);
  });
  assert.equal(meanStd(x).std, num(tensorStats([{ tensor: x }])[0].std));
  const small = meanStd(tf.tensor1d([1, 2, 3, 4]));
  assert.equal(small.mean, 2.5);
  assert.ok(Math.abs(small.std - Math.sqrt(5 / 3)) < 1e-12, 'unbiased, as torch’s x.std()');
  assert.ok(Number.isNaN(meanStd(tf.tensor1d([1, NaN, 3])).std), 'NaN shows as NaN');
  [trained, probed].forEach((m) => m.dispose());
  tf.dispose([x, y]);
});

test('a report displays as a layer-statistics chart with a static SVG, a text table and its data', async () => {
  const model = nn.mlp([30, 20, 20, 1], { activation: 'tanh', init: 'xavierNormal', seed: 9 });
  const x = tf.randomNormal([100, 30], 0, 1, 'float32', 10);
  const y = tf.randomNormal([100], 0, 1, 'float32', 11);
  const a = probe(model, { label: 'Xavier' }).step(x, y);
  const bundle = (await formatToolkitValue(a))!;
  const payload = bundle[MimeTypes.chart] as unknown as ChartPayload;
  assert.equal(payload.kind, 'layerStats');
  assert.equal((payload.data as { label: string }).label, 'Xavier');
  assert.match(bundle[MimeTypes.svg] as string, /^<svg/);
  assert.match(bundle[MimeTypes.plain] as string, /^scheme\s+layer\s+act std/);
  const both = compareReports([a, { ...a, label: 'Other' }]);
  const side = (await formatToolkitValue(both))!;
  const spec = (side[MimeTypes.chart] as unknown as ChartPayload).spec as { data: { values: { scheme: string }[] } };
  assert.deepEqual([...new Set(spec.data.values.map((v) => v.scheme))], ['Xavier', 'Other']);
  // The two hidden layers' activations, 30 bins each; the output layer has no activation.
  assert.equal((histograms(a).spec as { data: { values: unknown[] } }).data.values.length, 2 * 30);
  assert.match(theory(a).text, /layer 1 pre-activation: predicted/);
});

test('the verdict names the schemes that stay healthy and where the others vanish, explode or saturate', () => {
  const x = tf.randomNormal([400, 200], 0, 1, 'float32', 12);
  const y = tf.randomNormal([400], 0, 1, 'float32', 13);
  const run = (label: string, activation: nn.ActivationName, initName: nn.InitName | nn.WeightInit) => {
    const model = nn.mlp([200, 64, 64, 64, 64, 64, 64, 64, 64, 1], { activation, init: initName, seed: 14 });
    const report = probe(model, { label }).step(x, y);
    model.dispose();
    return report;
  };
  const tiny: nn.WeightInit = (shape, _layer, seed) => tf.randomNormal(shape, 0, 0.01, 'float32', seed);
  const result = verdict([run('He', 'relu', 'kaimingNormal'), run('tiny', 'relu', tiny), run('sigmoid normal', 'sigmoid', 'normal')]);
  assert.deepEqual(
    result.schemes.map((s) => s.healthy),
    [true, false, false],
  );
  assert.match(result.text, /^Healthy at every layer: He\./);
  assert.match(result.text, /✗ tiny: activations vanish at layers 1–9/);
  assert.match(result.text, /✗ sigmoid normal: .*units saturate at layer/);
});
