// The probe on TensorFlow.js tf.layers models: the gradients it reports against tf.grads and
// finite differences, every layer kind it must read, the theory through conv, BatchNorm and
// residual adds, and that a probe changes nothing and leaks nothing.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { probe, type LayerProbe } from '../../../src/toolkit/probe/probe';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { histograms, layerStats } from '../../../src/toolkit/display';
import { verdict } from '../../../src/toolkit/probe/verdict';
import { renderSvg } from '../../../src/toolkit/charts/renderSvg';

before(async () => {
  await initEngine();
});

const num = fromStatNumber;
const std = (t: tfjs.Tensor) => Math.sqrt(tf.moments(t).variance.dataSync()[0] * (t.size / (t.size - 1)));
const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a / b - 1) < rel, `${what}: ${a} against ${b}`);
const byName = (layers: LayerProbe[], name: string) => layers.find((l) => l.name === name)!;

function denseModel(): tfjs.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [64], units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'd1' }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }), name: 'd2' }),
      tf.layers.dense({ units: 64, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), name: 'out' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

test('a Sequential of dense layers: activations shown apart from pre-activations, gradients equal to tf.grads', () => {
  const model = denseModel();
  const x = tf.randomNormal([512, 64], 0, 1, 'float32', 4);
  const y = tf.randomNormal([512, 64], 0, 1, 'float32', 5);
  const report = probe(model, { label: 'He' }).step(x, y);
  assert.deepEqual(
    report.layers.map((l) => [l.name, l.kind, l.activation, l.inputs.join(',')]),
    [
      ['d1', 'dense', 'relu', 'input'],
      ['d2', 'dense', 'relu', 'd1'],
      ['out', 'dense', 'none', 'd2'],
    ],
  );
  // The reference: the same loss through tf.grads, with respect to the data and every weight.
  const weights = model.trainableWeights.map((w) => w.read());
  const loss = (input: tfjs.Tensor, ...ws: tfjs.Tensor[]) => {
    const [k1, b1, k2, b2, k3, b3] = ws;
    const h1 = tf.relu(tf.add(tf.matMul(input as tfjs.Tensor2D, k1 as tfjs.Tensor2D), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, k2 as tfjs.Tensor2D), b2));
    return tf.losses.meanSquaredError(y, tf.add(tf.matMul(h2, k3 as tfjs.Tensor2D), b3));
  };
  const grads = tf.grads(loss)([x, ...weights]);
  close(num(report.loss!), loss(x, ...weights).dataSync()[0], 1e-5, 'loss');
  close(num(report.layers[0].tensors.inputGrad!.std), std(grads[0]), 1e-4, 'data gradient');
  report.layers.forEach((layer, i) => {
    close(num(layer.tensors.weightGrad!.std), std(grads[1 + 2 * i]), 1e-4, `${layer.name} kernel gradient`);
    close(num(layer.tensors.biasGrad!.std), std(grads[2 + 2 * i]), 1e-4, `${layer.name} bias gradient`);
  });
  const d1 = report.layers[0];
  assert.ok(d1.tensors.preActivation!.zeroFraction < 0.01 && d1.tensors.activation!.zeroFraction > 0.4, 'ReLU zeroes about half, after the pre-activation');
  // He init keeps the std: measured against theory at every layer.
  for (const layer of report.layers) {
    close(num(layer.tensors.preActivation!.std), num(layer.theory.preActivationStd!), 0.12, `${layer.name} pre-activation against theory`);
  }
});

test('a finite difference of the loss matches the reported weight gradient', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'tanh', name: 'h' }), tf.layers.dense({ units: 1, name: 'o' })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tf.tensor2d([[0.5, -1, 2], [1, 0.3, -0.7]]);
  const y = tf.tensor2d([[1], [-1]]);
  const report = probe(model).step(x, y);
  // The kernel gradient's mean is Σ ∂L/∂w / 6; compare with central differences of each entry.
  const kernel = model.layers[0].getWeights()[0];
  const values = kernel.arraySync() as number[][];
  const lossAt = (w: number[][]) => {
    model.layers[0].setWeights([tf.tensor2d(w), model.layers[0].getWeights()[1]]);
    return tf.losses.meanSquaredError(y, model.predict(x) as tfjs.Tensor).dataSync()[0];
  };
  const h = 1e-2;
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      const up = values.map((r) => [...r]);
      const down = values.map((r) => [...r]);
      up[i][j] += h;
      down[i][j] -= h;
      sum += (lossAt(up) - lossAt(down)) / (2 * h);
    }
  }
  lossAt(values);
  const reported = num(report.layers[0].tensors.weightGrad!.mean);
  assert.ok(Math.abs(reported - sum / 6) < 2e-3, `mean kernel gradient ${reported}, finite differences ${sum / 6}`);
});

function cnn(): tfjs.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'conv1' }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'valid', kernelInitializer: tf.initializers.heNormal({ seed: 2 }), name: 'conv2' }),
      tf.layers.activation({ activation: 'relu', name: 'relu2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.dropout({ rate: 0.5, name: 'drop' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'head' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

test('a CNN with BatchNorm, pooling and dropout: every layer shown, BatchNorm left as it was', () => {
  const model = cnn();
  const x = tf.randomNormal([256, 12, 12, 1], 0, 1, 'float32', 6);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 256 }, (_, i) => i % 10), 'int32'), 10);
  const movingBefore = model.getLayer('bn1').getWeights().slice(2).map((w) => w.dataSync().slice());
  const report = probe(model).step(x, y);
  assert.deepEqual(
    report.layers.map((l) => l.kind),
    ['conv2d', 'batchNormalization', 'conv2d', 'activation', 'maxPooling2d', 'dropout', 'flatten', 'dense'],
  );
  const conv1 = byName(report.layers, 'conv1');
  assert.ok(conv1.tensors.preActivation && conv1.tensors.activation && conv1.tensors.weights && conv1.tensors.bias && conv1.tensors.weightGrad);
  // Theory through a conv: fan_in = 3 × 3 × 1.
  close(num(conv1.tensors.preActivation!.std), num(conv1.theory.preActivationStd!), 0.12, 'conv1 pre-activation against theory');
  const bn = byName(report.layers, 'bn1');
  for (const kind of ['gamma', 'beta', 'movingMean', 'movingVariance', 'gammaGrad', 'betaGrad'] as const) assert.ok(bn.tensors[kind], `BatchNorm shows ${kind}`);
  // BatchNorm normalizes with the batch's statistics, and theory says it resets the std to γ.
  close(num(bn.tensors.activation!.std), 1, 0.02, 'BatchNorm output std');
  close(num(bn.theory.activationStd!), 1, 0.02, 'BatchNorm predicted std');
  const conv2 = byName(report.layers, 'conv2');
  close(num(conv2.tensors.preActivation!.std), num(conv2.theory.preActivationStd!), 0.12, 'conv2 after BatchNorm against theory');
  // Dropout is off while probing: its output is its input.
  const drop = byName(report.layers, 'drop');
  assert.equal(num(drop.forwardGain), 1);
  // Max pooling has no forward prediction; the layers after it start again from what was measured.
  assert.equal(byName(report.layers, 'pool').theory.activationStd, null);
  assert.notEqual(byName(report.layers, 'head').theory.preActivationStd, null);
  const movingAfter = model.getLayer('bn1').getWeights().slice(2).map((w) => w.dataSync().slice());
  assert.deepEqual(movingAfter, movingBefore, 'probing leaves the moving statistics as they were');
});

test('a functional model with a residual add and a concatenation: inputs name the branches, variances add', () => {
  const input = tf.input({ shape: [32] });
  const a = tf.layers.dense({ units: 32, kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }), name: 'branch' }).apply(input) as tfjs.SymbolicTensor;
  const sum = tf.layers.add({ name: 'skip' }).apply([input, a]) as tfjs.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([sum, input]) as tfjs.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, name: 'out' }).apply(cat) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const x = tf.randomNormal([4096, 32], 0, 1, 'float32', 8);
  const y = tf.zeros([4096, 1]);
  const report = probe(model, { loss: 'meanSquaredError' }).step(x, y);
  const skip = byName(report.layers, 'skip');
  assert.deepEqual(skip.inputs, ['input', 'branch']);
  assert.deepEqual(byName(report.layers, 'cat').inputs, ['skip', 'input']);
  // Var(x + Wx) = Var(x) + Var(Wx) for independent branches: about 2 with Glorot's 32→32.
  close(num(skip.tensors.activation!.std), num(skip.theory.activationStd!), 0.1, 'residual add against theory');
  // The gradient at the input is the sum over its three readers.
  assert.ok(skip.tensors.outputGrad && byName(report.layers, 'branch').tensors.inputGrad);
});

test('every common layer kind is read, and a kind the probe does not know still shows its tensors', () => {
  const input = tf.input({ shape: [8, 8, 3] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(input) as tfjs.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'depthwise' }).apply(h) as tfjs.SymbolicTensor;
  h = tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'separable' }).apply(h) as tfjs.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'bn' }).apply(h) as tfjs.SymbolicTensor;
  h = tf.layers.averagePooling2d({ poolSize: 2, name: 'avg' }).apply(h) as tfjs.SymbolicTensor;
  h = tf.layers.gaussianNoise({ stddev: 0.1, name: 'noise' }).apply(h) as tfjs.SymbolicTensor;
  h = tf.layers.layerNormalization({ name: 'ln' }).apply(h) as tfjs.SymbolicTensor;
  const g = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(h) as tfjs.SymbolicTensor;
  const r = tf.layers.reshape({ targetShape: [6], name: 'reshape' }).apply(g) as tfjs.SymbolicTensor;
  const act = tf.layers.activation({ activation: 'tanh', name: 'tanh' }).apply(r) as tfjs.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'out' }).apply(act) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const report = probe(model, { loss: 'meanSquaredError' }).step(tf.randomNormal([16, 8, 8, 3], 0, 1, 'float32', 9), tf.zeros([16, 2]));
  assert.deepEqual(
    report.layers.map((l) => l.kind),
    ['conv2d', 'depthwiseConv2d', 'separableConv2d', 'batchNormalization', 'averagePooling2d', 'gaussianNoise', 'layerNormalization', 'globalAveragePooling2d', 'reshape', 'activation', 'dense'],
  );
  const sep = byName(report.layers, 'separable');
  assert.ok(sep.tensors.weights && sep.tensors.pointwiseWeights && sep.tensors.weightGrad && sep.tensors.pointwiseGrad);
  const noise = byName(report.layers, 'noise');
  assert.ok(noise.tensors.activation && noise.tensors.outputGrad, 'an unknown kind shows its output and gradient');
  assert.equal(noise.theory.activationStd, null);
  assert.equal(byName(report.layers, 'tanh').tensors.preActivation!.saturatedFraction !== null, true);

  const tokens = tf.input({ shape: [5], dtype: 'int32' });
  const e = tf.layers.embedding({ inputDim: 20, outputDim: 8, name: 'embed' }).apply(tokens) as tfjs.SymbolicTensor;
  const f = tf.layers.flatten({ name: 'flat' }).apply(e) as tfjs.SymbolicTensor;
  const o = tf.layers.dense({ units: 1, name: 'o' }).apply(f) as tfjs.SymbolicTensor;
  const text = tf.model({ inputs: tokens, outputs: o });
  const ids = tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], [2, 5], 'int32');
  const embedded = probe(text, { loss: 'meanSquaredError', dataGrad: false }).step(ids, tf.zeros([2, 1]));
  const embed = byName(embedded.layers, 'embed');
  assert.ok(embed.tensors.weights && embed.tensors.weightGrad);
  close(num(embed.theory.activationStd!), Math.sqrt(num(embed.tensors.weights!.std) ** 2 + num(embed.tensors.weights!.mean) ** 2), 1e-6, 'an embedding predicts its table');
});

test('a hundred probes leak no tensor, and a model without a loss gets a clear error', () => {
  const model = denseModel();
  const x = tf.randomNormal([32, 64]);
  const y = tf.randomNormal([32, 64]);
  const p = probe(model);
  p.step(x, y);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) p.step(x, y);
  assert.equal(tf.memory().numTensors, before);
  const bare = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  assert.throws(() => probe(bare).step(tf.ones([1, 2]), tf.ones([1, 1])), /no loss; compile it/);
  assert.throws(() => probe(tf.sequential()), /not built/);
});

test('at 50 layers the charts and the verdict name every layer, and no axis label is dropped', async () => {
  const layers: tfjs.layers.Layer[] = [tf.layers.dense({ inputShape: [16], units: 16, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 1 }), name: 'block_01' })];
  for (let i = 2; i <= 50; i++) layers.push(tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: i }), name: `block_${String(i).padStart(2, '0')}` }));
  const model = tf.sequential({ layers });
  const report = probe(model, { loss: 'meanSquaredError', label: 'deep' }).step(tf.randomNormal([64, 16], 0, 1, 'float32', 1), tf.zeros([64, 16]));
  assert.equal(report.layers.length, 50);
  const chart = layerStats(report);
  const svg = await renderSvg(chart.spec);
  for (let i = 1; i <= 50; i++) assert.ok(svg.includes(`block_${String(i).padStart(2, '0')}`), `axis label block_${i} is drawn`);
  const text = verdict(report).text;
  // normal(0, 1) tanh layers of fan-in 16 blow the backward signal up: the verdict says where, by name.
  assert.match(text, /gradients explode at layers 1–\d+ \(block_01 … block_\d+, std /, text);
  const hist = histograms(report);
  assert.ok(JSON.stringify(hist.spec).includes('layer 50 block_50'));
});
