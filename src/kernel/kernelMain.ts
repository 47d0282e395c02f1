/**
 * The kernel process: one per notebook, started by KernelClient with an IPC channel. It runs
 * cells one at a time and streams their outputs back. It never touches VS Code, so a cell that
 * loops, throws or exhausts memory can only take this process down.
 */
import type { ClientMessage, KernelMessage } from '../shared/kernelProtocol';
import { initEngine, engineInfo, tf } from '../toolkit/engine/engine';
import { endStopDeferrals, guardOps, resetAfterStop, stoppedInsideOp } from '../toolkit/engine/opGuard';
import { guardEngineHeap, markCellStart, watchEngineOutput } from '../toolkit/engine/heapGuard';
import { provideDisplay } from '../toolkit/watch/liveDisplay';
import { ExecutionSession } from './execution/executionSession';
import { checkEngineAfterCell, engineLostBeforeCell } from './execution/engineFailure';
import { describeCompareTarget } from '../toolkit/nn/compareTargets';
import { createPrelude } from './prelude';
import { watchInterrupts } from './interruptWatcher';

function send(message: KernelMessage): void {
  process.send?.(message);
}

const interrupts = watchInterrupts();

const session = new ExecutionSession({
  send,
  prelude: createPrelude(),
  beforeEachCell: async () => {
    await engineReady;
    endStopDeferrals();
    markCellStart();
  },
  kernelFiles: [__filename],
  cwd: process.env.INITLAB_NOTEBOOK_DIR ?? process.cwd(),
  isInterruptRequested: (requestId) => interrupts.isRequested(requestId),
  afterInterrupt: () => {
    // A stop inside an op of the threaded engine may leave its thread pool's lock taken
    // (engine/opGuard.ts); single-threaded, the engine goes on.
    const engineLost = stoppedInsideOp() && (engineInfo().threads ?? 1) > 1;
    resetAfterStop();
    return { engineLost };
  },
});

// Training recorders (toolkit/watch) draw their live charts through the cells' display().
provideDisplay((value) => session.display(value));

// Before the engine starts: the WASM engine's reports of failed allocations (engine/heapGuard.ts).
watchEngineOutput();
// Started at once, in parallel with the first request: most cells use the engine.
const engineReady = initEngine()
  .then(() => {
    // Allocations that cannot fit fail clearly instead of corrupting the engine.
    guardEngineHeap();
    // Interrupts stop a busy cell between tensor ops, where stopping is safe.
    guardOps(tf.getBackend(), () => session.throwIfInterrupted());
  })
  .finally(() => session.installProcessHandlers());
engineReady.catch(() => undefined);

// SIGINT interrupts the running cell (vm's breakOnSigint handles synchronous code, this handler
// a cell waiting at an await); it must never end the kernel, as Node's default handler would.
process.on('SIGINT', () => interruptIfBusy());

/** Startup code's request id: no client request has it (theirs count from 1), nor the interrupt watcher's idle 0. */
const STARTUP_REQUEST_ID = -1;

// Requests run strictly one after another.
let queue: Promise<void> = Promise.resolve();
// Requests received and not yet done. An interrupt with nothing to stop is dropped, so it cannot
// cancel a cell sent later; one that lands while a cell waits for the engine still stops it.
let pending = 0;
let cellsRun = 0;

function interruptIfBusy(): void {
  if (pending > 0) session.interrupt();
}

process.on('message', (message: ClientMessage) => {
  switch (message.type) {
    case 'execute':
      pending++;
      queue = queue.then(async () => {
        send({ type: 'started', requestId: message.requestId });
        // An engine that broke (a trap, a stray write) restarts the kernel rather than compute wrong numbers.
        const result = engineLostBeforeCell() ?? checkEngineAfterCell(await session.execute(message));
        cellsRun++;
        pending--;
        send({ type: 'done', requestId: message.requestId, ...result });
        // The client stops this process when it reads kernelDied; exit anyway if it does not.
        if (result.kernelDied) setTimeout(() => process.exit(1), 1000).unref();
      });
      break;
    case 'startupCode':
      // In turn with the cells, so it never runs beside one; pointless once a cell has run.
      queue = queue.then(async () => {
        if (cellsRun > 0 || (message.ifIdle && pending > 0)) return;
        // A failure stops nothing: startup code only prepares, and a cell that needed what it
        // prepared reports its own error. It is told, for the extension's log.
        const result = await session.execute({ requestId: STARTUP_REQUEST_ID, cellId: 'startup', code: message.code, executionCount: 0, silent: true });
        if (result.status === 'error' && result.error && !result.interrupted) send({ type: 'startupCodeFailed', error: result.error });
      });
      break;
    case 'memory': {
      // Collect first (the kernel runs with --expose-gc), so the figure is what is live.
      (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      send({ type: 'memory', heapUsed: usage.heapUsed, rss: usage.rss });
      break;
    }
    case 'engineInfo':
      void engineReady.then(
        () => send({ type: 'engineInfo', info: { ...engineInfo() } }),
        (err: Error) => send({ type: 'engineInfo', info: { backend: 'none', warnings: [err.message] } }),
      );
      break;
    case 'readValue':
      send({ type: 'value', name: message.name, value: plainData(session.variables().find(([name]) => name === message.name)?.[1]) });
      break;
    case 'describeModels':
      // Answered between cells (a running cell holds this thread), from values that exist now.
      send({
        type: 'models',
        models: session.variables().flatMap(([name, value]) => {
          const target = describeCompareTarget(name, value);
          return target ? [target] : [];
        }),
      });
      break;
  }
});

/** A copy of `value` as JSON carries it (NaN as null), or undefined when it cannot be (a tensor, a cycle). */
function plainData(value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}

// The parent is gone: nothing will ever read our output.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid });
