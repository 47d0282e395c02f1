/**
 * The kernels InitLab adds to the WASM engine, registered once at start (engine.ts), for the
 * WASM backend only.
 *
 * 1. Fast kernels for the gradients that tf.layers training reaches and the WASM package lacks
 *    (tfjs 4.22): Conv2DBackpropFilter (every conv layer; a SIMD function on the heap,
 *    filterGradientBySimd.ts, else XNNPACK convolutions), DepthwiseConv2dNativeBackpropFilter/Input
 *    (depthwise and separable conv layers, XNNPACK), UnsortedSegmentSum (embedding, native scatter).
 * 2. Faster versions of package kernels that training runs slowly (each file says by how much):
 *    Conv2DBackpropInput (a plain loop; here a SIMD function, inputGradientBySimd.ts, else
 *    XNNPACK convolutions), Tile (batch norm's
 *    gradient), Sum and Mean over all axes but the last (batch norm's moments and sums), Slice
 *    (the probe's backward in slices of a batch), Identity and same-dtype Cast (share their input's
 *    data instead of copying it: every tensor autodiff saves is cloned); and right versions of
 *    two that are wrong, MaxPoolGrad and MaxPoolWithArgmax (they lose windows of negative values).
 *    And tf.layers' BatchNormalization trains through one fused op with its own gradient
 *    (batchNormLayer.ts): no kernel can shorten the chain of ops tfjs differentiates there; and
 *    tf.fused.conv2d gets a gradient per input (fusedConvGradient.ts), so that a first layer
 *    does not compute its input images' gradient.
 * 3. For every other kernel the CPU backend has and WASM lacks, a fallback that runs the CPU
 *    kernel on copies (cpuFallback.ts), warning once per kernel.
 * 4. Except the kernels in KERNELS_MISSING_ON_WASM, which cannot work that way (the reasons are
 *    the README's).
 */
import * as tfjs from '@tensorflow/tfjs';
import { getKernel, getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { patchBatchNormalizationLayer } from './batchNormLayer';
import { routeFusedConv2dGradient } from './fusedConvGradient';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2DBackpropInput';
import { cpuFallbackConfig } from './cpuFallback';
import { meanConfig, sumConfig } from './leadingAxesReduction';
import { castConfig, identityConfig } from './sharedIdentity';
import { gatherConfig } from './gather';
import { transposeConfig } from './transpose';
import { sliceConfig } from './slice';
import { tileConfig } from './tile';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';
import { maxPoolGradConfig, maxPoolWithArgmaxConfig } from './maxPoolPositions';

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

/** Kernels the WASM package lacks, made from its fast ones. */
export const ADDED_WASM_KERNELS: readonly ((backendName: string) => KernelConfig)[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Package kernels replaced by faster ones; each gets the package's to fall back on. */
export const REPLACED_WASM_KERNELS: Readonly<Record<string, (backendName: string, original: KernelConfig) => KernelConfig>> = {
  Conv2DBackpropInput: conv2DBackpropInputConfig,
  Tile: tileConfig,
  Sum: sumConfig,
  Mean: meanConfig,
  Slice: sliceConfig,
  Identity: identityConfig,
  Cast: castConfig,
  // model.fit takes each batch with a gather: whole slices copied, not element by element.
  GatherV2: gatherConfig,
  // The filter gradient's transposes of x and dy, by SIMD blocks (heapSimd.ts).
  Transpose: transposeConfig,
  // Right where the package's lose windows of negative values (maxPoolPositions.ts).
  MaxPoolGrad: maxPoolGradConfig,
  MaxPoolWithArgmax: maxPoolWithArgmaxConfig,
};

export interface WasmKernelRegistration {
  /** Kernels added from the package's fast ones. */
  added: string[];
  /** Package kernels replaced by faster ones. */
  replaced: string[];
  /** Kernels that run the CPU backend's through the copying fallback. */
  fallbacks: string[];
  /** Whether tf.layers' BatchNormalization trains through the fused op on this backend. */
  fusedBatchNorm: boolean;
  /** Whether tf.fused.conv2d's gradient is computed per input on this backend. */
  fusedConvGradient: boolean;
}

const done = new Set<string>();

/**
 * Registers InitLab's kernels for `backendName` once; `warn` reports a fallback's first use.
 * `replace: false` keeps the package's own versions of the replaced kernels (for benchmarks).
 */
export function registerWasmKernels(backendName: string, warn: (message: string) => void, { replace = true } = {}): WasmKernelRegistration {
  const result: WasmKernelRegistration = { added: [], replaced: [], fallbacks: [], fusedBatchNorm: false, fusedConvGradient: false };
  if (done.has(backendName)) return result;
  done.add(backendName);
  for (const makeConfig of ADDED_WASM_KERNELS) {
    const config = makeConfig(backendName);
    // A later tfjs that ships the kernel keeps its own.
    if (getKernel(config.kernelName, backendName)) continue;
    registerKernel(config);
    result.added.push(config.kernelName);
  }
  for (const [kernelName, makeConfig] of Object.entries(replace ? REPLACED_WASM_KERNELS : {})) {
    const original = getKernel(kernelName, backendName);
    if (!original) continue;
    unregisterKernel(kernelName, backendName);
    registerKernel(makeConfig(backendName, original));
    result.replaced.push(kernelName);
  }
  if (replace) result.fusedBatchNorm = patchBatchNormalizationLayer(tfjs, backendName);
  if (replace) result.fusedConvGradient = routeFusedConv2dGradient(tfjs, backendName);
  const present = new Set(getKernelsForBackend(backendName).map((k) => k.kernelName));
  for (const { kernelName } of getKernelsForBackend('cpu')) {
    if (present.has(kernelName) || kernelName in KERNELS_MISSING_ON_WASM) continue;
    registerKernel(cpuFallbackConfig(kernelName, backendName, warn));
    result.fallbacks.push(kernelName);
  }
  return result;
}
