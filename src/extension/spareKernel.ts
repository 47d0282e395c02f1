/**
 * A kernel started before its notebook exists, for the next untitled notebook that needs one.
 * Compare Initializations starts it while it asks its questions, so the process and the engine
 * are up, and its startup code has run (kernelProtocol.ts), by the time the comparison's
 * notebook opens, and after a comparison for the next one (compareInitializations.ts). A pool of
 * one: one caller knows a notebook is coming, and an idle kernel holds memory. The controller
 * owns the notebooks' kernels; this file owns the one that has none yet.
 */
import * as vscode from 'vscode';
import type { KernelClient, KernelState } from '../host/kernelClient';

export interface SpareKernelFactory<K> {
  /** A new kernel whose notebook is `owner()` once it has one; `onState` hears its states meanwhile. */
  create(owner: () => vscode.NotebookDocument | undefined, onState: (state: KernelState) => void): K;
  /** Tells the notebook that took the kernel the state it reached before it had one. */
  announce(notebook: vscode.NotebookDocument, state: KernelState): void;
  /** The kernel's process did not start (it may have a notebook by then). */
  startFailed(kernel: K, error: unknown): void;
}

export class SpareKernel<K extends { client: KernelClient }> implements vscode.Disposable {
  private waiting?: { kernel: K; adopt(notebook: vscode.NotebookDocument): void };

  constructor(private readonly factory: SpareKernelFactory<K>) {}

  /**
   * Starts one, unless one already waits or the workspace is untrusted (no cell runs there):
   * then undefined. Disposing the result stops it if no notebook took it; so does `idleMs`
   * passing first.
   */
  start(idleMs?: number): vscode.Disposable | undefined {
    if (!vscode.workspace.isTrusted || this.waiting) return undefined;
    let owner: vscode.NotebookDocument | undefined;
    let lastState: KernelState | undefined;
    const kernel = this.factory.create(
      () => owner,
      (state) => (lastState = state),
    );
    const waiting = {
      kernel,
      adopt: (notebook: vscode.NotebookDocument) => {
        owner = notebook;
        if (lastState) this.factory.announce(notebook, lastState);
      },
    };
    this.waiting = waiting;
    kernel.client.start().catch((error: unknown) => this.factory.startFailed(kernel, error));
    const stop = new vscode.Disposable(() => {
      clearTimeout(idle);
      if (this.waiting !== waiting) return;
      this.waiting = undefined;
      kernel.client.dispose();
    });
    const idle = idleMs === undefined ? undefined : setTimeout(() => stop.dispose(), idleMs);
    return stop;
  }

  /** Has the waiting kernel run `code` before its notebook's first cell. Nothing when none waits. */
  runStartupCode(code: string, options?: { ifIdle?: boolean }): void {
    this.waiting?.kernel.client.runStartupCode(code, options);
  }

  /**
   * Hands the waiting kernel to `notebook`: `register` files it under the notebook, then the
   * notebook hears the kernel's state. False when none waits.
   */
  take(notebook: vscode.NotebookDocument, register: (kernel: K) => void): boolean {
    const waiting = this.waiting;
    if (!waiting) return false;
    this.waiting = undefined;
    register(waiting.kernel);
    waiting.adopt(notebook);
    return true;
  }

  dispose(): void {
    this.waiting?.kernel.client.dispose();
    this.waiting = undefined;
  }
}
