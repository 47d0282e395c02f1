/**
 * Drives one kernel process for one notebook: a serial queue of cell executions, each ended
 * exactly once (ok, error or cancelled); interrupt that keeps state when it can; and recovery
 * when the process dies. Used by the VS Code controller and the headless runner alike.
 *
 * The process is started with child_process.fork and Node's IPC channel: structured messages
 * without a framing protocol of our own, and a 'disconnect' that tells the kernel its parent is
 * gone. ELECTRON_RUN_AS_NODE makes it work when the extension host is Electron.
 *
 * Over 300 lines because the queue, the running request and the process's life are one state
 * machine: a request must end exactly once whether the cell finishes, is interrupted, or its
 * process dies or is restarted, and each of those paths reads and changes the same fields.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientMessage, KernelMessage, NotebookModel } from '../shared/kernelProtocol';
import type { ErrorOutput, NbOutput } from '../shared/notebookFormat';

export interface ExecutionSink {
  /** The cell started running, with its execution count. */
  onStart?(executionCount: number): void;
  onOutput(output: NbOutput, displayId?: string): void;
  onUpdateDisplay?(displayId: string, output: NbOutput): void;
}

export type ExecutionResult =
  | { readonly status: 'ok'; readonly executionCount: number }
  | {
      readonly status: 'error';
      readonly executionCount: number;
      readonly error: ErrorOutput;
      /** The user stopped it. */
      readonly interrupted?: boolean;
      /** The kernel process is gone, and with it every variable. */
      readonly kernelDied?: boolean;
    }
  | { readonly status: 'cancelled' };

export interface KernelClientOptions {
  /** The kernel process's script; defaults to kernel.js (kernelBoot.ts) next to this bundle. */
  entry?: string;
  /** The notebook's folder: where relative requires in cells resolve. */
  cwd?: string;
  /** The kernel's heap limit: a cell that allocates past it kills only the kernel. */
  maxHeapMb?: number;
  /** How long an interrupt waits for a stop between tensor ops or at an await before SIGINT. */
  safeStopMs?: number;
  /** How long an interrupt may take before the kernel is restarted instead. */
  interruptTimeoutMs?: number;
  /** Outputs that arrive for a cell after it finished (a late rejection, a timer's log). */
  onLateOutput?(cellId: string, output: NbOutput): void;
  /** A display updated after the cell that made it finished. */
  onDisplayUpdate?(displayId: string, output: NbOutput): void;
  /** The kernel started, restarted or died: for status displays. */
  onStateChange?(state: KernelState): void;
  /** Startup code (runStartupCode) threw: no cell shows it, so the caller logs it. */
  onStartupCodeError?(error: ErrorOutput): void;
}

/**
 * How long an interrupt waits for the cell to stop at a tensor op or an await before using
 * SIGINT. Ops of the lessons take at most a few hundred milliseconds on one core.
 */
const SAFE_STOP_MS = 300;

/**
 * How long a stopped cell may take to end before the kernel is restarted. A training loop that
 * watch() or record() follows takes the stop after its step under way and then draws its final
 * chart with the static SVG: 1.6 s after 4 s of training an MNIST MLP (test/unit/kernel/watchStop.test.ts),
 * more on a loaded machine. Only a cell that truly cannot stop waits this long for its restart.
 */
const INTERRUPT_TIMEOUT_MS = 10_000;

/** How long an idle kernel told to exit has before it is killed (see dispose()). */
const DISPOSE_GRACE_MS = 2000;

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'disposed';

/** The kernel's messages that answer a question (memory(), engineInfo(), describeModels()). */
type Answer = Extract<KernelMessage, { type: 'memory' | 'engineInfo' | 'models' | 'value' }>;

interface Request {
  readonly requestId: number;
  readonly cellId: string;
  readonly code: string;
  readonly sink: ExecutionSink;
  readonly resolve: (result: ExecutionResult) => void;
  executionCount?: number;
  settled?: boolean;
}

interface Process {
  child: ChildProcess;
  ready: Promise<void>;
  stderrTail: string;
  exited: boolean;
  /** Let go of on purpose (dispose, restart, a busy cell's kill): its exit is no failure. */
  detached?: boolean;
}

export class KernelClient {
  private process: Process | undefined;
  private readonly queue: Request[] = [];
  private running: Request | undefined;
  private nextRequestId = 1;
  private executionCount = 0;
  private disposed = false;
  private pendingNotice: string | undefined;
  /** Callers waiting for the kernel's answer to a question, by the answer's message type. */
  private readonly waiting = new Map<Answer['type'], ((answer: Answer | undefined) => void)[]>();

  constructor(private readonly options: KernelClientOptions = {}) {}

  /** Queues a cell. The promise settles exactly once, when the cell ends or is cancelled. */
  execute(cellId: string, code: string, sink: ExecutionSink): Promise<ExecutionResult> {
    if (this.disposed) return Promise.resolve({ status: 'cancelled' });
    return new Promise((resolve) => {
      this.queue.push({ requestId: this.nextRequestId++, cellId, code, sink, resolve });
      void this.pump();
    });
  }

  /** Cancels every cell still waiting in the queue (not the running one). */
  cancelQueued(): void {
    for (const request of this.queue.splice(0)) this.settle(request, { status: 'cancelled' });
  }

  /**
   * Stops the running cell and cancels the queue. Variables are kept; if the kernel does not
   * answer in time (a synchronous loop inside a callback), it is restarted and says so.
   */
  async interrupt(): Promise<'interrupted' | 'restarted' | 'idle'> {
    this.cancelQueued();
    const request = this.running;
    if (!request) return 'idle';
    const proc = this.process;
    if (request.executionCount === undefined || !proc) {
      // Still waiting for a kernel to start: the cell is never sent.
      this.finishRunning({ status: 'error', executionCount: 0, interrupted: true, error: kernelError('KeyboardInterrupt', 'Interrupted before it started. Variables are kept.') });
      return 'interrupted';
    }
    // First the safe way: the kernel stops the cell before its next tensor op or await. Only a
    // cell that reaches neither soon (a loop of plain JavaScript, one long op) gets SIGINT, which
    // stops synchronous code anywhere, once the kernel has installed its handler (it says
    // 'ready' after that); before then Node's default would end the process and its state.
    proc.child.stdin?.write(`${request.requestId}\n`);
    void proc.ready
      .then(() => waitUntil(() => request.settled === true, this.options.safeStopMs ?? SAFE_STOP_MS))
      .then(() => {
        if (proc.exited || request.settled) return;
        try {
          proc.child.kill('SIGINT');
        } catch {
          // already gone
        }
      });
    const timeout = this.options.interruptTimeoutMs ?? INTERRUPT_TIMEOUT_MS;
    const settled = await waitUntil(() => request.settled === true, timeout);
    if (settled) return 'interrupted';
    this.killProcess();
    this.finishRunning({
      status: 'error',
      executionCount: request.executionCount ?? 0,
      interrupted: true,
      kernelDied: true,
      error: kernelError('KernelRestarted', `The cell did not stop within ${timeout} ms, so the kernel was restarted. Its variables are lost; run the cells you need again.`),
    });
    return 'restarted';
  }

  /** A fresh kernel: variables cleared, execution count back to 0. */
  async restart(): Promise<void> {
    this.cancelQueued();
    this.killProcess();
    this.finishRunning({ status: 'cancelled' });
    this.executionCount = 0;
    await this.ensureProcess();
  }

  /**
   * Stops the kernel. A busy one is killed at once: its cell is abandoned. An idle one is told
   * to exit (the IPC channel closes) and killed only if it has not within DISPOSE_GRACE_MS, so a
   * kernel that just answered its first cell finishes writing its code cache (kernelBoot.ts)
   * and a one-cell `initlab run` leaves the next start faster.
   */
  dispose(): void {
    this.disposed = true;
    this.cancelQueued();
    if (this.running) this.killProcess();
    else this.stopProcessGently();
    this.finishRunning({ status: 'cancelled' });
    this.options.onStateChange?.('disposed');
  }

  /**
   * Starts the kernel process now rather than at the first cell, so that its start-up (process,
   * engine) overlaps with whatever the caller does next. Resolves when it is ready, or when it
   * was stopped on purpose before (dispose(), restart()); rejects when it does not start.
   */
  async start(): Promise<void> {
    if (this.disposed) return;
    const ready = this.ensureProcess();
    const proc = this.process;
    try {
      await ready;
    } catch (err) {
      if (this.disposed || proc?.detached) return;
      throw err;
    }
  }

  /**
   * Has a kernel that has run no cell yet run `code` silently before its first cell (startup
   * code: see the protocol). Call it before queuing that cell: the kernel handles both in turn.
   * `ifIdle`: only if no cell is waiting when its turn comes (work that only saves later time).
   */
  runStartupCode(code: string, { ifIdle = false } = {}): void {
    const proc = this.process;
    if (this.disposed || !proc || proc.exited || this.executionCount > 0) return;
    // A kernel that does not start has no code to run: its start()'s caller hears why.
    void proc.ready.then(() => this.post({ type: 'startupCode', code, ifIdle }), () => undefined);
  }

  /** The kernel's heap and resident size, in bytes. Rejects if the kernel exits before it answers. */
  async memory(): Promise<{ heapUsed: number; rss: number }> {
    await this.ensureProcess();
    const { heapUsed, rss } = answered(await this.ask({ type: 'memory' }, 'memory'));
    return { heapUsed, rss };
  }

  /** The engine's backend, version and threads. Rejects if the kernel exits before it answers. */
  async engineInfo(): Promise<Record<string, unknown>> {
    await this.ensureProcess();
    return { ...answered(await this.ask({ type: 'engineInfo' }, 'engineInfo')).info };
  }

  /**
   * The notebook's variables that hold a model "Compare initializations" can use. None when no
   * kernel runs (nothing is defined yet), or when the kernel does not answer within `timeoutMs`
   * (a cell is busy): the caller asks again later rather than wait.
   */
  async describeModels(timeoutMs = 1000): Promise<NotebookModel[]> {
    const proc = this.process;
    if (!proc || proc.exited) return [];
    await proc.ready;
    return [...((await this.ask({ type: 'describeModels' }, 'models', timeoutMs))?.models ?? [])];
  }

  /**
   * A notebook variable's value as plain data: how Compare reads its verdict back. Undefined
   * when no kernel runs, the variable is not defined or not plain data, or no answer comes
   * within `timeoutMs`.
   */
  async readValue(name: string, timeoutMs = 2000): Promise<unknown> {
    const proc = this.process;
    if (!proc || proc.exited) return undefined;
    await proc.ready;
    return (await this.ask({ type: 'readValue', name }, 'value', timeoutMs))?.value;
  }

  /**
   * Posts a question and resolves with the kernel's next answer of type `answer`, or with
   * undefined after `timeoutMs` when one is given, or when the process goes first. Every caller
   * waiting for that type gets it.
   */
  private ask<T extends Answer['type']>(question: ClientMessage, answer: T, timeoutMs?: number): Promise<Extract<Answer, { type: T }> | undefined> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(answer) ?? [];
      this.waiting.set(answer, waiters);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(undefined), timeoutMs);
      const finish = (message: Answer | undefined) => {
        clearTimeout(timer);
        const index = waiters.indexOf(finish);
        if (index >= 0) waiters.splice(index, 1);
        resolve(message as Extract<Answer, { type: T }> | undefined);
      };
      waiters.push(finish);
      this.post(question);
    });
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  private async pump(): Promise<void> {
    if (this.running || this.queue.length === 0 || this.disposed) return;
    const request = this.queue.shift()!;
    this.running = request;
    try {
      await this.ensureProcess();
    } catch (err) {
      this.finishRunning({ status: 'error', executionCount: 0, kernelDied: true, error: kernelError('KernelStartFailed', (err as Error).message) });
      return;
    }
    if (this.running !== request) return; // restarted or disposed while starting
    request.executionCount = ++this.executionCount;
    // onStart waits for the kernel's 'started': work queued in the kernel ahead of the cell
    // (data loaded ahead) is not the cell's time.
    this.options.onStateChange?.('busy');
    this.post({ type: 'execute', requestId: request.requestId, cellId: request.cellId, code: request.code, executionCount: request.executionCount });
  }

  private finishRunning(result: ExecutionResult): void {
    const request = this.running;
    if (!request) return;
    this.running = undefined;
    if (result.status === 'error') request.sink.onOutput(result.error);
    this.settle(request, result);
    // As in Jupyter, a failure cancels the cells queued behind it.
    if (result.status !== 'ok') this.cancelQueued();
    if (!this.disposed) this.options.onStateChange?.(this.process ? 'idle' : 'dead');
    void this.pump();
  }

  private settle(request: Request, result: ExecutionResult): void {
    if (request.settled) return;
    request.settled = true;
    request.resolve(result);
  }

  private ensureProcess(): Promise<void> {
    if (this.process && !this.process.exited) return this.process.ready;
    this.options.onStateChange?.('starting');
    const entry = this.options.entry ?? path.join(__dirname, 'kernel.js');
    if (!fs.existsSync(entry)) return Promise.reject(new Error(`The kernel's script is missing: ${entry}`));
    const child = fork(entry, [], {
      cwd: this.options.cwd,
      // No --enable-source-maps: cell frames are mapped by the kernel itself, and the kernel's
      // own frames are meant to stay out of users' stack traces.
      // --expose-gc: memory() reports live heap, not garbage waiting for collection.
      execArgv: [`--max-old-space-size=${this.options.maxHeapMb ?? 4096}`, '--expose-gc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', INITLAB_NOTEBOOK_DIR: this.options.cwd ?? process.cwd() },
      // stdin carries interrupt requests to the kernel's watcher thread (interruptWatcher.ts).
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const proc: Process = { child, stderrTail: '', exited: false, ready: Promise.resolve() };
    proc.ready = new Promise<void>((resolve, reject) => {
      child.once('message', (m: KernelMessage) => (m.type === 'ready' ? resolve() : reject(new Error(`unexpected first message ${m.type}`))));
      child.once('exit', (code, signal) => reject(new Error(`The kernel process exited while starting (${describeExit(code, signal, proc.stderrTail)}).`)));
    });
    proc.ready.catch(() => undefined);
    child.on('message', (m: KernelMessage) => this.onMessage(m));
    child.stdin?.on('error', () => undefined); // an interrupt written as the kernel exits
    child.stdout?.on('data', (chunk: Buffer) => this.running?.sink.onOutput({ output_type: 'stream', name: 'stdout', text: chunk.toString() }));
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      proc.stderrTail = (proc.stderrTail + text).slice(-4000);
      // V8's own out-of-memory report is for the exit message, not the cell's stream.
      if (!/heap out of memory|Reached heap limit|<--- (Last few GCs|JS stacktrace) --->/.test(text)) {
        this.running?.sink.onOutput({ output_type: 'stream', name: 'stderr', text });
      }
    });
    child.on('exit', (code, signal) => this.onExit(proc, code, signal));
    this.process = proc;
    return proc.ready.then(() => this.options.onStateChange?.('idle'));
  }

  private onMessage(message: KernelMessage): void {
    const running = this.running;
    switch (message.type) {
      case 'output':
        if (running && message.requestId === running.requestId) running.sink.onOutput(message.output, message.displayId);
        else this.options.onLateOutput?.(message.cellId, message.output);
        break;
      case 'started':
        if (running && message.requestId === running.requestId) {
          running.sink.onStart?.(running.executionCount ?? 0);
          if (this.pendingNotice) {
            running.sink.onOutput({ output_type: 'stream', name: 'stderr', text: this.pendingNotice });
            this.pendingNotice = undefined;
          }
        }
        break;
      case 'updateDisplay':
        if (running) running.sink.onUpdateDisplay?.(message.displayId, message.output);
        this.options.onDisplayUpdate?.(message.displayId, message.output);
        break;
      case 'done':
        if (running && message.requestId === running.requestId) {
          this.finishRunning(
            message.status === 'ok'
              ? { status: 'ok', executionCount: running.executionCount ?? 0 }
              : {
                  status: 'error',
                  executionCount: running.executionCount ?? 0,
                  error: message.error ?? kernelError('Error', 'unknown error'),
                  interrupted: message.interrupted,
                  kernelDied: message.kernelDied,
                },
          );
          // Its engine is broken: the next run starts a fresh kernel, and the cell's error said so.
          if (message.kernelDied) this.killProcess();
        }
        break;
      case 'startupCodeFailed':
        this.options.onStartupCodeError?.(message.error);
        break;
      case 'memory':
      case 'engineInfo':
      case 'models':
      case 'value':
        [...(this.waiting.get(message.type) ?? [])].forEach((w) => w(message));
        break;
      default:
        break;
    }
  }

  private onExit(proc: Process, code: number | null, signal: NodeJS.Signals | null): void {
    proc.exited = true;
    if (this.process !== proc) return; // an old process we already replaced
    this.process = undefined;
    this.answerWaiters();
    if (this.disposed) return;
    const reason = describeExit(code, signal, proc.stderrTail);
    if (this.running) {
      this.finishRunning({
        status: 'error',
        executionCount: this.running.executionCount ?? 0,
        kernelDied: true,
        error: kernelError('KernelDied', `The kernel process died (${reason}). Its variables are lost; the next run starts a fresh kernel.`),
      });
    } else {
      this.pendingNotice = `The previous kernel died (${reason}); this is a fresh kernel.\n`;
      this.options.onStateChange?.('dead');
    }
  }

  /** Tells an idle kernel to exit (it does on 'disconnect'), and kills it if it has not in time. */
  private stopProcessGently(): void {
    const proc = this.detachProcess();
    if (!proc) return;
    try {
      proc.child.disconnect();
    } catch {
      // the channel is already closed
    }
    const deadline = setTimeout(() => {
      if (!proc.exited) proc.child.kill('SIGKILL');
    }, DISPOSE_GRACE_MS);
    deadline.unref();
    proc.child.once('exit', () => clearTimeout(deadline));
  }

  private killProcess(): void {
    const proc = this.detachProcess();
    if (!proc) return;
    proc.exited = true;
    try {
      proc.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  /**
   * Lets go of the current process before stopping it, so its exit is not taken for a crash, and
   * answers the questions it will never answer. Undefined when there is no live process.
   */
  private detachProcess(): Process | undefined {
    const proc = this.process;
    this.process = undefined;
    if (!proc || proc.exited) return undefined;
    proc.detached = true;
    this.answerWaiters();
    return proc;
  }

  /** The process is gone: every question still waiting is answered with nothing. */
  private answerWaiters(): void {
    for (const waiters of this.waiting.values()) [...waiters].forEach((w) => w(undefined));
  }

  private post(message: ClientMessage): void {
    const child = this.process?.child;
    if (child?.connected) child.send(message);
  }
}

/** An answer, or the error of a kernel that exited before giving it. */
function answered<T>(answer: T | undefined): T {
  if (answer === undefined) throw new Error('The kernel process exited before it answered.');
  return answer;
}

function kernelError(ename: string, evalue: string): ErrorOutput {
  return { output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  if (/heap out of memory|Reached heap limit/.test(stderrTail)) return 'it ran out of memory';
  if (signal) return `signal ${signal}`;
  return `exit code ${code}`;
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
