/**
 * A second thread for the probe's passes over large tensors (fusedStats.ts): the main thread
 * reads the first half of a tensor while this worker reads the second, in place.
 *
 * Why it can: the threaded WASM engine keeps its heap in a SharedArrayBuffer, which a worker
 * thread sees without a copy. Why it helps: the statistics run between tensor ops, while the
 * engine's own threads sit idle, so the second core would otherwise wait. The probe's passes are
 * half of the lesson pass with statistics (measured: 1.45 s of 2.5 s on one thread).
 *
 * Why not tfjs: it has no fused reduction (fusedStats.ts), and Node's worker_threads plus
 * Atomics are the standard tools for a synchronous hand-off; the probe's API is synchronous,
 * so the main thread waits on an Atomics word rather than a promise.
 *
 * The worker runs the very functions the main thread runs: their source is sent to it, so
 * there is one implementation of each pass.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/** The two passes, as fusedStats.ts defines them. */
export interface Passes {
  moments(values: Float32Array, out: Float64Array): void;
  bins(values: Float32Array, lo: number, scale: number, counts: Float64Array, edge: number): number;
}

/** Room for the histogram a job returns; larger histograms stay on the main thread. */
export const MAX_PARALLEL_BINS = 1024;

const IDLE = 0;
const MOMENTS = 1;
const BINS = 2;
/** The worker's answer when a job threw: the main thread then does the work itself. */
const FAILED = 3;
/** Control words: [state, heap version]. */
const STATE = 0;
const HEAP_VERSION = 1;
/** Parameters: byte offset, length, lo, scale, edge. Results: six moments, or the saturated count then counts. */
const RESULT_SLOTS = 6 + MAX_PARALLEL_BINS + 1;

/**
 * The worker's script. The passes arrive as source text and are evaluated inside `try`, so that
 * even a pass that does not compile makes every job answer FAILED at once instead of leaving the
 * main thread waiting.
 */
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
const params = new Float64Array(workerData.params);
const results = new Float64Array(workerData.results);
const port = workerData.port;
let heap = workerData.heap;
let heapVersion = 0;
let moments, bins;
try {
  moments = (0, eval)('(' + workerData.moments + ')');
  bins = (0, eval)('(' + workerData.bins + ')');
  (0, eval)('(' + workerData.warmUp + ')')({ moments, bins });
} catch {
  moments = undefined;
}
for (;;) {
  Atomics.wait(control, ${STATE}, ${IDLE});
  const job = Atomics.load(control, ${STATE});
  try {
    if (!moments) throw new Error('no passes');
    if (Atomics.load(control, ${HEAP_VERSION}) !== heapVersion) {
      // The engine's memory grew: the new, longer buffer was posted before this job.
      let message;
      while ((message = receiveMessageOnPort(port))) heap = message.message;
      heapVersion = Atomics.load(control, ${HEAP_VERSION});
    }
    const values = new Float32Array(heap, params[0], params[1]);
    if (job === ${MOMENTS}) {
      moments(values, results);
    } else {
      const binCount = params[5];
      const counts = results.subarray(1, 1 + binCount);
      counts.fill(0);
      results[0] = bins(values, params[2], params[3], counts, params[4]);
    }
    Atomics.store(control, ${STATE}, ${IDLE});
    Atomics.notify(control, ${STATE});
  } catch {
    // The main thread stops using this worker when it reads FAILED.
    Atomics.store(control, ${STATE}, ${FAILED});
    Atomics.notify(control, ${STATE});
    break;
  }
}
`;

/**
 * A single long call of a loop runs at first in V8's baseline tiers, several times slower than
 * optimized code (measured: 0.7 s against 0.16 s for 39 million values). Calling both passes on
 * small arrays first gets them optimized before the first large tensor; each thread does it.
 * Self-contained, since the worker gets its source.
 */
export function warmUpPasses(passes: Passes): void {
  const sample = new Float32Array(2048).map((_, i) => (i % 7) - 3);
  const out = new Float64Array(6);
  const counts = new Float64Array(31);
  for (let k = 0; k < 300; k++) {
    passes.moments(sample, out);
    passes.bins(sample, -3, 5, counts, 2.5);
    passes.bins(sample, -3, 5, counts, Infinity);
  }
}

/** A job handed to the worker, collected with wait(). */
export interface PendingJob {
  /** Waits for the worker and returns its results: six moments, or [saturated, ...counts]. */
  wait(): Float64Array;
}

export class StatsWorker {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly params = new Float64Array(new SharedArrayBuffer(8 * 6));
  private readonly results = new Float64Array(new SharedArrayBuffer(8 * RESULT_SLOTS));
  private readonly port: MessagePort;
  private heap: SharedArrayBuffer;
  private broken = false;
  /** Jobs the worker has completed, for tests and benchmarks that must know it took part. */
  jobs = 0;

  constructor(heap: SharedArrayBuffer, passes: Passes) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.heap = heap;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        control: this.control.buffer,
        params: this.params.buffer,
        results: this.results.buffer,
        heap,
        port: channel.port2,
        moments: passes.moments.toString(),
        bins: passes.bins.toString(),
        warmUp: warmUpPasses.toString(),
      },
      transferList: [channel.port2],
    });
    // It must never keep the kernel alive, and a failure only sends the work back to the main thread.
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => (this.broken = true));
    this.worker.on('exit', () => (this.broken = true));
  }

  get usable(): boolean {
    return !this.broken;
  }

  /** Starts a moments pass over `length` floats at `byteOffset` of `heap`. */
  moments(heap: SharedArrayBuffer, byteOffset: number, length: number): PendingJob {
    return this.start(MOMENTS, heap, [byteOffset, length, 0, 0, 0, 0]);
  }

  /** Starts a histogram pass; the results hold the saturated count, then `binCount` counts. */
  bins(heap: SharedArrayBuffer, byteOffset: number, length: number, lo: number, scale: number, edge: number, binCount: number): PendingJob {
    return this.start(BINS, heap, [byteOffset, length, lo, scale, edge, binCount]);
  }

  dispose(): void {
    void this.worker.terminate();
  }

  private start(job: number, heap: SharedArrayBuffer, params: number[]): PendingJob {
    if (heap !== this.heap) {
      this.heap = heap;
      this.port.postMessage(heap);
      Atomics.add(this.control, HEAP_VERSION, 1);
    }
    this.params.set(params);
    Atomics.store(this.control, STATE, job);
    Atomics.notify(this.control, STATE);
    return {
      wait: () => {
        // A pass over a few million floats takes tens of milliseconds; a minute means the
        // worker is gone. Either way the caller then does the work itself, and the worker is
        // not used again.
        let state = Atomics.load(this.control, STATE);
        while (state === job && !this.broken) {
          if (Atomics.wait(this.control, STATE, job, 60_000) === 'timed-out') break;
          state = Atomics.load(this.control, STATE);
        }
        if (state !== IDLE || this.broken) {
          this.broken = true;
          this.dispose();
          throw new Error('the statistics worker failed or stopped answering');
        }
        this.jobs++;
        return this.results;
      },
    };
  }
}
