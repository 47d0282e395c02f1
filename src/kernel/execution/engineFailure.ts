/**
 * The kernel's side of an engine that ran out of memory or broke (toolkit/engine/heapGuard.ts):
 * the texts a cell's error gets, and the restart when the engine can no longer be trusted.
 *
 * An allocation that cannot fit is refused before anything is written: the cell fails with
 * EngineOutOfMemory and the kernel goes on, variables kept. A trap, an abort or a stray write
 * inside the engine may have corrupted its heap (measured: after one, other tensors held the
 * failed op's values and every later op aborted, or the next multi-threaded op waited forever).
 * Re-creating the WASM backend in the process leaves every existing tensor in the broken heap,
 * so the kernel restarts instead, as it does after a stop that broke the engine: the cell's
 * error says so, and the client starts a fresh kernel for the next run (host/kernelClient.ts).
 */
import type { ErrorOutput } from '../../shared/notebookFormat';
import { engineFault, isWasmTrap, memoryFigures } from '../../toolkit/engine/heapGuard';
import { engineFailedMessage, outOfMemoryMessage } from '../../toolkit/engine/outOfMemoryMessage';
import type { SessionResult } from './executionSession';

const RESTARTED = 'KernelRestarted';

/**
 * The name and text a user sees for an error of the engine's own that is not yet clear, or
 * undefined for any other error (EngineOutOfMemory's own message is already clear).
 */
export function explainEngineError(err: Error): { ename: string; message: string } | undefined {
  if (isWasmTrap(err)) {
    // A trap in the engine's ops was noted as it happened; any other (a cell's own WebAssembly) is not ours.
    const fault = engineFault();
    return fault ? { ename: RESTARTED, message: engineFailedMessage(fault, memoryFigures()) } : undefined;
  }
  // A tensor too large for a JavaScript array, made before the engine is asked (tf.ones of 4.9 G values).
  const tooLong = err instanceof RangeError ? /^Invalid typed array length: (\d+)$/.exec(err.message) : null;
  if (tooLong && Number(tooLong[1]) >= 2 ** 30) {
    const what = `an array of ${Number(tooLong[1]).toLocaleString('en-US')} elements`;
    return { ename: 'EngineOutOfMemory', message: outOfMemoryMessage(what, undefined, memoryFigures(), `JavaScript said: RangeError: ${err.message}`) };
  }
  return undefined;
}

/** A result that ends the kernel: the client starts a fresh one for the next run. */
function restart(message: string, interrupted?: boolean): SessionResult {
  const error: ErrorOutput = { output_type: 'error', ename: RESTARTED, evalue: message, traceback: [`${RESTARTED}: ${message}`] };
  return { status: 'error', error, kernelDied: true, ...(interrupted ? { interrupted } : {}) };
}

/** Before a cell runs: a restart instead, when the engine broke after the previous cell ended (a worker thread's trap). */
export function engineLostBeforeCell(): SessionResult | undefined {
  const fault = engineFault();
  return fault ? restart(`${engineFailedMessage(fault, memoryFigures())} This cell did not run.`) : undefined;
}

/**
 * After a cell: its result as is while the engine is sound; else a restart, whether the cell
 * failed with the engine's error, with another (the trap's op was inside its try/catch), or not.
 */
export function checkEngineAfterCell(result: SessionResult): SessionResult {
  const fault = engineFault();
  if (!fault || result.kernelDied) return result;
  if (result.error?.ename === RESTARTED) return { ...result, kernelDied: true };
  const own = result.error ? ` The cell's own error: ${result.error.ename}: ${result.error.evalue.split('\n')[0]}` : '';
  return restart(`${engineFailedMessage(fault, memoryFigures())}${own}`, result.interrupted);
}
