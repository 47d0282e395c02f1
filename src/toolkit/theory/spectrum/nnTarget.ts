/**
 * InitLab's own `nn` models (nn.Model, nn.Sequential) as a Jacobian target (jacobianTarget.ts).
 *
 * A layer is counted as the probe counts it (probe/nnAdapter.ts): a Linear or Conv2d with the
 * activation module right after it is one layer, any other module one of its own; a Residual is
 * one layer, its output after the sum. The forward runs each module's own `forward`, which is
 * made of tensor ops, so TensorFlow.js's autodiff differentiates it (the modules' hand-written
 * backward is for training; the tests check the two agree).
 *
 * BatchNorm modules in training mode are switched, for the spectrum only, to normalizing with the
 * batch statistics of the examples given, held fixed (jacobianTarget.ts says why): their running
 * statistics are set to those and `training` to false, and both are put back afterwards.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { BatchNorm } from '../../nn/batchNorm';
import { Conv2d } from '../../nn/conv';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from '../../nn/layers';
import { Model, type Sequential } from '../../nn/model';
import type { Module } from '../../nn/module';
import { leafModules } from '../../nn/residual';
import { pickLayer, sizeOf, type JacobianTarget } from './jacobianTarget';

const isActivation = (m: Module) => m instanceof ReLU || m instanceof LeakyReLU || m instanceof Sigmoid || m instanceof Tanh || m instanceof Identity;

/** The model's layers as the probe counts them: a Linear or Conv2d takes the activation after it. */
function groups(modules: readonly Module[]): Module[][] {
  const out: Module[][] = [];
  for (const module of modules) {
    const last = out[out.length - 1];
    if (last && last.length === 1 && (last[0] instanceof Linear || last[0] instanceof Conv2d) && isActivation(module)) last.push(module);
    else out.push([module]);
  }
  return out;
}

/** Runs `pass` on the model prepared as a target for the Jacobian of `examples`, and puts the model back afterwards. */
export function withNnTarget<T>(fn: string, model: Sequential, examples: tfjs.Tensor, to: unknown, pass: (target: JacobianTarget) => T): T {
  const layerGroups = groups(model.layers);
  if (layerGroups.length === 0) throw new RangeError(`${fn}: the model has no layers`);
  const names = layerGroups.map((g) => g.map((m) => m.name).join(' · '));
  const last = pickLayer(fn, to, names);
  const chain = layerGroups.slice(0, last + 1);
  const run = (x: tfjs.Tensor, taps?: readonly tfjs.Tensor[]): tfjs.Tensor => {
    let h = x;
    chain.forEach((group, l) => {
      for (const module of group) h = module.forward(h);
      if (taps) h = tf.add(h, taps[l]);
    });
    // The modules keep their last output and free it at their next forward: hand out a copy that
    // is the caller's, and drop the modules' hold now rather than leave it to the next pass.
    const out = taps ? h : tf.clone(h);
    release();
    return out;
  };
  // Only the modules up to the target run; the others keep what they hold.
  const release = () => chain.flat().forEach((m) => m.release());
  const norms = leafModules(chain.flat()).filter((m): m is BatchNorm => m instanceof BatchNorm && m.training);
  const saved = norms.map((n) => ({ mean: tf.clone(n.runningMean), variance: tf.clone(n.runningVar) }));
  try {
    const shapes = fixBatchStatistics(fn, chain, norms, examples, release);
    const layers = chain.map((_, l) => ({ layer: l + 1, name: names[l], shape: shapes[l], size: sizeOf(shapes[l]) }));
    const target: JacobianTarget = {
      model: model instanceof Model ? 'nn.Model' : 'nn.Sequential',
      inputShape: examples.shape.slice(1),
      outputShape: shapes[shapes.length - 1],
      layers,
      to: last === layerGroups.length - 1 ? 'output' : `layer ${last + 1} (${names[last]})`,
      run,
    };
    return pass(target);
  } finally {
    norms.forEach((n, i) => {
      tf.dispose([n.runningMean, n.runningVar]);
      n.runningMean = saved[i].mean;
      n.runningVar = saved[i].variance;
      n.training = true;
    });
    release();
  }
}

/**
 * One pass over the examples in training mode, each BatchNorm's input statistics read from the
 * pass and set as its running statistics, the module then switched to eval; returns one example's
 * output shape for each layer of the chain. An input that does not fit the model fails here, with
 * the module's own message after the function's name.
 */
function fixBatchStatistics(fn: string, chain: readonly Module[][], norms: readonly BatchNorm[], examples: tfjs.Tensor, release: () => void): number[][] {
  const shapes: number[][] = [];
  try {
    let h: tfjs.Tensor = examples;
    for (const group of chain) {
      for (const module of group) h = module.forward(h);
      shapes.push(h.shape.slice(1));
    }
  } catch (err) {
    release();
    if (err instanceof RangeError || err instanceof TypeError) throw new RangeError(`${fn}: x does not fit the model: ${err.message}`);
    throw err;
  }
  for (const norm of norms) {
    const inp = norm.inp!;
    const axes = inp.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(inp, axes);
    // This pass moved the running statistics (the saved ones go back at the end): replace them.
    tf.dispose([norm.runningMean, norm.runningVar]);
    norm.runningMean = mean;
    norm.runningVar = variance;
    norm.training = false;
  }
  release();
  return shapes;
}
