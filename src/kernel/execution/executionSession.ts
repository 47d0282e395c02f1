/**
 * Runs cells, one at a time, inside the kernel process: the state every cell shares, output
 * routing, the final value's display, interrupt checks and error mapping.
 *
 * Cells run in this process's own realm (vm.runInThisContext), not a separate vm context: tensors
 * and typed arrays made in a cell must pass TensorFlow.js's `instanceof Float32Array` checks,
 * which fail across realms. The process belongs to one notebook, so its globals are the
 * notebook's namespace.
 *
 * Over 300 lines because a cell's run, its outputs (which may arrive after it ends), its
 * interrupt and its errors all go through the one cell context kept here; the pieces that need
 * none of it are apart (transpileCell.ts, errorMapping.ts, formatValue.ts).
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { KernelMessage } from '../../shared/kernelProtocol';
import type { ErrorOutput, MimeBundle, NbOutput } from '../../shared/notebookFormat';
import { CellScripts, internalFileFilter, toErrorOutput } from './errorMapping';
import { formatLogArgs, formatValue } from './formatValue';
import { CellSyntaxError, RUNTIME_GLOBAL, transpileCell } from './transpileCell';

export interface ExecuteRequest {
  requestId: number;
  cellId: string;
  code: string;
  executionCount: number;
  /** Startup code: run as a cell is, its outputs dropped. */
  silent?: boolean;
}

export interface DisplayHandle {
  readonly displayId: string;
  update(value: unknown): Promise<void>;
}

/** Marks display()'s return value, which a cell's last line should not display again. */
const DISPLAY_HANDLE = Symbol('initlab.displayHandle');

interface CellContext {
  cellId: string;
  requestId: number;
  silent?: boolean;
}

/** Thrown at an `await` after the user pressed stop. */
export class InterruptedError extends Error {
  override readonly name = 'KeyboardInterrupt';
  constructor() {
    super('Interrupted by the user. Variables are kept.');
  }
}

export interface SessionOptions {
  send(message: KernelMessage): void;
  /**
   * What a cell gets from `import ... from 'initlab'`, and its globals. Its properties may be
   * getters, so that a module loads when a cell first uses it.
   */
  prelude: Record<string, unknown>;
  /** Awaited before each cell runs (the tensor engine's start-up). */
  beforeEachCell?: () => Promise<void>;
  /** Files whose stack frames are the kernel's, not the user's. */
  kernelFiles: string[];
  /** Where relative `require`s in cells resolve from (the notebook's folder). */
  cwd: string;
  /** Whether the client asked, out of band, to stop this request (process/interruptWatcher.ts). */
  isInterruptRequested?(requestId: number): boolean;
  /** Called after a cell stopped on an interrupt; `engineLost` when its state cannot be kept. */
  afterInterrupt?(): { engineLost: boolean };
}

/** The result of one cell, as the kernel reports it to the client. */
export interface SessionResult {
  status: 'ok' | 'error';
  error?: ErrorOutput;
  interrupted?: boolean;
  /** The cell was stopped where the engine cannot recover: the kernel must restart. */
  kernelDied?: boolean;
}

export class ExecutionSession {
  private readonly cellContext = new AsyncLocalStorage<CellContext>();
  private readonly scripts = new CellScripts();
  private readonly isInternal: (file: string) => boolean;
  private readonly promiseCells = new WeakMap<object, CellContext>();
  private readonly userRequire: NodeJS.Require;
  private current: CellContext | undefined;
  /** Rejections and exceptions that surfaced while their cell still ran: they fail it. */
  private pendingFailure: ErrorOutput | undefined;
  private interrupted = false;
  private displayCounter = 0;
  /** Every name a cell declared at the top level: the notebook's variables. */
  private readonly declared = new Set<string>();

  constructor(private readonly options: SessionOptions) {
    this.isInternal = internalFileFilter(options.kernelFiles);
    this.userRequire = createRequire(path.join(options.cwd, '__initlab_cell__.js'));
    this.trackPromises();
    this.installConsole();
    this.installGlobals();
    this.installProcessHandlers();
  }

  /**
   * Routes unhandled rejections and uncaught exceptions to the cell that caused them. Called
   * again after the tensor engine starts: the WASM backend's Emscripten runtime installs handlers
   * that end the process on any unhandled rejection, and those must go.
   */
  installProcessHandlers(): void {
    process.removeAllListeners('unhandledRejection');
    process.removeAllListeners('uncaughtException');
    process.on('unhandledRejection', (reason, promise) => this.reportAsync(reason, this.promiseCells.get(promise)));
    process.on('uncaughtException', (err) => this.reportAsync(err, this.cellContext.getStore()));
  }

  /**
   * Marks the running cell as interrupted: its next `await` throws. An interrupt that arrives
   * before the cell has begun (while the engine starts) stops it before its first line.
   */
  interrupt(): void {
    this.interrupted = true;
  }

  /** The notebook's variables with their current values, in the order cells declared them. */
  variables(): [string, unknown][] {
    const g = globalThis as Record<string, unknown>;
    return [...this.declared].map((name) => [name, g[name]]);
  }

  /** Throws KeyboardInterrupt when the running cell was asked to stop: at awaits and between tensor ops. */
  throwIfInterrupted(): void {
    const running = this.current;
    if (this.interrupted || (running && this.options.isInterruptRequested?.(running.requestId))) throw new InterruptedError();
  }

  async execute(request: ExecuteRequest): Promise<SessionResult> {
    const context: CellContext = { cellId: request.cellId, requestId: request.requestId, silent: request.silent };
    this.current = context;
    this.pendingFailure = undefined;
    try {
      await this.options.beforeEachCell?.();
      this.throwIfInterrupted();
      const value = await this.cellContext.run(context, () => this.run(request, context));
      // A stop pressed while the cell ran ends it as stopped even if no later op or await saw it:
      // a training loop that took the stop between its steps returns normally (toolkit/watch).
      this.throwIfInterrupted();
      // Let rejections the cell left unhandled surface while the cell still counts as running.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.pendingFailure) return { status: 'error', error: this.pendingFailure };
      if (value !== undefined && !isDisplayHandle(value)) await this.emitValue(context, value);
      return { status: 'ok' };
    } catch (thrown) {
      const interrupted = thrown instanceof InterruptedError || isSigintInterrupt(thrown);
      if (interrupted && this.options.afterInterrupt?.().engineLost) {
        const message =
          'The cell was stopped in the middle of a multi-threaded tensor operation, which leaves the tensor engine unusable, so the kernel restarts. Its variables are lost; run the cells you need again.';
        return { status: 'error', error: { output_type: 'error', ename: 'KernelRestarted', evalue: message, traceback: [`KernelRestarted: ${message}`] }, interrupted, kernelDied: true };
      }
      const error = interrupted ? toErrorOutput(new InterruptedError(), this.scripts, this.isInternal) : this.describe(thrown);
      if (interrupted) error.traceback = [error.traceback[0]];
      return { status: 'error', error, interrupted };
    } finally {
      this.current = undefined;
      this.interrupted = false;
    }
  }

  private async run(request: ExecuteRequest, _context: CellContext): Promise<unknown> {
    const fileName = `__initlab_cell_${request.executionCount}_${request.requestId}__.js`;
    const transpiled = transpileCell(request.code, `cell-${request.executionCount}.ts`);
    transpiled.declaredNames.forEach((name) => this.declared.add(name));
    this.scripts.add({
      fileName,
      label: `Cell [${request.executionCount}]`,
      sourceMap: new SourceMap(JSON.parse(transpiled.sourceMap)),
      headerLength: transpiled.headerLength,
      lastBodyLine: transpiled.lastBodyLine,
    });
    (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = this.runtime();
    // breakOnSigint: a synchronous loop is stopped by SIGINT, and the kernel's state survives.
    const promise = vm.runInThisContext(transpiled.code, { filename: fileName, breakOnSigint: true }) as Promise<unknown>;
    return await promise;
  }

  /** The helper object a transpiled cell calls (see hoistTransformer.ts). */
  private runtime() {
    return {
      require: (id: string) => this.requireForCell(id),
      importDefault: (mod: unknown) =>
        mod !== null && typeof mod === 'object' && (mod as { __esModule?: boolean }).__esModule && 'default' in (mod as object) ? (mod as { default: unknown }).default : mod,
      publish: (name: string, value: unknown) => {
        (globalThis as Record<string, unknown>)[name] = value;
      },
      guard: <T>(value: T): T => {
        this.throwIfInterrupted();
        return value;
      },
    };
  }

  private requireForCell(id: string): unknown {
    if (id === 'initlab') return this.prelude();
    return this.userRequire(id);
  }

  private prelude(): Record<string, unknown> {
    return this.options.prelude;
  }

  /** The names every cell has without imports, including display(). */
  private installGlobals(): void {
    const g = globalThis as Record<string, unknown>;
    g.display = (value: unknown, options?: { id?: string }) => this.display(value, options);
    g.require = (id: string) => this.requireForCell(id);
    // Prelude names are defined lazily, so a cell that never touches tf never waits for it.
    for (const name of Object.keys(this.options.prelude)) {
      Object.defineProperty(g, name, {
        configurable: true,
        enumerable: false,
        get: () => this.prelude()[name],
        set(value) {
          Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: true });
        },
      });
    }
  }

  display(value: unknown, options: { id?: string } = {}): DisplayHandle & { [DISPLAY_HANDLE]: true } {
    const context = this.cellContext.getStore() ?? this.current;
    const displayId = options.id ?? `display-${process.pid}-${++this.displayCounter}`;
    const ready = formatValue(value).then(
      (data) => this.emit(context, { output_type: 'display_data', data, metadata: {} }, displayId),
      (err) => this.emit(context, this.describe(err)),
    );
    return {
      [DISPLAY_HANDLE]: true,
      displayId,
      update: async (next: unknown) => {
        await ready;
        const data = await formatValue(next);
        this.options.send({ type: 'updateDisplay', displayId, output: { output_type: 'display_data', data, metadata: {} } });
      },
    };
  }

  private async emitValue(context: CellContext, value: unknown): Promise<void> {
    let data: MimeBundle;
    try {
      data = await formatValue(value, { asResult: true });
    } catch (err) {
      this.emit(context, this.describe(err));
      return;
    }
    this.emit(context, { output_type: 'execute_result', data, metadata: {}, execution_count: null });
  }

  private emit(context: CellContext | undefined, output: NbOutput, displayId?: string): void {
    if (!context || context.silent) return;
    this.options.send({ type: 'output', cellId: context.cellId, requestId: context.requestId, output, ...(displayId ? { displayId } : {}) });
  }

  private describe(thrown: unknown): ErrorOutput {
    if (thrown instanceof CellSyntaxError) {
      return { output_type: 'error', ename: 'SyntaxError', evalue: thrown.message, traceback: [`SyntaxError: ${thrown.message}`] };
    }
    return toErrorOutput(thrown, this.scripts, this.isInternal);
  }

  /** An error that escaped a cell's control flow (an unhandled rejection, a throwing timer). */
  private reportAsync(reason: unknown, context: CellContext | undefined): void {
    const error = this.describe(reason);
    const owner = context ?? this.current;
    if (owner && this.current && owner.requestId === this.current.requestId) {
      // Still running: fail the cell once it settles.
      this.pendingFailure ??= error;
      return;
    }
    // The cell already finished: its output area gets the error, as in Jupyter.
    error.evalue = `${error.evalue} (after the cell finished)`;
    this.emit(owner, error);
  }

  private trackPromises(): void {
    createHook({
      init: (_id, type, _trigger, resource) => {
        if (type !== 'PROMISE') return;
        const context = this.cellContext.getStore();
        if (context) this.promiseCells.set(resource as object, context);
      },
    }).enable();
  }

  /** console.* stream into the running cell: log/info/debug to stdout, warn/error to stderr. */
  private installConsole(): void {
    const write = (name: 'stdout' | 'stderr') =>
      (...args: unknown[]) => {
        const context = this.cellContext.getStore() ?? this.current;
        // Objects read as display() shows them: no minified class name from the bundle (formatValue.ts).
        const text = formatLogArgs(args) + '\n';
        if (!context) {
          (name === 'stdout' ? process.stdout : process.stderr).write(text);
          return;
        }
        this.emit(context, { output_type: 'stream', name, text });
      };
    const stdout = write('stdout');
    const stderr = write('stderr');
    Object.assign(console, { log: stdout, info: stdout, debug: stdout, warn: stderr, error: stderr, trace: stderr });
  }
}

function isDisplayHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && DISPLAY_HANDLE in value;
}

function isSigintInterrupt(thrown: unknown): boolean {
  return thrown instanceof Error && /Script execution was interrupted by `SIGINT`/.test(thrown.message);
}
