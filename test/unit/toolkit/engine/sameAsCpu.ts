// Runs one computation on the WASM engine and on the CPU backend and compares the outputs, for
// the tests of InitLab's training kernels (src/toolkit/engine/kernels/). Each run counts the
// backend's data before and after, so a kernel that forgets an intermediate fails, and the
// engine's tensors, so a computation that leaks fails.
import * as assert from 'node:assert/strict';
import { tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor } from '@tensorflow/tfjs';

export interface Spec {
  shape: number[];
  data: Float32Array | Int32Array;
  dtype?: 'float32' | 'int32';
}
export type Computation = (inputs: Tensor[]) => Tensor | Tensor[];
export interface Outputs {
  shape: number[];
  data: Float32Array;
}

/** Deterministic values in [-1, 1) (times `scale`, plus `offset`), the same on every backend. */
export function values(shape: number[], seed: number, scale = 1, offset = 0): Spec {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 31 - 1) * scale + offset;
  }
  return { shape, data };
}

/** Runs `compute` on the named backend with fresh tensors; returns the outputs' values. */
export async function runOn(backend: string, specs: Spec[], compute: Computation): Promise<Outputs[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const inputs = specs.map((s) => tf.tensor(s.data, s.shape, s.dtype ?? 'float32'));
    const dataBefore = tf.engine().backend.numDataIds();
    const out = compute(inputs);
    const outputs = Array.isArray(out) ? out : [out];
    const result = outputs.map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync()) }));
    tf.dispose(outputs);
    assert.equal(tf.engine().backend.numDataIds(), dataBefore, `${backend}: every intermediate freed`);
    tf.dispose(inputs);
    return result;
  } finally {
    await tf.setBackend(previous);
  }
}

/** The largest difference between two outputs, and the largest magnitude in the CPU's. */
export function worstDifference(wasm: Outputs, cpu: Outputs): { worst: number; scale: number } {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < cpu.data.length; i++) {
    scale = Math.max(scale, Math.abs(cpu.data[i]));
    worst = Math.max(worst, Math.abs(wasm.data[i] - cpu.data[i]));
  }
  return { worst, scale };
}

/**
 * WASM's outputs equal CPU's within `tolerance` times each output's largest magnitude (the
 * default is float32 rounding of sums of a few hundred terms). Returns both, for further checks.
 */
export async function assertSameAsCpu(label: string, specs: Spec[], compute: Computation, tolerance = 2e-5): Promise<{ wasm: Outputs[]; cpu: Outputs[] }> {
  const tensorsBefore = tf.memory().numTensors;
  const wasm = await runOn('wasm', specs, compute);
  const cpu = await runOn('cpu', specs, compute);
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: no tensor leaked`);
  assert.equal(wasm.length, cpu.length, `${label}: as many outputs`);
  for (let k = 0; k < cpu.length; k++) {
    assert.deepEqual(wasm[k].shape, cpu[k].shape, `${label}: output ${k} shape`);
    const { worst, scale } = worstDifference(wasm[k], cpu[k]);
    assert.ok(scale > 0, `${label}: output ${k} is not all zeros`);
    assert.ok(worst <= tolerance * scale, `${label}: output ${k} differs by ${worst} (largest value ${scale})`);
  }
  return { wasm, cpu };
}
