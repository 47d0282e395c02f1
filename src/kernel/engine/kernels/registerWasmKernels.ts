/**
 * The kernels InitLab adds to the WASM engine, registered once at start (engine.ts), for the
 * WASM backend only.
 *
 * 1. Fast kernels built from the backend's own XNNPACK convolutions and native scatter, for the
 *    gradients that tf.layers training reaches and the WASM package lacks (tfjs 4.22):
 *    Conv2DBackpropFilter (every conv layer), DepthwiseConv2dNativeBackpropFilter/Input
 *    (depthwise and separable conv layers), UnsortedSegmentSum (embedding). One more replaces the
 *    package's own: its Conv2DBackpropInput is a plain loop several times slower than a
 *    convolution (conv2DBackpropInput.ts).
 * 2. For every other kernel the CPU backend has and WASM lacks, a fallback that runs the CPU
 *    kernel on copies (cpuFallback.ts), warning once per kernel.
 * 3. Except the kernels in KERNELS_MISSING_ON_WASM, which cannot work that way (the reasons are
 *    the README's).
 */
import { getKernel, getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2DBackpropInput';
import { cpuFallbackConfig } from './cpuFallback';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

const COMPLEX_REASON =
  'complex64 tensors: the WASM backend stores none, and the ops around an FFT (slice, concat, add, reshape of complex values) have no WASM kernels, so copying to the CPU backend one kernel at a time cannot work. Set INITLAB_BACKEND=cpu for spectral work.';

/**
 * Kernels the CPU backend has that stay missing on the WASM engine, with the reason. A unit test
 * checks that every other CPU kernel exists on WASM after InitLab's registrations; the README
 * quotes this list.
 */
export const KERNELS_MISSING_ON_WASM: Readonly<Record<string, string>> = {
  Complex: COMPLEX_REASON,
  ComplexAbs: COMPLEX_REASON,
  Real: COMPLEX_REASON,
  Imag: COMPLEX_REASON,
  FFT: COMPLEX_REASON,
  IFFT: COMPLEX_REASON,
  Draw: 'tf.browser.draw paints onto an HTML canvas; the kernel process has no canvas.',
};

/** The fast kernels, by the name each registers under. */
export const FAST_WASM_KERNELS: readonly ((backendName: string) => KernelConfig)[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

export interface WasmKernelRegistration {
  /** Fast kernels registered (added, or in place of the package's). */
  fast: string[];
  /** Kernels that run the CPU backend's through the copying fallback. */
  fallbacks: string[];
}

const done = new Set<string>();

/** Registers InitLab's kernels for `backendName` once; `warn` reports a fallback's first use. */
export function registerWasmKernels(backendName: string, warn: (message: string) => void): WasmKernelRegistration {
  const result: WasmKernelRegistration = { fast: [], fallbacks: [] };
  if (done.has(backendName)) return result;
  done.add(backendName);
  for (const makeConfig of FAST_WASM_KERNELS) {
    const config = makeConfig(backendName);
    if (getKernel(config.kernelName, backendName)) unregisterKernel(config.kernelName, backendName);
    registerKernel(config);
    result.fast.push(config.kernelName);
  }
  const present = new Set(getKernelsForBackend(backendName).map((k) => k.kernelName));
  for (const { kernelName } of getKernelsForBackend('cpu')) {
    if (present.has(kernelName) || kernelName in KERNELS_MISSING_ON_WASM) continue;
    registerKernel(cpuFallbackConfig(kernelName, backendName, warn));
    result.fallbacks.push(kernelName);
  }
  return result;
}
