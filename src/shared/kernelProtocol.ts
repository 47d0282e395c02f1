/**
 * Messages between a KernelClient (extension host or CLI) and its kernel process, declared once.
 * Each has a readonly `type`; a receiver switches on it. They travel over Node's IPC channel as
 * JSON, so payloads are plain data. Interrupts do not: a busy cell holds the kernel's event
 * loop, so they go through its stdin (process/interruptWatcher.ts) and SIGINT.
 */
import type { ErrorOutput, NbOutput } from './notebookFormat';

/** An output plus the display id it may later be updated through. */
export interface KernelOutput {
  readonly output: NbOutput;
  readonly displayId?: string;
}

export type ClientMessage =
  | { readonly type: 'execute'; readonly requestId: number; readonly cellId: string; readonly code: string; readonly executionCount: number }
  | { readonly type: 'memory' }
  | { readonly type: 'engineInfo' }
  | { readonly type: 'describeModels' }
  /** A notebook variable's value as plain data (JSON), e.g. a comparison's verdict; answered by 'value'. */
  | { readonly type: 'readValue'; readonly name: string }
  /**
   * Code the kernel runs before its first cell, silently, in the cells' scope (vscode-jupyter's
   * "startup code"): a kernel started ahead of its notebook prepares what that notebook will
   * need. Dropped once a cell has run; no answer, but a failure is told ('startupCodeFailed'). `ifIdle` code
   * only makes later cells faster: it is dropped too when a cell is waiting as its turn comes.
   */
  | { readonly type: 'startupCode'; readonly code: string; readonly ifIdle?: boolean };

/**
 * A notebook variable holding a model the toolkit can re-initialize: its name, and the text
 * and takesMnist of toolkit/nn/modelShape.ts's ModelShape (compareTargets.ts).
 */
export interface NotebookModel {
  readonly name: string;
  readonly description: string;
  readonly takesMnist: boolean;
}

export type KernelMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'started'; readonly requestId: number }
  | { readonly type: 'output'; readonly cellId: string; readonly requestId?: number; readonly output: NbOutput; readonly displayId?: string }
  | { readonly type: 'updateDisplay'; readonly displayId: string; readonly output: NbOutput }
  | {
      readonly type: 'done';
      readonly requestId: number;
      readonly status: 'ok' | 'error';
      readonly error?: ErrorOutput;
      readonly interrupted?: boolean;
      /** The kernel cannot go on (a stop broke its engine) and exits after this message. */
      readonly kernelDied?: boolean;
    }
  /** Startup code threw (not when a stop ended it): for the extension's log, as no cell shows it. */
  | { readonly type: 'startupCodeFailed'; readonly error: ErrorOutput }
  | { readonly type: 'memory'; readonly heapUsed: number; readonly rss: number }
  | { readonly type: 'engineInfo'; readonly info: { readonly [key: string]: unknown } }
  | { readonly type: 'models'; readonly models: readonly NotebookModel[] }
  /** `value` is undefined when the variable is not defined or is not plain data. */
  | { readonly type: 'value'; readonly name: string; readonly value?: unknown };

export function isKernelMessage(value: unknown): value is KernelMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
