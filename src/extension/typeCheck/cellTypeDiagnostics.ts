/**
 * TypeScript errors of `.initnb` cells where the user looks: squiggles in the cells and entries
 * in the Problems panel, one DiagnosticCollection keyed by the cells' document URIs. VS Code's
 * own TypeScript support drops semantic diagnostics of notebook cells, so without this a cell's
 * type errors show nowhere.
 *
 * Checks run in a worker thread (typeCheckWorkerClient.ts), a notebook at a time: on open, and
 * after edits once typing has paused. Runs ask errorsFor(), which answers at once when the last
 * check saw the cells' current text, and otherwise checks now instead of waiting for the pause.
 */
import * as vscode from 'vscode';
import type { CellTypeError } from '../../shared/typeCheckMessages';
import { NOTEBOOK_TYPE } from '../initnbSerializer';
import type { CheckResult, TypeCheckWorkerClient } from './typeCheckWorkerClient';

/** Typing pauses this long before a check: long enough to skip most keystrokes, short enough to feel live. */
const DEBOUNCE_MS = 300;

interface NotebookChecks {
  timer?: ReturnType<typeof setTimeout>;
  /** The check under way, which checks again before settling when `again` is set meanwhile. */
  running?: Promise<void>;
  again: boolean;
  /** The cells and versions the published errors are for (cellsKey). */
  checkedKey?: string;
  /** Why the last check has no answer (the worker died or hung), until one answers again. */
  failure?: unknown;
  errors: Map<vscode.NotebookCell, CellTypeError[]>;
  /** The cell URIs that have diagnostics in the collection, to clear those of removed cells. */
  published: vscode.Uri[];
}

export class CellTypeDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('initlab-types');
  private readonly notebooks = new Map<vscode.NotebookDocument, NotebookChecks>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: TypeCheckWorkerClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const isInitnb = (nb: vscode.NotebookDocument) => nb.notebookType === NOTEBOOK_TYPE;
    vscode.workspace.notebookDocuments.filter(isInitnb).forEach((nb) => void this.refresh(nb));
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenNotebookDocument((nb) => isInitnb(nb) && void this.refresh(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (isInitnb(e.notebook) && (e.contentChanges.length > 0 || e.cellChanges.some((c) => c.document))) this.schedule(e.notebook);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'vscode-notebook-cell' || e.contentChanges.length === 0) return;
        const notebook = vscode.workspace.notebookDocuments.find((nb) => isInitnb(nb) && nb.getCells().some((c) => c.document === e.document));
        if (notebook) this.schedule(notebook);
      }),
    );
  }

  dispose(): void {
    for (const state of this.notebooks.values()) clearTimeout(state.timer);
    this.disposables.forEach((d) => d.dispose());
  }

  /**
   * The type errors of the notebook's cells as their text is now. Answers at once when the last
   * check saw this text (the usual case: a run comes after typing has paused); otherwise checks
   * now. A user still typing in another cell as it runs ends the wait after a few rounds.
   * Rejects when the check has no answer (the worker died or hung: TypeCheckUnavailable); a run
   * bounds the wait itself (typeCheckRunWait.ts).
   */
  async errorsFor(notebook: vscode.NotebookDocument): Promise<Map<vscode.NotebookCell, CellTypeError[]>> {
    const state = this.stateOf(notebook);
    const started = Date.now();
    let rounds = 0;
    for (; rounds < 3 && state.checkedKey !== cellsKey(checkedCells(notebook)); rounds++) {
      await this.refresh(notebook, true);
      if (state.failure) throw state.failure;
    }
    // What checking adds to a run's time: nothing unless the run follows an edit closely.
    if (rounds > 0) this.log.info(`a run waited ${Date.now() - started} ms for the check of its cells' current text`);
    return state.errors;
  }

  private stateOf(notebook: vscode.NotebookDocument): NotebookChecks {
    let state = this.notebooks.get(notebook);
    if (!state) this.notebooks.set(notebook, (state = { again: false, errors: new Map(), published: [] }));
    return state;
  }

  private schedule(notebook: vscode.NotebookDocument): void {
    const state = this.stateOf(notebook);
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void this.refresh(notebook), DEBOUNCE_MS);
  }

  /**
   * Checks the notebook now; a check already under way checks again when it ends (`again`).
   * Never rejects: a check with no answer is logged and kept in `failure`, the errors shown stay.
   */
  private refresh(notebook: vscode.NotebookDocument, forRun = false): Promise<void> {
    const state = this.stateOf(notebook);
    clearTimeout(state.timer);
    state.timer = undefined;
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const run = async () => {
      do {
        state.again = false;
        const cells = checkedCells(notebook);
        const key = cellsKey(cells);
        const started = Date.now();
        let result: CheckResult;
        try {
          result = await this.client.check(notebook.uri.toString(), cells.map((c) => c.document.getText()));
        } catch (failure) {
          state.failure = failure;
          this.log.warn(`type check of ${cells.length} cells has no answer after ${Date.now() - started} ms: ${(failure as Error).message ?? failure}`);
          return;
        }
        state.failure = undefined;
        if (notebook.isClosed) return;
        this.log.info(`type check of ${cells.length} cells: ${result.ms.toFixed(0)} ms in the worker, ${Date.now() - started} ms in all${forRun ? ', before a run' : ''}`);
        this.publish(state, cells, result.cells);
        state.checkedKey = key;
      } while (state.again);
    };
    state.running = run().finally(() => (state.running = undefined));
    return state.running;
  }

  private publish(state: NotebookChecks, cells: vscode.NotebookCell[], errors: CellTypeError[][]): void {
    state.errors = new Map(cells.map((cell, i) => [cell, errors[i] ?? []]));
    for (const uri of state.published) this.collection.delete(uri);
    state.published = [];
    for (const [cell, cellErrors] of state.errors) {
      if (cellErrors.length === 0) continue;
      this.collection.set(cell.document.uri, cellErrors.map(toDiagnostic));
      state.published.push(cell.document.uri);
    }
  }

  private forget(notebook: vscode.NotebookDocument): void {
    const state = this.notebooks.get(notebook);
    if (!state) return;
    clearTimeout(state.timer);
    for (const uri of state.published) this.collection.delete(uri);
    this.notebooks.delete(notebook);
    this.client.forget(notebook.uri.toString());
  }
}

/** The cells that run: TypeScript code cells, in order. */
function checkedCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'typescript');
}

/** What a check saw: which cells, in which order, at which versions. */
function cellsKey(cells: vscode.NotebookCell[]): string {
  return cells.map((c) => `${c.document.uri.toString()}@${c.document.version}`).join('\n');
}

function toDiagnostic(error: CellTypeError): vscode.Diagnostic {
  const range = new vscode.Range(error.start.line, error.start.character, error.end.line, error.end.character);
  const diagnostic = new vscode.Diagnostic(range, error.message, error.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'InitLab';
  diagnostic.code = error.code;
  return diagnostic;
}
