/**
 * The extension host's end of the type-check worker (src/typeCheck/typeCheckWorker.ts):
 * started on the first request, one request at a time per caller, every request settled exactly
 * once, also when the worker dies (with no errors known, and the failure logged).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CellTypeError, CheckResponse, TypeCheckRequest } from '../../shared/typeCheckMessages';

export interface CheckResult {
  cells: CellTypeError[][];
  ms: number;
}

export class TypeCheckWorkerClient {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (result: CheckResult) => void>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: (message: string) => void,
  ) {}

  check(notebook: string, cells: readonly string[]): Promise<CheckResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type: 'check', id, notebook, cells });
    });
  }

  forget(notebook: string): void {
    if (this.worker) this.post({ type: 'forget', notebook });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.settleAll();
  }

  private post(request: TypeCheckRequest): void {
    this.ensureWorker().postMessage(request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const dist = path.join(this.extensionPath, 'dist');
    const worker = new Worker(path.join(dist, 'typeCheckWorker.js'), { workerData: { declarations: path.join(dist, 'cell-types', 'initlab-cells.d.ts') } });
    worker.on('message', (response: CheckResponse) => {
      if (response.failure) this.log(`type check failed: ${response.failure}`);
      this.pending.get(response.id)?.({ cells: response.cells, ms: response.ms });
      this.pending.delete(response.id);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.log(`type-check worker stopped: ${reason}`);
      // The next request starts a new one.
      this.worker = undefined;
      this.settleAll();
    };
    worker.on('error', (err) => lost(String(err.stack ?? err)));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    // The extension host may exit while a check runs: the worker never keeps it alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settleAll(): void {
    for (const resolve of this.pending.values()) resolve({ cells: [], ms: 0 });
    this.pending.clear();
  }
}
