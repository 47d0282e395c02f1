// tf.fused.conv2d (tf.layers' Conv2D) with a gradient per input on the WASM engine
// (kernels/fusedConvGradient.ts): the gradients of the input, the kernel and the bias match the
// CPU backend (which runs tfjs's own customGrad) at several strides and paddings and a batch of
// 1, and a network's first layer no longer computes the gradient of its input images.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { assertSameAsCpu, values } from './sameAsCpu';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

const CASES: { x: number[]; filter: number[]; strides: number; pad: 'same' | 'valid' }[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [1, 10, 7, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [3, 8, 8, 4], filter: [2, 2, 4, 3], strides: 2, pad: 'valid' },
];

test('gradients of tf.fused.conv2d (input, kernel, bias) match the CPU backend, with and without a bias', async () => {
  for (const c of CASES) {
    const label = `x ${c.x}, filter ${c.filter}, strides ${c.strides}, ${c.pad}`;
    const bias = values([c.filter[3]], 5);
    await assertSameAsCpu(`fused conv2d with bias, ${label}`, [values(c.x, 3), values(c.filter, 7), bias], ([x, f, b]) =>
      tf.grads((a: Tensor, w: Tensor, v: Tensor) => tf.fused.conv2d({ x: a as Tensor4D, filter: w as Tensor4D, strides: c.strides, pad: c.pad, bias: v }).square().sum())([x, f, b]),
    );
    await assertSameAsCpu(`fused conv2d, ${label}`, [values(c.x, 11), values(c.filter, 13)], ([x, f]) =>
      tf.grads((a: Tensor, w: Tensor) => tf.fused.conv2d({ x: a as Tensor4D, filter: w as Tensor4D, strides: c.strides, pad: c.pad }).square().sum())([x, f]),
    );
  }
  // A ReLU fused in keeps tfjs's own op: still right.
  await assertSameAsCpu('fused conv2d with relu', [values([2, 6, 6, 2], 17), values([3, 3, 2, 3], 19), values([3], 23)], ([x, f, b]) =>
    tf.grads((a: Tensor, w: Tensor, v: Tensor) => tf.fused.conv2d({ x: a as Tensor4D, filter: w as Tensor4D, strides: 1, pad: 'same', bias: v as Tensor1D, activation: 'relu' }).square().sum())([x, f, b]),
  );
});

test('training a two-convolution tf.layers model computes one input gradient per step (the second layer’s), not two', async () => {
  const counts = new Map<string, number>();
  const kernels = ['Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  const originals = kernels.map((name) => tf.getKernel(name, 'wasm')!);
  for (const original of originals) {
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: (args) => (counts.set(original.kernelName, (counts.get(original.kernelName) ?? 0) + 1), original.kernelFunc(args)) });
  }
  try {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same' }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.randomNormal([6, 8, 8, 1]), tf.randomNormal([6, 2])];
    await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    tf.dispose([x, y]);
    model.dispose();
  } finally {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, 'wasm');
      tf.registerKernel(original);
    }
  }
  assert.equal(counts.get('Conv2DBackpropFilter'), 6, 'both layers’ kernels, 3 steps');
  assert.equal(counts.get('Conv2DBackpropInput'), 3, 'the second layer’s input only, 3 steps');
});
