/**
 * Turns TensorFlow.js's "Kernel 'X' not registered for backend 'Y'" into a message a notebook
 * user can act on: which engine, which kernel, why it is missing when InitLab knows, and what to
 * do (the INITLAB_BACKEND environment variable, backendSelection.ts, when another engine has it).
 */
import { tf } from './engine';
import { KERNELS_MISSING_ON_WASM } from './kernels/registerWasmKernels';

const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;

const ENGINE_NAMES: Record<string, string> = { wasm: 'WASM', cpu: 'CPU', tensorflow: 'native TensorFlow (tfjs-node)' };

/** The explanation for an error message that is tfjs's missing-kernel error; else undefined. */
export function explainMissingKernel(message: string): string | undefined {
  const match = MISSING_KERNEL.exec(message);
  if (!match) return undefined;
  const [, kernel, backend] = match;
  const engine = ENGINE_NAMES[backend] ?? `'${backend}'`;
  const lines = [`The ${engine} engine has no '${kernel}' kernel, so this op cannot run on it.`];
  const reason = backend === 'wasm' ? KERNELS_MISSING_ON_WASM[kernel] : undefined;
  if (reason) lines.push(`Why: ${reason}`);
  const elsewhere = backend !== 'cpu' && tf.getKernel(kernel, 'cpu') !== undefined;
  if (elsewhere) {
    lines.push(
      "The CPU engine has it: set the environment variable INITLAB_BACKEND=cpu where VS Code (or 'initlab run') starts, then restart the kernel. The CPU engine is far slower.",
    );
  } else {
    lines.push(`InitLab has no such kernel yet on any engine it ships (TensorFlow.js ${tf.version.tfjs}): express the computation with other ops.`);
  }
  lines.push(`(TensorFlow.js said: ${match[0]}.)`);
  return lines.join('\n');
}
