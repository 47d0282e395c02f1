// The bundled MNIST: the lesson's split and figures, read without any network.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as data from '../../../src/toolkit/data/mnist';
import { encodeIdx, parseIdx } from '../../../src/toolkit/data/idx';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { data as toolkitData } from '../../../src/toolkit';
import { tempDir } from '../support/tempDirs';

const { readIdx } = toolkitData;

before(async () => {
  await initEngine();
});

test('MNIST loads as the lesson’s 50,000/10,000 split, with train mean 0.1304 and std 0.3073', () => {
  const { xTrain, yTrain, xValid, yValid, mean, std } = data.mnist({ normalize: false });
  assert.deepEqual(xTrain.shape, [50000, 784]);
  assert.deepEqual(yTrain.shape, [50000]);
  assert.deepEqual(xValid.shape, [10000, 784]);
  assert.deepEqual(yValid.shape, [10000]);
  assert.equal(mean.toFixed(4), '0.1304');
  assert.equal(std.toFixed(4), '0.3073');
  // meanStd reads the tensor as the probe reads every tensor, summing in float64: over these
  // 39 million pixels it agrees with the exact figures from the byte counts.
  const read = data.meanStd(xTrain);
  assert.ok(Math.abs(read.mean - mean) < 1e-7 && Math.abs(read.std - std) < 1e-7, `meanStd ${read.mean}, ${read.std} vs exact ${mean}, ${std}`);
  assert.ok(tf.max(xTrain).dataSync()[0] < 1, 'pixels in [0, 1)');
  assert.deepEqual(Array.from(yTrain.slice(0, 5).dataSync()), [5, 0, 4, 1, 9], 'the first digits of the training set');
  tf.dispose([xTrain, yTrain, xValid, yValid]);
});

test('by default MNIST comes normalized with the training statistics, as the lesson does', () => {
  const { xTrain, xValid, mean, std } = data.mnist();
  const train = data.meanStd(xTrain);
  assert.ok(Math.abs(train.mean) < 1e-4 && Math.abs(train.std - 1) < 1e-4, `normalized train: ${train.mean}, ${train.std}`);
  assert.ok(Math.abs(data.meanStd(xValid).mean) < 0.05, 'validation normalized with the training statistics, so close to 0 but not exactly');
  assert.equal(mean.toFixed(4), '0.1304');
  assert.equal(std.toFixed(4), '0.3073');
  tf.dispose([xTrain, xValid]);
});

test('your own IDX files: mnist({ dir }) reads raw or gzipped files and splits them the same way; readIdx reads one', () => {
  const dir = tempDir('idx');
  const images = { dims: [3, 2, 2], data: new Uint8Array([0, 64, 128, 255, 1, 2, 3, 4, 9, 9, 9, 9]) };
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), zlib.gzipSync(encodeIdx(images)));
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx({ dims: [3], data: new Uint8Array([7, 1, 2]) }));
  const own = data.mnist({ dir, normalize: false });
  assert.deepEqual(own.xTrain.shape, [3, 4], 'fewer than 50,000 rows: all are training rows');
  assert.deepEqual(own.xValid.shape, [0, 4]);
  assert.deepEqual(Array.from(own.xTrain.slice([0, 0], [1, 4]).dataSync()), [0, 0.25, 0.5, 255 / 256]);
  assert.deepEqual(Array.from(own.yTrain.dataSync()), [7, 1, 2]);
  const raw = readIdx(path.join(dir, 'train-labels-idx1-ubyte'));
  assert.deepEqual(Array.from(raw.dataSync()), [7, 1, 2]);
  assert.throws(() => data.mnist({ dir: os.tmpdir() + '/nothing-here' }), /has no train-images-idx3-ubyte or train-images-idx3-ubyte\.gz/);
});

test('normalizing while reading gives exactly the tensor of normalize(x / 256, mean, std) in the engine', () => {
  const raw = data.mnist({ subset: 2000, normalize: false });
  const normalized = data.mnist({ subset: 2000 });
  assert.deepEqual([normalized.mean, normalized.std], [raw.mean, raw.std]);
  for (const [name, before, after] of [['train', raw.xTrain, normalized.xTrain], ['valid', raw.xValid, normalized.xValid]] as const) {
    const expected = data.normalize(before, raw.mean, raw.std);
    assert.equal(tf.notEqual(expected, after).sum().dataSync()[0], 0, `${name}: every value as the engine's sub and div give it`);
    expected.dispose();
  }
  tf.dispose([raw.xTrain, raw.yTrain, raw.xValid, raw.yValid, normalized.xTrain, normalized.yTrain, normalized.xValid, normalized.yValid]);
});

test('byteMoments: the exact mean and unbiased std of bytes / 256, as float64 arithmetic over every value gives them', () => {
  const bytes = new Uint8Array(10_007).map((_, i) => (i * 37) % 256);
  const values = Array.from(bytes, (b) => b / 256);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  const got = data.byteMoments(bytes);
  assert.ok(Math.abs(got.mean - mean) < 1e-15 && Math.abs(got.std - std) < 1e-15, `${got.mean}, ${got.std} vs ${mean}, ${std}`);
  assert.deepEqual(data.byteMoments(bytes, 3), { mean: (0 + 37 + 74) / 3 / 256, std: 37 / 256 });
});

test('a subset takes the first rows: the first 1000 training and 200 validation images and labels, and the statistics of those images', () => {
  const sub = data.mnist({ subset: 1000, normalize: false });
  const all = data.mnist({ normalize: false });
  assert.deepEqual(sub.xTrain.shape, [1000, 784]);
  assert.deepEqual(sub.xValid.shape, [200, 784]);
  // Element for element: the subset against the first rows of the whole set.
  const sameAsFirstRows = (part: { dataSync(): ArrayLike<number> }, whole: { dataSync(): ArrayLike<number> }, what: string) => {
    const a = part.dataSync();
    const b = whole.dataSync();
    let differ = -1;
    for (let i = 0; i < a.length && differ < 0; i++) if (a[i] !== b[i]) differ = i;
    assert.equal(differ, -1, `${what}: element ${differ} is ${a[differ]}, the whole set's ${b[differ]}`);
  };
  sameAsFirstRows(sub.xTrain, all.xTrain, 'training images: the first 1000, pixel for pixel');
  sameAsFirstRows(sub.yTrain, all.yTrain, 'training labels: the first 1000');
  sameAsFirstRows(sub.xValid, all.xValid, 'validation images: the first 200, pixel for pixel');
  sameAsFirstRows(sub.yValid, all.yValid, 'validation labels: the first 200');
  // Normalization uses the subset's own training images, not all 50,000.
  const read = data.meanStd(sub.xTrain);
  assert.ok(Math.abs(sub.mean - read.mean) < 1e-7 && Math.abs(sub.std - read.std) < 1e-7, `subset statistics ${sub.mean}, ${sub.std} vs its images' ${read.mean}, ${read.std}`);
  assert.ok(Math.abs(sub.mean - all.mean) > 1e-5, 'and they differ from the full set’s');
  tf.dispose([sub.xTrain, sub.yTrain, sub.xValid, sub.yValid, all.xTrain, all.yTrain, all.xValid, all.yValid]);
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
