/**
 * The "InitLab TypeScript" notebook controller: runs `.initnb` cells in a kernel process per
 * notebook (src/host/kernelClient.ts) and turns its outputs into VS Code outputs.
 *
 * Interrupt: the controller sets `interruptHandler`, so the stop button calls it and the
 * execution's cancellation token never fires; the handler is the one path (docs/style.md,
 * "Behaviour worth keeping").
 *
 * Over 300 lines because every way a cell's execution starts and ends (run, cancelled, refused
 * for type errors or an untrusted workspace, late output) stays in the one class that owns the
 * NotebookController: VS Code's executions must each be created, started and ended exactly once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NotebookModel } from '../shared/kernelProtocol';
import type { CellTypeError } from '../shared/typeCheckMessages';
import { KernelClient, type ExecutionResult, type KernelState } from '../host/kernelClient';
import { failureAfter, failureFromError, readEngineInfo, startupCodeFailure, type KernelFailure } from '../host/kernelFailures';
import { OutputAccumulator, type OutputChange } from '../host/outputAccumulator';
import { NOTEBOOK_TYPE } from './initnbSerializer';
import { applyOutputChange } from './outputProjection';
import { SpareKernel } from './spareKernel';
import type { CellTypeDiagnostics } from './typeCheck/cellTypeDiagnostics';
import { checkForRun, RUN_TYPE_CHECK_WAIT_MS } from './typeCheck/typeCheckRunWait';
import { runBlockingErrors, typeCheckMode, typeErrorRefusal, typeErrorWarning, uncheckedRunNote } from './typeCheck/typeCheckRuns';

export const CONTROLLER_ID = 'initlab-typescript';

interface NotebookKernel {
  client: KernelClient;
  /** The notebook's outputs as the kernel sent them: streams merged, display ids indexed, late outputs routed. */
  outputs: OutputAccumulator;
  /** What VS Code shows of them, output for output, by cell key. */
  shown: Map<string, vscode.NotebookCellOutput[]>;
  /** The execution currently writing to a cell, by cell key. */
  active: Map<string, vscode.NotebookCellExecution>;
  /** Cells queued to run, not started yet: their outputs are about to be cleared. */
  queued: Set<string>;
  /** What went wrong out of the cells' sight (kernelFailures.ts), until a new process starts. */
  failure?: KernelFailure;
  /** The notebook whose kernel this is; none yet for the spare. */
  owner(): vscode.NotebookDocument | undefined;
}

export class KernelController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<vscode.NotebookDocument, NotebookKernel>();
  /** The notebooks this controller is selected for: only these may run cells with it. */
  private readonly selected = new Set<vscode.NotebookDocument>();
  /** A kernel started before its notebook existed (startSpare). */
  private readonly spare = new SpareKernel<NotebookKernel>({
    create: (owner, onState) => this.createKernel(undefined, owner, onState),
    announce: (notebook, state) => this.onDidChangeStateEmitter.fire({ notebook, state }),
    startFailed: (kernel, error) => this.reportFailure(kernel, failureFromError('start', error)),
  });
  /** Cells InitLab wrote (markGenerated), by URI, with the version it wrote. */
  private readonly generated = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDidChangeStateEmitter = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; state: string }>();
  readonly onDidChangeState = this.onDidChangeStateEmitter.event;
  private readonly onDidFailEmitter = new vscode.EventEmitter<{ notebook: vscode.NotebookDocument; failure: KernelFailure }>();
  /** A notebook's kernel failed out of its cells' sight (failureOf() says how); also written to the log. */
  readonly onDidFail = this.onDidFailEmitter.event;

  constructor(
    private readonly extensionPath: string,
    private readonly typeErrors: CellTypeDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, vscode.l10n.t('InitLab TypeScript'));
    this.controller.supportedLanguages = ['typescript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = vscode.l10n.t('TensorFlow.js in a separate process');
    this.controller.executeHandler = (cells, notebook) => this.executeCells(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    // The only kernel for .initnb: preferred, so it is selected without asking.
    const prefer = (nb: vscode.NotebookDocument) => {
      if (nb.notebookType === NOTEBOOK_TYPE) this.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
    };
    vscode.workspace.notebookDocuments.forEach(prefer);
    this.disposables.push(
      vscode.workspace.onDidOpenNotebookDocument(prefer),
      this.controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => (selected ? this.selected.add(notebook) : this.selected.delete(notebook))),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.shutdown(nb)),
      this.controller,
      this.onDidChangeStateEmitter,
      this.onDidFailEmitter,
    );
  }

  dispose(): void {
    for (const nb of [...this.kernels.keys()]) this.shutdown(nb);
    this.spare.dispose();
    this.disposables.forEach((d) => d.dispose());
  }

  /**
   * Whether VS Code has selected this controller for the notebook. As the only (and preferred)
   * controller for .initnb it usually is as soon as the notebook's editor opens; asking to
   * select it again then costs a few hundred milliseconds for nothing.
   */
  isSelectedFor(notebook: vscode.NotebookDocument): boolean {
    return this.selected.has(notebook);
  }

  /** Restart Kernel: variables cleared, execution order back to 1. */
  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    const kernel = this.kernels.get(notebook);
    if (!kernel) return;
    // The old process's display handles are gone with it.
    kernel.outputs = new OutputAccumulator();
    await kernel.client.restart();
  }

  async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const kernel = this.kernels.get(notebook);
    if (!kernel) return;
    const outcome = await kernel.client.interrupt();
    if (outcome === 'restarted') {
      void vscode.window.showWarningMessage(vscode.l10n.t('The cell did not stop in time, so InitLab restarted the kernel. Its variables are lost.'));
    }
  }

  /**
   * Marks cells InitLab wrote itself (a comparison's): while their text is as written, running
   * them does not wait for the type check, whose first pass on a new notebook takes about 2 s
   * (npm run bench:cell-types) and would sit on Compare's path to its verdict. Their types are
   * checked by a unit test (test/unit/typeCheck); the editor still checks them as it does any cell.
   */
  markGenerated(cells: readonly vscode.NotebookCell[]): void {
    for (const cell of cells) this.generated.set(cell.document.uri.toString(), cell.document.version);
  }

  private isGenerated(cell: vscode.NotebookCell): boolean {
    return this.generated.get(cell.document.uri.toString()) === cell.document.version;
  }

  /**
   * Starts a notebook's kernel ahead of its first cell (a comparison starts it while its notebook
   * opens), or hands it the spare kernel when one is waiting and the notebook is untitled, as
   * the spare's working folder is no notebook's. Nothing starts in an untrusted workspace, where
   * no cell runs anyway.
   */
  prestart(notebook: vscode.NotebookDocument): void {
    if (!vscode.workspace.isTrusted) return;
    const canTakeSpare = !this.kernels.has(notebook) && notebook.uri.scheme !== 'file';
    if (canTakeSpare && this.spare.take(notebook, (kernel) => this.kernels.set(notebook, kernel))) return;
    const kernel = this.kernelFor(notebook);
    kernel.client.start().catch((error: unknown) => this.reportFailure(kernel, failureFromError('start', error)));
  }

  /** What went wrong with a notebook's kernel out of its cells' sight, while it still holds (kernelFailures.ts). */
  failureOf(notebook: vscode.NotebookDocument): KernelFailure | undefined {
    return this.kernels.get(notebook)?.failure;
  }

  /**
   * The engine of a notebook's kernel as the status bar shows it ("wasm 4.22.0"), once its
   * engine is up. Undefined when it has none (a failure, reported) or when the process it asked
   * is gone before answering (a restart, a closed notebook; a crash shows as the kernel's state).
   */
  async engineOf(notebook: vscode.NotebookDocument): Promise<string | undefined> {
    const kernel = this.kernelFor(notebook);
    const asked = kernel.client.pid;
    let info: Record<string, unknown>;
    try {
      info = await kernel.client.engineInfo();
    } catch (error) {
      if (this.kernels.get(notebook) === kernel && kernel.client.pid === asked) this.reportFailure(kernel, failureFromError('engine', error));
      return undefined;
    }
    const report = readEngineInfo(info);
    if ('failure' in report) {
      this.reportFailure(kernel, report.failure);
      return undefined;
    }
    for (const warning of report.warnings) this.log.warn(warning);
    return report.label;
  }

  /** Writes a kernel's failure to the log, and tells its notebook's status bar when it has a notebook (else the one that takes it reads it). */
  private reportFailure(kernel: NotebookKernel, failure: KernelFailure): void {
    kernel.failure = failure;
    this.log.error(`${failureHeading(failure)}\n${failure.detail}`);
    const notebook = kernel.owner();
    if (notebook) this.onDidFailEmitter.fire({ notebook, failure });
  }

  /**
   * Starts a kernel for a notebook that does not exist yet: Compare initializations starts one
   * as it asks its questions, so the process and engine are ready when its notebook opens. The
   * next untitled notebook prestart() is called for takes it; disposing the result stops it if
   * none did, and so does `idleMs` passing first. Undefined when one waits already (or the
   * workspace is untrusted, where no cell runs).
   */
  startSpare(idleMs?: number): vscode.Disposable | undefined {
    return this.spare.start(idleMs);
  }

  /** Has the spare kernel run `code` before its notebook's first cell (startup code). Nothing without a spare. */
  runStartupCodeOnSpare(code: string, options?: { ifIdle?: boolean }): void {
    this.spare.runStartupCode(code, options);
  }

  /** The models a notebook's kernel holds in its variables; none when it has no kernel yet. */
  async describeModels(notebook: vscode.NotebookDocument): Promise<NotebookModel[]> {
    return (await this.kernels.get(notebook)?.client.describeModels()) ?? [];
  }

  /** A variable of a notebook's kernel as plain data; undefined without a kernel or such a variable. */
  async readValue(notebook: vscode.NotebookDocument, name: string): Promise<unknown> {
    return await this.kernels.get(notebook)?.client.readValue(name);
  }

  /** The kernel for a notebook, started on first use. */
  kernelFor(notebook: vscode.NotebookDocument): NotebookKernel {
    let kernel = this.kernels.get(notebook);
    if (!kernel) {
      const cwd = notebook.uri.scheme === 'file' ? path.dirname(notebook.uri.fsPath) : undefined;
      kernel = this.createKernel(cwd, () => notebook);
      this.kernels.set(notebook, kernel);
    }
    return kernel;
  }

  /** A kernel whose outputs and states go to whatever notebook `owner` names at the time. */
  private createKernel(cwd: string | undefined, owner: () => vscode.NotebookDocument | undefined, onState?: (state: KernelState) => void): NotebookKernel {
    const project = (change: OutputChange | undefined) => {
      const notebook = owner();
      if (notebook && change) this.project(notebook, kernel, change);
    };
    const client = new KernelClient({
      entry: path.join(this.extensionPath, 'dist', 'kernel.js'),
      cwd,
      // After its cell ended: a timer's log, a rejection nobody awaited.
      onLateOutput: (cellId, output) => project(kernel.outputs.add(cellId, output)),
      // From a running cell or a finished one (a background loop updating its chart).
      onDisplayUpdate: (displayId, output) => project(kernel.outputs.update(displayId, output)),
      onStartupCodeError: (error) => this.reportFailure(kernel, startupCodeFailure(error)),
      onStateChange: (state) => {
        kernel.failure = failureAfter(kernel.failure, state);
        onState?.(state);
        const notebook = owner();
        if (notebook) this.onDidChangeStateEmitter.fire({ notebook, state });
      },
    });
    const kernel: NotebookKernel = { client, outputs: new OutputAccumulator(), shown: new Map(), active: new Map(), queued: new Set(), owner };
    return kernel;
  }

  /**
   * Shows one output change in its cell: through the cell's running execution, or for a cell
   * that has finished, through a short execution that keeps its order number, its times and
   * its success (a passed cell stays green when a timer logs after it).
   */
  private project(notebook: vscode.NotebookDocument, kernel: NotebookKernel, change: OutputChange): void {
    const shown = kernel.shown.get(change.cellId) ?? [];
    kernel.shown.set(change.cellId, shown);
    const running = kernel.active.get(change.cellId);
    if (running) return applyOutputChange(running, shown, change);
    const cell = notebook.getCells().find((c) => cellKey(c) === change.cellId);
    if (!cell || kernel.queued.has(change.cellId)) return;
    const summary = cell.executionSummary;
    const execution = this.controller.createNotebookCellExecution(cell);
    execution.executionOrder = summary?.executionOrder;
    execution.start(summary?.timing?.startTime ?? Date.now());
    applyOutputChange(execution, shown, change);
    execution.end(summary?.success, summary?.timing?.endTime ?? Date.now());
  }

  private shutdown(notebook: vscode.NotebookDocument): void {
    this.selected.delete(notebook);
    this.kernels.get(notebook)?.client.dispose();
    this.kernels.delete(notebook);
    for (const cell of notebook.getCells()) this.generated.delete(cell.document.uri.toString());
  }

  private async executeCells(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.refuseUntrusted(cells);
      return;
    }
    const kernel = this.kernelFor(notebook);
    // The errors the editor shows for the cells' current text: known already unless the run
    // follows an edit within the check's debounce (typeCheck/cellTypeDiagnostics.ts).
    // A check that does not answer within a few seconds (a hung or dead worker), or by the time
    // the kernel has started, does not hold the run: the cells run unchecked, and the user is
    // told (typeCheckRunWait.ts).
    const mode = typeCheckMode(notebook);
    const check =
      mode === 'off' || cells.every((c) => this.isGenerated(c)) ? undefined : await checkForRun(() => this.typeErrors.errorsFor(notebook), RUN_TYPE_CHECK_WAIT_MS, kernel.client.start());
    const errors = check?.status === 'checked' ? check.errors : new Map<vscode.NotebookCell, CellTypeError[]>();
    // A check that failed (its worker died) is worth a line in the cell's output; one that is
    // only slow (a new worker's first check, in a fresh window under load) is said in the status
    // bar, so no notebook's saved outputs keep a line about the editor's start-up.
    const unchecked = check && uncheckedRunNote(check);
    if (unchecked && check?.status === 'timeout') vscode.window.setStatusBarMessage(unchecked.trim(), 15_000);
    const note = check?.status === 'failed' ? unchecked : undefined;
    const blocking = (cell: vscode.NotebookCell) => runBlockingErrors(errors.get(cell));
    const refused = mode === 'error' ? cells.findIndex((cell) => blocking(cell).length > 0) : -1;
    const runnable = refused < 0 ? cells : cells.slice(0, refused);
    const warning = (cell: vscode.NotebookCell, index: number) => {
      const typeErrors = mode === 'warn' ? blocking(cell) : [];
      return typeErrors.length > 0 ? typeErrorWarning(typeErrors) : index === 0 ? note : undefined;
    };
    // Queue them all at once: the client runs them in order and cancels the rest on failure.
    const ran = await Promise.all(runnable.map((cell, index) => this.executeCell(kernel, cell, warning(cell, index))));
    if (refused < 0) return;
    // `error`: the first cell with type errors fails with them once the cells before it have
    // run, and the cells behind it are cancelled, as behind any failing cell.
    if (ran.every(Boolean)) this.refuseTypeErrors(cells[refused], blocking(cells[refused]));
    else this.cancel([cells[refused]]);
    this.cancel(cells.slice(refused + 1));
  }

  /** Runs a cell; prints `warning` (its type errors, or why it ran unchecked) above its output. Whether it succeeded. */
  private async executeCell(kernel: NotebookKernel, cell: vscode.NotebookCell, warning: string | undefined): Promise<boolean> {
    const key = cellKey(cell);
    const execution = this.controller.createNotebookCellExecution(cell);
    kernel.queued.add(key);
    // VS Code refuses outputs and an end before start(). A cell interrupted while its kernel
    // was still starting gets its error without onStart ever running: it starts unnumbered then.
    let started = false;
    const ensureStarted = () => {
      if (started) return;
      started = true;
      execution.start(Date.now());
    };
    const show = (change: OutputChange) => applyOutputChange(execution, kernel.shown.get(key)!, change);
    const begin = () => {
      kernel.queued.delete(key);
      kernel.outputs.reset(key);
      kernel.shown.set(key, []);
      kernel.active.set(key, execution);
    };
    let result: ExecutionResult;
    try {
      result = await kernel.client.execute(key, cell.document.getText(), {
        onStart: (count) => {
          execution.executionOrder = count;
          ensureStarted();
          void execution.clearOutput();
          begin();
          if (warning) show(kernel.outputs.add(key, { output_type: 'stream', name: 'stderr', text: warning }));
        },
        onOutput: (output, displayId) => {
          ensureStarted();
          if (!kernel.active.has(key)) begin();
          show(kernel.outputs.add(key, output, displayId));
        },
      });
    } finally {
      kernel.queued.delete(key);
      kernel.active.delete(key);
    }
    if (result.status === 'cancelled') {
      // Never started: no execution order, no time (as Jupyter's cancelled cells).
      if (!started) execution.start();
      execution.end(undefined);
      return false;
    }
    ensureStarted();
    execution.end(result.status === 'ok', Date.now());
    return result.status === 'ok';
  }

  private refuseTypeErrors(cell: vscode.NotebookCell, errors: CellTypeError[]): void {
    const execution = this.controller.createNotebookCellExecution(cell);
    execution.start(Date.now());
    void execution.replaceOutput(typeErrorRefusal(errors));
    execution.end(false, Date.now());
  }

  /** Cells that will not run: no execution order, no time, outputs kept (as Jupyter's cancelled cells). */
  private cancel(cells: vscode.NotebookCell[]): void {
    for (const cell of cells) {
      const execution = this.controller.createNotebookCellExecution(cell);
      execution.start();
      execution.end(undefined);
    }
  }

  private refuseUntrusted(cells: vscode.NotebookCell[]): void {
    const message = vscode.l10n.t('This workspace is not trusted, so InitLab runs no code in it. Trust the workspace to run cells.');
    for (const cell of cells) {
      const execution = this.controller.createNotebookCellExecution(cell);
      execution.start(Date.now());
      void execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'UntrustedWorkspace', message })], { outputType: 'error' }));
      execution.end(false, Date.now());
    }
    void vscode.window.showWarningMessage(message);
  }
}

/** The log's first line for a failure, in the user's language. */
export function failureHeading(failure: KernelFailure): string {
  switch (failure.kind) {
    case 'start':
      return vscode.l10n.t('The kernel did not start.');
    case 'startupCode':
      return vscode.l10n.t('The kernel\'s startup code failed; the cells that need what it prepares will say so when they run.');
    case 'engine':
      return vscode.l10n.t('The tensor engine did not start.');
  }
}

/** A cell's identity for the kernel: stable while the notebook is open. */
function cellKey(cell: vscode.NotebookCell): string {
  return `${cell.notebook.uri.toString()}#${cell.document.uri.fragment}`;
}

export function registerKernelController(context: vscode.ExtensionContext, typeErrors: CellTypeDiagnostics, log: vscode.LogOutputChannel): KernelController {
  const controller = new KernelController(context.extensionPath, typeErrors, log);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand('initlab.restartKernel', async (arg?: { notebookEditor?: { notebookUri: vscode.Uri } } | vscode.Uri) => {
      const notebook = resolveNotebook(arg);
      if (!notebook) return;
      await controller.restart(notebook);
      void vscode.window.showInformationMessage(vscode.l10n.t('InitLab kernel restarted: variables cleared.'));
    }),
  );
  return controller;
}

/** Toolbar commands get `{ notebookEditor }` or a URI; the palette gets nothing. */
function resolveNotebook(arg: unknown): vscode.NotebookDocument | undefined {
  const uri =
    arg instanceof vscode.Uri ? arg : (arg as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri;
  if (uri) return vscode.workspace.notebookDocuments.find((nb) => nb.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}
