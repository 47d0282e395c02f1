// One layer's backward on its own (layerGradient.ts), whole and in slices of the batch, or by
// BatchNorm's formula, against tf.grads of the layer; and a whole probe sliced finely against
// the same probe unsliced.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { layerGradients } from '../../../src/toolkit/probe/layerGradient';
import { stepsOf } from '../../../src/toolkit/probe/layersGraph';
import { traceLayersModel } from '../../../src/toolkit/probe/layersAdapter';
import { TENSOR_KINDS } from '../../../src/toolkit/probe/graph';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';

before(async () => {
  await initEngine();
});

function maxDifference(a: tfjs.Tensor, b: tfjs.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));
}

function convBnModel(): tfjs.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }).apply(input) as tfjs.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn', gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 2 }), betaInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 3 }) }).apply(conv) as tfjs.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(bn) as tfjs.SymbolicTensor;
  const branch = tf.layers.conv2d({ filters: 6, kernelSize: 1, name: 'branch', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(drop) as tfjs.SymbolicTensor;
  const sum = tf.layers.add({ name: 'add' }).apply([drop, branch]) as tfjs.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tfjs.SymbolicTensor;
  const output = tf.layers.dense({ units: 4, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }).apply(pooled) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

for (const kind of ['conv2d', 'batchNormalization'] as const) {
  test(`a ${kind} layer's backward, ${kind === 'conv2d' ? 'whole and in slices of the batch' : 'by its formula'}, equals tf.grads of the layer on the whole batch`, () => {
    const model = convBnModel();
    const step = stepsOf(model).steps.find((s) => s.kind === kind)!;
    const inputShape = kind === 'conv2d' ? [20, 8, 8, 3] : [20, 8, 8, 6];
    const x = tf.randomNormal(inputShape, 0.3, 1.5, 'float32', 7);
    const training = kind === 'batchNormalization';
    const weights = step.layer.trainableWeights.map((w) => w.read());
    const out = step.layer.apply(x, { training }) as tfjs.Tensor;
    const dy = tf.randomNormal(out.shape, 0, 1, 'float32', 8);
    const reference = tf.grads((input: tfjs.Tensor, ..._ws: tfjs.Tensor[]) => step.layer.apply(input, { training }) as tfjs.Tensor)([x, ...weights], dy);
    // 1 KB slices: five-row slices of a convolution's batch (BatchNorm's formula takes no slices).
    for (const sliceBytes of [1 << 30, 1024]) {
      const g = layerGradients(step, [x], dy, [true], sliceBytes);
      assert.ok(maxDifference(g.inputs[0]!, reference[0]) < 1e-4, `input gradient, ${sliceBytes}-byte slices`);
      g.weights.forEach((w, k) => assert.ok(maxDifference(w, reference[k + 1]) < 1e-4, `${step.layer.trainableWeights[k].name} gradient, ${sliceBytes}-byte slices`));
      tf.dispose([...g.weights, g.inputs[0]!]);
    }
    // The gradient with respect to an input not asked for is not computed.
    const without = layerGradients(step, [x], dy, [false], 1024);
    assert.equal(without.inputs[0], undefined);
    tf.dispose([...without.weights, x, out, dy, ...reference]);
  });
}

test('a probe traced in 1 KB slices, every output waiting outside the heap, reports what the plain trace reports, and leaks nothing', () => {
  const model = convBnModel();
  const x = tf.randomNormal([24, 8, 8, 3], 0, 1, 'float32', 9);
  const y = tf.oneHot(tf.tensor1d([...Array(24).keys()].map((i) => i % 4), 'int32'), 4);
  const whole = traceLayersModel(model, x, y, { dataGrad: true, bins: 20 });
  const before = tf.memory().numTensors;
  const sliced = traceLayersModel(model, x, y, { dataGrad: true, bins: 20, sliceBytes: 1024, offloadBytes: 1 });
  assert.equal(tf.memory().numTensors, before, 'a sliced trace frees everything it made');
  assert.ok(Math.abs(whole.loss! - sliced.loss!) < 1e-6);
  let compared = 0;
  whole.nodes.forEach((node, i) => {
    for (const kind of TENSOR_KINDS) {
      const a = node.stats[kind];
      const b = sliced.nodes[i].stats[kind];
      assert.equal(b === undefined, a === undefined, `${node.id} ${kind} present in both`);
      if (!a || !b) continue;
      for (const figure of ['mean', 'std'] as const) {
        const [u, v] = [fromStatNumber(a[figure]), fromStatNumber(b[figure])];
        assert.ok(Math.abs(u - v) <= 1e-4 * Math.max(1e-6, Math.abs(u), fromStatNumber(a.std)), `${node.id} ${kind} ${figure}: ${u} against ${v}`);
      }
      compared++;
    }
  });
  assert.ok(compared >= 25, `compared ${compared} tensors`);
  // Every node's output gradient is there, the residual branch's too.
  for (const node of sliced.nodes) assert.ok(node.stats.outputGrad, `${node.id} has an output gradient`);
  tf.dispose([x, y]);
});

/** A one-layer model whose step is the layer under test. */
function stepOf(layer: tfjs.layers.Layer, inputShape: number[]) {
  const input = tf.input({ shape: inputShape });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tfjs.SymbolicTensor });
  return stepsOf(model).steps[0];
}

const KERNEL_CASES: { name: string; layer: () => tfjs.layers.Layer; shape: number[] }[] = [
  { name: 'a Conv2D, same padding, stride 2, with bias', layer: () => tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', biasInitializer: 'randomNormal' }), shape: [6, 9, 9, 3] },
  { name: 'a Conv2D, valid padding, no bias', layer: () => tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], padding: 'valid', useBias: false }), shape: [5, 7, 8, 2] },
  { name: 'a DepthwiseConv2D, multiplier 2, stride 2', layer: () => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', biasInitializer: 'randomNormal' }), shape: [4, 8, 8, 3] },
  { name: 'a Dense layer', layer: () => tf.layers.dense({ units: 7, biasInitializer: 'randomNormal' }), shape: [9, 11] },
  { name: 'a relu Activation layer', layer: () => tf.layers.activation({ activation: 'relu' }), shape: [6, 5, 5, 4] },
  { name: 'a relu6 Activation layer', layer: () => tf.layers.activation({ activation: 'relu6' }), shape: [7, 13] },
  { name: 'a ReLU layer with a maxValue of 6', layer: () => tf.layers.reLU({ maxValue: 6 }), shape: [5, 4, 4, 3] },
  { name: 'a ReLU layer without a maxValue', layer: () => tf.layers.reLU(), shape: [5, 9] },
];

for (const c of KERNEL_CASES) {
  test(`${c.name}: the backward by its gradient kernels or formula equals tf.grads of the layer, element by element`, () => {
    const step = stepOf(c.layer(), c.shape.slice(1));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      // Values at 0 and 6 exactly, where relu's and relu6's gradients switch.
      const x = tf.concat([tf.randomNormal([c.shape[0] - 1, ...c.shape.slice(1)], 0, 4, 'float32', 11), tf.fill([1, ...c.shape.slice(1)], 6)]);
      const withZeros = tf.where(tf.less(tf.abs(x), 0.3), tf.zerosLike(x), x);
      const weights = step.trainableWeights.map((w) => w.read());
      const out = step.layer.apply(withZeros) as tfjs.Tensor;
      const dy = tf.randomNormal(out.shape, 0, 1, 'float32', 12);
      const reference = tf.grads((input: tfjs.Tensor, ..._ws: tfjs.Tensor[]) => step.layer.apply(input) as tfjs.Tensor)([withZeros, ...weights], dy);
      for (const sliceBytes of [1 << 30, 256]) {
        const g = layerGradients(step, [withZeros], dy, [true], sliceBytes);
        assert.ok(maxDifference(g.inputs[0]!, reference[0]) < 1e-5, `input gradient, ${sliceBytes}-byte slices: ${maxDifference(g.inputs[0]!, reference[0])}`);
        g.weights.forEach((w, k) => assert.ok(maxDifference(w, reference[k + 1]) < 1e-5, `${step.trainableWeights[k].name} gradient, ${sliceBytes}-byte slices`));
      }
    });
    assert.equal(tf.memory().numTensors, before, 'nothing left behind');
  });
}
