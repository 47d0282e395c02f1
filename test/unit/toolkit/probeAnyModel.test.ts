// The probe on every kind of tf.LayersModel: layers without weights first, frozen layers and
// frozen nested models, nested models opened by path, RNNs and their wrappers, convolutions of
// every rank, several inputs and outputs. Each model's gradients are checked against tf's own
// autodiff of the same loss over the whole model (tf.variableGrads), variable by variable: the
// probe reports statistics, so their count, mean, std, min and max must match those of tf's
// gradient tensors. Each test also checks that a probe leaves the model's weights as they were
// and leaks no tensor. Last, data.forModel's data for such models.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { probe, type LayerProbe, type ProbeOptions, type ProbeReport } from '../../../src/toolkit/probe/probe';
import type { TensorStats } from '../../../src/toolkit/probe/tensorStats';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { forModel } from '../../../src/toolkit/data/forModel';

type Tensor = tfjs.Tensor;
type SymbolicTensor = tfjs.SymbolicTensor;

before(async () => {
  await initEngine();
});

const num = fromStatNumber;

// ---------------------------------------------------------------------------------------------
// The reference: tf's autodiff of the whole model, and the statistics of its tensors.

/** A per-example loss (the last axis reduced), written out here rather than taken from the probe or tf.layers. */
type LossFn = (y: Tensor, p: Tensor) => Tensor;
const EPSILON = 1e-7;
const LOSS: Record<'mse' | 'cce' | 'sparse', LossFn> = {
  mse: (y, p) => tf.mean(tf.square(tf.sub(y, p)), -1),
  // tf.layers' categoricalCrossentropy on probabilities: renormalized, clipped, −Σ y log p.
  cce: (y, p) => tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), EPSILON, 1 - EPSILON))), -1)),
  // −log p[label], labels as class ids.
  sparse: (y, p) => {
    const classes = p.shape[p.rank - 1];
    const oneHot = tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), classes);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(tf.reshape(p, [-1, classes]), EPSILON, 1 - EPSILON))), -1));
  },
};

interface Stats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Count, mean, unbiased std, min and max of the values, summed in float64. */
function statsOf(values: ArrayLike<number>): Stats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { count: values.length, mean, std: Math.sqrt(squares / (values.length - 1)), min, max };
}

/** The values of several tensors as one flat array (Bidirectional's forward and backward kernels are one statistic). */
function valuesOf(tensors: readonly Tensor[]): Float64Array {
  const parts = tensors.map((t) => t.dataSync());
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * The probe's statistics of a tensor against the reference's: the count exactly, the std to
 * `rel` of itself, the mean, min and max to `rel` of the tensor's scale (a mean near zero has
 * no relative precision of its own).
 */
function assertSameStats(probed: TensorStats | undefined, ref: Stats, what: string, rel: number): void {
  assert.ok(probed, `${what}: the probe reports it`);
  assert.equal(probed.count, ref.count, `${what}: count`);
  const scale = Math.max(Number.isNaN(ref.std) ? 0 : ref.std, Math.abs(ref.min), Math.abs(ref.max));
  assert.ok(scale > 0, `${what}: the reference gradient is not all zero (a test that compares nothing proves nothing)`);
  // One value (a bias of one unit) has no unbiased std.
  if (ref.count === 1) assert.ok(Number.isNaN(num(probed.std)), `${what}: the std of one value is NaN`);
  else assert.ok(Math.abs(num(probed.std) / ref.std - 1) < rel, `${what}: std ${num(probed.std)} against tf.grads' ${ref.std}`);
  for (const key of ['mean', 'min', 'max'] as const) {
    assert.ok(Math.abs(num(probed[key]) - ref[key]) <= rel * scale, `${what}: ${key} ${num(probed[key])} against tf.grads' ${ref[key]} (scale ${scale})`);
  }
}

/** A variable's own name: 'kernel', 'recurrent_kernel', 'bias', 'gamma'. */
const shortName = (v: tfjs.LayerVariable) => v.name.split('/').pop()!.replace(/_\d+$/, '');

/** The kind the probe reports each variable's gradient as. */
const GRAD_KIND: Record<string, 'weightGrad' | 'recurrentGrad' | 'pointwiseGrad' | 'biasGrad' | 'gammaGrad' | 'betaGrad'> = {
  kernel: 'weightGrad',
  depthwise_kernel: 'weightGrad',
  embeddings: 'weightGrad',
  recurrent_kernel: 'recurrentGrad',
  pointwise_kernel: 'pointwiseGrad',
  bias: 'biasGrad',
  gamma: 'gammaGrad',
  beta: 'betaGrad',
};
const WEIGHT_KIND: Record<string, 'weights' | 'recurrentWeights' | 'pointwiseWeights' | 'bias' | 'gamma' | 'beta'> = {
  kernel: 'weights',
  depthwise_kernel: 'weights',
  embeddings: 'weights',
  recurrent_kernel: 'recurrentWeights',
  pointwise_kernel: 'pointwiseWeights',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
};

/** The layer a probe row stands for: 'head/dense_1' is layer dense_1 of the nested model head. */
function layerAt(model: tfjs.LayersModel, path: string): tfjs.layers.Layer {
  const [first, ...rest] = path.split('/');
  const layer = model.getLayer(first);
  return rest.length === 0 ? layer : layerAt(layer as tfjs.LayersModel, rest.join('/'));
}

/** Every variable of a model, by name, as values: to see that a probe changes none. */
function snapshot(model: tfjs.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.name, w.read().dataSync().slice() as Float32Array]));
}

interface Case {
  model: tfjs.LayersModel;
  x: Tensor | Tensor[];
  y: Tensor | Tensor[];
  /** One per output, in the model's order, as compiled. */
  losses: LossFn[];
  options?: ProbeOptions;
  /** Relative tolerance of the statistics. Default 1e-4. */
  rel?: number;
  /** The report's rows, in order: checked first, so a model read wrong fails on its rows. */
  ids?: string[];
}

/**
 * Probes the case's model and checks, against tf.variableGrads of the same loss through
 * model.apply: the loss; for every row and every trainable variable of its layer, the
 * gradient's statistics; that every trainable variable of the model has its row; that frozen
 * rows get no gradient; and that the probe changed no weight. Returns the report for more checks.
 */
function checkAgainstTf(c: Case): ProbeReport {
  const { model, losses } = c;
  const xs = Array.isArray(c.x) ? c.x : [c.x];
  const ys = Array.isArray(c.y) ? c.y : [c.y];
  const rel = c.rel ?? 1e-4;
  const before = snapshot(model);
  const report = probe(model, c.options).step(c.x, c.y);
  if (c.ids) assert.deepEqual(report.layers.map((l) => l.id), c.ids, 'the rows of the report');

  const variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as Tensor | Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    assert.equal(outs.length, losses.length, 'one loss per output');
    return tf.addN(outs.map((p, k) => tf.mean(losses[k](ys[k], p)))) as tfjs.Scalar;
  }, variables);
  try {
    const loss = value.dataSync()[0];
    assert.ok(Math.abs(num(report.loss!) / loss - 1) < 1e-5, `loss ${num(report.loss!)} against ${loss}`);
    const covered = new Set<string>();
    for (const row of report.layers) {
      const layer = layerAt(model, row.id);
      const trainable = layer.trainableWeights;
      const byKind = new Map<string, Tensor[]>();
      for (const v of trainable) {
        const kind = GRAD_KIND[shortName(v)];
        assert.ok(kind, `${row.id}: a trainable variable ${v.name} of a kind the test knows`);
        const g = grads[v.name];
        assert.ok(g, `${row.id}: tf.variableGrads gives ${v.name} a gradient`);
        byKind.set(kind, [...(byKind.get(kind) ?? []), g]);
        covered.add(v.name);
      }
      for (const [kind, parts] of byKind) assertSameStats(row.tensors[kind as keyof LayerProbe['tensors']], statsOf(valuesOf(parts)), `${row.id} ${kind}`, rel);
      // No gradient the layer does not have: a frozen row has none at all.
      for (const kind of Object.values(GRAD_KIND)) if (!byKind.has(kind)) assert.equal(row.tensors[kind], undefined, `${row.id} has no ${kind}`);
      // Weights are measured, trainable or frozen.
      const weightsByKind = new Map<string, Tensor[]>();
      for (const v of layer.weights) if (WEIGHT_KIND[shortName(v)]) weightsByKind.set(WEIGHT_KIND[shortName(v)], [...(weightsByKind.get(WEIGHT_KIND[shortName(v)]) ?? []), v.read()]);
      for (const [kind, parts] of weightsByKind) {
        const ref = statsOf(valuesOf(parts));
        const probed = row.tensors[kind as keyof LayerProbe['tensors']];
        const scale = Math.max(Math.abs(ref.min), Math.abs(ref.max), 1e-12);
        assert.ok(probed && probed.count === ref.count && Math.abs(num(probed.mean) - ref.mean) <= 1e-5 * scale, `${row.id} ${kind}: measured (mean ${probed && num(probed.mean)} against ${ref.mean})`);
      }
    }
    assert.deepEqual(
      variables.map((v) => v.name).filter((name) => !covered.has(name)),
      [],
      'every trainable variable of the model belongs to a row of the report',
    );
    const after = snapshot(model);
    for (const [name, values] of before) assert.deepEqual(after.get(name), values, `the probe leaves ${name} as it was`);
    return report;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/** Builds a case, checks it, runs more checks on its report, and disposes everything: no tensor may be left over. */
function probeCase(build: () => Case, more?: (report: ProbeReport, c: Case) => void): void {
  const tensorsBefore = tf.memory().numTensors;
  const c = build();
  try {
    const report = checkAgainstTf(c);
    more?.(report, c);
  } finally {
    tf.dispose([c.x, c.y].flat());
    c.model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor is left over');
}

const compiled = <M extends tfjs.LayersModel>(model: M, loss: string | string[]): M => {
  model.compile({ optimizer: 'sgd', loss });
  return model;
};
const normalData = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
/** One-hot rows (or one-hot per position) of `classes`, for `shape` without the class axis. */
const oneHot = (shape: number[], classes: number, seed: number) =>
  tf.tidy(() => {
    const ids: tfjs.Tensor = tf.randomUniform(shape, 0, classes, 'int32', seed);
    return tf.oneHot(ids, classes).toFloat();
  });
const byId = (report: ProbeReport, id: string) => {
  const row = report.layers.find((l) => l.id === id);
  assert.ok(row, `a row ${id} in ${report.layers.map((l) => l.id).join(', ')}`);
  return row;
};

// ---------------------------------------------------------------------------------------------
// 1. Gradients against tf.grads, model kind by model kind.

test('a Flatten-first MLP on 8 × 8 × 1 images with softmax: gradients equal to tf.grads, the flatten row gets the data gradient', () => {
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.flatten({ inputShape: [8, 8, 1], name: 'flat' }),
            tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }),
            tf.layers.dense({ units: 10, activation: 'softmax', name: 'out' }),
          ],
        }),
        'categoricalCrossentropy',
      ),
      x: normalData([64, 8, 8, 1], 1),
      y: oneHot([64], 10, 2),
      losses: [LOSS.cce],
    }),
    (report) => {
      assert.deepEqual(report.layers.map((l) => [l.id, l.kind, l.inputs.join(',')]), [['flat', 'flatten', 'input'], ['hidden', 'dense', 'flat'], ['out', 'dense', 'hidden']]);
      const flat = byId(report, 'flat');
      assert.ok(flat.tensors.activation && flat.tensors.outputGrad && flat.tensors.inputGrad, 'a weightless first layer is measured, and passes the data gradient on');
      assert.equal(flat.frozen, undefined, 'a layer without weights is not "frozen"');
    },
  );
  // Without the data gradient nothing below the first dense layer is differentiated.
  probeCase(
    () => ({
      model: compiled(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [8, 8, 1], name: 'flat' }), tf.layers.dense({ units: 10, activation: 'softmax', name: 'out' })] }), 'categoricalCrossentropy'),
      x: normalData([16, 8, 8, 1], 3),
      y: oneHot([16], 10, 4),
      losses: [LOSS.cce],
      options: { dataGrad: false },
    }),
    (report) => {
      assert.equal(byId(report, 'flat').tensors.outputGrad, undefined, 'dataGrad: false: the flatten output is not differentiated');
      assert.equal(byId(report, 'out').tensors.inputGrad, undefined);
    },
  );
});

test('a ZeroPadding2D-first CNN: gradients equal to tf.grads', () => {
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.zeroPadding2d({ inputShape: [8, 8, 1], padding: 1, name: 'pad' }),
            tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }),
            tf.layers.flatten({ name: 'flat' }),
            tf.layers.dense({ units: 10, activation: 'softmax', name: 'out' }),
          ],
        }),
        'categoricalCrossentropy',
      ),
      x: normalData([32, 8, 8, 1], 5),
      y: oneHot([32], 10, 6),
      losses: [LOSS.cce],
    }),
    (report) => {
      assert.deepEqual(report.layers.map((l) => l.kind), ['zeroPadding2d', 'conv2d', 'flatten', 'dense']);
      assert.deepEqual(byId(report, 'pad').tensors.activation!.count, 32 * 10 * 10);
    },
  );
});

/** A frozen base of two dense layers, as a transfer-learning base (one of its layers says trainable itself: the model's flag wins). */
function frozenBase(): tfjs.Sequential {
  const base = tf.sequential({
    name: 'base',
    layers: [
      tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), name: 'b1' }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }), trainable: true, name: 'b2' }),
    ],
  });
  base.trainable = false;
  return base;
}

/** Base rows: frozen, weights and outputs measured, no weight or bias gradient. */
function assertFrozenRows(report: ProbeReport, ids: string[]): void {
  for (const id of ids) {
    const row = byId(report, id);
    assert.equal(row.frozen, true, `${id} is frozen`);
    assert.ok(row.tensors.weights && row.tensors.bias && row.tensors.preActivation && row.tensors.activation, `${id}: weights and outputs measured`);
    assert.equal(row.tensors.weightGrad, undefined, `${id}: no weight gradient`);
    assert.equal(row.tensors.biasGrad, undefined, `${id}: no bias gradient`);
  }
}

test('transfer learning as tf.sequential([frozen Sequential base, Dense head]): base rows by path and frozen, no gradient below the head', () => {
  // tfjs inlines a model added first to a Sequential (its graph holds b1 and b2, not base), and
  // building the outer Sequential sets every variable of that graph trainable again. The model's
  // own trainableWeights still leave the base out: that is the reference here.
  probeCase(
    () => ({
      model: compiled(tf.sequential({ layers: [frozenBase(), tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' })] }), 'categoricalCrossentropy'),
      x: normalData([48, 12], 7),
      y: oneHot([48], 3, 8),
      losses: [LOSS.cce],
      options: { dataGrad: false },
      ids: ['base/b1', 'base/b2', 'head'],
    }),
    (report) => {
      assertFrozenRows(report, ['base/b1', 'base/b2']);
      const head = byId(report, 'head');
      assert.equal(head.frozen, undefined);
      assert.ok(head.tensors.weightGrad && head.tensors.outputGrad);
      // No gradient below the head: the head gives no input gradient, the base no output gradient.
      assert.equal(head.tensors.inputGrad, undefined, 'the head does not differentiate its input');
      for (const id of ['base/b1', 'base/b2']) assert.equal(byId(report, id).tensors.outputGrad, undefined, `${id}: no output gradient`);
    },
  );
});

/** Teachable Machine's form: input → frozen base (a nested Sequential) → head (a nested Sequential), functional. */
function frozenBaseNestedHead(): tfjs.LayersModel {
  const input = tf.input({ shape: [12], name: 'image' });
  const features = frozenBase().apply(input) as SymbolicTensor;
  const head = tf.sequential({
    name: 'head',
    layers: [tf.layers.dense({ inputShape: [16], units: 8, activation: 'relu', name: 'h1' }), tf.layers.dense({ units: 3, activation: 'softmax', name: 'h2' })],
  });
  return compiled(tf.model({ inputs: input, outputs: head.apply(features) as SymbolicTensor }), 'categoricalCrossentropy');
}

test('transfer learning as a functional model of a frozen nested base and a nested head: rows by path, base frozen, no gradient below the head', () => {
  probeCase(
    () => ({ model: frozenBaseNestedHead(), x: normalData([48, 12], 9), y: oneHot([48], 3, 10), losses: [LOSS.cce], options: { dataGrad: false }, ids: ['base/b1', 'base/b2', 'head/h1', 'head/h2'] }),
    (report) => {
      assertFrozenRows(report, ['base/b1', 'base/b2']);
      assert.deepEqual(byId(report, 'head/h1').inputs, ['base/b2']);
      assert.ok(byId(report, 'head/h1').tensors.weightGrad && byId(report, 'head/h2').tensors.weightGrad);
      assert.equal(byId(report, 'head/h1').tensors.inputGrad, undefined, 'the head does not differentiate its input');
      for (const id of ['base/b1', 'base/b2']) assert.equal(byId(report, id).tensors.outputGrad, undefined, `${id}: no output gradient`);
    },
  );
  // With the data gradient asked for (the default), it runs through the frozen base to the data; the base's weights still get none.
  probeCase(
    () => ({ model: frozenBaseNestedHead(), x: normalData([48, 12], 11), y: oneHot([48], 3, 12), losses: [LOSS.cce], ids: ['base/b1', 'base/b2', 'head/h1', 'head/h2'] }),
    (report) => {
      assertFrozenRows(report, ['base/b1', 'base/b2']);
      assert.ok(byId(report, 'base/b1').tensors.inputGrad, 'the data gradient is computed through the frozen base');
    },
  );
});

test('a layer frozen by its own flag (trainable: false) between trainable ones: measured, no weight gradient, the gradient passes through it', () => {
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.dense({ inputShape: [10], units: 12, activation: 'relu', name: 'first' }),
            tf.layers.dense({ units: 12, activation: 'tanh', trainable: false, name: 'fixed' }),
            tf.layers.dense({ units: 1, name: 'out' }),
          ],
        }),
        'meanSquaredError',
      ),
      x: normalData([32, 10], 32),
      y: normalData([32, 1], 33),
      losses: [LOSS.mse],
      options: { dataGrad: false },
      ids: ['first', 'fixed', 'out'],
    }),
    (report) => {
      assertFrozenRows(report, ['fixed']);
      assert.ok(byId(report, 'fixed').tensors.outputGrad && byId(report, 'fixed').tensors.inputGrad, 'a trainable layer below it needs its input gradient');
      assert.ok(byId(report, 'first').tensors.weightGrad);
    },
  );
});

test('a nested trainable Sequential inside a functional model: opened into its layers by path, gradients equal to tf.grads', () => {
  probeCase(
    () => {
      const input = tf.input({ shape: [10] });
      const pre = tf.layers.dense({ units: 16, activation: 'tanh', name: 'pre' }).apply(input) as SymbolicTensor;
      const head = tf.sequential({
        name: 'head',
        layers: [tf.layers.dense({ inputShape: [16], units: 8, activation: 'relu', name: 'h1' }), tf.layers.dense({ units: 4, activation: 'softmax', name: 'h2' })],
      });
      const model = tf.model({ inputs: input, outputs: head.apply(pre) as SymbolicTensor });
      return { model: compiled(model, 'categoricalCrossentropy'), x: normalData([40, 10], 13), y: oneHot([40], 4, 14), losses: [LOSS.cce] };
    },
    (report) => {
      assert.deepEqual(report.layers.map((l) => [l.id, l.inputs.join(',')]), [['pre', 'input'], ['head/h1', 'pre'], ['head/h2', 'head/h1']]);
      assert.ok(report.layers.every((l) => l.frozen === undefined));
    },
  );
});

test('an LSTM over an Embedding of 500 tokens with softmax: weights, recurrent weights and biases against tf.grads; token ids get no gradient', () => {
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: 500, outputDim: 8, inputLength: 6, name: 'embed' }),
            tf.layers.lstm({ units: 12, name: 'lstm' }),
            tf.layers.dense({ units: 5, activation: 'softmax', name: 'out' }),
          ],
        }),
        'categoricalCrossentropy',
      ),
      x: tf.randomUniform([32, 6], 0, 500, 'int32', 15),
      y: oneHot([32], 5, 16),
      losses: [LOSS.cce],
    }),
    (report) => {
      const lstm = byId(report, 'lstm');
      assert.ok(lstm.tensors.weights && lstm.tensors.recurrentWeights && lstm.tensors.recurrentGrad, 'kernel and recurrent kernel shown apart');
      assert.equal(lstm.tensors.weights!.count, 8 * 48);
      assert.equal(lstm.tensors.recurrentWeights!.count, 12 * 48);
      assert.equal(byId(report, 'embed').tensors.weightGrad!.count, 500 * 8);
      assert.equal(byId(report, 'embed').tensors.inputGrad, undefined, 'token ids have no gradient');
    },
  );
});

test('Bidirectional(LSTM, returnSequences) then TimeDistributed(Dense): forward and backward kernels measured as one, gradients against tf.grads', () => {
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 6, returnSequences: true }) as tfjs.RNN, inputShape: [5, 3], name: 'bidi' }),
            tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4, activation: 'softmax' }), name: 'perStep' }),
          ],
        }),
        'categoricalCrossentropy',
      ),
      x: normalData([24, 5, 3], 17),
      y: oneHot([24, 5], 4, 18),
      losses: [LOSS.cce],
    }),
    (report) => {
      assert.deepEqual(report.layers.map((l) => l.kind), ['bidirectional', 'timeDistributed']);
      const bidi = byId(report, 'bidi');
      assert.equal(bidi.tensors.weights!.count, 2 * 3 * 24, "both directions' kernels");
      assert.equal(bidi.tensors.recurrentGrad!.count, 2 * 6 * 24, "both directions' recurrent kernels");
      assert.equal(byId(report, 'perStep').tensors.activation!.count, 24 * 5 * 4);
    },
  );
});

test('GRU and SimpleRNN regressors with mean squared error: gradients against tf.grads', () => {
  for (const [kind, layer] of [
    ['gru', () => tf.layers.gru({ units: 8, inputShape: [6, 3], name: 'rnn' })],
    ['simpleRNN', () => tf.layers.simpleRNN({ units: 8, inputShape: [6, 3], name: 'rnn' })],
  ] as const) {
    probeCase(
      () => ({
        model: compiled(tf.sequential({ layers: [layer(), tf.layers.dense({ units: 1, name: 'out' })] }), 'meanSquaredError'),
        x: normalData([32, 6, 3], 19),
        y: normalData([32, 1], 20),
        losses: [LOSS.mse],
      }),
      (report) => {
        const rnn = byId(report, 'rnn');
        assert.equal(rnn.kind, kind);
        assert.equal(rnn.tensors.recurrentGrad!.count, 8 * 8 * (kind === 'gru' ? 3 : 1));
      },
    );
  }
});

test('Conv1D and Conv3D: gradients against tf.grads', () => {
  probeCase(() => ({
    model: compiled(
      tf.sequential({
        layers: [
          tf.layers.conv1d({ inputShape: [16, 2], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }),
          tf.layers.flatten({ name: 'flat' }),
          tf.layers.dense({ units: 1, name: 'out' }),
        ],
      }),
      'meanSquaredError',
    ),
    x: normalData([32, 16, 2], 21),
    y: normalData([32, 1], 22),
    losses: [LOSS.mse],
  }));
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.conv3d({ inputShape: [4, 4, 4, 1], filters: 3, kernelSize: 2, activation: 'relu', name: 'conv' }),
            tf.layers.flatten({ name: 'flat' }),
            tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }),
          ],
        }),
        'categoricalCrossentropy',
      ),
      x: normalData([16, 4, 4, 4, 1], 23),
      y: oneHot([16], 2, 24),
      losses: [LOSS.cce],
    }),
    (report) => assert.equal(byId(report, 'conv').kind, 'conv3d'),
  );
});

test('a Conv2DTranspose + UpSampling2D autoencoder with mean squared error: gradients against tf.grads', () => {
  probeCase(
    () => {
      const x = normalData([16, 8, 8, 1], 25);
      return {
        model: compiled(
          tf.sequential({
            layers: [
              tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'encode' }),
              tf.layers.upSampling2d({ size: [2, 2], name: 'up' }),
              tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', name: 'decode' }),
            ],
          }),
          'meanSquaredError',
        ),
        x,
        y: tf.clone(x),
        losses: [LOSS.mse],
      };
    },
    (report) => assert.deepEqual(report.layers.map((l) => l.kind), ['conv2d', 'upSampling2d', 'conv2dTranspose']),
  );
});

test('LayerNormalization after Dense: γ and β gradients against tf.grads', () => {
  probeCase(
    () => ({
      model: compiled(
        tf.sequential({
          layers: [
            tf.layers.dense({ inputShape: [8], units: 16, name: 'dense' }),
            tf.layers.layerNormalization({ name: 'ln' }),
            tf.layers.dense({ units: 1, name: 'out' }),
          ],
        }),
        'meanSquaredError',
      ),
      x: normalData([32, 8], 26),
      y: normalData([32, 1], 27),
      losses: [LOSS.mse],
    }),
    (report) => {
      const ln = byId(report, 'ln');
      assert.ok(ln.tensors.gammaGrad && ln.tensors.betaGrad && ln.tensors.gamma && ln.tensors.beta);
    },
  );
});

test('two inputs (concatenated) and two softmax outputs with different losses: the loss is the sum of each output loss mean, gradients against tf.grads', () => {
  probeCase(
    () => {
      const a = tf.input({ shape: [6], name: 'a' });
      const b = tf.input({ shape: [4], name: 'b' });
      const joined = tf.layers.concatenate({ name: 'join' }).apply([a, b]) as SymbolicTensor;
      const trunk = tf.layers.dense({ units: 16, activation: 'relu', name: 'trunk' }).apply(joined) as SymbolicTensor;
      const outA = tf.layers.dense({ units: 3, activation: 'softmax', name: 'outA' }).apply(trunk) as SymbolicTensor;
      const outB = tf.layers.dense({ units: 5, activation: 'softmax', name: 'outB' }).apply(trunk) as SymbolicTensor;
      const model = compiled(tf.model({ inputs: [a, b], outputs: [outA, outB] }), ['categoricalCrossentropy', 'sparseCategoricalCrossentropy']);
      const ids = tf.tidy(() => tf.randomUniform([40], 0, 5, 'int32', 31).toFloat());
      return { model, x: [normalData([40, 6], 28), normalData([40, 4], 29)], y: [oneHot([40], 3, 30), ids], losses: [LOSS.cce, LOSS.sparse] };
    },
    (report, c) => {
      assert.deepEqual(report.layers.map((l) => [l.id, l.inputs.join(',')]), [['join', 'input,input:b'], ['trunk', 'join'], ['outA', 'trunk'], ['outB', 'trunk']]);
      // The loss by hand: mean cross-entropy of output A plus mean sparse cross-entropy of output B.
      const [pa, pb] = c.model.predict(c.x as Tensor[]) as Tensor[];
      const [ya, yb] = c.y as Tensor[];
      const pA = pa.arraySync() as number[][];
      const pB = pb.arraySync() as number[][];
      const yA = ya.arraySync() as number[][];
      const yB = yb.arraySync() as number[];
      const clip = (p: number) => Math.min(1 - EPSILON, Math.max(EPSILON, p));
      const meanA = pA.reduce((s, row, i) => s - row.reduce((t, p, k) => t + yA[i][k] * Math.log(clip(p / row.reduce((u, q) => u + q, 0))), 0), 0) / pA.length;
      const meanB = pB.reduce((s, row, i) => s - Math.log(clip(row[yB[i]])), 0) / pB.length;
      tf.dispose([pa, pb]);
      assert.ok(Math.abs(num(report.loss!) / (meanA + meanB) - 1) < 1e-5, `loss ${num(report.loss!)} against ${meanA} + ${meanB}`);
      // The trunk's output gradient is the sum of both heads' input gradients.
      assert.ok(byId(report, 'trunk').tensors.outputGrad);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 2. A probe changes nothing and leaks nothing (checkAgainstTf checks the weights on every model above).

test('a probe leaves every weight as it was, BatchNorm moving statistics and frozen layers included, and a second probe gives the same report and leaks nothing', () => {
  const tensorsBefore = tf.memory().numTensors;
  const model = compiled(
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu', trainable: false, name: 'fixed' }),
        tf.layers.batchNormalization({ name: 'bn' }),
        tf.layers.dense({ units: 8, activation: 'relu', name: 'd' }),
        tf.layers.dropout({ rate: 0.5, name: 'drop' }),
        tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }),
      ],
    }),
    'categoricalCrossentropy',
  );
  const x = normalData([32, 12], 40);
  const y = oneHot([32], 2, 41);
  try {
    const weights = snapshot(model);
    const p = probe(model);
    const first = p.step(x, y);
    const counted = tf.memory().numTensors;
    const second = p.step(x, y);
    assert.equal(tf.memory().numTensors, counted, 'a second probe leaks nothing');
    assert.deepEqual(second, first, 'the same model and data give the same report');
    const after = snapshot(model);
    for (const [name, values] of weights) assert.deepEqual(after.get(name), values, `${name} unchanged`);
    assert.equal(byId(first, 'bn').tensors.movingMean !== undefined, true);
    assert.equal(byId(first, 'fixed').frozen, true);
    assert.equal(model.layers[0].trainable, false, 'the frozen layer stays frozen');
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor is left over');
});

// ---------------------------------------------------------------------------------------------
// 3. data.forModel for such models.

test('forModel: a two-input two-output model gets arrays of the right shapes and target forms', () => {
  const tensorsBefore = tf.memory().numTensors;
  const a = tf.input({ shape: [6], name: 'a' });
  const b = tf.input({ shape: [2, 4], name: 'b' });
  const joined = tf.layers.concatenate({ name: 'join' }).apply([a, tf.layers.flatten().apply(b) as SymbolicTensor]) as SymbolicTensor;
  const outA = tf.layers.dense({ units: 3, activation: 'softmax', name: 'outA' }).apply(joined) as SymbolicTensor;
  const outB = tf.layers.dense({ units: 5, activation: 'softmax', name: 'outB' }).apply(joined) as SymbolicTensor;
  const model = compiled(tf.model({ inputs: [a, b], outputs: [outA, outB] }), ['categoricalCrossentropy', 'sparseCategoricalCrossentropy']);
  const data = forModel(model, { examples: 50, seed: 1 });
  try {
    assert.ok(Array.isArray(data.x) && Array.isArray(data.y), 'arrays for several inputs and outputs');
    const [xa, xb] = data.x as Tensor[];
    const [ya, yb] = data.y as Tensor[];
    assert.deepEqual([xa.shape, xb.shape, ya.shape, yb.shape], [[50, 6], [50, 2, 4], [50, 3], [50]]);
    assert.equal(data.examples, 50);
    assert.ok(tf.tidy(() => tf.sum(ya, -1).equal(1).all().dataSync()[0]) === 1, 'output A: one-hot rows');
    const ids = Array.from(yb.dataSync());
    assert.ok(ids.every((v) => Number.isInteger(v) && v >= 0 && v < 5), 'output B: class ids below 5');
    assert.match(data.loss, /categoricalCrossentropy.*sparseCategoricalCrossentropy/);
    const report = probe(model).step(data.x, data.y);
    assert.ok(Number.isFinite(num(report.loss!)), 'the probe reads the data');
  } finally {
    tf.dispose([data.x, data.y].flat());
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore);
});

test('forModel: an Embedding input gets int32 token ids below the vocabulary; examples is honoured; rows and examples together is an error', () => {
  const tensorsBefore = tf.memory().numTensors;
  const model = compiled(
    tf.sequential({ layers: [tf.layers.embedding({ inputDim: 500, outputDim: 4, inputLength: 9 }), tf.layers.lstm({ units: 4 }), tf.layers.dense({ units: 3, activation: 'softmax' })] }),
    'categoricalCrossentropy',
  );
  try {
    const data = forModel(model, { examples: 37, seed: 2 });
    const x = data.x as Tensor;
    const y = data.y as Tensor;
    assert.equal(data.examples, 37);
    assert.deepEqual([x.shape, y.shape], [[37, 9], [37, 3]]);
    assert.equal(x.dtype, 'int32');
    const ids = Array.from(x.dataSync());
    assert.ok(ids.every((v) => v >= 0 && v < 500), 'ids in [0, 500)');
    assert.ok(Math.max(...ids) > 400, 'ids spread over the vocabulary');
    tf.dispose([x, y]);
    assert.throws(() => forModel(model, { examples: 10, rows: 10 }), /data\.forModel: .*examples.*rows.*not both/);
  } finally {
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore);
});

test('forModel: a model on 224 × 224 × 3 images gets fewer than 2,000 examples, and the description says whether memory or time set the count', () => {
  const tensorsBefore = tf.memory().numTensors;
  const model = compiled(
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [224, 224, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    }),
    'categoricalCrossentropy',
  );
  try {
    const data = forModel(model, { seed: 3 });
    const x = data.x as Tensor;
    try {
      assert.ok(data.examples < 2000 && data.examples >= 1, `${data.examples} examples`);
      assert.equal(x.shape[0], data.examples);
      assert.deepEqual(x.shape.slice(1), [224, 224, 3]);
      // Memory: "each holds … MB of activations in the probe, and the engine's heap has room"; time: "… keep one probe pass to a few seconds".
      assert.match(data.description, new RegExp(`; ${data.examples.toLocaleString('en-US')} examples: .*(MB of activations|heap|a few seconds|ms per example)`), data.description);
      assert.match(data.description, new RegExp(`^synthetic N\\(0, 1\\) inputs, ${data.examples.toLocaleString('en-US')} of shape \\[224, 224, 3\\]`));
    } finally {
      tf.dispose([data.x, data.y].flat());
    }
  } finally {
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore);
});
