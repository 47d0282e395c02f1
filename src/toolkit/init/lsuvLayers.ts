/**
 * LSUV (lsuv.ts) on a tf.LayersModel, sequential or functional: Dense and every convolution
 * (the layers that carry their own activation) are drawn orthogonal, then rescaled in the
 * order of the model's graph until the std of their output before the activation is 1.
 *
 * The layers run one by one on the batch, as the probe runs them (layersAdapter.ts): each one's
 * output waits for the layers after it, so a layer's rescaling runs that layer alone again, not
 * the network below it. tf.layers has no hook into a layer's pre-activation; the probe's
 * runLayer gives it. A layer called twice (shared weights) is rescaled on its first call.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { keepingMovingStatistics, readerCounts, release, runLayer } from '../probe/layersAdapter';
import { shortName, stepsOf, type Step } from '../probe/layersGraph';
import { CARRIES_ACTIVATION } from '../probe/layersTheory';
import { argumentError } from '../args';
import { orthogonal } from './initializers';
import { stdOf } from '../probe/tensorStats';
import type { LsuvLayerReport, LsuvSettings } from './lsuv';

type Tensor = tfjs.Tensor;

const KERNELS = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

/** An orthogonal draw for a kernel; a depthwise kernel [kh, kw, c, m] as c·m filters of kh·kw taps, as nn.reinit draws it. */
function orthogonalKernel(variable: tfjs.LayerVariable, seed: number): Tensor {
  const shape = variable.shape as number[];
  if (shortName(variable) !== 'depthwise_kernel') return orthogonal(shape, 1, { seed });
  const [kh, kw, channels, multiplier] = shape;
  return tf.tidy(() => tf.reshape(orthogonal([kh, kw, 1, channels * multiplier], 1, { seed }), shape));
}

function write(variable: tfjs.LayerVariable, value: Tensor): void {
  variable.write(value);
  value.dispose();
}

export function lsuvLayersModel(model: tfjs.LayersModel, batch: Tensor, settings: LsuvSettings): LsuvLayerReport[] {
  const fn = 'init.lsuv';
  const { steps, container } = stepsOf(model, fn);
  if (container.inputs.length !== 1 || container.outputs.length !== 1) {
    throw new Error(`${fn}: the model has ${container.inputs.length} inputs and ${container.outputs.length} outputs; ${fn} reads models with one input and one output`);
  }
  const input = container.inputs[0];
  const expected = input.shape.slice(1);
  if (batch.rank !== input.shape.length || expected.some((d, k) => d !== null && d !== batch.shape[k + 1])) {
    throw new RangeError(`${fn}: batch must be [rows, ${expected.map((d) => d ?? 'any').join(', ')}] for the model's input, got [${batch.shape.join(', ')}]`);
  }
  // Each weight layer once, at its first call.
  const seen = new Set<tfjs.layers.Layer>();
  const rescaled = new Set<Step>(steps.filter((s) => CARRIES_ACTIVATION.has(s.kind) && !seen.has(s.layer) && seen.add(s.layer)));
  if (rescaled.size === 0) throw argumentError(fn, 'model', `a model with Dense or convolution layers of its own (this one has ${[...new Set(steps.map((st) => st.kind))].join(', ')})`, model);
  const readers = readerCounts(steps);
  const values = new Map<number, Tensor>([[input.id, batch]]);
  const report: LsuvLayerReport[] = [];
  [...rescaled].forEach((step, i) => step.layer.weights.filter((v) => KERNELS.has(shortName(v))).forEach((v, k) => write(v, orthogonalKernel(v, settings.seed + 2 * i + k))));
  return keepingMovingStatistics(steps, () => {
    try {
      for (const step of steps) {
        const inputs = step.inputIds.map((id) => values.get(id)!);
        values.set(step.outputId, rescaled.has(step) ? rescale(step, inputs, settings, report) : tf.tidy(() => runLayer(step, inputs).out));
        for (const id of new Set(step.inputIds)) if (readers.set(id, readers.get(id)! - 1).get(id) === 0) release(values, id, batch);
      }
      return report;
    } finally {
      for (const id of [...values.keys()]) release(values, id, batch);
    }
  });
}

/** Divides the layer's (last) kernel by its pre-activation's std until that is 1; returns its output. */
function rescale(step: Step, inputs: Tensor[], settings: LsuvSettings, report: LsuvLayerReport[]): Tensor {
  const kernel = step.layer.weights.filter((v) => KERNELS.has(shortName(v))).pop()!;
  let iterations = 0;
  for (;;) {
    const { pre, out } = tf.tidy(() => runLayer(step, inputs));
    const std = stdOf(pre ?? out);
    pre?.dispose();
    if (!Number.isFinite(std) || std === 0 || Math.abs(std - 1) < settings.tolerance || iterations === settings.maxIterations) {
      report.push({ layer: report.length + 1, name: step.layer.name, iterations, std });
      return out;
    }
    out.dispose();
    write(kernel, tf.div(kernel.read(), std));
    iterations++;
  }
}
