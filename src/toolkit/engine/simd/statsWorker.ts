/**
 * A second thread for the probe's passes over large tensors (simdPasses.ts): the main thread
 * runs a pass on the first part of a tensor while this worker runs the same function on the
 * rest, in place.
 *
 * Why it can: the threaded WASM engine's heap is a shared WebAssembly.Memory, which a worker
 * thread imports without a copy; the passes are WebAssembly functions (simdPassesCode.ts), and
 * the worker instantiates the same bytes on the same memory, so there is one implementation of
 * each. Why it helps: the passes run between tensor ops, while the engine's own threads sit
 * idle, so the second core would otherwise wait.
 *
 * Why not tfjs: it has no fused reduction, and Node's worker_threads plus Atomics are the
 * standard tools for a synchronous hand-off; the probe's API is synchronous, so the main thread
 * waits on an Atomics word rather than a promise.
 */
import { Worker } from 'node:worker_threads';

const IDLE = 0;
const CALL = 1;
/** The worker's answer when a job threw, or when it could not instantiate the passes: the main thread then does the work itself. */
const FAILED = 2;
/** Parameters of a call: the function's index, its argument count, then the arguments. */
const MAX_ARGUMENTS = 8;

/**
 * The worker's script. The module is instantiated inside `try`, so that bytes that do not
 * compile make every job answer FAILED at once instead of leaving the main thread waiting.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
const params = new Float64Array(workerData.params);
let functions;
try {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { memory: workerData.memory } });
  functions = workerData.names.map((name) => instance.exports[name]);
} catch {
  functions = undefined;
}
for (;;) {
  Atomics.wait(control, 0, ${IDLE});
  try {
    if (!functions) throw new Error('no passes');
    const f = functions[params[0]];
    f(...params.subarray(2, 2 + params[1]));
    Atomics.store(control, 0, ${IDLE});
    Atomics.notify(control, 0);
  } catch {
    // The main thread stops using this worker when it reads FAILED.
    Atomics.store(control, 0, ${FAILED});
    Atomics.notify(control, 0);
    break;
  }
}
`;

/** A call handed to the worker, collected with wait(). */
export interface PendingJob {
  /** Waits for the worker; throws when it failed or stopped answering. */
  wait(): void;
}

/** The module the worker runs: its bytes, the memory it imports, and its exports' names by index. */
export interface WorkerPasses {
  bytes: Uint8Array;
  memory: unknown;
  names: readonly string[];
}

export class StatsWorker {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly params = new Float64Array(new SharedArrayBuffer(8 * (2 + MAX_ARGUMENTS)));
  private readonly names: readonly string[];
  private broken = false;
  /** Calls the worker has completed, for tests and benchmarks that must know it took part. */
  jobs = 0;

  constructor(passes: WorkerPasses) {
    this.names = passes.names;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.control.buffer, params: this.params.buffer, bytes: passes.bytes, memory: passes.memory, names: passes.names },
    });
    // It must never keep the kernel alive, and a failure only sends the work back to the main thread.
    this.worker.unref();
    this.worker.on('error', () => (this.broken = true));
    this.worker.on('exit', () => (this.broken = true));
  }

  get usable(): boolean {
    return !this.broken;
  }

  /** Starts `name(...args)` in the worker. */
  call(name: string, args: readonly number[]): PendingJob {
    const index = this.names.indexOf(name);
    if (index < 0 || args.length > MAX_ARGUMENTS) throw new RangeError(`StatsWorker.call: no function ${name} of at most ${MAX_ARGUMENTS} arguments`);
    this.params[0] = index;
    this.params[1] = args.length;
    this.params.set(args, 2);
    Atomics.store(this.control, 0, CALL);
    Atomics.notify(this.control, 0);
    return {
      wait: () => {
        // A pass over a few million floats takes milliseconds; a minute means the worker is
        // gone. Either way the caller then does the work itself, and the worker is not used again.
        let state = Atomics.load(this.control, 0);
        while (state === CALL && !this.broken) {
          if (Atomics.wait(this.control, 0, CALL, 60_000) === 'timed-out') break;
          state = Atomics.load(this.control, 0);
        }
        if (state !== IDLE || this.broken) {
          this.broken = true;
          this.dispose();
          throw new Error('the statistics worker failed or stopped answering');
        }
        this.jobs++;
      },
    };
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
