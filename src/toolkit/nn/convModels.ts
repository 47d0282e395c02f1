/**
 * InitLab's own convolutional models (nn.cnn, or a Model of Conv2d, BatchNorm, pooling and
 * Residual modules) in comparisons: what one is made of, and a copy with every kernel drawn
 * afresh by a scheme, with the fans of its own shape; biases zero, BatchNorm reset. The
 * notebook's own model is never touched.
 */
import { tf } from '../engine/engine';
import { uniformStream } from '../random';
import { BatchNorm } from './batchNorm';
import { Conv2d, Flatten, GlobalAvgPool } from './conv';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from './layers';
import { CrossEntropy, MSE } from './losses';
import { namedInit, type ActivationName, type InitName, type WeightInit } from './mlp';
import { Model } from './model';
import type { Module } from './module';
import { Residual } from './residual';

export interface ConvModelSummary {
  /** Modules in order, nested ones counted: "Conv2d ×6, BatchNorm ×6, ReLU ×4, …". */
  kinds: string;
  inChannels: number;
  outputs: number;
  activation: ActivationName;
  loss: 'mse' | 'crossEntropy';
}

const flat = (modules: readonly Module[]): Module[] => modules.flatMap((m) => (m instanceof Residual ? [m, ...flat(m.body), ...(m.shortcut ? flat([m.shortcut]) : [])] : [m]));

function activationOf(modules: readonly Module[]): ActivationName {
  for (const m of flat(modules)) {
    if (m instanceof ReLU) return 'relu';
    if (m instanceof LeakyReLU) return 'leakyRelu';
    if (m instanceof Tanh) return 'tanh';
    if (m instanceof Sigmoid) return 'sigmoid';
  }
  return 'none';
}

/** The summary of a Model with a Conv2d first, or undefined for any other value. */
export function describeConvModel(model: unknown): ConvModelSummary | undefined {
  if (!(model instanceof Model) || !(model.layers[0] instanceof Conv2d)) return undefined;
  const loss = model.loss instanceof CrossEntropy ? 'crossEntropy' : model.loss instanceof MSE ? 'mse' : undefined;
  const last = model.layers[model.layers.length - 1];
  if (!loss || !(last instanceof Linear)) return undefined;
  const counts = new Map<string, number>();
  for (const m of flat(model.layers)) {
    const kind = m.constructor.name;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return {
    kinds: [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', '),
    inChannels: model.layers[0].w.shape[2]!,
    outputs: last.w.shape[1]!,
    activation: activationOf(model.layers),
    loss,
  };
}

/** The same architecture with every kernel drawn by `init`. Example: `nn.reinit(net, 'kaimingNormal', { seed: 0 })` */
export function reinitConvModel(model: Model, init: InitName | WeightInit, options: { seed?: number } = {}): Model {
  const activation = activationOf(model.layers);
  const draw = typeof init === 'function' ? init : namedInit(init, activation);
  const seeds = uniformStream(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  let index = 0;
  const fresh = (shape: number[]) => draw(shape as [number, number], index++, Math.floor(seeds() * 2 ** 31));
  const copy = (m: Module): Module => {
    if (m instanceof Conv2d) return new Conv2d(fresh(m.w.shape as number[]), tf.zeros([m.w.shape[3]!]), { stride: m.stride, padding: m.padding });
    if (m instanceof Linear) return new Linear(fresh(m.w.shape as number[]), tf.zeros([m.w.shape[1]!]));
    if (m instanceof BatchNorm) return new BatchNorm(m.channels, { eps: m.eps, momentum: m.momentum });
    if (m instanceof Residual) return new Residual(m.body.map(copy), m.shortcut && copy(m.shortcut));
    if (m instanceof Flatten) return new Flatten();
    if (m instanceof GlobalAvgPool) return new GlobalAvgPool();
    if (m instanceof ReLU) return new ReLU({ shift: m.shift });
    if (m instanceof LeakyReLU) return new LeakyReLU(m.slope);
    if (m instanceof Tanh) return new Tanh();
    if (m instanceof Sigmoid) return new Sigmoid();
    if (m instanceof Identity) return new Identity();
    throw new RangeError(`nn.reinit: ${m.name} is not one of nn's modules, so it cannot be re-initialized`);
  };
  return new Model(model.layers.map(copy), model.loss instanceof CrossEntropy ? new CrossEntropy() : new MSE());
}
