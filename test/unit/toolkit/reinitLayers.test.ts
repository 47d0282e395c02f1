// nn.reinit on a tf.LayersModel: a copy with every kind of weight drawn afresh, checked by its
// statistics against each scheme's formula for the weight's own fans (src/toolkit/init: fans.ts,
// gain.ts, scaled.ts, structured.ts), not only by its shapes: kernels of dense, convolution,
// depthwise, separable, transposed-convolution and recurrent layers; recurrent kernels
// orthogonal; embedding tables N(0, 1); biases zero but an LSTM's forget gate; normalization
// γ = 1, β = 0 and moving statistics 0 and 1. Then frozen layers, and the options' checks.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';

before(async () => {
  await initEngine();
});

type Scheme = 'xavierNormal' | 'kaimingNormal' | 'lecunNormal' | 'normal' | 'orthogonal';

/** The model's first non-linear activation is the conv layer's ReLU: every scheme's gain is ReLU's. */
const GAIN = Math.SQRT2;

/**
 * One of every weight kind, each kernel with at least 4,096 values so its std is known to about
 * 1 % (`small`: the same kinds, a few values each, for the seeds' checks). Every initializer is a
 * constant that no scheme draws (ones; γ zero, β one; moving mean one, moving variance a half),
 * so a weight reinit leaves alone shows.
 */
function everyKind(small = false): tfjs.Sequential {
  const constant = (value: number) => tf.initializers.constant({ value });
  const [vocab, length, side, filters, separable, deconv, lstm, gru, dense] = small ? [20, 9, 3, 8, 4, 4, 4, 6, 5] : [300, 36, 12, 256, 16, 32, 32, 48, 128];
  const model = tf.sequential({
    name: 'everyKind',
    layers: [
      // Token ids → [length, 16] → an image of side × side × 4 (16 · length = 4 · side²).
      tf.layers.embedding({ inputDim: vocab, outputDim: 16, inputLength: length, embeddingsInitializer: 'ones', name: 'embed' }),
      tf.layers.reshape({ targetShape: [side, side, 4], name: 'toImage' }),
      tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'ones', biasInitializer: 'ones', name: 'conv' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: 'ones', biasInitializer: 'ones', name: 'depthwise' }),
      tf.layers.separableConv2d({ filters: separable, kernelSize: 3, padding: 'same', depthwiseInitializer: 'ones', pointwiseInitializer: 'ones', biasInitializer: 'ones', name: 'separable' }),
      tf.layers.conv2dTranspose({ filters: deconv, kernelSize: 3, padding: 'same', kernelInitializer: 'ones', biasInitializer: 'ones', name: 'deconv' }),
      tf.layers.batchNormalization({ gammaInitializer: 'zeros', betaInitializer: 'ones', movingMeanInitializer: 'ones', movingVarianceInitializer: constant(0.5), name: 'bn' }),
      tf.layers.reshape({ targetShape: [side * side, deconv], name: 'toSequence' }),
      tf.layers.lstm({ units: lstm, returnSequences: true, unitForgetBias: true, kernelInitializer: 'ones', recurrentInitializer: 'ones', biasInitializer: 'ones', name: 'lstm' }),
      tf.layers.gru({ units: gru, kernelInitializer: 'ones', recurrentInitializer: 'ones', biasInitializer: 'ones', name: 'gru' }),
      tf.layers.dense({ units: dense, kernelInitializer: 'ones', biasInitializer: 'ones', name: 'dense' }),
      tf.layers.layerNormalization({ gammaInitializer: 'zeros', betaInitializer: 'ones', name: 'ln' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

/**
 * Tensors tfjs-layers 4.22 itself leaks each time it builds an LSTM cell with unitForgetBias:
 * LSTMCell.build's initializer concatenates the gate biases it draws and disposes none of the
 * parts (4 tensors). Not InitLab's: the leak checks below allow exactly this much per such cell.
 */
function unitForgetBiasLeak(): number {
  const before = tf.memory().numTensors;
  tf.sequential({ layers: [tf.layers.lstm({ inputShape: [2, 2], units: 2, unitForgetBias: true })] }).dispose();
  const leak = tf.memory().numTensors - before;
  assert.ok(leak >= 0 && leak <= 4, `tfjs's unitForgetBias leak is ${leak} tensors`);
  return leak;
}

/** A variable's own name: 'kernel', 'recurrent_kernel', 'depthwise_kernel', 'moving_mean'. */
const shortName = (v: tfjs.LayerVariable) => v.name.split('/').pop()!.replace(/_\d+$/, '');

/** The layer at a path: 'base/b1' is layer b1 of the nested model base. */
function layerAt(model: tfjs.LayersModel, path: string): tfjs.layers.Layer {
  const [first, ...rest] = path.split('/');
  const layer = model.getLayer(first);
  return rest.length === 0 ? layer : layerAt(layer as tfjs.LayersModel, rest.join('/'));
}

/** One variable's values and shape, by layer path and its own name. */
function weightOf(model: tfjs.LayersModel, path: string, name: string): { values: Float32Array; shape: number[] } {
  const variable = layerAt(model, path).weights.find((v) => shortName(v) === name);
  assert.ok(variable, `${path} has a ${name}`);
  return { values: variable.read().dataSync() as Float32Array, shape: variable.shape as number[] };
}

/** Every variable of a model as values, by layer path and name (the copy's variables are named apart from the original's). */
function snapshot(model: tfjs.LayersModel, prefix = ''): Map<string, Float32Array> {
  const all = new Map<string, Float32Array>();
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) for (const [k, v] of snapshot(layer, `${prefix}${layer.name}/`)) all.set(k, v);
    else for (const v of layer.weights) all.set(`${prefix}${layer.name}/${shortName(v)}`, v.read().dataSync().slice() as Float32Array);
  }
  return all;
}

function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (values.length - 1)) };
}

/** torch's fans of InitLab's layout: input units second to last, output units last, times the receptive field. */
function fans(shape: number[]): { fanIn: number; fanOut: number } {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/**
 * The std a scheme gives a kernel drawn with `shape`. Orthogonal: the matrix [prod(all but
 * last), last] has orthonormal columns or rows times the gain, so its mean square is
 * gain² / max(rows, cols).
 */
function schemeStd(scheme: Scheme, shape: number[]): number {
  const { fanIn, fanOut } = fans(shape);
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cols = shape[shape.length - 1];
  switch (scheme) {
    case 'xavierNormal':
      return GAIN * Math.sqrt(2 / (fanIn + fanOut));
    case 'kaimingNormal':
      return GAIN / Math.sqrt(fanIn);
    case 'lecunNormal':
      return 1 / Math.sqrt(fanIn);
    case 'normal':
      return 1;
    case 'orthogonal':
      return GAIN / Math.sqrt(Math.max(rows, cols));
  }
}

/** The kernels of everyKind(), each with the shape reinit draws it as: a depthwise kernel [kh, kw, c, m] as [kh, kw, 1, c·m]. */
const KERNELS: [string, string, number[]][] = [
  ['conv', 'kernel', [3, 3, 4, 256]],
  ['depthwise', 'depthwise_kernel', [3, 3, 1, 512]],
  ['separable', 'depthwise_kernel', [3, 3, 1, 512]],
  ['separable', 'pointwise_kernel', [1, 1, 512, 16]],
  ['deconv', 'kernel', [3, 3, 32, 16]],
  ['lstm', 'kernel', [32, 128]],
  ['gru', 'kernel', [32, 144]],
  ['dense', 'kernel', [48, 128]],
];
const RECURRENT: [string, number][] = [
  ['lstm', 32],
  ['gru', 48],
];

/** The std is within 5 % of `expected` (4.5 standard errors at 4,096 values) and the mean within 5 standard errors of 0. */
function assertDrawn(values: Float32Array, expected: number, what: string): void {
  const { mean, std } = meanStd(values);
  assert.ok(Math.abs(std / expected - 1) < 0.05, `${what}: std ${std.toPrecision(5)} against the formula's ${expected.toPrecision(5)}`);
  assert.ok(Math.abs(mean) < (5 * expected) / Math.sqrt(values.length), `${what}: mean ${mean.toPrecision(3)} is about 0`);
}

/** W Wᵀ (or Wᵀ W, the smaller side) of a [rows, cols] matrix against gain² I. */
function assertOrthogonal(values: Float32Array, rows: number, cols: number, gain: number, what: string): void {
  const worst = tf.tidy(() => {
    const w = tf.tensor2d(values, [rows, cols]);
    const gram = rows <= cols ? tf.matMul(w, w, false, true) : tf.matMul(w, w, true, false);
    return tf.max(tf.abs(tf.sub(gram, tf.mul(tf.eye(Math.min(rows, cols)), gain * gain)))).dataSync()[0];
  });
  assert.ok(worst < 1e-3 * gain * gain, `${what}: W Wᵀ = ${gain === 1 ? '' : `${gain.toFixed(3)}² `}I on the smaller side, off by ${worst}`);
}

function assertConstant(values: Float32Array, value: number, what: string): void {
  const wrong = values.findIndex((v) => v !== value);
  assert.equal(wrong, -1, `${what}: every value ${value}, got ${values[wrong]} at ${wrong}`);
}

/** The same values, or a short message: how many differ, and the first. */
function assertSameValues(actual: Float32Array | undefined, expected: Float32Array | undefined, what: string): void {
  assert.ok(actual && expected && actual.length === expected.length, `${what}: ${actual?.length} values against ${expected?.length}`);
  let differ = 0;
  let first = -1;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      differ++;
      if (first < 0) first = i;
    }
  }
  assert.equal(differ, 0, `${what}: ${differ} of ${actual.length} values differ (first at ${first}: ${actual[first]} against ${expected[first]})`);
}

function assertSameWeights(a: Map<string, Float32Array>, b: Map<string, Float32Array>, what: string): void {
  assert.deepEqual([...a.keys()], [...b.keys()], `${what}: the same variables`);
  for (const [name, values] of a) assertSameValues(b.get(name), values, `${what}: ${name}`);
}

for (const scheme of ['xavierNormal', 'kaimingNormal', 'lecunNormal', 'normal', 'orthogonal'] as const) {
  test(`reinit '${scheme}' of a model of every weight kind: kernels by the formula for their fans, recurrent kernels, embeddings, biases, normalization, seeds, the original untouched`, () => {
    const leak = unitForgetBiasLeak();
    const tensorsBefore = tf.memory().numTensors;
    const original = everyKind();
    const before = snapshot(original);
    const fresh = nn.reinit(original, scheme, { seed: 7 });
    // The seeds' checks on a small model of the same kinds: tf.linalg.qr (orthogonal) is slow on large kernels.
    const small = everyKind(true);
    const smallFresh = nn.reinit(small, scheme, { seed: 7 });
    const again = nn.reinit(small, scheme, { seed: 7 });
    const other = nn.reinit(small, scheme, { seed: 8 });
    try {
      assert.notEqual(fresh, original, 'a copy');
      assert.deepEqual(fresh.layers.map((l) => l.name), original.layers.map((l) => l.name), 'the same layers');
      assert.equal(fresh.loss, 'meanSquaredError', 'the same loss');

      for (const [layer, name, drawnAs] of KERNELS) {
        const { values, shape } = weightOf(fresh, layer, name);
        assert.equal(values.length, drawnAs.reduce((a, b) => a * b, 1), `${layer} ${name} of ${shape.join('×')}`);
        assertDrawn(values, schemeStd(scheme, drawnAs), `${scheme} ${layer} ${name} [${shape.join(', ')}]`);
      }
      if (scheme === 'orthogonal') {
        // The kernel itself is (semi-)orthogonal times ReLU's gain: [48, 128] has orthonormal rows.
        assertOrthogonal(weightOf(fresh, 'dense', 'kernel').values, 48, 128, GAIN, 'orthogonal dense kernel');
        assertOrthogonal(weightOf(fresh, 'conv', 'kernel').values, 36, 256, GAIN, 'orthogonal conv kernel, as [kh·kw·in, out]');
      }

      for (const [layer, units] of RECURRENT) {
        const { values, shape } = weightOf(fresh, layer, 'recurrent_kernel');
        if (scheme === 'normal') assertDrawn(values, 1, `normal: ${layer} recurrent kernel N(0, 1)`);
        else assertOrthogonal(values, units, shape[1], 1, `${scheme}: ${layer} recurrent kernel [${shape.join(', ')}]`);
      }

      assertDrawn(weightOf(fresh, 'embed', 'embeddings').values, 1, `${scheme}: embedding table N(0, 1)`);

      for (const layer of ['conv', 'depthwise', 'separable', 'deconv', 'gru', 'dense']) assertConstant(weightOf(fresh, layer, 'bias').values, 0, `${layer} bias`);
      const lstmBias = weightOf(fresh, 'lstm', 'bias').values;
      assertConstant(lstmBias.slice(0, 32), 0, 'LSTM input gate bias');
      assertConstant(lstmBias.slice(32, 64), 1, 'LSTM forget gate bias (unitForgetBias)');
      assertConstant(lstmBias.slice(64), 0, 'LSTM cell and output gate biases');

      for (const layer of ['bn', 'ln']) {
        assertConstant(weightOf(fresh, layer, 'gamma').values, 1, `${layer} γ`);
        assertConstant(weightOf(fresh, layer, 'beta').values, 0, `${layer} β`);
      }
      assertConstant(weightOf(fresh, 'bn', 'moving_mean').values, 0, 'bn moving mean');
      assertConstant(weightOf(fresh, 'bn', 'moving_variance').values, 1, 'bn moving variance');

      assertSameWeights(snapshot(smallFresh), snapshot(again), 'the same seed draws the same weights');
      const otherWeights = snapshot(other);
      for (const [layer, name] of [...KERNELS, ['lstm', 'recurrent_kernel'], ['gru', 'recurrent_kernel'], ['embed', 'embeddings']]) {
        assert.notDeepEqual(otherWeights.get(`${layer}/${name}`), weightOf(smallFresh, layer, name).values, `another seed draws another ${layer} ${name}`);
      }
      assertSameWeights(before, snapshot(original), 'the original is unchanged');
    } finally {
      for (const model of [original, fresh, small, smallFresh, again, other]) model.dispose();
    }
    // The two models the test built have an LSTM cell each that asks for unitForgetBias; reinit
    // builds its copies in an engine scope, which frees what tf.layers leaves.
    assert.equal(tf.memory().numTensors, tensorsBefore + 2 * leak, "no tensor is left over but tfjs's own unitForgetBias leak");
  });
}

test('an LSTM that does not ask for unitForgetBias (tfjs leaves it unset) gets a zero bias; Bidirectional(LSTM) gets the forget gate 1 in both directions when it asks', () => {
  const leak = unitForgetBiasLeak();
  const tensorsBefore = tf.memory().numTensors;
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ inputShape: [5, 4], units: 8, returnSequences: true, biasInitializer: 'ones', name: 'plain' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 6, unitForgetBias: true, biasInitializer: 'ones' }) as tfjs.RNN, name: 'bidi' }),
    ],
  });
  const fresh = nn.reinit(model, 'xavierNormal', { seed: 1 });
  try {
    assertConstant(weightOf(fresh, 'plain', 'bias').values, 0, 'LSTM without unitForgetBias');
    const biases = layerAt(fresh, 'bidi').weights.filter((v) => shortName(v) === 'bias');
    assert.equal(biases.length, 2, 'forward and backward biases');
    for (const [k, bias] of biases.entries()) {
      const values = bias.read().dataSync() as Float32Array;
      assertConstant(values.slice(0, 6), 0, `direction ${k} input gate`);
      assertConstant(values.slice(6, 12), 1, `direction ${k} forget gate`);
      assertConstant(values.slice(12), 0, `direction ${k} cell and output gates`);
    }
  } finally {
    model.dispose();
    fresh.dispose();
  }
  // The model the test built has a Bidirectional of two LSTM cells that ask for unitForgetBias;
  // reinit's copy leaves nothing.
  assert.equal(tf.memory().numTensors, tensorsBefore + 2 * leak, "no tensor is left over but tfjs's own unitForgetBias leak");
});

// ---------------------------------------------------------------------------------------------
// Frozen layers, and the options.

/**
 * A functional model of trainable layers, a layer frozen by its own flag, and a frozen nested
 * base, the frozen weights set as a pretrained model's are (no initializer could draw them again).
 */
function withFrozenLayers(): tfjs.LayersModel {
  const base = tf.sequential({ name: 'base', layers: [tf.layers.dense({ inputShape: [64], units: 64, activation: 'relu', name: 'b1' })] });
  base.trainable = false;
  const input = tf.input({ shape: [64] });
  let h = tf.layers.dense({ units: 64, activation: 'relu', name: 'first' }).apply(input) as tfjs.SymbolicTensor;
  h = tf.layers.dense({ units: 64, activation: 'relu', trainable: false, name: 'fixed' }).apply(h) as tfjs.SymbolicTensor;
  h = base.apply(h) as tfjs.SymbolicTensor;
  const out = tf.layers.dense({ units: 64, name: 'out' }).apply(h) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  for (const path of ['fixed', 'base/b1']) {
    const layer = layerAt(model, path);
    const pretrained = layer.getWeights().map((w, k) => tf.randomUniform(w.shape, -0.3, 0.3, 'float32', 100 + k));
    layer.setWeights(pretrained);
    tf.dispose(pretrained);
  }
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

test('a layer frozen by its own flag (trainable: false) keeps its weights by default; trainable layers are redrawn', () => {
  const tensorsBefore = tf.memory().numTensors;
  const original = withFrozenLayers();
  const before = snapshot(original);
  const fresh = nn.reinit(original, 'kaimingNormal', { seed: 3 });
  try {
    const after = snapshot(fresh);
    assert.equal(layerAt(fresh, 'fixed').trainable, false, 'the copy keeps the layer frozen');
    for (const name of ['kernel', 'bias']) assertSameValues(after.get(`fixed/${name}`), before.get(`fixed/${name}`), `frozen layer's ${name}: the original's weights`);
    for (const path of ['first', 'out']) {
      // Kaiming with ReLU's gain, fan-in 64: std √2 / 8.
      assertDrawn(weightOf(fresh, path, 'kernel').values, GAIN / 8, `trainable ${path} kernel redrawn`);
      assertConstant(weightOf(fresh, path, 'bias').values, 0, `trainable ${path} bias zero`);
    }
    assertSameWeights(before, snapshot(original), 'the original is unchanged');
  } finally {
    original.dispose();
    fresh.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor is left over');
});

test('a frozen nested model (base.trainable = false, a transfer-learning base) stays frozen in the copy and keeps its weights by default', () => {
  const tensorsBefore = tf.memory().numTensors;
  const original = withFrozenLayers();
  const before = snapshot(original);
  const fresh = nn.reinit(original, 'kaimingNormal', { seed: 3 });
  try {
    const after = snapshot(fresh);
    assert.equal(layerAt(fresh, 'base').trainable, false, 'the copy keeps the nested base frozen');
    for (const name of ['kernel', 'bias']) assertSameValues(after.get(`base/b1/${name}`), before.get(`base/b1/${name}`), `frozen base's b1 ${name}: the original's weights`);
    assertSameWeights(before, snapshot(original), 'the original is unchanged');
  } finally {
    original.dispose();
    fresh.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor is left over');
});

test('{ frozen: true } draws frozen layers afresh too, by the scheme', () => {
  const tensorsBefore = tf.memory().numTensors;
  const original = withFrozenLayers();
  const before = snapshot(original);
  const fresh = nn.reinit(original, 'kaimingNormal', { seed: 3, frozen: true });
  try {
    for (const path of ['first', 'fixed', 'base/b1', 'out']) {
      // Kaiming with ReLU's gain, fan-in 64: std √2 / 8.
      assertDrawn(weightOf(fresh, path, 'kernel').values, GAIN / 8, `${path} kernel drawn by the scheme`);
      assertConstant(weightOf(fresh, path, 'bias').values, 0, `${path} bias zero`);
    }
    assertSameWeights(before, snapshot(original), 'the original is unchanged');
  } finally {
    original.dispose();
    fresh.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor is left over');
});

test('a bad option is a clear error naming it: { frozen: "yes" }, { sed: 1 }', () => {
  const tensorsBefore = tf.memory().numTensors;
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  try {
    assert.throws(() => nn.reinit(model, 'kaimingNormal', { frozen: 'yes' as unknown as boolean }), /nn\.reinit.*options\.frozen/);
    assert.throws(() => nn.reinit(model, 'kaimingNormal', { sed: 1 } as never), /nn\.reinit: unknown option "sed" \(expected one of seed, frozen\)/);
    assert.throws(() => nn.reinit(model, 'kaimingNormal', { seed: 'x' as unknown as number }), /nn\.reinit.*options\.seed/);
  } finally {
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor is left over');
});
