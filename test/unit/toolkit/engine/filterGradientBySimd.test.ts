// The filter gradient of convolutions on the WASM engine by the SIMD function on the heap
// (kernels/filterGradientBySimd.ts, engine/simd/simdFilterGradientCode.ts), against the CPU backend:
// 1 to 32 input channels (tiles of two and the odd one left), output channels in fours up to 64
// (every vector count of a tile), strides 1, 2 and unequal, 'same', 'valid' and explicit padding
// (taps with no pixel inside), dilation, a batch of 1, and a batch large enough to be split with
// the worker thread. The package's way stays reachable with INITLAB_SIMD_FILTER_GRADIENT=0, and
// both give the CPU's numbers.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { assertSameAsCpu, runOn, values, worstDifference } from './sameAsCpu';
import { describeCase, dyShape, filterShape, type ConvCase } from './convCases';
import { simdPasses, simdWorkerJobs } from '../../../../src/toolkit/engine/simd/simdPasses';
import { filterGradientsBySimd } from '../../../../src/toolkit/engine/kernels/filterGradientBySimd';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(simdPasses(), 'the SIMD passes instantiate on the WASM engine');
});

const CASES: ConvCase[] = [
  { x: [4, 28, 28, 1], kernel: [3, 3], strides: 1, pad: 'same', outChannels: 16 },
  { x: [3, 14, 14, 16], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 32 },
  { x: [2, 7, 7, 32], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 64 },
  { x: [1, 9, 7, 3], kernel: [3, 3], strides: 2, pad: 'valid', outChannels: 12 },
  { x: [2, 12, 9, 5], kernel: [5, 5], strides: [2, 3], pad: 'same', outChannels: 20 },
  { x: [2, 8, 8, 2], kernel: [4, 2], strides: 1, pad: [[0, 0], [2, 1], [0, 1], [0, 0]], outChannels: 4 },
  { x: [1, 2, 2, 3], kernel: [3, 3], strides: 1, pad: [[0, 0], [3, 3], [3, 3], [0, 0]], outChannels: 8 },
  { x: [2, 6, 5, 7], kernel: [1, 1], strides: 1, pad: 'valid', outChannels: 28 },
];

function filterGradient(c: ConvCase) {
  return ([x, dy]: Tensor[]) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, dataFormat: 'NHWC', filterShape: filterShape(c) }) as Tensor;
}

test('the filter gradient by SIMD equals the CPU backend’s, case by case', async () => {
  for (const c of CASES) {
    const before = filterGradientsBySimd();
    await assertSameAsCpu(`Conv2DBackpropFilter ${describeCase(c)}`, [values(c.x, 3), values(dyShape(c), 7)], filterGradient(c));
    assert.equal(filterGradientsBySimd(), before + 1, `${describeCase(c)}: the SIMD way ran`);
  }
});

test('a dilated filter: the gradient equals the CPU’s for the filter spread with zeros, read at every second tap', async () => {
  // The CPU backend's Conv2DBackpropFilter does not dilate; a 5 × 5 filter without dilation sees the same pixels.
  const x = values([2, 11, 11, 3], 5);
  const dy = values([2, 7, 7, 8], 9);
  const before = filterGradientsBySimd();
  const [wasm] = await runOn('wasm', [x, dy], ([xt, dyt]) => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'valid', dilations: 2, dataFormat: 'NHWC', filterShape: [3, 3, 3, 8] }) as Tensor);
  assert.equal(filterGradientsBySimd(), before + 1, 'the SIMD way ran');
  const [cpu] = await runOn('cpu', [x, dy], ([xt, dyt]) => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 3, 8] }) as Tensor);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let ci = 0; ci < 3; ci++)
        for (let co = 0; co < 8; co++) {
          const got = wasm.data[((i * 3 + j) * 3 + ci) * 8 + co];
          const want = cpu.data[((2 * i * 5 + 2 * j) * 3 + ci) * 8 + co];
          assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want)), `tap ${i},${j}, channels ${ci} → ${co}: ${got} against ${want}`);
        }
});

test('through tf.conv2d’s gradient, with the input gradient beside it', async () => {
  const c = CASES[2];
  await assertSameAsCpu(`conv2d ${describeCase(c)}`, [values(c.x, 3), values(filterShape(c), 7)], ([x, f]) =>
    tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad).square().sum())([x, f]),
  );
});

test('a batch large enough is split with the worker thread, and the sum of both halves is the CPU’s', async () => {
  const c: ConvCase = { x: [32, 28, 28, 16], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 32 };
  const jobs = simdWorkerJobs();
  const inputs = [values(c.x, 11), values(dyShape(c), 13)];
  const [wasm] = await runOn('wasm', inputs, filterGradient(c));
  // On one thread (INITLAB_WASM_THREADS=1, or one core) the heap is not shared and the main thread does it all.
  if ((engineInfo().threads ?? 1) > 1) assert.ok(simdWorkerJobs() > jobs, 'the worker took part');
  const [cpu] = await runOn('cpu', inputs, filterGradient(c));
  const { worst, scale } = worstDifference(wasm, cpu);
  // Sums of 6,272 products of values in [-1, 1): float32 rounding in a different order on each side.
  assert.ok(worst <= 1e-5 * scale, `worst difference ${worst} against a scale of ${scale}`);
});

test('with INITLAB_SIMD_FILTER_GRADIENT=0 the package’s way runs, and gives the same numbers', async () => {
  const c = CASES[1];
  const inputs = [values(c.x, 3), values(dyShape(c), 7)];
  const [bySimd] = await runOn('wasm', inputs, filterGradient(c));
  process.env.INITLAB_SIMD_FILTER_GRADIENT = '0';
  try {
    const before = filterGradientsBySimd();
    const [byPackage] = await runOn('wasm', inputs, filterGradient(c));
    assert.equal(filterGradientsBySimd(), before, 'the SIMD way did not run');
    const { worst, scale } = worstDifference(bySimd, byPackage);
    assert.ok(worst <= 1e-5 * scale, `worst difference ${worst} against a scale of ${scale}`);
  } finally {
    delete process.env.INITLAB_SIMD_FILTER_GRADIENT;
  }
});
