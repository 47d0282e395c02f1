/**
 * Tensor ops as safe points for interrupts.
 *
 * A cell's synchronous loop can only be stopped from outside the main thread. The hard way,
 * SIGINT with vm's `breakOnSigint`, stops JavaScript anywhere, including inside a tensor op: on
 * the threaded WASM backend that op may hold its thread pool's lock or the allocator's, and every
 * later op would wait for it forever. So every kernel of the active backend is wrapped: before an
 * op starts it asks whether an interrupt is pending (and the asker throws), and while it runs it
 * counts as "in an op", so that a hard stop that lands inside one is known to have broken the
 * engine. tfjs has no hook between ops, hence the wrapping; the kernels themselves are unchanged.
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { tf } from './engine';

let depth = 0;
const guarded = new Set<string>();

/** Wraps every kernel of `backendName` once; `beforeOp` may throw to stop before the op. */
export function guardOps(backendName: string, beforeOp: () => void): void {
  if (guarded.has(backendName)) return;
  guarded.add(backendName);
  // The live `tf`: tfjs-node keeps its kernels in its own copy of tfjs-core.
  for (const config of tf.getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      beforeOp();
      depth++;
      try {
        return original(args);
      } finally {
        // An op that throws is out of the op; a stop by SIGINT runs no finally, so the count stays up.
        depth--;
      }
    };
    const replacement: KernelConfig = { ...config, kernelFunc };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(replacement);
  }
}

/** Whether a hard stop landed inside an op (until `resetAfterStop()`). */
export function stoppedInsideOp(): boolean {
  return depth > 0;
}

/**
 * After a cell stopped: forgets the op count, and closes the `tf.tidy` scopes the stop left open,
 * which frees the tensors they made; otherwise every later tensor would be tracked by a scope
 * that never ends.
 */
export function resetAfterStop(): void {
  depth = 0;
  const engine = tf.engine() as unknown as { state: { scopeStack: unknown[] }; endScope(): void };
  while (engine.state.scopeStack.length > 0) engine.endScope();
}
