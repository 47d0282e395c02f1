// The filter gradient of convolutions with few input channels on the WASM engine, as patches times
// dy (kernels/filterGradientByPatches.ts), against the CPU backend: 1 and 3 input channels,
// strides 1, 2 and unequal, 'same', 'valid' and explicit padding, odd sizes, a batch of 1, a
// dilated filter, and through tf.layers' Conv2D in training. The SIMD way
// (filterGradientBySimd.ts) would take most of these first: it is switched off here.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor, Tensor4D, Variable } from '@tensorflow/tfjs';
import { assertSameAsCpu, runOn, values } from './sameAsCpu';
import { describeCase, type ConvCase } from './convCases';
import { patchesApply } from '../../../../src/toolkit/engine/kernels/filterGradientByPatches';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
  process.env.INITLAB_SIMD_FILTER_GRADIENT = '0';
});

after(() => {
  delete process.env.INITLAB_SIMD_FILTER_GRADIENT;
});

const CASES: ConvCase[] = [
  { x: [8, 28, 28, 1], kernel: [3, 3], strides: 1, pad: 'same', outChannels: 16 },
  { x: [1, 9, 7, 1], kernel: [3, 3], strides: 2, pad: 'valid', outChannels: 5 },
  { x: [3, 11, 10, 3], kernel: [3, 3], strides: 2, pad: 'same', outChannels: 16 },
  { x: [2, 12, 9, 3], kernel: [5, 5], strides: [2, 3], pad: 'same', outChannels: 40 },
  { x: [2, 8, 8, 1], kernel: [4, 2], strides: 1, pad: [[0, 0], [2, 1], [0, 1], [0, 0]], outChannels: 4 },
  { x: [1, 6, 5, 2], kernel: [1, 1], strides: 1, pad: 'valid', outChannels: 1 },
];

test('every case takes the patches way (fh·fw·Cin ≤ 2·Cout) and its filter and input gradients match the CPU backend', async () => {
  for (const c of CASES) {
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], [...c.kernel, c.x[3], c.outChannels], c.strides, 1, c.pad);
    assert.ok(patchesApply(info), describeCase(c));
    await assertSameAsCpu(`conv2d ${describeCase(c)}`, [values(c.x, 3), values([...c.kernel, c.x[3], c.outChannels], 7)], ([x, f]) =>
      tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad).square().sum())([x, f]),
    );
  }
});

test('a dilated filter: the kernel’s gradient equals the CPU’s for the filter spread with zeros, read at every second tap', async () => {
  const x = values([2, 11, 11, 1], 5);
  const outShape = [2, 7, 7, 8];
  const dy = values(outShape, 9);
  const wasm = await runOn('wasm', [x, dy], ([xt, dyt]) => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'valid', dilations: 2, dataFormat: 'NHWC', filterShape: [3, 3, 1, 8] }) as Tensor);
  const cpu = await runOn('cpu', [x, dy], ([xt, dyt]) => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 1, 8] }) as Tensor);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let co = 0; co < 8; co++) {
        const got = wasm[0].data[(i * 3 + j) * 8 + co];
        const want = cpu[0].data[(2 * i * 5 + 2 * j) * 8 + co];
        assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want)), `tap ${i},${j} channel ${co}: ${got} against ${want}`);
      }
});

test('a tf.layers Conv2D on one channel, trained: its kernel and bias gradients match the CPU backend', async () => {
  await assertSameAsCpu('tf.layers conv2d 1 → 16', [values([4, 14, 14, 1], 13), values([4, 14, 14, 16], 17)], ([x, target]) =>
    tf.tidy(() => {
      const layer = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.constant({ value: 0.1 }) });
      layer.build(x.shape);
      const weights = layer.trainableWeights.map((w) => w.read() as never);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(layer.apply(x) as Tensor, target))), weights);
      const out = layer.trainableWeights.map((w) => tf.clone(grads[(w.read() as Variable).name]));
      tf.dispose(Object.values(grads));
      for (const w of layer.weights) w.dispose();
      return out;
    }),
  );
});
