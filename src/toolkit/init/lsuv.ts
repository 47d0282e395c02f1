/**
 * Layer-sequential unit-variance initialization (Mishkin & Matas, 2015, "All you need is a good
 * init"): start every weight layer from an orthogonal draw, then, layer by layer from the input,
 * push a batch through and divide the layer's weights by the std of its output (before any
 * activation) until that std is 1.
 *
 * It takes every model the probe reads: an nn model (Linear and Conv2d layers, also inside
 * residual blocks) and a tf.LayersModel, sequential or functional (lsuvLayers.ts). BatchNorm
 * normalizes with the batch's statistics meanwhile, and its running statistics are put back,
 * so only the weights change.
 * Example: `const report = init.lsuv(model, xBatch)`
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { Sequential } from '../nn/model';
import { Linear } from '../nn/layers';
import { Conv2d } from '../nn/conv';
import { leafModules } from '../nn/residual';
import { BatchNorm } from '../nn/batchNorm';
import { isLayersModel } from '../probe/layersGraph';
import { stdOf } from '../probe/tensorStats';
import { argumentError, checkOptions, checkSeed, checkTensor, optionalNumber } from '../args';
import { orthogonal } from './initializers';
import { nextSeed } from '../random';
import { lsuvLayersModel } from './lsuvLayers';

export interface LsuvOptions {
  /** Stop when |std − 1| is below this. Default 0.1, as in the paper. */
  tolerance?: number;
  maxIterations?: number;
  seed?: number;
}

export interface LsuvLayerReport {
  /** 1 for the first layer with weights, in the order the input reaches them. */
  layer: number;
  /** The module's name (`Conv2d(1→16, 3×3)`) or the tf.layers layer's. */
  name: string;
  /** How many times its weights were divided by their output's std. */
  iterations: number;
  /** Its output's std once done: within `tolerance` of 1, unless `maxIterations` ran out or the output is constant. */
  std: number;
}

/** The options, checked, with the seed the orthogonal draws start from. */
export interface LsuvSettings {
  tolerance: number;
  maxIterations: number;
  seed: number;
}

export function lsuv(model: Sequential | tfjs.LayersModel, batch: tfjs.Tensor, options: LsuvOptions = {}): LsuvLayerReport[] {
  const fn = 'init.lsuv';
  const layersModel = isLayersModel(model);
  if (!layersModel && !(model instanceof Sequential)) throw argumentError(fn, 'model', 'an nn model with Linear or Conv2d layers (as nn.mlp and nn.cnn build) or a tf.LayersModel', model);
  checkTensor(fn, 'batch', batch);
  const o = checkOptions(fn, options, ['tolerance', 'maxIterations', 'seed']);
  const settings: LsuvSettings = {
    tolerance: optionalNumber(fn, 'options.tolerance', o.tolerance, 0.1, { above: 0 }),
    maxIterations: optionalNumber(fn, 'options.maxIterations', o.maxIterations, 10, { integer: true, min: 0 }),
    seed: nextSeed(checkSeed(fn, 'options.seed', o.seed)),
  };
  return layersModel ? lsuvLayersModel(model, batch, settings) : lsuvNnModel(model, batch, settings);
}

type WeightModule = Linear | Conv2d;

function setWeights(module: WeightModule, w: tfjs.Tensor): void {
  if (module instanceof Linear) return module.setParameters(w, module.b);
  module.w.dispose();
  module.w = w;
}

function lsuvNnModel(model: Sequential, batch: tfjs.Tensor, settings: LsuvSettings): LsuvLayerReport[] {
  const fn = 'init.lsuv';
  // In the order a forward pass reaches them: a residual block's body, then its shortcut.
  const leaves = leafModules(model.layers);
  const modules = leaves.filter((m): m is WeightModule => m instanceof Linear || m instanceof Conv2d);
  if (modules.length === 0) throw argumentError(fn, 'model', 'an nn model with Linear or Conv2d layers (as nn.mlp and nn.cnn build) or a tf.LayersModel', model);
  const first = model.layers[0];
  if (first instanceof Linear && (batch.rank !== 2 || batch.shape[1] !== first.w.shape[0])) {
    throw new RangeError(`${fn}: batch must be [rows, ${first.w.shape[0]}] for the model's first Linear, got [${batch.shape.join(', ')}]`);
  }
  if (first instanceof Conv2d && (batch.rank !== 4 || batch.shape[3] !== first.w.shape[2])) {
    throw new RangeError(`${fn}: batch must be images [batch, height, width, ${first.w.shape[2]}] for the model's first Conv2d, got [${batch.shape.join(', ')}]`);
  }
  const norms = leaves.filter((m): m is BatchNorm => m instanceof BatchNorm);
  const saved = norms.map((n) => [tf.clone(n.runningMean), tf.clone(n.runningVar)] as const);
  const training = norms.map((n) => n.training);
  try {
    norms.forEach((n) => (n.training = true));
    modules.forEach((m, i) => setWeights(m, orthogonal(m.w.shape, 1, { seed: settings.seed + i })));
    return modules.map((module, i) => {
      let std = NaN;
      let iterations = 0;
      for (;;) {
        model.predict(batch);
        std = stdOf(module.out!);
        if (!Number.isFinite(std) || std === 0 || Math.abs(std - 1) < settings.tolerance || iterations === settings.maxIterations) break;
        setWeights(module, tf.div(module.w, std));
        iterations++;
      }
      return { layer: i + 1, name: module.name, iterations, std };
    });
  } finally {
    model.release();
    norms.forEach((n, i) => {
      tf.dispose([n.runningMean, n.runningVar]);
      [n.runningMean, n.runningVar] = saved[i];
      n.training = training[i];
    });
  }
}
