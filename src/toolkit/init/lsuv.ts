/**
 * Layer-sequential unit-variance initialization (Mishkin & Matas, 2015, "All you need is a good
 * init"): start every Linear from an orthogonal matrix, then, layer by layer from the input,
 * push a batch through and divide the weights by the std of the layer's output until it is 1.
 * Example: `const report = init.lsuv(model, xBatch)`
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { Sequential } from '../nn/model';
import { argumentError, checkOptions, checkSeed, checkTensor, optionalNumber } from '../args';
import { orthogonal } from './initializers';
import { nextSeed } from '../random';

export interface LsuvOptions {
  /** Stop when |std − 1| is below this. Default 0.1, as in the paper. */
  tolerance?: number;
  maxIterations?: number;
  seed?: number;
}

export interface LsuvLayerReport {
  layer: number;
  iterations: number;
  std: number;
}

export function lsuv(model: Sequential, batch: tfjs.Tensor, options: LsuvOptions = {}): LsuvLayerReport[] {
  const fn = 'init.lsuv';
  if (!(model instanceof Sequential) || model.linears().length === 0) throw argumentError(fn, 'model', 'an nn.Sequential or nn.Model with Linear layers (as nn.mlp builds)', model);
  const linears = model.linears();
  const inputs = linears[0].w.shape[0];
  checkTensor(fn, 'batch', batch, { rank: 2 });
  if (batch.shape[1] !== inputs) throw new RangeError(`${fn}: batch must be [rows, ${inputs}] for the model's first Linear, got [${batch.shape.join(', ')}]`);
  const o = checkOptions(fn, options, ['tolerance', 'maxIterations', 'seed']);
  const tolerance = optionalNumber(fn, 'options.tolerance', o.tolerance, 0.1, { above: 0 });
  const maxIterations = optionalNumber(fn, 'options.maxIterations', o.maxIterations, 10, { integer: true, min: 0 });
  const seed = nextSeed(checkSeed(fn, 'options.seed', o.seed));
  linears.forEach((linear, i) => linear.setParameters(orthogonal(linear.w.shape, 1, { seed: seed + i }), linear.b));
  const report: LsuvLayerReport[] = [];
  linears.forEach((linear, i) => {
    let std = NaN;
    let iterations = 0;
    for (; iterations <= maxIterations; iterations++) {
      model.predict(batch);
      std = tf.tidy(() => tf.moments(linear.out!).variance.sqrt().dataSync()[0]);
      if (!Number.isFinite(std) || std === 0 || Math.abs(std - 1) < tolerance || iterations === maxIterations) break;
      linear.setParameters(tf.div(linear.w, std), linear.b);
    }
    report.push({ layer: i + 1, iterations, std });
  });
  model.release();
  return report;
}
