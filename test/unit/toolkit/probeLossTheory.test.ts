// The theory's backward walk starts from the loss (graphTheory.ts, lossTheory.ts): the input
// gradient it predicts, against the one measured, through softmax and sigmoid heads trained
// with their cross-entropies, an MSE regressor, a CNN and an nn MLP; a saturated softmax, whose
// gradients are exactly zero, in theory as measured; and the verdict, whose every figure is on
// the probe table's row it names, and which judges an output by its logits wherever it sits.
import { before, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import { probe, type LayerProbe, type ProbeReport } from '../../../src/toolkit/probe/probe';
import { formatShare, outputLayers, verdict, type Problem } from '../../../src/toolkit/probe/verdict';
import { layerLabel, stdTable } from '../../../src/toolkit/display';
import { formatStat, fromStatNumber } from '../../../src/toolkit/charts/finite';
import { lossGradientSecondMoment, predictGraph } from '../../../src/toolkit/probe/graphTheory';
import type { TensorStats } from '../../../src/toolkit/probe/tensorStats';

before(async () => {
  await initEngine();
});

const num = fromStatNumber;

/** predicted / measured input-gradient std of every layer that has both. */
function gradientRatios(report: ProbeReport): { name: string; ratio: number }[] {
  return report.layers.flatMap((l) => (l.tensors.inputGrad && l.theory.inputGradStd !== null ? [{ name: l.name, ratio: num(l.theory.inputGradStd) / num(l.tensors.inputGrad.std) }] : []));
}

/**
 * Asserts predicted against measured input-gradient std: within `head` at the output layer (the
 * loss's rule and one weighted layer) and within `earlier` before it (the variance theory's own
 * approximations), and logs every ratio.
 */
function checkRatios(t: TestContext, report: ProbeReport, head: number, earlier: number): void {
  const ratios = gradientRatios(report);
  t.diagnostic(`${report.label}: ${ratios.map((r) => `${r.name} ${r.ratio.toFixed(3)}`).join(', ')}`);
  assert.ok(ratios.length > 0, 'theory predicts the input gradients');
  const outputs = new Set(report.layers.filter((l) => !report.layers.some((r) => r.inputs.includes(l.id))).map((l) => l.name));
  for (const { name, ratio } of ratios) {
    const tolerance = outputs.has(name) ? head : earlier;
    assert.ok(Math.abs(ratio - 1) < tolerance, `${report.label} ${name}: predicted / measured input-gradient std ${ratio}, not within ${tolerance}`);
  }
}

const oneHot = (n: number, classes: number, seed: number) => tf.tidy(() => tf.oneHot(tf.randomUniform([n], 0, classes, 'int32', seed), classes));
const dense = (units: number, activation: string, stddev: number | 'he', seed: number, extra: object = {}) =>
  tf.layers.dense({ units, activation: activation as 'relu', kernelInitializer: stddev === 'he' ? tf.initializers.heNormal({ seed }) : tf.initializers.randomNormal({ stddev, seed }), ...extra });

/** 32 → 64 → 64 → the head, ReLU hidden layers named hidden1 and hidden2. */
function mlp(head: tfjs.layers.Layer, loss: string, stddev: number | 'he' = 'he'): tfjs.Sequential {
  const model = tf.sequential({ layers: [dense(64, 'relu', stddev, 1, { inputShape: [32], name: 'hidden1' }), dense(64, 'relu', stddev, 2, { name: 'hidden2' }), head] });
  model.compile({ optimizer: 'sgd', loss });
  return model;
}

/** Runs `body` and checks it leaves no tensor behind (its models and data included). */
function tidyTest(body: () => void): void {
  const before = tf.memory().numTensors;
  tf.tidy(body);
  assert.equal(tf.memory().numTensors, before, 'no tensor is left behind');
}

test('a dense softmax classifier: the input gradient comes from (p − y)/N at the logits, one-hot and sparse labels', (t) => {
  tidyTest(() => {
    const x = tf.randomNormal([1024, 32], 0, 1, 'float32', 1);
    const he = mlp(dense(10, 'softmax', 'he', 3, { name: 'out' }), 'categoricalCrossentropy');
    checkRatios(t, probe(he, { label: 'softmax, He' }).step(x, oneHot(1024, 10, 4)), 0.1, 0.15);
    // Wider weights: logits of std ~5, probabilities far from uniform, sparse integer labels.
    const wide = mlp(dense(10, 'softmax', 0.3, 3, { name: 'out' }), 'sparseCategoricalCrossentropy', 0.3);
    const labels = tf.floor(tf.randomUniform([1024, 1], 0, 10, 'float32', 5));
    const report = probe(wide, { label: 'softmax, normal(0, 0.3), sparse labels' }).step(x, labels);
    assert.ok(num(report.layers[2].tensors.preActivation!.std) > 3, 'the logits are wide');
    checkRatios(t, report, 0.1, 0.15);
    he.dispose();
    wide.dispose();
  });
});

test('a sigmoid binary classifier: (p − y)/(N·units) at the logits, where the walk through σ′ was off by orders of magnitude', (t) => {
  tidyTest(() => {
    const x = tf.randomNormal([1024, 32], 0, 1, 'float32', 1);
    const y = tf.cast(tf.randomUniform([1024, 1], 0, 2, 'int32', 5), 'float32');
    const model = mlp(dense(1, 'sigmoid', 0.3, 3, { name: 'out' }), 'binaryCrossentropy', 0.3);
    checkRatios(t, probe(model, { label: 'sigmoid, normal(0, 0.3)' }).step(x, y), 0.1, 0.15);
    // The same loss as a function of the user's has no rule: the walk starts from ∂L/∂p through σ′.
    const old = probe(model, { label: 'without the loss rule', loss: (a, b) => tf.metrics.binaryCrossentropy(a, b) }).step(x, y);
    const worst = Math.max(...gradientRatios(old).map((r) => r.ratio));
    t.diagnostic(`without the loss rule: predicted / measured up to ${worst.toFixed(0)}`);
    assert.ok(worst > 10, `the elementwise walk through the sigmoid is far off (${worst})`);
    // Several sigmoid units (multi-label): the mean over the last axis divides by the units.
    const multi = mlp(dense(5, 'sigmoid', 'he', 3, { name: 'out' }), 'binaryCrossentropy');
    checkRatios(t, probe(multi, { label: 'five sigmoid units' }).step(x, tf.cast(tf.randomUniform([1024, 5], 0, 2, 'int32', 6), 'float32')), 0.1, 0.15);
    model.dispose();
    multi.dispose();
  });
});

test('an MSE regressor: 2(ŷ − y)/(N·units) at the output, for one unit and for four', (t) => {
  tidyTest(() => {
    const x = tf.randomNormal([1024, 32], 0, 1, 'float32', 1);
    const one = mlp(dense(1, 'linear', 'he', 3, { name: 'out' }), 'meanSquaredError');
    checkRatios(t, probe(one, { label: 'MSE, one unit' }).step(x, tf.randomNormal([1024, 1], 0, 1, 'float32', 6)), 0.1, 0.15);
    const four = mlp(dense(4, 'linear', 'he', 3, { name: 'out' }), 'meanSquaredError');
    checkRatios(t, probe(four, { label: 'MSE, four units' }).step(x, tf.randomNormal([1024, 4], 2, 1, 'float32', 7)), 0.1, 0.15);
    one.dispose();
    four.dispose();
  });
});

/** conv, strided conv, max pool, flatten, and a dense softmax head (or a linear dense and a Softmax activation layer). */
function cnn(init: (seed: number) => ReturnType<typeof tf.initializers.heNormal>, input = 12, separateSoftmax = false): tfjs.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [input, input, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(11), name: 'conv1' }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(12), name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      ...(separateSoftmax
        ? [tf.layers.dense({ units: 10, kernelInitializer: init(13), name: 'head' }), tf.layers.activation({ activation: 'softmax', name: 'softmax' })]
        : [tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(13), name: 'head' })]),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

test('a CNN with a softmax head (tf.layers): the loss rule at the head, then conv, max-pool and flatten rules', (t) => {
  tidyTest(() => {
    const x = tf.randomNormal([512, 12, 12, 1], 0, 1, 'float32', 6);
    const model = cnn((seed) => tf.initializers.heNormal({ seed }));
    // A max pool's backward rule assumes the window's winners independent: looser before it.
    checkRatios(t, probe(model, { label: 'CNN, He' }).step(x, oneHot(512, 10, 3)), 0.1, 0.2);
    // The softmax as a layer of its own: the loss's gradient at its input, the dense head's output.
    const separate = cnn((seed) => tf.initializers.heNormal({ seed }), 12, true);
    checkRatios(t, probe(separate, { label: 'CNN, He, Softmax layer' }).step(x, oneHot(512, 10, 3)), 0.1, 0.2);
    model.dispose();
    separate.dispose();
  });
});

test('an nn MLP with cross-entropy (nn.CrossEntropy applies the softmax itself) and with MSE', (t) => {
  tidyTest(() => {
    const x = tf.randomNormal([1024, 32], 0, 1, 'float32', 1);
    const ce = nn.mlp([32, 64, 64, 10], { activation: 'relu', init: 'kaimingNormal', loss: 'crossEntropy', seed: 1 });
    checkRatios(t, probe(ce, { label: 'nn MLP, cross-entropy' }).step(x, tf.randomUniform([1024], 0, 10, 'int32', 7)), 0.1, 0.15);
    const tanh = nn.mlp([32, 64, 64, 10], { activation: 'tanh', init: 'xavierNormal', loss: 'crossEntropy', seed: 2 });
    checkRatios(t, probe(tanh, { label: 'nn tanh MLP, cross-entropy' }).step(x, tf.randomUniform([1024], 0, 10, 'int32', 8)), 0.1, 0.15);
    const mse = nn.mlp([32, 64, 64, 1], { activation: 'relu', init: 'kaimingNormal', loss: 'mse', seed: 3 });
    checkRatios(t, probe(mse, { label: 'nn MLP, MSE' }).step(x, tf.randomNormal([1024], 0, 1, 'float32', 9)), 0.1, 0.15);
    for (const m of [ce, tanh, mse]) m.dispose();
  });
});

test('the loss rules: E[g²] = E[e²]/M² for softmax, E[e²]/(M·K)² for sigmoid, 4·E[e²]/(M·K)² for MSE, and where each starts', () => {
  const e = { errorSecondMoment: 0.09, terms: 100, units: 10 };
  assert.equal(lossGradientSecondMoment({ rule: 'softmaxCrossEntropy', at: 'logits', ...e }), 0.09 / 100 ** 2);
  assert.equal(lossGradientSecondMoment({ rule: 'sigmoidCrossEntropy', at: 'logits', ...e }), 0.09 / 1000 ** 2);
  assert.equal(lossGradientSecondMoment({ rule: 'meanSquaredError', at: 'output', ...e }), (4 * 0.09) / 1000 ** 2);
  // A dense softmax head of fan-in 4 (backward fan 10, Var(w) 0.5): at the logits, the loss's
  // gradient goes through the weights only; a separate softmax layer hands it to its input whole.
  const input = { mean: 0, secondMoment: 1 };
  const weighted = { name: 'head', inputs: ['input'], theory: { rule: 'weighted' as const, fanIn: 4, backwardFan: 10, activation: null }, weightVariance: 0.5, loss: { rule: 'softmaxCrossEntropy' as const, at: 'logits' as const, ...e } };
  const [head] = predictGraph([weighted], input);
  assert.ok(Math.abs(head.inputGradStd! - Math.sqrt(10 * 0.5 * (0.09 / 100 ** 2))) < 1e-12);
  const layers = [
    { name: 'logits', inputs: ['input'], theory: { rule: 'weighted' as const, fanIn: 4, backwardFan: 10, activation: { f: (z: number) => z, df: () => 1 } }, weightVariance: 0.5 },
    { name: 'softmax', inputs: ['logits'], theory: { rule: 'unknown' as const }, loss: { rule: 'softmaxCrossEntropy' as const, at: 'logits' as const, ...e } },
  ];
  const [logits, softmax] = predictGraph(layers, input);
  assert.ok(Math.abs(softmax.inputGradStd! - Math.sqrt(0.09) / 100) < 1e-12, 'the softmax layer passes the logits gradient to its input');
  assert.ok(Math.abs(logits.inputGradStd! - Math.sqrt(10 * 0.5 * (0.09 / 100 ** 2))) < 1e-12);
});

/** The table's row for `layer` of the report labelled `label`, as cells. */
function tableRow(table: string, report: ProbeReport, layer: LayerProbe): string[] {
  const line = table.split('\n').find((l) => {
    const cells = l.trim().split(/\s{2,}/);
    return cells[0] === report.label && cells[1] === layerLabel(layer);
  });
  assert.ok(line, `the table has a row for ${report.label} ${layerLabel(layer)}:\n${table}`);
  return line.trim().split(/\s{2,}/);
}

const problemFigure = (p: Problem) => (p.kind === 'saturates' ? formatShare(p.fraction) : formatStat(p.std));

/**
 * Every figure the verdict quotes is in the probe table, on the row of the layer it names: each
 * problem's figure on its layer's row, and every figure in the text is one of the problems'.
 */
function checkFiguresInTable(reports: ProbeReport[]): string {
  const table = stdTable(reports);
  const v = verdict(reports);
  reports.forEach((report, i) => {
    for (const p of v.schemes[i].problems) {
      const layer = report.layers.find((l) => l.layer === p.layer)!;
      const figure = problemFigure(p);
      assert.ok(tableRow(table, report, layer).slice(2).includes(figure), `${report.label}: the verdict's ${p.kind} figure ${figure} is on layer ${p.layer}'s row:\n${table}\n${v.text}`);
    }
  });
  const figures = [...v.text.matchAll(/std (\S+?)[,)]|(\d+%)/g)].map((m) => m[1] ?? m[2]);
  const known = new Set(v.schemes.flatMap((s) => s.problems.map(problemFigure)));
  for (const f of figures) assert.ok(known.has(f), `the verdict's figure ${f} is a problem's, on its row:\n${table}\n${v.text}`);
  return v.text;
}

test('a saturated softmax: every gradient exactly zero, in theory as measured, and the verdict says so with figures from the table', (t) => {
  tidyTest(() => {
    // normal(0, 1) kernels on 28 × 28 images: logits of std ~600, a one-hot softmax, and
    // categorical cross-entropy clips p to [1e-7, 1 − 1e-7], passing no gradient.
    const x = tf.randomNormal([256, 28, 28, 1], 0, 1, 'float32', 6);
    const model = cnn((seed) => tf.initializers.randomNormal({ stddev: 1, seed }), 28);
    const report = probe(model, { label: 'normal(0, 1)' }).step(x, oneHot(256, 10, 3));
    const head = report.layers.find((l) => l.name === 'head')!;
    assert.ok(num(head.tensors.preActivation!.std) > 100, `logits std ${num(head.tensors.preActivation!.std)}`);
    for (const l of report.layers) if (l.tensors.weightGrad) assert.equal(num(l.tensors.weightGrad.std), 0, `${l.name}'s weight gradient is exactly 0`);
    for (const l of report.layers) if (l.theory.inputGradStd !== null) assert.equal(num(l.theory.inputGradStd), 0, `theory predicts no gradient at ${l.name} either`);
    const text = checkFiguresInTable([report]);
    t.diagnostic(text);
    assert.match(text, /gradients are exactly zero: softmax saturated at layer 5 \(head, logits std /);
    assert.ok(text.indexOf('gradients are exactly zero') < text.indexOf('activations explode'), 'the zero gradient comes first');
    // A Softmax layer after a linear head: named as the saturated softmax, its input the logits.
    const separate = cnn((seed) => tf.initializers.randomNormal({ stddev: 1, seed }), 28, true);
    const split = checkFiguresInTable([probe(separate, { label: 'normal(0, 1), Softmax layer' }).step(x, oneHot(256, 10, 3))]);
    assert.match(split, /gradients are exactly zero: softmax saturated at layer 6 \(softmax, logits std /);
    // A sigmoid with logits in the thousands under binary cross-entropy: the same, said of the sigmoid.
    // (Every example's: a logit within ±16 of 0 keeps p inside the clip and passes a gradient.)
    const binary = mlp(dense(1, 'sigmoid', 5, 3, { name: 'out' }), 'binaryCrossentropy', 5);
    const y = tf.cast(tf.randomUniform([64, 1], 0, 2, 'int32', 5), 'float32');
    const sigmoid = checkFiguresInTable([probe(binary, { label: 'normal(0, 5), sigmoid' }).step(tf.randomNormal([64, 32], 0, 1, 'float32', 1), y)]);
    assert.match(sigmoid, /gradients are exactly zero: sigmoid saturated at layer 3 \(out, logits std /);
    model.dispose();
    separate.dispose();
    binary.dispose();
  });
});

test('the verdict quotes only figures the table shows on the named row: MLPs, CNNs, tf.layers with softmax, saturation', () => {
  tidyTest(() => {
    const x = tf.randomNormal([512, 32], 0, 1, 'float32', 1);
    const labels = tf.randomUniform([512], 0, 10, 'int32', 2);
    const nnReports = (['normal', 'kaimingNormal', 'xavierNormal'] as const).map((init) => {
      const model = nn.mlp([32, 64, 64, 64, 10], { activation: 'tanh', init, loss: 'crossEntropy', seed: 3 });
      const report = probe(model, { label: `nn tanh ${init}` }).step(x, labels);
      model.dispose();
      return report;
    });
    const text = checkFiguresInTable(nnReports);
    assert.match(text, /units saturate at layers? [\d–, ]+ \(\d+%/, 'a saturation share is quoted');

    const images = tf.randomNormal([64, 12, 12, 1], 0, 1, 'float32', 4);
    const nnCnn = (['normal', 'kaimingNormal'] as const).map((init) => {
      const model = nn.cnn({ input: [12, 12, 1], channels: [8, 16], strides: [1, 2], init, seed: 5 });
      const report = probe(model, { label: `nn CNN ${init}` }).step(images, tf.randomUniform([64], 0, 10, 'int32', 6));
      model.dispose();
      return report;
    });
    checkFiguresInTable(nnCnn);

    const layersReports = [0.05, 1, 'he' as const].map((stddev) => {
      const model = mlp(dense(10, 'softmax', stddev, 3, { name: 'out' }), 'categoricalCrossentropy', stddev);
      const report = probe(model, { label: `tf.layers softmax ${stddev}` }).step(x, tf.oneHot(labels, 10));
      model.dispose();
      return report;
    });
    const softmaxText = checkFiguresInTable(layersReports);
    // The softmax head is judged by its logits, the table's pre std on its row.
    const logits = formatStat(layersReports[1].layers[2].tensors.preActivation!.std);
    assert.match(softmaxText, new RegExp(`✗ tf\\.layers softmax 1: activations explode at layers 2–3 \\(hidden2 … out, std [\\d.]+ … std ${logits}\\)`));

    const cnnReports = [1, 'he' as const].map((stddev) => {
      const model = cnn((seed) => (stddev === 'he' ? tf.initializers.heNormal({ seed }) : tf.initializers.randomNormal({ stddev, seed })), 20);
      const report = probe(model, { label: `tf.layers CNN ${stddev}` }).step(tf.randomNormal([64, 20, 20, 1], 0, 1, 'float32', 7), oneHot(64, 10, 8));
      model.dispose();
      return report;
    });
    checkFiguresInTable(cnnReports);
  });
});

test('a transfer-learning model (a Sequential inside a Sequential): its softmax head judged by its logits, its input gradient predicted', (t) => {
  const base = tf.sequential({ name: 'base', layers: [dense(64, 'relu', 'he', 1, { inputShape: [32] }), dense(32, 'relu', 'he', 2)] });
  // A hundred classes: probabilities of std ~0.01, which the verdict once called vanishing.
  const head = tf.sequential({ name: 'head', layers: [dense(100, 'softmax', 'he', 3, { inputShape: [32] })] });
  const model = tf.sequential({ layers: [base, head] });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  // Outside the tensor count: tf.js leaves two tensors of a nested model behind on dispose().
  tidyTest(() => {
    const report = probe(model, { label: 'transfer' }).step(tf.randomNormal([1024, 32], 0, 1, 'float32', 1), oneHot(1024, 100, 2));
    const [out] = outputLayers(report);
    assert.equal(out.activation, 'softmax');
    assert.ok(num(out.tensors.activation!.std) < 0.1, `the probabilities' std ${num(out.tensors.activation!.std)} is below the band`);
    assert.match(verdict(report).text, /✓ transfer: healthy at every layer/);
    checkRatios(t, report, 0.1, 0.15);
  });
  model.dispose();
});

test('a model with two outputs, a softmax and an MSE regression: each head starts from its own loss, and their gradients add', (t) => {
  tidyTest(() => {
    const input = tf.input({ shape: [32] });
    const h = dense(64, 'relu', 'he', 1, { name: 'trunk' }).apply(input) as tfjs.SymbolicTensor;
    const classes = dense(10, 'softmax', 'he', 2, { name: 'classes' }).apply(h) as tfjs.SymbolicTensor;
    const value = dense(1, 'linear', 'he', 3, { name: 'value' }).apply(h) as tfjs.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [classes, value] });
    model.compile({ optimizer: 'sgd', loss: ['categoricalCrossentropy', 'meanSquaredError'] });
    const report = probe(model, { label: 'two heads' }).step(tf.randomNormal([1024, 32], 0, 1, 'float32', 1), [oneHot(1024, 10, 2), tf.randomNormal([1024, 1], 0, 1, 'float32', 3)]);
    checkRatios(t, report, 0.1, 0.15);
    model.dispose();
  });
});

/** A layer of a hand-built report: only what the verdict reads. */
function layer(n: number, id: string, inputs: string[], tensors: Partial<Record<'weights' | 'preActivation' | 'activation' | 'weightGrad', Partial<TensorStats>>>, activation = 'none', kind = 'dense'): LayerProbe {
  const full = (s: Partial<TensorStats>): TensorStats => ({ count: 100, mean: 0, std: 1, min: -1, max: 1, zeroFraction: 0, saturatedFraction: null, nanCount: 0, infCount: 0, histogram: [], ...s });
  return {
    layer: n,
    id,
    name: id,
    kind,
    inputs,
    activation,
    tensors: Object.fromEntries(Object.entries(tensors).map(([k, s]) => [k, full(s)])),
    forwardGain: 1,
    backwardGain: 1,
    theory: { preActivationStd: null, activationStd: null, inputGradStd: null },
  };
}

test('an output is judged by its logits wherever it sits, and a probability is never blamed for being small', () => {
  const grad = { std: 0.01 };
  const hidden = (n: number, id: string, inputs: string[]) => layer(n, id, inputs, { weights: {}, preActivation: { std: 1.2 }, activation: { std: 0.7 }, weightGrad: grad }, 'relu');
  // A transfer-learning model flattened to leaf layers by path: the softmax head is not the last
  // row (a branch's layer follows it), and its probabilities have std 0.02.
  const probabilities = { std: 0.02, min: 0, max: 0.3 };
  const report: ProbeReport = {
    kind: 'initlab.probe',
    label: 'transfer',
    loss: 2.3,
    layers: [
      hidden(1, 'base/conv_1', ['input']),
      hidden(2, 'base/dense_1', ['base/conv_1']),
      layer(3, 'head/dense_1', ['base/dense_1'], { weights: {}, preActivation: { std: 0.8 }, activation: probabilities, weightGrad: grad }, 'softmax'),
      layer(4, 'aux/dense', ['base/dense_1'], { weights: {}, preActivation: { std: 1.1 }, weightGrad: grad }),
    ],
  };
  assert.deepEqual([...outputLayers(report)].map((l) => l.id), ['head/dense_1', 'aux/dense']);
  assert.match(verdict(report).text, /✓ transfer: healthy at every layer/);
  // Logits too wide: blamed by their own std, which the table shows on the head's row.
  report.layers[2] = layer(3, 'head/dense_1', ['base/dense_1'], { weights: {}, preActivation: { std: 42 }, activation: probabilities, weightGrad: grad }, 'softmax');
  assert.match(verdict(report).text, /activations explode at layer 3 \(head\/dense_1, std 42\)/);
  assert.match(tableRow(stdTable([report]), report, report.layers[2]).join(' '), /0\.02 .* 42 /);
  // An output layer that shows no logits (a nested model read as one row) and gives values in
  // [0, 1] is not judged; a softmax activation layer after a linear dense leaves the dense its logits.
  report.layers[2] = layer(3, 'head', ['base/dense_1'], { weights: {}, activation: probabilities, weightGrad: grad }, 'none', 'sequential');
  assert.match(verdict(report).text, /✓ transfer: healthy/);
  const split: ProbeReport = {
    ...report,
    layers: [
      hidden(1, 'dense_1', ['input']),
      layer(2, 'logits', ['dense_1'], { weights: {}, preActivation: { std: 0.05 }, weightGrad: grad }),
      layer(3, 'softmax', ['logits'], { preActivation: { std: 0.05 }, activation: probabilities }, 'softmax', 'activation'),
    ],
  };
  assert.deepEqual([...outputLayers(split)].map((l) => l.id), ['logits']);
  assert.match(verdict(split).text, /activations vanish at layer 2 \(logits, std 0\.05\)/);
});

test('all gradients exactly zero without a saturated output: said as such', () => {
  const zero = { std: 0, mean: 0, min: 0, max: 0 };
  const report: ProbeReport = {
    kind: 'initlab.probe',
    label: 'dead',
    loss: 1,
    layers: [
      layer(1, 'd1', ['input'], { weights: {}, preActivation: { std: 1 }, activation: { std: 0.6 }, weightGrad: zero }, 'relu'),
      layer(2, 'out', ['d1'], { weights: {}, preActivation: { std: 1 }, weightGrad: zero }),
    ],
  };
  const [scheme] = verdict(report).schemes;
  assert.deepEqual(scheme.problems.map((p) => p.kind), ['gradientsZero']);
  assert.match(verdict(report).text, /✗ dead: gradients are exactly zero at every layer/);
});
