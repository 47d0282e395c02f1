/**
 * `nn.cnn(options)`: a convolutional network of hand-written modules, as `nn.mlp` is for dense
 * ones. Each block is a 3×3 convolution (padding 1, so stride 1 keeps the size), BatchNorm if
 * asked, then the activation; `residual: true` adds, after each block, a residual block of two
 * such convolutions whose sum with its input goes through the activation (He et al., 2016).
 * Then global average pooling, a Linear head and the loss.
 * Example: `const net = nn.cnn({ input: [28, 28, 1], channels: [16, 32, 64], strides: [1, 2, 2], batchNorm: true, seed: 0 })`
 */
import { tf } from '../engine/engine';
import { checkOneOf, checkOptions, checkPositiveInteger, checkSeed, argumentError } from '../args';
import { uniformStream } from '../random';
import { BatchNorm } from './batchNorm';
import { Conv2d, GlobalAvgPool } from './conv';
import { Linear } from './layers';
import { CrossEntropy, MSE } from './losses';
import { ACTIVATION_NAMES, activationModule, namedInit, type ActivationName, type InitName } from './mlp';
import { Model } from './model';
import type { Module } from './module';
import { Residual } from './residual';

export interface CnnOptions {
  /** [height, width, channels] of one image. */
  input: [number, number, number];
  /** Output channels of each block. */
  channels: number[];
  /** Stride of each block's convolution; default 1 for every block. */
  strides?: number[];
  kernelSize?: number;
  batchNorm?: boolean;
  residual?: boolean;
  activation?: ActivationName;
  init?: InitName;
  classes?: number;
  loss?: 'crossEntropy' | 'mse';
  seed?: number;
}

export function cnn(options: CnnOptions): Model {
  const fn = 'nn.cnn';
  const o = checkOptions(fn, options, ['input', 'channels', 'strides', 'kernelSize', 'batchNorm', 'residual', 'activation', 'init', 'classes', 'loss', 'seed']);
  if (!Array.isArray(o.input) || o.input.length !== 3) throw argumentError(fn, 'options.input', '[height, width, channels]', o.input);
  o.input.forEach((d: unknown, i: number) => checkPositiveInteger(fn, `options.input[${i}]`, d));
  if (!Array.isArray(o.channels) || o.channels.length === 0) throw argumentError(fn, 'options.channels', 'a non-empty array of channel counts', o.channels);
  const channels = (o.channels as unknown[]).map((c, i) => checkPositiveInteger(fn, `options.channels[${i}]`, c));
  const strides = o.strides === undefined ? channels.map(() => 1) : (o.strides as unknown[]).map((s, i) => checkPositiveInteger(fn, `options.strides[${i}]`, s));
  if (strides.length !== channels.length) throw new RangeError(`${fn}: options.strides needs one stride per block (${channels.length}), got ${strides.length}`);
  const k = o.kernelSize === undefined ? 3 : checkPositiveInteger(fn, 'options.kernelSize', o.kernelSize);
  const activation = o.activation === undefined ? 'relu' : checkOneOf(fn, 'options.activation', o.activation, ACTIVATION_NAMES);
  const draw = namedInit((o.init as InitName | undefined) ?? 'kaimingNormal', activation);
  const classes = o.classes === undefined ? 10 : checkPositiveInteger(fn, 'options.classes', o.classes);
  const loss = o.loss === undefined ? 'crossEntropy' : checkOneOf(fn, 'options.loss', o.loss, ['crossEntropy', 'mse'] as const);
  const seeds = uniformStream(checkSeed(fn, 'options.seed', o.seed) ?? Math.floor(Math.random() * 2 ** 31));
  let index = 0;
  const conv = (cin: number, cout: number, stride: number) =>
    new Conv2d(draw([k, k, cin, cout] as unknown as [number, number], index++, Math.floor(seeds() * 2 ** 31)), tf.zeros([cout]), { stride, padding: k % 2 === 1 ? (k - 1) / 2 : 'same' });
  const block = (cin: number, cout: number, stride: number, withActivation = true): Module[] => [
    conv(cin, cout, stride),
    ...(o.batchNorm ? [new BatchNorm(cout)] : []),
    ...(withActivation ? [activationModule(activation)] : []),
  ];
  const layers: Module[] = [];
  let cin = o.input[2] as number;
  channels.forEach((cout, i) => {
    layers.push(...block(cin, cout, strides[i]));
    if (o.residual) layers.push(new Residual([...block(cout, cout, 1), ...block(cout, cout, 1, false)]), activationModule(activation));
    cin = cout;
  });
  const head = draw([cin, classes], index++, Math.floor(seeds() * 2 ** 31));
  layers.push(new GlobalAvgPool(), new Linear(head, tf.zeros([classes])));
  return new Model(layers, loss === 'crossEntropy' ? new CrossEntropy() : new MSE());
}
