// tf.layers' BatchNormalization in training mode on the WASM engine runs as one fused op with its
// own gradient (kernels/batchNormTraining.ts, kernels/batchNormLayer.ts), by SIMD passes when the
// channels come in fours and by XNNPACK's kernels otherwise. Checked against the CPU backend, which
// runs tfjs's own chain of ops and autodiff: the output, the gradients of x, γ and β, the moving
// mean and variance, at ranks 2 to 4, odd sizes, a batch of 1 and a large mean, both ways; then a
// tf.layers CNN trained a few steps ends with the CPU's weights.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { LayersModel, Tensor, Variable } from '@tensorflow/tfjs';
import { assertSameAsCpu, values, worstDifference, type Spec } from './sameAsCpu';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

/** Frees a layer's weights (Layer.dispose refuses a layer applied to tensors only). */
function disposeLayer(layer: { weights: { dispose(): void }[] }): void {
  for (const w of layer.weights) w.dispose();
}

/** A training-mode BatchNorm layer's output, its gradients and its moving statistics after one call. */
function batchNormStep(x: Tensor, weights: Tensor): Tensor[] {
  const channels = x.shape[x.shape.length - 1];
  const layer = tf.layers.batchNormalization({ momentum: 0.9 });
  layer.build(x.shape);
  // γ, β, moving mean, moving variance: set, not drawn, so both backends start alike.
  const set = [tf.linspace(0.5, 1.5, channels), tf.linspace(-0.3, 0.2, channels), tf.fill([channels], 0.1), tf.fill([channels], 2)];
  layer.setWeights(set);
  tf.dispose(set);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as Variable);
  const { value, grads } = tf.variableGrads(() => {
    const y = layer.apply(x, { training: true }) as Tensor;
    return tf.sum(tf.mul(tf.square(y), weights));
  }, [gamma, beta]);
  const dx = tf.grad((input: Tensor) => tf.sum(tf.mul(tf.square(layer.apply(input, { training: true }) as Tensor), weights)))(x);
  const y = tf.tidy(() => layer.apply(x, { training: true }) as Tensor);
  // Three training calls in all: the moving statistics moved three times.
  const moving = layer.nonTrainableWeights.map((w) => tf.clone(w.read()));
  const out = [y, dx, grads[gamma.name], grads[beta.name], ...moving];
  value.dispose();
  disposeLayer(layer);
  return out;
}

const SHAPES: [number[], number, number][] = [
  // shape, scale of x, mean of x
  [[4, 5, 5, 3], 1, 0],
  [[3, 7, 6, 5], 2, 0.5],
  [[1, 9, 9, 4], 1, -1], // a batch of 1
  [[2, 3, 1, 16], 0.5, 0],
  [[6, 11, 3], 1, 0.2], // rank 3
  [[37, 8], 3, 1], // rank 2: after a dense layer
  [[8, 4, 4, 6], 0.1, 20], // mean far from zero
  // Channels in fours run the SIMD passes (sums about the first row), the others XNNPACK's.
  [[8, 4, 4, 8], 0.1, 20],
  [[5, 7, 12], 2, -0.5],
];

test('BatchNormalization in training mode: output, gradients of x, γ and β, moving statistics match the CPU backend', async () => {
  for (const [shape, scale, mean] of SHAPES) {
    const weights = values(shape, 19);
    await assertSameAsCpu(`batch norm ${shape} (x ~ ${mean} ± ${scale})`, [values(shape, 17, scale, mean), weights], ([x, w]) => batchNormStep(x, w), 5e-5);
  }
});

test('the fused op is what runs on WASM: the package’s FusedBatchNorm kernel never runs in training mode, and does in inference', () => {
  const ran: string[] = [];
  const original = tf.getKernel('FusedBatchNorm', 'wasm')!;
  tf.unregisterKernel('FusedBatchNorm', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: (args) => (ran.push('FusedBatchNorm'), original.kernelFunc(args)) });
  try {
    tf.tidy(() => {
      const layer = tf.layers.batchNormalization();
      const x = tf.ones([2, 3, 3, 4]);
      tf.grad((t: Tensor) => (layer.apply(t, { training: true }) as Tensor).sum())(x);
      assert.deepEqual(ran, []);
      layer.apply(x, { training: false });
      assert.deepEqual(ran, ['FusedBatchNorm']);
      disposeLayer(layer);
    });
  } finally {
    tf.unregisterKernel('FusedBatchNorm', 'wasm');
    tf.registerKernel(original);
  }
});

test('a gradient of a gradient through BatchNorm keeps tfjs’s own ops (the fused gradient is not differentiable)', async () => {
  const spec = values([3, 2, 2, 2], 23);
  await assertSameAsCpu('second derivative through batch norm', [spec], ([x]) =>
    tf.tidy(() => {
      const layer = tf.layers.batchNormalization();
      const f = (t: Tensor) => tf.sum(tf.pow(layer.apply(t, { training: true }) as Tensor, 3));
      const second = tf.grad((t: Tensor) => tf.sum(tf.square(tf.grad(f)(t))))(x);
      disposeLayer(layer);
      return second;
    }),
  );
});

/** A small CNN like the bench's, with set weights, trained `steps` batches by SGD; its weights after. */
function trainedCnnWeights(x: Tensor, y: Tensor, steps: number): Promise<Tensor[]> {
  const L = tf.layers;
  const model: LayersModel = tf.sequential({
    layers: [
      L.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same' }),
      L.batchNormalization(),
      L.activation({ activation: 'relu' }),
      L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }),
      L.batchNormalization(),
      L.activation({ activation: 'relu' }),
      L.globalAveragePooling2d({}),
      L.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const set = model.getWeights().map((w, i) => tf.tensor(values(w.shape, 31 + i, 0.5).data, w.shape));
  model.setWeights(set);
  tf.dispose(set);
  const batch = x.shape[0] / steps;
  return model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 }).then(() => {
    const weights = model.getWeights().map((w) => tf.clone(w));
    model.dispose();
    return weights;
  });
}

test('a tf.layers CNN with BatchNorm trained 4 steps of SGD ends with the CPU backend’s weights', async () => {
  const images = values([16, 12, 12, 1], 29);
  const labels: Spec = { shape: [16, 3], data: Float32Array.from({ length: 48 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)) };
  const run = async (backend: string) => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const [x, y] = [images, labels].map((s) => tf.tensor(s.data, s.shape));
      const before = tf.memory().numTensors;
      const weights = await trainedCnnWeights(x, y, 4);
      const out = weights.map((w) => ({ shape: w.shape, data: Float32Array.from(w.dataSync()) }));
      tf.dispose([x, y, ...weights]);
      // tf.layers keeps some tensors of a model it trained (the same count on every backend).
      return { weights: out, left: tf.memory().numTensors - before + 2 };
    } finally {
      await tf.setBackend(previous);
    }
  };
  const wasmRun = await run('wasm');
  const cpuRun = await run('cpu');
  assert.equal(wasmRun.left, cpuRun.left, 'the WASM engine leaves no tensor the CPU backend does not');
  const [wasm, cpu] = [wasmRun.weights, cpuRun.weights];
  const initial = values([3, 3, 1, 4], 31, 0.5).data;
  let moved = 0;
  cpu[0].data.forEach((v, i) => (moved = Math.max(moved, Math.abs(v - initial[i]))));
  assert.ok(moved > 1e-3, `training moved the first kernel (by ${moved})`);
  assert.equal(wasm.length, cpu.length);
  for (let k = 0; k < cpu.length; k++) {
    const { worst, scale } = worstDifference(wasm[k], cpu[k]);
    assert.ok(worst <= 1e-4 * Math.max(scale, 1), `weight ${k} ${cpu[k].shape}: differs by ${worst} (largest ${scale})`);
  }
});
