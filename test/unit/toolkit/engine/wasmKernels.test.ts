// InitLab's WASM kernels (src/toolkit/engine/kernels/) against the CPU backend's: the
// convolution gradients at several shapes, strides, dilations and paddings, through tf.grads and
// through the kernels themselves, UnsortedSegmentSum, and the copying CPU fallback. Each check
// also counts the WASM backend's data before and after: a kernel that forgets an intermediate
// fails here.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { NamedAttrMap, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

/** Deterministic values in [-1, 1), the same on every backend. */
function values(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return { shape, data };
}

type Spec = { shape: number[]; data: Float32Array | Int32Array; dtype?: 'float32' | 'int32' };
type Computation = (inputs: Tensor[]) => Tensor | Tensor[];

/** Runs `compute` on the named backend with fresh tensors; returns the outputs' values. */
async function runOn(backend: string, specs: Spec[], compute: Computation): Promise<{ shape: number[]; data: Float32Array }[]> {
  await tf.setBackend(backend);
  try {
    const inputs = specs.map((s) => tf.tensor(s.data, s.shape, s.dtype ?? 'float32'));
    const dataBefore = tf.engine().backend.numDataIds();
    const out = compute(inputs);
    const outputs = Array.isArray(out) ? out : [out];
    const result = outputs.map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync()) }));
    tf.dispose(outputs);
    assert.equal(tf.engine().backend.numDataIds(), dataBefore, `${backend}: every intermediate freed`);
    tf.dispose(inputs);
    return result;
  } finally {
    await tf.setBackend('wasm');
  }
}

/** WASM's outputs equal CPU's to float32 rounding of sums of this size. */
async function assertSameAsCpu(label: string, specs: Spec[], compute: Computation): Promise<void> {
  const tensorsBefore = tf.memory().numTensors;
  const wasm = await runOn('wasm', specs, compute);
  const cpu = await runOn('cpu', specs, compute);
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: no tensor leaked`);
  for (let k = 0; k < cpu.length; k++) {
    assert.deepEqual(wasm[k].shape, cpu[k].shape, `${label}: output ${k} shape`);
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < cpu[k].data.length; i++) {
      scale = Math.max(scale, Math.abs(cpu[k].data[i]));
      worst = Math.max(worst, Math.abs(wasm[k].data[i] - cpu[k].data[i]));
    }
    assert.ok(scale > 0, `${label}: output ${k} is not all zeros`);
    assert.ok(worst <= 2e-5 * scale, `${label}: output ${k} differs by ${worst} (largest value ${scale})`);
  }
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: number[];
  kernel: [number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], kernel: [3, 3], strides: 1, pad: 'same' },
  { x: [2, 8, 7, 3], kernel: [3, 2], strides: 2, pad: 'same' },
  { x: [2, 9, 9, 2], kernel: [3, 3], strides: 2, pad: 'valid' },
  { x: [3, 10, 11, 2], kernel: [5, 5], strides: 3, pad: 'valid' },
  { x: [1, 9, 8, 3], kernel: [3, 3], strides: [2, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 6, 6, 4], kernel: [1, 1], strides: 1, pad: 'valid' },
  { x: [2, 5, 5, 1], kernel: [4, 4], strides: 1, pad: 'same' },
];

const describe = (c: ConvCase) => `x ${c.x.join('x')}, kernel ${c.kernel.join('x')}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}`;

test('tf.grads of conv2d matches the CPU backend (Conv2DBackpropFilter and Conv2DBackpropInput)', async () => {
  for (const c of CONV_CASES) {
    const filter = values([...c.kernel, c.x[3], 4], 7);
    await assertSameAsCpu(`conv2d ${describe(c)}`, [values(c.x, 3), filter], ([x, f]) =>
      tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad).square().sum())([x, f]),
    );
  }
});

test('tf.grads of depthwiseConv2d matches the CPU backend, channel multiplier 1 and 2', async () => {
  for (const c of CONV_CASES) {
    for (const multiplier of [1, 2]) {
      await assertSameAsCpu(`depthwise m${multiplier} ${describe(c)}`, [values(c.x, 5), values([...c.kernel, c.x[3], multiplier], 11)], ([x, f]) =>
        tf.grads((a: Tensor, b: Tensor) => tf.depthwiseConv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad).square().sum())([x, f]),
      );
    }
  }
});

test('tf.grads of separableConv2d matches the CPU backend', async () => {
  // separableConv2d takes 'same'/'valid' only, one stride for both axes.
  for (const c of CONV_CASES.filter((k) => typeof k.pad === 'string' && typeof k.strides === 'number')) {
    const channels = c.x[3];
    const specs = [values(c.x, 13), values([...c.kernel, channels, 2], 17), values([1, 1, channels * 2, 3], 19)];
    await assertSameAsCpu(`separable ${describe(c)}`, specs, ([x, depth, point]) =>
      tf.grads((a: Tensor, d: Tensor, p: Tensor) =>
        tf
          .separableConv2d(a as Tensor4D, d as Tensor4D, p as Tensor4D, c.strides as number, c.pad as 'same')
          .square()
          .sum(),
      )([x, depth, point]),
    );
  }
});

/** The filter with (d − 1) zeros between its taps: a dilated convolution as an undilated one. */
function dilateFilter(f: { shape: number[]; data: Float32Array }, d: number): { shape: number[]; data: Float32Array } {
  const [fh, fw, ci, co] = f.shape;
  const shape = [(fh - 1) * d + 1, (fw - 1) * d + 1, ci, co];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < fh; i++)
    for (let j = 0; j < fw; j++)
      for (let k = 0; k < ci * co; k++) data[(i * d * shape[1] + j * d) * ci * co + k] = f.data[(i * fw + j) * ci * co + k];
  return { shape, data };
}

test('with dilations (reachable through the kernels, not through tfjs gradients), the gradients equal those of the zero-spread filter on the CPU backend', async () => {
  const run = (name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap) => tf.engine().runKernel(name, inputs, attrs) as Tensor;
  for (const [pad, d] of [['same', 2], ['valid', 2], ['same', 3]] as const) {
    const x = values([2, 9, 9, 3], 23);
    const f = values([3, 3, 3, 2], 29);
    const wide = dilateFilter(f, d);
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(x.shape as never) as Tensor4D, tf.zeros(f.shape as never) as Tensor4D, 1, pad, 'NHWC', d).shape);
    const dy = values(outShape, 31);
    const wasm = await runOn('wasm', [x, dy, f], ([xt, dyt, ft]) => [
      run('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad, dilations: d, dataFormat: 'NHWC', filterShape: f.shape }),
      run('Conv2DBackpropInput', { dy: dyt, filter: ft }, { strides: 1, pad, dilations: d, dataFormat: 'NHWC', inputShape: x.shape }),
    ]);
    const cpu = await runOn('cpu', [x, dy, wide], ([xt, dyt, ft]) => [
      run('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad, dataFormat: 'NHWC', filterShape: wide.shape }),
      run('Conv2DBackpropInput', { dy: dyt, filter: ft }, { strides: 1, pad, dataFormat: 'NHWC', inputShape: x.shape }),
    ]);
    const taps = dilateFilter({ shape: f.shape, data: wasm[0].data }, d).data;
    for (let i = 0; i < taps.length; i++) if (taps[i] !== 0) assert.ok(Math.abs(taps[i] - cpu[0].data[i]) < 1e-4, `filter gradient, pad ${pad}, dilation ${d}`);
    cpu[1].data.forEach((v, i) => assert.ok(Math.abs(v - wasm[1].data[i]) < 1e-4, `input gradient, pad ${pad}, dilation ${d}`));

    const fd = values([3, 3, 3, 1], 37);
    const wideD = dilateFilter(fd, d);
    const depthOut = tf.tidy(() => tf.depthwiseConv2d(tf.zeros(x.shape as never) as Tensor4D, tf.zeros(fd.shape as never) as Tensor4D, 1, pad, 'NHWC', d).shape);
    const dyd = values(depthOut, 41);
    const wasmD = await runOn('wasm', [x, dyd, fd], ([xt, dyt, ft]) => [
      run('DepthwiseConv2dNativeBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad, dilations: d, filterShape: fd.shape }),
      run('DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter: ft }, { strides: 1, pad, dilations: d, inputShape: x.shape }),
    ]);
    const cpuD = await runOn('cpu', [x, dyd, wideD], ([xt, dyt, ft]) => [
      run('DepthwiseConv2dNativeBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad, dilations: 1, filterShape: wideD.shape }),
      run('DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter: ft }, { strides: 1, pad, dilations: 1, inputShape: x.shape }),
    ]);
    const tapsD = dilateFilter({ shape: fd.shape, data: wasmD[0].data }, d).data;
    for (let i = 0; i < tapsD.length; i++) if (tapsD[i] !== 0) assert.ok(Math.abs(tapsD[i] - cpuD[0].data[i]) < 1e-4, `depthwise filter gradient, pad ${pad}, dilation ${d}`);
    cpuD[1].data.forEach((v, i) => assert.ok(Math.abs(v - wasmD[1].data[i]) < 1e-4, `depthwise input gradient, pad ${pad}, dilation ${d}`));
  }
});

test('UnsortedSegmentSum adds rows that share an id, drops ids out of range, and carries the gradient of gather', async () => {
  const x = values([6, 2, 3], 43);
  const ids: Spec = { shape: [6], data: Int32Array.from([0, 3, 0, 2, 3, 3]), dtype: 'int32' };
  await assertSameAsCpu('unsortedSegmentSum', [x, ids], ([xt, it]) => tf.unsortedSegmentSum(xt, it as Tensor1D, 5));
  const outOfRange: Spec = { shape: [6], data: Int32Array.from([1, -1, 4, 9, 1, 0]), dtype: 'int32' };
  await assertSameAsCpu('unsortedSegmentSum, ids out of range', [x, outOfRange], ([xt, it]) => tf.unsortedSegmentSum(xt, it as Tensor1D, 5));
  const table = values([10, 4], 47);
  const lookups: Spec = { shape: [3, 4], data: Int32Array.from([1, 2, 2, 9, 0, 1, 1, 1, 5, 5, 2, 7]), dtype: 'int32' };
  await assertSameAsCpu('gradient of gather', [table, lookups], ([t, i]) => tf.grad((w: Tensor) => tf.gather(w, i).square().sum())(t));
});

test('a kernel WASM lacks runs the CPU backend’s on copies, with its numbers (Einsum, strings)', async () => {
  await assertSameAsCpu('einsum', [values([3, 4], 53), values([4, 5], 59)], ([a, b]) => tf.einsum('ij,jk->ik', a, b));
  const before = tf.memory().numTensors;
  const replaced = tf.tidy(() => (tf.engine().runKernel('StaticRegexReplace', { x: tf.tensor(['ab-cd', 'e-f']) }, { pattern: '-', rewrite: '+', replaceGlobal: true }) as Tensor).arraySync());
  assert.deepEqual(replaced, ['ab+cd', 'e+f']);
  assert.equal(tf.memory().numTensors, before);
});

test('Tile (replaced: broadcast by XNNPACK or block doubling) matches the CPU backend for every pattern, int32 included', async () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 5], [4, 3, 2, 1]],
    [[2, 3, 1, 4], [3, 1, 5, 2]],
    [[3], [7]],
    [[2, 1], [1, 6]],
    [[1, 2, 1, 2, 1, 2, 1, 2], [2, 1, 2, 1, 2, 1, 2, 1]],
    [[4, 3], [1, 1]],
  ];
  for (const [shape, reps] of cases) await assertSameAsCpu(`tile ${shape} by ${reps}`, [values(shape, 61)], ([x]) => tf.tile(x, reps));
  await assertSameAsCpu('tile int32', [{ shape: [2, 2], data: Int32Array.from([1, -2, 3, 4]), dtype: 'int32' }], ([x]) => tf.tile(x, [3, 2]));
  await assertSameAsCpu('broadcastTo', [values([1, 3], 67)], ([x]) => tf.broadcastTo(x, [2, 4, 3]));
});

test('Slice (replaced: read in place, runs copied whole or element by element) matches the CPU backend', async () => {
  const cases: [number[], number[], number[]][] = [
    [[6, 4, 4, 16], [2, 0, 0, 0], [3, -1, -1, -1]], // rows of a batch: one run
    [[6, 4, 4, 16], [0, 0, 0, 5], [-1, -1, -1, 8]], // channels: short runs
    [[6, 4, 4, 40], [1, 1, 2, 0], [4, 2, 2, 40]], // inner axes cut: long runs
    [[5, 7], [1, 2], [3, 4]],
    [[9], [3], [5]],
    [[2, 3, 4, 5, 6], [1, 0, 1, 2, 3], [1, 3, 2, 2, 3]],
    [[3, 4], [0, 0], [3, 4]],
  ];
  for (const [shape, begin, size] of cases) await assertSameAsCpu(`slice ${shape} at ${begin} by ${size}`, [values(shape, 71)], ([x]) => tf.slice(x, begin, size));
  await assertSameAsCpu('slice int32', [{ shape: [3, 4], data: Int32Array.from([...Array(12).keys()].map((k) => k - 6)), dtype: 'int32' }], ([x]) => tf.slice(x, [1, 1], [2, 2]));
});

test('Sum and Mean over every axis but the last (replaced: one pass in float64) match the CPU backend; other reductions are unchanged', async () => {
  const x = values([5, 4, 3, 6], 71);
  await assertSameAsCpu('sum [0,1,2]', [x], ([t]) => tf.sum(t, [0, 1, 2]));
  await assertSameAsCpu('mean [2,0,-3] keepDims', [x], ([t]) => tf.mean(t, [2, 0, -3], true));
  await assertSameAsCpu('sum of a matrix over rows', [values([9, 2], 73)], ([t]) => tf.sum(t, 0));
  await assertSameAsCpu('sum [1,2], mean of all, sum of last', [x], ([t]) => [tf.sum(t, [1, 2]), tf.mean(t), tf.sum(t, -1)]);
  await assertSameAsCpu('moments', [x], ([t]) => {
    const { mean, variance } = tf.moments(t, [0, 1, 2]);
    return [mean, variance];
  });
  // Accumulated in float64, a sum of many float32 values keeps its digits.
  const big = tf.tidy(() => tf.sum(tf.fill([1_000_000, 2], 0.1), [0]).dataSync());
  assert.ok(Math.abs(big[0] - 100000) < 0.01, `sum of a million 0.1f: ${big[0]}`);
});
