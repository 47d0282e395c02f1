/**
 * The extension host's end of the type-check worker (src/typeCheck/typeCheckWorker.ts):
 * started on the first request, one request at a time per caller, every request settled exactly
 * once. A request rejects (TypeCheckUnavailable) when the worker dies before answering, and when
 * the worker has answered nothing for `stallMs` while requests wait: then it counts as hung and
 * is stopped, and the next request starts a new one. Plain Node, no `vscode`: its unit test
 * (test/unit/typeCheck/typeCheckWorkerClient.test.ts) runs it against stand-in workers.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CellTypeError, CheckResponse, TypeCheckRequest } from '../../shared/typeCheckMessages';

export interface CheckResult {
  cells: CellTypeError[][];
  ms: number;
}

/**
 * How long a worker with requests waiting may stay silent before it counts as hung. The slowest
 * legitimate answer is a new worker's first check (it parses the toolkit's declarations and
 * TypeScript's libraries): 3 s of CPU, 8 to 10 s on this 2-core machine under a load average of
 * 10 to 14, so 30 s is well clear of a real check and still ends a hung worker soon. A run does
 * not wait this long: it waits RUN_TYPE_CHECK_WAIT_MS (typeCheckRunWait.ts).
 */
export const TYPE_CHECK_STALL_MS = 30_000;

/** Why a check has no answer: the worker stopped, hung, or the client was disposed. */
export class TypeCheckUnavailable extends Error {
  override readonly name = 'TypeCheckUnavailable';
}

export interface TypeCheckWorkerClientOptions {
  /** See TYPE_CHECK_STALL_MS. */
  stallMs?: number;
  /** The worker's script; by default dist/typeCheckWorker.js of the extension. */
  workerFile?: string;
}

interface Pending {
  resolve: (result: CheckResult) => void;
  reject: (error: TypeCheckUnavailable) => void;
}

export class TypeCheckWorkerClient {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Fires when the worker has been silent for stallMs with requests waiting. */
  private watchdog?: ReturnType<typeof setTimeout>;
  private readonly stallMs: number;
  private readonly workerFile: string;

  constructor(
    private readonly extensionPath: string,
    private readonly log: (message: string) => void,
    options: TypeCheckWorkerClientOptions = {},
  ) {
    this.stallMs = options.stallMs ?? TYPE_CHECK_STALL_MS;
    this.workerFile = options.workerFile ?? path.join(extensionPath, 'dist', 'typeCheckWorker.js');
  }

  check(notebook: string, cells: readonly string[]): Promise<CheckResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The worker's silence counts from the oldest request still waiting.
      if (this.pending.size === 0) this.armWatchdog();
      this.pending.set(id, { resolve, reject });
      try {
        this.post({ type: 'check', id, notebook, cells });
      } catch (err) {
        // No worker to ask (it could not be made): this request alone fails.
        this.pending.delete(id);
        if (this.pending.size === 0) this.disarmWatchdog();
        reject(new TypeCheckUnavailable(`the type-check worker could not start: ${(err as Error).message}`));
      }
    });
  }

  forget(notebook: string): void {
    if (this.worker) this.post({ type: 'forget', notebook });
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.rejectAll('the type check was shut down');
  }

  private post(request: TypeCheckRequest): void {
    this.ensureWorker().postMessage(request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const dist = path.join(this.extensionPath, 'dist');
    const worker = new Worker(this.workerFile, { workerData: { declarations: path.join(dist, 'cell-types', 'initlab-cells.d.ts') } });
    worker.on('message', (response: CheckResponse) => {
      if (this.worker !== worker) return;
      if (response.failure) this.log(`type check failed: ${response.failure}`);
      const waiting = this.pending.get(response.id);
      this.pending.delete(response.id);
      // An answer is progress: the next request waiting gets a full stallMs of its own.
      if (this.pending.size > 0) this.armWatchdog();
      else this.disarmWatchdog();
      waiting?.resolve({ cells: response.cells, ms: response.ms });
    });
    worker.on('error', (err) => this.lose(worker, `it failed: ${String(err.stack ?? err)}`));
    worker.on('exit', (code) => this.lose(worker, `it exited with code ${code}`));
    // The extension host may exit while a check runs: the worker never keeps it alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** The worker is gone or given up on: every request waiting for it rejects, and the next request starts a new one. */
  private lose(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.log(`type-check worker stopped: ${reason}`);
    this.worker = undefined;
    void worker.terminate();
    this.rejectAll(`the type-check worker stopped before it answered (${reason})`);
  }

  private armWatchdog(): void {
    this.disarmWatchdog();
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      if (this.worker && this.pending.size > 0) this.lose(this.worker, `no answer in ${this.stallMs} ms, so it was stopped as hung`);
    }, this.stallMs);
  }

  private disarmWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  private rejectAll(reason: string): void {
    this.disarmWatchdog();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(new TypeCheckUnavailable(reason));
  }
}
