// Identity and same-dtype Cast on the WASM engine share their input's data instead of copying it
// (kernels/sharedIdentity.ts): the values are the same, either tensor outlives the other, the
// data is freed with the last of them, and gradients that go through saved (cloned) tensors are
// the CPU backend's.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { assertSameAsCpu, values } from './sameAsCpu';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

test('a clone and a float32-to-float32 cast share their input’s data: no new data, each outlives the other', () => {
  const backend = tf.engine().backend;
  const tensorsBefore = tf.memory().numTensors;
  const dataBefore = backend.numDataIds();
  const x = tf.tensor([1.5, -2, 3], [3]);
  const copy = tf.clone(x);
  const cast = tf.cast(x, 'float32');
  assert.equal(backend.numDataIds(), dataBefore + 1, 'one data for three tensors');
  x.dispose();
  assert.deepEqual([...copy.dataSync()], [1.5, -2, 3]);
  copy.dispose();
  assert.deepEqual([...cast.dataSync()], [1.5, -2, 3]);
  assert.equal(backend.numDataIds(), dataBefore + 1);
  cast.dispose();
  assert.equal(backend.numDataIds(), dataBefore, 'freed with the last tensor');
  assert.equal(tf.memory().numTensors, tensorsBefore);
});

test('casts between dtypes still convert, as on the CPU backend', async () => {
  const x = { shape: [6], data: Float32Array.from([-2.7, -0.5, 0, 0.4, 1.9, 3]) };
  await assertSameAsCpu('float32 to int32 and back', [x], ([t]) => tf.tidy(() => tf.cast(tf.cast(t, 'int32'), 'float32')), 0);
  // The package's own cast wrote -2.7 as the byte 254 and 256 as 0 (false).
  const forBool = { shape: [8], data: Float32Array.from([-2.7, -0.5, 0, 0.4, 1.9, 3, 256, NaN]) };
  await assertSameAsCpu('float32 to bool to float32', [forBool], ([t]) => tf.tidy(() => tf.cast(tf.cast(t, 'bool'), 'float32')), 0);
  const ints = { shape: [3], data: Int32Array.from([-3, 0, 7]), dtype: 'int32' as const };
  await assertSameAsCpu('int32 to int32', [ints], ([t]) => tf.tidy(() => tf.cast(tf.cast(t, 'int32'), 'float32')), 0);
  const strings = tf.tidy(() => tf.clone(tf.tensor(['a', 'bc'])).arraySync());
  assert.deepEqual(strings, ['a', 'bc']);
});

test('gradients through ops that save their inputs (moments, relu, square) match the CPU backend', async () => {
  await assertSameAsCpu('grads through moments and relu', [values([4, 5, 5, 3], 3)], ([x]) =>
    tf.grad((t: typeof x) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.relu(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-3)))).square().sum();
    })(x),
  );
});
