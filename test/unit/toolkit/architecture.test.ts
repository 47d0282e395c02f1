// nn.describeModel, nn.reinit and data.forModel: what "Compare initializations" needs to compare
// schemes on a model the notebook already defines.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import { forModel, type ModelData } from '../../../src/toolkit/data/forModel';
import { modelShape, type ModelShape } from '../../../src/toolkit/nn/modelShape';
import { probe } from '../../../src/toolkit/probe/probe';

/** These models have one input and one output: their data are single tensors. */
const forOne = (...args: Parameters<typeof forModel>) => forModel(...args) as ModelData & { x: tfjs.Tensor; y: tfjs.Tensor };

before(async () => {
  await initEngine();
});

test('describeModel reads sizes, activation and loss; anything else is not a model it can re-initialize', () => {
  const model = nn.mlp([20, 8, 8, 3], { activation: 'leakyRelu', slope: 0.2, loss: 'crossEntropy', seed: 1 });
  assert.deepEqual(nn.describeModel(model), { sizes: [20, 8, 8, 3], activation: 'leakyRelu', loss: 'crossEntropy' });
  assert.equal(nn.describeModel({ layers: [] }), undefined);
  assert.equal(nn.describeModel(42), undefined);
  class Dropout extends nn.Module {
    get name() {
      return 'Dropout';
    }
    protected compute(inp: Parameters<nn.Module['forward']>[0]) {
      return tf.clone(inp);
    }
    protected computeGrad(_i: unknown, _o: unknown, g: Parameters<nn.Module['forward']>[0]) {
      return tf.clone(g);
    }
  }
  const custom = new nn.Model([new nn.Linear(tf.ones([4, 2]), tf.zeros([2])), new Dropout()]);
  assert.equal(nn.describeModel(custom), undefined, 'a custom module cannot be copied');
  class Huber extends nn.MSE {}
  class L1 extends nn.Loss {
    get name() {
      return 'L1';
    }
    protected prepareTarget(_pred: tfjs.Tensor, target: tfjs.Tensor) {
      return target;
    }
    protected compute(pred: tfjs.Tensor, target: tfjs.Tensor) {
      return tf.mean(tf.abs(tf.sub(pred, target))) as tfjs.Scalar;
    }
    protected computeGrad(pred: tfjs.Tensor, target: tfjs.Tensor) {
      return tf.sign(tf.sub(pred, target));
    }
  }
  const ownLoss = new nn.Model([new nn.Linear(tf.ones([4, 2]), tf.zeros([2]))], new L1());
  assert.equal(nn.describeModel(ownLoss), undefined, 'a loss of the user’s own cannot be copied');
  assert.equal(nn.describeModel(new nn.Model([new nn.Linear(tf.ones([4, 2]), tf.zeros([2]))], new Huber()))?.loss, 'mse', 'a subclass of MSE is MSE');
  tf.dispose([model, custom, ownLoss].flatMap((m) => m.parameters()));
});

test('reinit draws exactly the weights nn.mlp draws for the same scheme and seed, and leaves the original alone', () => {
  const sizes = [30, 16, 16, 1];
  const original = nn.mlp(sizes, { activation: 'leakyRelu', slope: 0.2, init: 'normal', seed: 1 });
  const before = original.linears().map((l) => Array.from(l.w.dataSync()));
  const fresh = nn.reinit(original, 'kaimingNormal', { seed: 5 });
  const expected = nn.mlp(sizes, { activation: 'leakyRelu', slope: 0.2, init: 'kaimingNormal', seed: 5 });
  fresh.linears().forEach((l, i) => {
    assert.deepEqual(Array.from(l.w.dataSync()), Array.from(expected.linears()[i].w.dataSync()), `layer ${i + 1}'s weights`);
    assert.deepEqual(Array.from(l.b.dataSync()), new Array(l.b.size).fill(0));
  });
  assert.deepEqual(
    fresh.layers.map((l) => l.name),
    original.layers.map((l) => l.name),
    'same layers, LeakyReLU(0.2) included',
  );
  assert.ok(fresh.layers.every((l, i) => l !== original.layers[i]), 'no module is shared');
  original.linears().forEach((l, i) => assert.deepEqual(Array.from(l.w.dataSync()), before[i]));
  [original, fresh, expected].forEach((m) => m.dispose());
});

test('forModel shapes data for the model: synthetic rows of its input width, class ids for cross-entropy', () => {
  const classifier = nn.mlp([20, 8, 10], { loss: 'crossEntropy', seed: 0 });
  const { x, y, description } = forOne(classifier, { data: 'mnist', rows: 500, seed: 2 });
  assert.deepEqual(x.shape, [500, 20]);
  assert.deepEqual(y.shape, [500]);
  const labels = Array.from(y.dataSync());
  assert.ok(labels.every((v) => Number.isInteger(v) && v >= 0 && v < 10), 'class ids 0..9');
  assert.match(description, /synthetic N\(0, 1\) inputs, 500 rows of 20 \(the model takes 20 inputs, MNIST has 784\)/);
  const loss = classifier.forward(x, y);
  assert.ok(Number.isFinite(loss.dataSync()[0]));
  classifier.release();
  tf.dispose([x, y]);
  classifier.dispose();
});

test('forModel gives MNIST to a 784-input model: digits for one output, one-hot rows for ten', () => {
  const regressor = nn.mlp([784, 8, 10], { seed: 0 });
  const { x, y, description } = forOne(regressor, { data: 'mnist-subset', rows: 300 });
  assert.deepEqual(x.shape, [300, 784]);
  assert.deepEqual(y.shape, [300, 10]);
  assert.deepEqual(Array.from(tf.sum(y, 1).dataSync()), new Array(300).fill(1), 'one-hot rows');
  assert.match(description, /^MNIST, 300 training images/);
  const mean = tf.mean(x).dataSync()[0];
  assert.ok(Math.abs(mean) < 0.1, `normalized, mean ${mean}`);
  tf.dispose([x, y]);
  regressor.dispose();
});

test('every model kind is described one way: its input, outputs, the targets its loss wants and whether MNIST fits', () => {
  const layers = (units: number, loss: string, inputShape = [784]) => {
    const first = inputShape.length > 1 ? tf.layers.flatten({ inputShape }) : tf.layers.dense({ inputShape, units: 8 });
    const m = tf.sequential({ layers: [first, tf.layers.dense({ units })] });
    m.compile({ optimizer: 'sgd', loss });
    return m;
  };
  const cases: [string, unknown, Partial<ModelShape>][] = [
    ['an MLP regressing digits', nn.mlp([784, 8, 1], { seed: 0 }), { kind: 'mlp', text: '784 → 8 → 1, relu', inputShape: [784], outputs: 1, targets: 'values', takesMnist: true }],
    ['an MLP with 5 classes', nn.mlp([784, 8, 5], { loss: 'crossEntropy', seed: 0 }), { targets: 'classIds', takesMnist: false }],
    ['an nn CNN', nn.cnn({ input: [28, 28, 1], channels: [4], classes: 10, seed: 0 }), { kind: 'cnn', inputShape: [28, 28, 1], outputs: 10, targets: 'classIds', takesMnist: true }],
    ['a tf.layers classifier', layers(10, 'sparseCategoricalCrossentropy', [28, 28, 1]), { kind: 'layers', inputShape: [28, 28, 1], targets: 'classIds', takesMnist: true }],
    ['a tf.layers binary classifier', layers(1, 'binaryCrossentropy'), { targets: 'binary', takesMnist: false }],
    ['a tf.layers regressor', layers(1, 'meanSquaredError'), { targets: 'values', takesMnist: true }],
  ];
  for (const [what, model, expected] of cases) {
    const shape = modelShape(model);
    assert.ok(shape, what);
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(shape[key as keyof ModelShape], value, `${what}: ${key}`);
  }
  assert.equal(modelShape({ layers: [] }), undefined);
});

test('forModel shapes targets for every loss form, and checks its options for every model kind', () => {
  const binary = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 1, activation: 'sigmoid' })] });
  binary.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const b = forOne(binary, { data: 'synthetic', rows: 50 });
  assert.deepEqual(b.y.shape, [50, 1]);
  assert.ok(Array.from(b.y.dataSync()).every((v) => v === 0 || v === 1), 'binary targets are 0 or 1');

  const regressor = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 1 })] });
  regressor.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const digits = forOne(regressor, { data: 'mnist-subset', rows: 40 });
  assert.deepEqual(digits.y.shape, [40, 1], 'tf.layers wants a target per output unit');
  assert.deepEqual(Array.from(digits.y.dataSync()).slice(0, 5), [5, 0, 4, 1, 9], 'the digits as numbers');
  assert.throws(() => forOne(regressor, { rows: 10, batch: 3 } as never), /data\.forModel: unknown option "batch"/);

  const fiveClasses = nn.mlp([784, 8, 5], { loss: 'crossEntropy', seed: 0 });
  const other = forOne(fiveClasses, { data: 'mnist', rows: 30 });
  assert.match(other.description, /^synthetic N\(0, 1\) inputs, 30 rows of 784 \(the model has 5 outputs, MNIST has 10 classes\)$/);
  assert.ok(Array.from(other.y.dataSync()).every((v) => v >= 0 && v < 5), 'class ids within its 5 outputs');
  tf.dispose([b.x, b.y, digits.x, digits.y, other.x, other.y]);
  [binary, regressor].forEach((m) => m.dispose());
  fiveClasses.dispose();
});

test('forModel fits models that take token ids or give more than one value per example: an Embedding, an autoencoder, a sequence tagger; the probe reads each, with no gradient for token ids', () => {
  const compiled = (model: tfjs.LayersModel, loss: string) => (model.compile({ optimizer: 'sgd', loss }), model);
  const sentiment = compiled(
    tf.sequential({ layers: [tf.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 12 }), tf.layers.globalAveragePooling1d({}), tf.layers.dense({ units: 1, activation: 'sigmoid' })] }),
    'binaryCrossentropy',
  );
  const autoencoder = compiled(
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
      ],
    }),
    'binaryCrossentropy',
  );
  const tagger = compiled(
    tf.sequential({ layers: [tf.layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 7 }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 5, activation: 'softmax' }) })] }),
    'categoricalCrossentropy',
  );
  const cases: [string, tfjs.LayersModel, Partial<ModelShape>, RegExp, number[], number[]][] = [
    ['a sentiment model', sentiment, { inputTokens: 50, outputShape: [1], takesMnist: false }, /^synthetic token ids in \[0, 50\), 200 rows of 12$/, [200, 12], [200, 1]],
    ['an autoencoder', autoencoder, { inputShape: [28, 28, 1], outputShape: [28, 28, 1], takesMnist: false }, /^synthetic N\(0, 1\) inputs, 200 of shape \[28, 28, 1\] \(the model's output is \[28, 28, 1\] per example, MNIST has a digit\)$/, [200, 28, 28, 1], [200, 28, 28, 1]],
    ['a sequence tagger', tagger, { inputTokens: 30, outputShape: [7, 5], outputs: 5, targets: 'oneHot' }, /^synthetic token ids in \[0, 30\), 200 rows of 7 \(the model takes token ids, MNIST has pixels\)$/, [200, 7], [200, 7, 5]],
  ];
  for (const [what, model, expected, description, xShape, yShape] of cases) {
    const shape = modelShape(model)!;
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(shape[key as keyof ModelShape], value, `${what}: ${key}`);
    const data = forOne(model, { data: what === 'a sentiment model' ? 'synthetic' : 'mnist', rows: 200, seed: 1 });
    assert.match(data.description, description, what);
    assert.deepEqual([data.x.shape, data.y.shape], [xShape, yShape], what);
    if (shape.inputTokens) {
      assert.equal(data.x.dtype, 'int32', `${what}: token ids are integers`);
      const ids = Array.from(data.x.dataSync());
      assert.ok(Math.min(...ids) === 0 && Math.max(...ids) === shape.inputTokens - 1, `${what}: ids cover [0, ${shape.inputTokens})`);
    }
    const targets = Array.from(data.y.dataSync());
    if (shape.targets === 'binary') assert.ok(targets.every((v) => v === 0 || v === 1), `${what}: 0/1 targets`);
    if (shape.targets === 'oneHot') assert.ok(tf.tidy(() => tf.sum(data.y, -1).equal(1).all().dataSync()[0]) === 1, `${what}: one class per position`);
    const report = probe(model).step(data.x, data.y);
    assert.ok(Number.isFinite(Number(report.loss)), `${what}: the probe's loss ${String(report.loss)}`);
    // Token ids have no gradient (as in PyTorch, only floats require grad); images do.
    assert.equal(report.layers[0].tensors.inputGrad === undefined, shape.inputTokens !== undefined, `${what}: the data gradient`);
    tf.dispose([data.x, data.y]);
    model.dispose();
  }
});

test('forModel gives a model that takes any length (a free size in its input shape) 16, and targets of the output that length gives', () => {
  const tagger = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 20, outputDim: 4 }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  tagger.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const fullyConvolutional = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [null, null, 1] as unknown as number[], filters: 4, kernelSize: 3, strides: 2 })] });
  fullyConvolutional.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const cases: [string, tfjs.LayersModel, number[], number[]][] = [
    ['a tagger of any length', tagger, [50, 16], [50, 16, 3]],
    // A 3 × 3 convolution with stride 2 makes 7 × 7 of 16 × 16, not 16 × 16.
    ['a fully convolutional net', fullyConvolutional, [50, 16, 16, 1], [50, 7, 7, 4]],
  ];
  for (const [what, model, xShape, yShape] of cases) {
    const data = forOne(model, { data: 'synthetic', rows: 50 });
    assert.deepEqual([data.x.shape, data.y.shape], [xShape, yShape], what);
    assert.match(data.description, /; the model takes any length, 16 was drawn$/, what);
    assert.ok(Number.isFinite(Number(probe(model).step(data.x, data.y).loss)), `${what}: the probe reads it`);
    tf.dispose([data.x, data.y]);
    model.dispose();
  }
});
