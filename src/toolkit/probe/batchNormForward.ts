/**
 * A BatchNormalization layer's forward in training mode (the batch's statistics), as the probe
 * runs it on the WASM engine: two SIMD passes over its input (simdPasses.ts), per-channel sums
 * for the mean and biased variance, then (x − mean)·γ/√(variance + ε) + β in float32 in tfjs's
 * order. Its backward is batchNormGradient.ts.
 *
 * Why not the layer's own call: tf.layers computes moments and FusedBatchNorm (or, on the WASM
 * engine, the fused op of engine/kernels/batchNormTraining.ts), which holds three temporaries of
 * the input's size at once; on the CNN's first BatchNorm at 2,000 images that was the probe's
 * peak, 4 × 100 MB, and at 10,000 images it would be 2 GB of the 4 GiB heap. Here the output is
 * the only new tensor. The moving statistics the layer's call would update are left alone; the
 * probe puts them back after every pass anyway (layersAdapter.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { filledTensor } from '../engine/engineMemory';
import { floatsOf, heapOffset } from './heapFloats';
import type { Step } from './layersGraph';
import { simdPasses } from '../engine/simd/simdPasses';

export interface BatchNormInternals {
  axis: number;
  epsilon: number;
  gamma?: tfjs.LayerVariable | null;
  beta?: tfjs.LayerVariable | null;
}

/** Whether tf.layers normalizes this layer over every axis but the last, the only way it does in training mode (normalizeBatchInTraining). */
export function normalizesLastAxis(step: Step, x: tfjs.Tensor): boolean {
  const { axis } = step.layer as unknown as BatchNormInternals;
  return step.kind === 'batchNormalization' && (axis >= 0 ? axis : axis + x.rank) === x.rank - 1 && x.rank >= 2 && x.rank <= 4 && x.dtype === 'float32';
}

/**
 * The layer's output on x in training mode, or undefined where the SIMD passes cannot take it
 * (another backend, another axis, channels not in fours): the caller then runs the layer.
 */
export function batchNormForward(step: Step, x: tfjs.Tensor): tfjs.Tensor | undefined {
  const channels = x.shape[x.rank - 1];
  const simd = channels % 4 === 0 && normalizesLastAxis(step, x) ? simdPasses() : undefined;
  if (!simd) return undefined;
  const layer = step.layer as unknown as BatchNormInternals;
  const rows = x.size / channels;
  const shift = floatsOf(x).slice(0, channels);
  // x passed as both arrays: the first two sums are Σ(x − shift) and Σ(x − shift)².
  const sums = simd.channelSums(heapOffset(x), heapOffset(x), rows, channels, shift);
  const gamma = layer.gamma ? layer.gamma.read().dataSync() : new Float32Array(channels).fill(1);
  const beta = layer.beta ? layer.beta.read().dataSync() : new Float32Array(channels);
  const mean = new Float64Array(channels);
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const meanShifted = sums[c] / rows;
    mean[c] = shift[c] + meanShifted;
    const variance = Math.max(0, sums[channels + c] / rows - meanShifted * meanShifted);
    scale[c] = gamma[c] / Math.sqrt(variance + layer.epsilon);
  }
  // Every value is written by the pass: no fill first.
  const out = filledTensor(x.shape, () => undefined);
  simd.channelNormalize(heapOffset(x), heapOffset(out), rows, channels, mean, scale, beta);
  return out;
}
