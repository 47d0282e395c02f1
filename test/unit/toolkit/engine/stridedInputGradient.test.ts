// The input gradient of strided convolutions on the WASM engine, by output phase
// (kernels/stridedInputGradient.ts), against the CPU backend: strides 2 and 3, unequal strides,
// filters smaller than the stride (phases with no tap), 'same', 'valid' and explicit padding,
// odd sizes and a batch of 1, through tf.grads and through the kernel itself. The SIMD way
// (inputGradientBySimd.ts) would take the cases with input channels in fours: it is switched off.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { assertSameAsCpu, values } from './sameAsCpu';
import { describeCase, type ConvCase } from './convCases';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
  process.env.INITLAB_SIMD_INPUT_GRADIENT = '0';
});

after(() => {
  delete process.env.INITLAB_SIMD_INPUT_GRADIENT;
});

const CASES: ConvCase[] = [
  { x: [2, 28, 28, 3], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 4 },
  { x: [1, 7, 9, 2], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 3 },
  { x: [2, 9, 9, 2], kernel: [3, 3], strides: 2, pad: 'valid', outChannels: 5 },
  { x: [3, 10, 11, 2], kernel: [5, 5], strides: 3, pad: 'valid', outChannels: 2 },
  { x: [2, 11, 10, 1], kernel: [5, 4], strides: 3, pad: 'same', outChannels: 2 },
  { x: [1, 9, 8, 3], kernel: [3, 3], strides: [2, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], outChannels: 2 },
  { x: [2, 8, 8, 4], kernel: [1, 1], strides: 2, pad: 'same', outChannels: 3 },
  { x: [2, 9, 7, 2], kernel: [2, 2], strides: 3, pad: 'valid', outChannels: 2 },
  { x: [1, 6, 6, 2], kernel: [4, 4], strides: 2, pad: 'same', outChannels: 2 },
  { x: [2, 8, 5, 3], kernel: [3, 1], strides: [3, 1], pad: 'same', outChannels: 4 },
  { x: [1, 5, 5, 2], kernel: [3, 3], strides: 2, pad: [[0, 0], [3, 0], [0, 3], [0, 0]], outChannels: 2 },
  // Channels in fours: the phases are interleaved by SIMD copies.
  { x: [3, 13, 11, 8], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 4 },
  { x: [2, 10, 9, 4], kernel: [3, 2], strides: [3, 2], pad: 'valid', outChannels: 3 },
  { x: [2, 8, 8, 4], kernel: [1, 1], strides: 2, pad: 'same', outChannels: 4 },
];

test('tf.grads of a strided conv2d (input and filter) matches the CPU backend', async () => {
  for (const c of CASES) {
    const filter = values([...c.kernel, c.x[3], c.outChannels], 7);
    await assertSameAsCpu(`conv2d ${describeCase(c)}`, [values(c.x, 3), filter], ([x, f]) =>
      tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad).square().sum())([x, f]),
    );
  }
});

test('the Conv2DBackpropInput kernel itself matches the CPU backend for a given dy', async () => {
  for (const c of CASES) {
    const filter = values([...c.kernel, c.x[3], c.outChannels], 11);
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as Tensor as Tensor4D, tf.zeros(filter.shape) as Tensor as Tensor4D, c.strides, c.pad).shape);
    await assertSameAsCpu(`Conv2DBackpropInput ${describeCase(c)}`, [values(outShape, 13), filter], ([dy, f]) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: c.x } as never) as Tensor,
    );
  }
});
