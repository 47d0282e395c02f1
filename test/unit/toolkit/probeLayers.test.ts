// The probe on TensorFlow.js tf.layers models: its gradients element by element against tf.grads
// of the whole model (through the per-layer backward it runs) and its statistics against those
// tensors', finite differences, every layer kind it must read, the theory through conv, BatchNorm and
// residual adds, and that a probe changes nothing and leaks nothing.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { probe, type LayerProbe } from '../../../src/toolkit/probe/probe';
import { layerGradients } from '../../../src/toolkit/probe/layerGradient';
import { keepingMovingStatistics, runLayer, stepsOf } from '../../../src/toolkit/probe/layersAdapter';
import { lossFunctions } from '../../../src/toolkit/probe/layersLoss';
import { tensorStats, type TensorStats } from '../../../src/toolkit/probe/tensorStats';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { histograms, layerStats } from '../../../src/toolkit/display';
import { verdict } from '../../../src/toolkit/probe/verdict';
import { renderSvg } from '../../../src/toolkit/charts/renderSvg';

before(async () => {
  await initEngine();
});

const num = fromStatNumber;
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

test('a Sequential of dense layers: activations shown apart from pre-activations, the loss is the model\'s, and He init keeps the std theory predicts', () => {
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
  close(num(report.loss!), tf.losses.meanSquaredError(y, model.predict(x) as tfjs.Tensor).dataSync()[0], 1e-5, 'loss');
  const d1 = report.layers[0];
  assert.ok(d1.tensors.preActivation!.zeroFraction < 0.01 && d1.tensors.activation!.zeroFraction > 0.4, 'ReLU zeroes about half, after the pre-activation');
  // He init keeps the std: measured against theory at every layer.
  for (const layer of report.layers) {
    close(num(layer.tensors.preActivation!.std), num(layer.theory.preActivationStd!), 0.12, `${layer.name} pre-activation against theory`);
  }
});

// The probe of a tf.LayersModel measures each gradient as its layer's backward makes it and
// frees it (layersAdapter.ts), so no gradient tensor outlives the pass. The gradients are checked
// here through the very functions the pass runs: the model's steps (stepsOf), each layer run
// forward by runLayer and backward by layerGradients, chained from the loss's gradient back to
// the data, as traceLayersModel chains them. Those tensors are compared element by element with
// tf.grads of the whole model's loss, and the statistics the probe reports with those of
// tf.grads' tensors.

/** Max |a − b| over max |b|: the error of float32 sums of this size, relative to the tensor's scale. */
function relativeError(a: tfjs.Tensor, b: tfjs.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]));
}

/** Every element within a float32 tolerance: |a − b| ≤ 1e-4·max|b| (several hundred terms per sum). */
const FLOAT32_TOLERANCE = 1e-4;

interface ChainedGradients {
  /** ∂L/∂x. */
  data: tfjs.Tensor;
  /** ∂L/∂(each step's output), by step id. */
  outputs: Map<string, tfjs.Tensor>;
  /** ∂L/∂(each trainable weight), by variable name. */
  weights: Map<string, tfjs.Tensor>;
}

/** The probe's backward, step by step: layerGradients chained over the model's steps, as traceLayersModel does. */
function chainedGradients(model: tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor): ChainedGradients {
  const { steps, inputIds, outputIds, container } = stepsOf(model);
  const [loss] = lossFunctions(container, undefined);
  return keepingMovingStatistics(steps, () => {
    const values = new Map<number, tfjs.Tensor>([[inputIds[0], x]]);
    for (const step of steps) {
      const { pre, out } = tf.tidy(() => runLayer(step, step.inputIds.map((id) => values.get(id)!)));
      pre?.dispose();
      values.set(step.outputId, out);
    }
    const output = values.get(outputIds[0])!;
    const { value, grads } = tf.engine().gradients(() => tf.mean(loss(y, output)) as tfjs.Scalar, [output]);
    value.dispose();
    const dys = new Map<number, tfjs.Tensor>([[outputIds[0], grads[0]]]);
    const result: ChainedGradients = { data: undefined!, outputs: new Map(), weights: new Map() };
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i];
      const dy = dys.get(step.outputId)!;
      result.outputs.set(step.id, dy);
      const g = layerGradients(step, step.inputIds.map((id) => values.get(id)!), dy, step.inputIds.map(() => true), 64 * 1024 * 1024);
      g.weights.forEach((w, k) => result.weights.set(step.trainableWeights[k].name, w));
      g.inputs.forEach((dx, k) => {
        const id = step.inputIds[k];
        const earlier = dys.get(id);
        dys.set(id, earlier ? tf.add(earlier, dx!) : dx!);
      });
    }
    result.data = dys.get(inputIds[0])!;
    for (const [id, value] of values) if (id !== inputIds[0]) value.dispose();
    return result;
  });
}

/** What the probe reports under each trainable weight's name. */
const GRADIENT_KIND: Record<string, 'weightGrad' | 'biasGrad' | 'gammaGrad' | 'betaGrad'> = { kernel: 'weightGrad', bias: 'biasGrad', gamma: 'gammaGrad', beta: 'betaGrad' };

/** The probe's figures for one gradient against tensorStats of the reference tensor (tf.grads'). */
function sameStatistics(reported: TensorStats | undefined, reference: tfjs.Tensor, what: string): void {
  assert.ok(reported, `${what}: reported`);
  const [exact] = tensorStats([{ tensor: reference }]);
  assert.equal(reported.count, exact.count, `${what}: count`);
  assert.equal(reported.nanCount + reported.infCount, 0, `${what}: finite`);
  const scale = Math.max(Math.abs(num(exact.min)), Math.abs(num(exact.max)));
  for (const figure of ['mean', 'min', 'max'] as const) {
    assert.ok(Math.abs(num(reported[figure]) - num(exact[figure])) <= FLOAT32_TOLERANCE * scale, `${what}: ${figure} ${num(reported[figure])} against tf.grads' ${num(exact[figure])}`);
  }
  close(num(reported.std), num(exact.std), FLOAT32_TOLERANCE, `${what}: std`);
  assert.ok(Math.abs(reported.zeroFraction - exact.zeroFraction) <= 1e-3, `${what}: zero fraction ${reported.zeroFraction} against tf.grads' ${exact.zeroFraction}`);
}

/**
 * A Sequential's loss from step `k` on, as a function of that step's input: what tf.grads
 * differentiates to get each layer's input gradient (the layer before's output gradient).
 * The probe's modes: BatchNorm on the batch's statistics, dropout off.
 */
function lossFrom(model: tfjs.LayersModel, k: number, y: tfjs.Tensor): (h: tfjs.Tensor) => tfjs.Scalar {
  const { steps, container } = stepsOf(model);
  const [loss] = lossFunctions(container, undefined);
  return (h) => {
    let out = h;
    for (const step of steps.slice(k)) out = step.layer.apply(out, { training: step.kind === 'batchNormalization' }) as tfjs.Tensor;
    return tf.mean(loss(y, out)) as tfjs.Scalar;
  };
}

function cnnWithoutDropout(): tfjs.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 11 }), name: 'conv' }),
      tf.layers.batchNormalization({ name: 'bn', gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 12 }), betaInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 13 }) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 14 }), name: 'head' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

const gradientCases: [string, () => tfjs.Sequential, () => [tfjs.Tensor, tfjs.Tensor]][] = [
  ['a dense ReLU Sequential with mean squared error', denseModel, () => [tf.randomNormal([512, 64], 0, 1, 'float32', 4), tf.randomNormal([512, 64], 0, 1, 'float32', 5)]],
  ['a CNN with BatchNorm, max-pooling and a softmax head', cnnWithoutDropout, () => [tf.randomNormal([64, 10, 10, 2], 0, 1, 'float32', 15), tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 3) % 5), 'int32'), 5)]],
];

for (const [name, build, data] of gradientCases) {
  test(`${name}: layerGradients chained over the steps, as the probe runs them, equal tf.grads of the whole model element by element, and the probe reports tf.grads' tensors' statistics`, () => {
    const model = build();
    const [x, y] = data();
    const { steps } = stepsOf(model);
    const weights = steps.flatMap((s) => s.trainableWeights);
    const before = tf.memory().numTensors;
    const chained = chainedGradients(model, x, y);

    // 1. Element by element, against tf.grads of the whole model's loss: the data and every weight.
    // (Run as the probe runs, BatchNorm's moving statistics put back after.)
    const reference = keepingMovingStatistics(steps, () => tf.grads((input: tfjs.Tensor, ..._ws: tfjs.Tensor[]) => lossFrom(model, 0, y)(input))([x, ...weights.map((w) => w.read())]));
    assert.ok(relativeError(chained.data, reference[0]) < FLOAT32_TOLERANCE, `data gradient: ${relativeError(chained.data, reference[0])}`);
    weights.forEach((w, k) => {
      const error = relativeError(chained.weights.get(w.name)!, reference[k + 1]);
      assert.ok(error < FLOAT32_TOLERANCE, `${w.name} gradient: relative error ${error}`);
    });
    // Every layer's output gradient: tf.grads of the loss from the next layer on, at its input.
    const { inputsOf, outputGrads } = keepingMovingStatistics(steps, () => {
      const inputs = tf.tidy(() => {
        const held: tfjs.Tensor[] = [x];
        for (const step of steps) held.push(step.layer.apply(held[held.length - 1], { training: step.kind === 'batchNormalization' }) as tfjs.Tensor);
        return held;
      });
      return { inputsOf: inputs, outputGrads: steps.map((_, i) => tf.grads((h: tfjs.Tensor) => lossFrom(model, i + 1, y)(h))([inputs[i + 1]])[0]) };
    });
    steps.forEach((step, i) => {
      const error = relativeError(chained.outputs.get(step.id)!, outputGrads[i]);
      assert.ok(error < FLOAT32_TOLERANCE, `${step.id} output gradient: relative error ${error}`);
    });

    // 2. The probe's figures are those of the tensors just checked.
    const report = probe(model).step(x, y);
    sameStatistics(report.layers[0].tensors.inputGrad, reference[0], 'data gradient (layer 1 input gradient)');
    weights.forEach((w, k) => {
      const step = steps.find((s) => s.trainableWeights.includes(w))!;
      const kind = GRADIENT_KIND[w.name.split('/').pop()!.replace(/_\d+$/, '')];
      sameStatistics(byName(report.layers, step.id).tensors[kind], reference[k + 1], `${w.name} (${kind})`);
    });
    steps.forEach((step, i) => {
      sameStatistics(byName(report.layers, step.id).tensors.outputGrad, outputGrads[i], `${step.id} output gradient`);
      if (i > 0) sameStatistics(byName(report.layers, step.id).tensors.inputGrad, outputGrads[i - 1], `${step.id} input gradient`);
    });

    tf.dispose([chained.data, ...chained.outputs.values(), ...chained.weights.values(), ...reference, ...inputsOf.slice(1), ...outputGrads]);
    assert.equal(tf.memory().numTensors, before, 'the check itself leaks nothing');
    tf.dispose([x, y]);
  });
}

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
