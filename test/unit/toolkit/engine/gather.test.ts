// GatherV2 on the WASM engine copies whole slices (kernels/gather.ts): against the CPU backend
// along every axis, with batch dimensions, repeated indices, short and long slices, int32 and
// bool values; its gradient; and an index out of range is the same error as on the CPU backend.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor } from '@tensorflow/tfjs';
import { assertSameAsCpu, values, type Spec } from './sameAsCpu';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

const ints = (shape: number[], data: number[]): Spec => ({ shape, data: Int32Array.from(data), dtype: 'int32' });

test('gather along each axis, with repeated indices and batch dimensions, matches the CPU backend', async () => {
  const x = values([5, 4, 3, 40], 3);
  await assertSameAsCpu('axis 0, long slices (a batch of images)', [x, ints([6], [4, 0, 0, 2, 3, 1])], ([t, i]) => tf.gather(t, i, 0), 0);
  await assertSameAsCpu('axis 1', [x, ints([2, 3], [3, 1, 0, 0, 2, 3])], ([t, i]) => tf.gather(t, i, 1), 0);
  await assertSameAsCpu('axis 2', [x, ints([4], [2, 2, 0, 1])], ([t, i]) => tf.gather(t, i, 2), 0);
  await assertSameAsCpu('last axis, one value per slice', [x, ints([3], [39, 0, 17])], ([t, i]) => tf.gather(t, i, -1), 0);
  await assertSameAsCpu('batch dimensions 1', [values([3, 5, 2], 5), ints([3, 2], [4, 0, 1, 1, 3, 2])], ([t, i]) => tf.gather(t, i, 1, 1), 0);
  await assertSameAsCpu('a vector', [values([7], 7), ints([5], [6, 0, 3, 3, 1])], ([t, i]) => tf.gather(t, i), 0);
});

test('int32 and bool values are gathered as they are', async () => {
  await assertSameAsCpu('int32', [ints([4, 3], [1, -2, 3, 4, 5, -6, 7, 8, 9, 10, 11, 12]), ints([3], [3, 0, 3])], ([t, i]) => tf.tidy(() => tf.cast(tf.gather(t, i), 'float32')), 0);
  await assertSameAsCpu('bool', [values([4, 2], 13), ints([3], [1, 3, 1])], ([t, i]) => tf.tidy(() => tf.cast(tf.gather(tf.greater(t, 0), i), 'float32')), 0);
});

test('the gradient of a gather matches the CPU backend, and an index out of range is the CPU backend’s error', async () => {
  await assertSameAsCpu('gradient', [values([6, 5], 11), ints([4], [5, 0, 5, 2])], ([t, i]) => tf.grad((w: Tensor) => tf.gather(w, i).square().sum())(t));
  const before = tf.memory().numTensors;
  assert.throws(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor([0, 3], undefined, 'int32'))), /GatherV2: the index value 3 is not in \[0, 2\]/);
  assert.equal(tf.memory().numTensors, before);
});
