// The input gradient of convolutions on the WASM engine by the SIMD function on the heap
// (kernels/inputGradientBySimd.ts, engine/simd/simdInputGradientCode.ts), against the CPU backend:
// input channels in fours up to 32 (every vector count of a tile), strides 1, 2, 3 and unequal
// (pixel pairs and the single pixels at the edges), 'same', 'valid' and explicit padding
// (pixels no tap reaches), a batch of 1, a batch large enough to be split with the worker
// thread, and a dilated filter against InitLab's other way (INITLAB_SIMD_INPUT_GRADIENT=0).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { assertSameAsCpu, runOn, values, worstDifference } from './sameAsCpu';
import { describeCase, dyShape, filterShape, type ConvCase } from './convCases';
import { simdPasses, simdWorkerJobs } from '../../../../src/toolkit/engine/simd/simdPasses';
import { inputGradientsBySimd } from '../../../../src/toolkit/engine/kernels/inputGradientBySimd';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(simdPasses(), 'the SIMD passes instantiate on the WASM engine');
});

const CASES: ConvCase[] = [
  { x: [3, 28, 28, 16], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 32 },
  { x: [2, 14, 14, 32], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 64 },
  { x: [2, 9, 9, 4], kernel: [3, 3], strides: 1, pad: 'same', outChannels: 5 },
  { x: [1, 9, 7, 8], kernel: [3, 3], strides: 2, pad: 'valid', outChannels: 12 },
  { x: [2, 12, 11, 12], kernel: [5, 5], strides: [2, 3], pad: 'same', outChannels: 20 },
  { x: [2, 10, 10, 20], kernel: [3, 3], strides: 3, pad: 'valid', outChannels: 6 },
  { x: [2, 8, 8, 24], kernel: [4, 2], strides: 1, pad: [[0, 0], [2, 1], [0, 1], [0, 0]], outChannels: 4 },
  { x: [1, 3, 3, 4], kernel: [3, 3], strides: 2, pad: [[0, 0], [4, 4], [4, 4], [0, 0]], outChannels: 8 },
  { x: [2, 6, 5, 28], kernel: [1, 1], strides: 1, pad: 'valid', outChannels: 3 },
];

function inputGradient(c: ConvCase) {
  return ([dy, filter]: Tensor[]) =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, dataFormat: 'NHWC', inputShape: c.x }) as Tensor;
}

function specs(c: ConvCase, seed: number) {
  return [values(dyShape(c), seed), values(filterShape(c), seed + 1)];
}

test('the input gradient by SIMD equals the CPU backend’s, case by case', async () => {
  for (const c of CASES) {
    const before = inputGradientsBySimd();
    await assertSameAsCpu(`Conv2DBackpropInput ${describeCase(c)}`, specs(c, 3), inputGradient(c));
    assert.equal(inputGradientsBySimd(), before + 1, `${describeCase(c)}: the SIMD way ran`);
  }
});

test('a batch large enough is split with the worker thread, and equals the CPU’s', async () => {
  const c: ConvCase = { x: [32, 28, 28, 16], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 32 };
  const jobs = simdWorkerJobs();
  const [wasm] = await runOn('wasm', specs(c, 11), inputGradient(c));
  // On one thread (INITLAB_WASM_THREADS=1, or one core) the heap is not shared and the main thread does it all.
  if ((engineInfo().threads ?? 1) > 1) assert.ok(simdWorkerJobs() > jobs, 'the worker took part');
  const [cpu] = await runOn('cpu', specs(c, 11), inputGradient(c));
  const { worst, scale } = worstDifference(wasm, cpu);
  assert.ok(worst <= 2e-5 * scale, `worst difference ${worst} against a scale of ${scale}`);
});

test('a dilated filter, and through tf.conv2d’s gradient: the same numbers as InitLab’s other way', async () => {
  for (const c of [{ x: [2, 11, 11, 8], kernel: [3, 3], strides: 1, pad: 'same', outChannels: 8, dilations: 2 } as ConvCase, CASES[0]]) {
    const [bySimd] = await runOn('wasm', specs(c, 5), inputGradient(c));
    process.env.INITLAB_SIMD_INPUT_GRADIENT = '0';
    try {
      const before = inputGradientsBySimd();
      const [other] = await runOn('wasm', specs(c, 5), inputGradient(c));
      assert.equal(inputGradientsBySimd(), before, 'the SIMD way did not run');
      const { worst, scale } = worstDifference(bySimd, other);
      assert.ok(worst <= 2e-5 * scale, `${describeCase(c)}: worst difference ${worst} against a scale of ${scale}`);
    } finally {
      delete process.env.INITLAB_SIMD_INPUT_GRADIENT;
    }
  }
  const c = CASES[1];
  await assertSameAsCpu(`conv2d ${describeCase(c)}`, [values(c.x, 3), values(filterShape(c), 7)], ([x, f]) =>
    tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad).square().sum())([x, f]),
  );
});
