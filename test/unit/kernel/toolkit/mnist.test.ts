// The bundled MNIST: the lesson's split and figures, read without any network.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/kernel/engine/engine';
import * as data from '../../../../src/kernel/toolkit/data/mnist';
import { encodeIdx, parseIdx } from '../../../../src/kernel/toolkit/data/idx';

before(async () => {
  await initEngine();
});

test('MNIST loads as the lesson’s 50,000/10,000 split, with train mean 0.1304 and std 0.3073', () => {
  const { xTrain, yTrain, xValid, yValid } = data.mnist();
  assert.deepEqual(xTrain.shape, [50000, 784]);
  assert.deepEqual(yTrain.shape, [50000]);
  assert.deepEqual(xValid.shape, [10000, 784]);
  assert.deepEqual(yValid.shape, [10000]);
  const { mean, std } = data.meanStd(xTrain);
  assert.equal(mean.toFixed(4), '0.1304');
  assert.equal(std.toFixed(4), '0.3073');
  assert.ok(tf.max(xTrain).dataSync()[0] < 1, 'pixels in [0, 1)');
  assert.deepEqual(Array.from(yTrain.slice(0, 5).dataSync()), [5, 0, 4, 1, 9], 'the first digits of the training set');
  const normalized = data.normalize(xValid, mean, std);
  const after = data.meanStd(data.normalize(xTrain, mean, std));
  assert.ok(Math.abs(after.mean) < 1e-4 && Math.abs(after.std - 1) < 1e-4, `normalized train: ${after.mean}, ${after.std}`);
  assert.ok(Math.abs(data.meanStd(normalized).mean) < 0.05, 'validation normalized with the training statistics');
});

test('a subset takes the first rows', () => {
  const { xTrain, xValid } = data.mnist({ subset: 1000 });
  assert.deepEqual(xTrain.shape, [1000, 784]);
  assert.deepEqual(xValid.shape, [200, 784]);
});

test('IDX files are checked: a wrong type or a truncated file is an error, not garbage', () => {
  const array = { dims: [2, 2], data: new Uint8Array([1, 2, 3, 4]) };
  assert.deepEqual(parseIdx(encodeIdx(array)).dims, [2, 2]);
  assert.throws(() => parseIdx(encodeIdx(array).subarray(0, 10)), /truncated header/);
  assert.throws(() => parseIdx(encodeIdx(array).subarray(0, 14)), /expected 4 bytes of data for \[2, 2\], found 2/);
  const float = encodeIdx(array);
  float[2] = 0x0d;
  assert.throws(() => parseIdx(float), /not uint8/);
});
