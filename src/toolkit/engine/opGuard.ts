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
import { closeOpenScopes } from './tfjsInternals';

let depth = 0;
const guarded = new Set<string>();
/** The active guard's check: throws when the running cell was asked to stop. */
let checkStop: (() => void) | undefined;
/** Above 0 while a training step runs that must finish whole (deferStops). */
let deferring = 0;

/** Wraps every kernel of `backendName` once; `beforeOp` may throw to stop before the op. */
export function guardOps(backendName: string, beforeOp: () => void): void {
  checkStop = beforeOp;
  if (guarded.has(backendName)) return;
  guarded.add(backendName);
  // The live `tf`: tfjs-node keeps its kernels in its own copy of tfjs-core.
  for (const config of tf.getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      if (deferring === 0) beforeOp();
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
  endStopDeferrals();
  closeOpenScopes(tf);
}

/**
 * Whether the user asked the running cell to stop. Training loops ask between steps, so a stop
 * ends training after a whole step (the weights never half-updated) and keeps the record. The
 * request stays pending: the cell's next op or await still ends it as stopped, as Jupyter does.
 * Outside a kernel (tests, benches) nothing is guarded and the answer is false.
 */
export function stopRequested(): boolean {
  if (!checkStop) return false;
  try {
    checkStop();
    return false;
  } catch {
    return true;
  }
}

/**
 * Lets the ops between `begin` and the returned `end` run whole even if a stop arrives; the loop
 * asks `stopRequested()` between steps instead. `end` is idempotent; a stopped cell's
 * `resetAfterStop()` also ends every deferral, so an exception mid-step cannot leave ops unguarded.
 */
export function deferStops(): () => void {
  deferring++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    deferring = Math.max(0, deferring - 1);
  };
}

/** Ends every deferral: a cell that threw mid-training must not leave the next one unstoppable. */
export function endStopDeferrals(): void {
  deferring = 0;
}
