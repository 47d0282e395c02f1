/**
 * The WASM backend on every core, in Node.
 *
 * `@tensorflow/tfjs-backend-wasm` ships a threaded SIMD build (Emscripten pthreads, which in Node
 * run on `worker_threads`) but turns it off in Node (tensorflow/tfjs#3830): its loader hands the
 * pthread workers a blob URL, which Node's `Worker` cannot open. Here the same build starts from
 * real files (threadedWasmFiles.ts), and the backend object is the package's own `BackendWasm`,
 * so every registered WASM kernel runs on it unchanged; XNNPACK then splits each matmul over its
 * thread pool. On this 2-core machine the lesson's matmuls take about half the time.
 *
 * `INITLAB_WASM_THREADS=1` keeps the package's single-threaded build (scripts/bench.mjs compares
 * the two); a Node without shared WebAssembly memory gets it too.
 */
import * as tfjs from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import type { ThreadedWasmFiles } from './threadedWasmFiles';
import { installWasmBridge, tfjsInternalProblem, withCpusReported } from './tfjsInternals';

/** The package registers `wasm` at priority 2; the same keeps `tf.getBackend()` choosing alike. */
const WASM_PRIORITY = 2;

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread?: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}
interface FactoryConfig {
  locateFile(file: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
  /** Read by the script threadedWasmFiles.ts writes: workers started before the module is ready. */
  initlabPthreadPoolSize: number;
}
type ModuleFactory = (config: FactoryConfig) => Promise<EmscriptenModule>;

/** How many threads to compute on: `INITLAB_WASM_THREADS`, else every core the OS gives us. */
export function wantedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.INITLAB_WASM_THREADS);
  if (env.INITLAB_WASM_THREADS && Number.isInteger(forced) && forced >= 1) return forced;
  return os.availableParallelism();
}

/** Whether this Node can run WASM threads: shared WebAssembly memory. */
export function threadsSupported(): boolean {
  // The kernel's TypeScript libs have no WebAssembly types (they come with the DOM's).
  type SharedMemory = new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: unknown };
  const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly?: { Memory: SharedMemory } };
  try {
    return !!wasm && new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * XNNPACK caps its pool at half the logical cores (backend.cc assumes two hyper-threads per
 * core), which leaves one thread on a 2-vCPU machine. It reads the count once, while the module
 * starts, through `os.cpus()`; for that moment the count reported is `threads` x 2
 * (tfjsInternals.ts swaps it).
 */
async function withReportedCores<T>(threads: number, start: () => Promise<T>): Promise<T> {
  // The module object the Emscripten script's own `require("os")` returns (an ES import is frozen).
  return withCpusReported(nodeOsModule(), threads * 2, start);
}

/** Node's os module as CommonJS code requires it: what the engine start checks (tfjsInternals.ts). */
export function nodeOsModule(): { cpus: typeof os.cpus } {
  return createRequire(__filename)('node:os') as { cpus: typeof os.cpus };
}

/**
 * Registers the threaded build under the name `wasm`, in place of the package's registration.
 * Throws, leaving the package's registration, when BackendWasm is not as tfjs 4.22's
 * (tfjsInternals.ts): the engine then starts the single-threaded build.
 */
export function registerThreadedWasm(files: ThreadedWasmFiles, threads: number): void {
  const problem = tfjsInternalProblem('BackendWasm', { BackendWasm });
  if (problem) throw new Error(`BackendWasm is not as InitLab expects (${problem})`);
  tfjs.removeBackend('wasm');
  tfjs.registerBackend(
    'wasm',
    async () => {
      // Loaded from the file, not the bundle: the workers load this same file.
      const factory = createRequire(__filename)(files.script) as ModuleFactory;
      const module = await withReportedCores(threads, () =>
        factory({
          locateFile: (file, prefix) => (file.endsWith('.worker.js') ? files.worker : file.endsWith('.wasm') ? files.binary : prefix + file),
          mainScriptUrlOrBlob: files.script,
          // The main thread computes too: a pool of n threads needs n - 1 workers.
          initlabPthreadPoolSize: threads - 1,
        }),
      );
      // The same bridge the package's own loader installs (backend_wasm.ts, init()).
      installWasmBridge(module);
      setThreadsCount(threads);
      const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
      // The pool's threads wait for work forever; unreferenced, they do not keep a finished
      // script (`initlab run`, a benchmark) from exiting. The main thread waits for their work.
      for (const worker of module.PThread?.runningWorkers ?? []) worker.unref();
      return backend;
    },
    WASM_PRIORITY,
  );
}
