/**
 * The WASM engine at the end of its memory: a clear error instead of a corrupt engine.
 *
 * Why: tfjs-backend-wasm 4.22 never checks its allocations (backend_wasm.ts, move()). Measured
 * in a kernel (test/unit/kernel/engineOutOfMemory.test.ts):
 *
 * - A tensor of 4 GiB or more: its byte count wraps to 32 bits and a smaller block is allocated.
 *   tf.zeros([1200, 1000, 1000]) then fails copying its values (RangeError: Invalid typed array
 *   length) and leaves 505 MB allocated for good; an op's output, tf.add of [40000, 1] and
 *   [1, 40000], is written past the block to the heap's end (RuntimeError: memory access out of
 *   bounds), the pthread worker traps too, and the next multi-threaded op waits forever.
 * - A tensor under 4 GiB that does not fit: malloc returns 0 and tfjs writes the tensor at
 *   address 0, over the whole heap. The cell succeeds, other tensors hold its values, and every
 *   later op ends in "RuntimeError: Aborted()".
 * - A request near the top of the 4 GiB address space that no free region holds, once the heap
 *   has grown close to it: emmalloc's growth wraps around 2^32 and malloc returns a block that
 *   runs past the heap's end, its bookkeeping written over other tensors (heapRegions.ts).
 * - XNNPACK's own allocations (a matMul's packed weights, a convolution's buffers): when they
 *   fail, tfjs prints "XNN status ... Got status 6" and returns the uninitialized output. The
 *   numbers are wrong and nothing fails.
 *
 * So, once the engine runs (guardEngineHeap), every allocation tfjs makes from JavaScript goes
 * through a malloc that refuses what cannot fit with EngineOutOfMemoryError before anything is
 * written: the engine stays whole, and so do the notebook's variables. XNNPACK's failures are
 * read from the engine's error output (watchEngineOutput) and fail their op the same way, its
 * output freed. What cannot be prevented, a WebAssembly trap inside an op, an Emscripten abort,
 * a trapped worker thread or a write through a null pointer, is remembered: engineFault() says
 * the engine can no longer be trusted, and the kernel restarts (kernel/execution/engineFailure.ts).
 * Re-creating the backend in the same process was tried: tf.removeBackend('wasm') traps in the
 * broken module's dispose; skipping that, a new module starts and computes, but every tensor made
 * before (every model in the notebook) still lives in the broken heap and moves from it into the
 * new one when used; on the threaded build the trapped worker's error also arrives later as an
 * uncaught exception, and the old pool hangs its next op. A fresh kernel is the sound answer.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { tf } from './engine';
import { locateFreeLists, reachesTop } from './heapRegions';
import { WASM_HEAP_LIMIT_BYTES, outOfMemoryMessage, type MemoryFigures } from './outOfMemoryMessage';

/** Thrown when the engine cannot allocate what an op or a new tensor needs. The engine is intact. */
export class EngineOutOfMemoryError extends RangeError {
  override readonly name = 'EngineOutOfMemory';
  constructor(
    message: string,
    /** What was asked for, when known. */
    readonly requestedBytes?: number,
  ) {
    super(message);
  }
}

interface WasmModule {
  _malloc(bytes: number): number;
  asm?: { malloc?: (bytes: number) => number };
  HEAPU8: Uint8Array;
  /** The threaded build's shared memory. */
  wasmMemory?: { buffer: ArrayBufferLike };
}

interface WasmBackend {
  wasm: WasmModule;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Emscripten leaves memory below its data (GLOBAL_BASE, 1024) unused: only a write through a null pointer lands there. */
const NULL_PAGE_BYTES = 1024;

/** XNNPACK's status codes (xnnpack.h): 6 is xnn_status_out_of_memory. */
const XNN_FAILURE = /XNN status for (\w+) is not successful\. Got status (\d+)/;
const XNN_OUT_OF_MEMORY = 6;
/** Emscripten's reports of a broken module: abort() and a pthread worker's uncaught error. */
const ENGINE_BROKEN = /^(Aborted\(.*|worker sent an error!.*)/;

let guarded: { module: WasmModule; backend: WasmBackend } | undefined;
let fault: string | undefined;
let tensorBytesAtCellStart: number | undefined;
/** XNNPACK failures reported so far; a kernel compares the count before and after it runs. */
const xnnFailures: string[] = [];
/** The kernels running now, innermost last: what an allocation is for. */
const runningKernels: string[] = [];
let watching = false;

/**
 * Reads the engine's error output for XNNPACK's failures and Emscripten's aborts. Call it before
 * the engine starts: the single-threaded build takes console.warn as its error output when it
 * starts; the threaded one writes to fd 2 with fs.writeSync. Lines it understands are not
 * printed: the error they cause says it.
 */
export function watchEngineOutput(): void {
  if (watching) return;
  watching = true;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === 'string' && noteEngineLine(args[0])) return;
    warn(...args);
  };
  // The module object the Emscripten script's own require("fs") returns (an ES import is frozen).
  const fs = createRequire(__filename)('node:fs') as { writeSync: (fd: number, data: unknown, ...rest: unknown[]) => number };
  const writeSync = fs.writeSync;
  fs.writeSync = function (fd: number, data: unknown, ...rest: unknown[]): number {
    if (fd === 2 && typeof data === 'string' && noteEngineLine(data)) return Buffer.byteLength(data);
    return writeSync.call(this, fd, data, ...rest);
  };
}

/** Whether `line` is one of the engine's reports, now noted. */
function noteEngineLine(line: string): boolean {
  const text = line.trim();
  if (XNN_FAILURE.test(text)) {
    xnnFailures.push(text);
    return true;
  }
  if (guarded && ENGINE_BROKEN.test(text)) {
    fault ??= text.startsWith('worker') ? `in a worker thread (${text})` : `with “${text}”`;
    return true;
  }
  return false;
}

/**
 * Installs the checks on the active backend when it is WASM (else nothing): allocations, every
 * kernel, the null page. Call it once the engine has started and its kernels are registered.
 */
export function guardEngineHeap(): void {
  const backendName = tf.getBackend();
  if (backendName !== 'wasm' || guarded) return;
  const backend = tf.backend() as unknown as WasmBackend;
  const module = backend.wasm;
  guarded = { module, backend };
  guardMalloc(module);
  guardKernels(backendName, backend);
}

function guardMalloc(module: WasmModule): void {
  // The export itself: Module._malloc starts as a stub that replaces itself on its first call.
  const malloc = module.asm?.malloc ?? module._malloc.bind(module);
  locateFreeLists(module);
  const checked = (bytes: number): number => {
    // Past 4 GiB, or growth that would wrap the allocator around the address space (heapRegions.ts).
    if (bytes > WASM_HEAP_LIMIT_BYTES || reachesTop(module, bytes)) throw outOfMemory(bytes);
    const pointer = malloc(bytes);
    if (pointer === 0 && bytes > 0) throw outOfMemory(bytes);
    return pointer;
  };
  // The stub's self-replacement, if it ever runs, must not undo the check.
  Object.defineProperty(module, '_malloc', { configurable: true, enumerable: true, get: () => checked, set: () => undefined });
}

function outOfMemory(bytes: number): EngineOutOfMemoryError {
  const kernel = runningKernels.at(-1);
  const what = kernel ? `the ${kernel} operation` : 'a new tensor';
  return new EngineOutOfMemoryError(outOfMemoryMessage(what, bytes, memoryFigures()), bytes);
}

function guardKernels(backendName: string, backend: WasmBackend): void {
  for (const config of tf.getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      const failuresBefore = xnnFailures.length;
      runningKernels.push(config.kernelName);
      let outputs: TensorInfo | TensorInfo[];
      try {
        outputs = original(args) as TensorInfo | TensorInfo[];
      } catch (err) {
        if (isWasmTrap(err)) fault ??= `inside the ${config.kernelName} operation (RuntimeError: ${(err as Error).message})`;
        throw err;
      } finally {
        runningKernels.pop();
      }
      if (xnnFailures.length > failuresBefore) {
        // The op returned an output it never computed: freed, and the op fails.
        for (const output of Array.isArray(outputs) ? outputs : [outputs]) backend.disposeData(output.dataId);
        throw xnnError(config.kernelName, xnnFailures[xnnFailures.length - 1]);
      }
      return outputs;
    };
    const replacement: KernelConfig = { ...config, kernelFunc };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(replacement);
  }
}

function xnnError(kernel: string, report: string): Error {
  const status = Number(XNN_FAILURE.exec(report)?.[2]);
  if (status === XNN_OUT_OF_MEMORY) {
    return new EngineOutOfMemoryError(outOfMemoryMessage(`the working memory of the ${kernel} operation (XNNPACK's)`, undefined, memoryFigures(), `XNNPACK said: ${report}`));
  }
  return new Error(`The tensor engine's XNNPACK library could not run the ${kernel} operation, so it has no result (XNNPACK said: ${report}).`);
}

/** A WebAssembly trap or an Emscripten abort. */
export function isWasmTrap(err: unknown): boolean {
  // The kernel's TypeScript libs have no WebAssembly types (they come with the DOM's).
  const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly?: { RuntimeError: new () => Error } };
  return !!wasm && err instanceof wasm.RuntimeError;
}

/** Records the tensors' bytes as a cell starts, for the figures of an out-of-memory message. */
export function markCellStart(): void {
  // A cell stopped by SIGINT inside an op left its name here.
  runningKernels.length = 0;
  try {
    tensorBytesAtCellStart = tf.memory().numBytes;
  } catch {
    tensorBytesAtCellStart = undefined; // no engine
  }
}

/** What the engine holds now, for messages. */
export function memoryFigures(): MemoryFigures {
  let tensorBytesNow: number | undefined;
  try {
    tensorBytesNow = tf.memory().numBytes;
  } catch {
    // no backend
  }
  const module = guarded?.module;
  const heapBytes = module ? (module.wasmMemory?.buffer.byteLength ?? module.HEAPU8.length) : undefined;
  return { tensorBytesAtCellStart, tensorBytesNow, heapBytes };
}

/**
 * How the engine failed, so that it can no longer be trusted, or undefined while it can: a trap inside an op, an
 * abort, a trapped worker thread (all remembered as they happen), or a write through a null
 * pointer (its first bytes, always zero, are checked now).
 */
export function engineFault(): string | undefined {
  if (fault || !guarded) return fault;
  const { module } = guarded;
  const nullPage = module.wasmMemory ? new Uint8Array(module.wasmMemory.buffer, 0, NULL_PAGE_BYTES) : module.HEAPU8.subarray(0, NULL_PAGE_BYTES);
  if (nullPage.some((byte) => byte !== 0)) fault = 'by a write through a null pointer into its memory';
  return fault;
}
