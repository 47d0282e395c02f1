// Which kernels the WASM engine has after InitLab's registrations, against the CPU backend's
// (tfjs has no fallback between backends: a kernel missing on the active one throws), and what a
// missing kernel's error says.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import type { Tensor4D } from '@tensorflow/tfjs';
import { explainMissingKernel } from '../../../../src/toolkit/engine/missingKernelMessage';
import { ADDED_WASM_KERNELS, KERNELS_MISSING_ON_WASM, REPLACED_WASM_KERNELS } from '../../../../src/toolkit/engine/kernels/registerWasmKernels';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

test('every kernel of the CPU backend exists on the WASM engine, except those KERNELS_MISSING_ON_WASM names with a reason', () => {
  const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const missing = tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !wasm.has(name))
    .sort();
  assert.deepEqual(missing, Object.keys(KERNELS_MISSING_ON_WASM).sort());
  for (const reason of Object.values(KERNELS_MISSING_ON_WASM)) assert.ok(reason.length > 20);
});

test('the training gradients are InitLab’s own kernels, not the copying fallback', () => {
  const names = ADDED_WASM_KERNELS.map((make) => make('wasm').kernelName).sort();
  assert.deepEqual(names, ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
  assert.deepEqual(Object.keys(REPLACED_WASM_KERNELS).sort(), ['Cast', 'Conv2DBackpropInput', 'GatherV2', 'Identity', 'MaxPoolGrad', 'MaxPoolWithArgmax', 'Mean', 'Slice', 'Sum', 'Tile', 'Transpose']);
  // A fallback warns at its first call; these run without a word.
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
  try {
    tf.tidy(() => {
      const x = tf.ones([1, 5, 5, 2]);
      tf.grads((a: typeof x, f: typeof x) => tf.separableConv2d(a as Tensor4D, f as Tensor4D, tf.ones([1, 1, 2, 3]) as Tensor4D, 2, 'same').sum())([x, tf.ones([3, 3, 2, 1])]);
      tf.grads((a: typeof x, f: typeof x) => tf.conv2d(a as Tensor4D, f as Tensor4D, 1, 'same').sum())([x, tf.ones([3, 3, 2, 2])]);
      tf.grad((t: typeof x) => tf.gather(t, [1, 1, 0]).sum())(tf.ones([3, 2]));
    });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
});

test('a missing kernel’s error names the engine and the kernel, says why, and what to do', () => {
  const complex = explainMissingKernel("Kernel 'FFT' not registered for backend 'wasm'");
  assert.match(complex ?? '', /^The WASM engine has no 'FFT' kernel/);
  assert.match(complex ?? '', /Why: complex64 tensors/);
  assert.match(complex ?? '', /INITLAB_BACKEND=cpu/);
  const unknown = explainMissingKernel("Kernel 'Frobnicate' not registered for backend 'wasm'");
  assert.match(unknown ?? '', /InitLab has no such kernel yet/);
  assert.doesNotMatch(unknown ?? '', /INITLAB_BACKEND/);
  assert.equal(explainMissingKernel('Shapes do not match'), undefined);
});
