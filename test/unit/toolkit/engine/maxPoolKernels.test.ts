// InitLab's WASM MaxPoolGrad and MaxPoolWithArgmax (engine/kernels/maxPoolPositions.ts) against
// the CPU backend's, on windows whose values are all negative (the package's WASM kernels lose
// those), with 'valid' and 'same' padding, strides 1 and 2, windows of 2 and 3, several channels
// and images. The gradient of tf.maxPool through tf.grad too, and the data count on the WASM
// backend before and after (a kernel that leaks fails here).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

/** Values the same on every backend, about half of them negative, no two equal. */
function values(size: number, seed: number): Float32Array {
  const data = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1 + i * 1e-7;
  }
  return data;
}

type Compute = (x: tfjs.Tensor4D, dy: tfjs.Tensor4D) => tfjs.Tensor[];

async function runOn(backend: string, xShape: number[], dyShape: number[], compute: Compute): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    const x = tf.tensor4d(values(xShape.reduce((a, b) => a * b), 7), xShape as [number, number, number, number]);
    const dy = tf.tensor4d(values(dyShape.reduce((a, b) => a * b), 11), dyShape as [number, number, number, number]);
    const dataBefore = tf.engine().backend.numDataIds();
    const out = compute(x, dy);
    const result = out.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(out);
    assert.equal(tf.engine().backend.numDataIds(), dataBefore, `${backend}: every intermediate freed`);
    tf.dispose([x, dy]);
    return result;
  } finally {
    await tf.setBackend('wasm');
  }
}

const GEOMETRIES = [
  { filter: 2, stride: 2, pad: 'valid' },
  { filter: 3, stride: 2, pad: 'same' },
  { filter: 3, stride: 1, pad: 'same' },
  { filter: 2, stride: 1, pad: 'valid' },
] as const;

for (const { filter, stride, pad } of GEOMETRIES) {
  test(`${filter}×${filter} windows, stride ${stride}, '${pad}': WASM's MaxPoolGrad, MaxPoolWithArgmax and tf.grad of maxPool equal the CPU backend's`, async () => {
    const xShape: [number, number, number, number] = [2, 7, 8, 5];
    const outShape: number[] = tf.tidy(() => tf.maxPool(tf.zeros(xShape) as tfjs.Tensor4D, filter, stride, pad).shape);
    const compute: Compute = (x, dy) =>
      tf.tidy(() => {
        const y = tf.maxPool(x, filter, stride, pad);
        const grad = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: filter, strides: stride, pad }) as tfjs.Tensor;
        const batch = tf.maxPoolWithArgmax(x, filter, stride, pad, true);
        const image = tf.maxPoolWithArgmax(x, filter, stride, pad, false);
        const viaGrad = tf.grad((t: tfjs.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tfjs.Tensor4D, filter, stride, pad), dy)))(x);
        return [grad, batch.result, tf.cast(batch.indexes, 'float32'), tf.cast(image.indexes, 'float32'), viaGrad, y];
      });
    const before = tf.memory().numTensors;
    const wasm = await runOn('wasm', xShape, outShape, compute);
    const cpu = await runOn('cpu', xShape, outShape, compute);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    const names = ['MaxPoolGrad', 'MaxPoolWithArgmax values', 'MaxPoolWithArgmax indices (batch included)', 'MaxPoolWithArgmax indices (per image)', 'tf.grad of maxPool', 'maxPool'];
    names.forEach((name, k) => {
      const worst = wasm[k].reduce((m, v, i) => Math.max(m, Math.abs(v - cpu[k][i])), 0);
      assert.ok(worst < 1e-6, `${name}: WASM is ${worst} from CPU`);
    });
    // The windows that the package's kernels lost: every value negative. There are some.
    const lostWindows = cpu[1].filter((v) => v < 0).length;
    assert.ok(lostWindows > 0, 'some windows hold only negative values');
  });
}
