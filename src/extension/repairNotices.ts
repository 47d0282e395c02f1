/**
 * Tells the user, naming the file, what the reader repaired as a notebook opened.
 *
 * deserializeNotebook gets the file's bytes but not its name, so each repair waits here until a
 * notebook document carrying the repaired cells' ids appears: on opening, or on a reload after
 * the file changed on disk. Those ids are fresh random ones, so a match names the right file.
 */
import * as vscode from 'vscode';
import { describeRepairs, type NotebookRepair } from '../format/initnbFormat';
import type { Notebook } from '../shared/notebookFormat';

interface Pending {
  ids: ReadonlySet<string>;
  details: string[];
  expires: number;
}

/** A repair whose document never appears (an open that failed later) is dropped after this. */
const PENDING_MS = 60_000;

export class RepairNotices implements vscode.Disposable {
  private pending: Pending[] = [];
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly notebookType: string) {
    this.listeners = [
      vscode.workspace.onDidOpenNotebookDocument((doc) => this.announce(doc)),
      vscode.workspace.onDidChangeNotebookDocument((e) => this.announce(e.notebook)),
    ];
  }

  /** Called by deserializeNotebook with the notebook as repaired. */
  expect(notebook: Notebook, repairs: readonly NotebookRepair[]): void {
    const ids = new Set(repairs.map((r) => notebook.cells[r.cell].id).filter((id) => id !== undefined));
    this.pending.push({ ids, details: describeRepairs(repairs), expires: Date.now() + PENDING_MS });
  }

  private announce(doc: vscode.NotebookDocument): void {
    if (this.pending.length === 0 || doc.notebookType !== this.notebookType) return;
    this.pending = this.pending.filter((p) => p.expires > Date.now());
    const docIds = new Set(doc.getCells().map((c) => (c.metadata as { id?: unknown }).id));
    const found = this.pending.find((p) => [...p.ids].some((id) => docIds.has(id)));
    if (!found) return;
    this.pending = this.pending.filter((p) => p !== found);
    const fileName = vscode.workspace.asRelativePath(doc.uri, false);
    void vscode.window.showWarningMessage(
      vscode.l10n.t('{0}: InitLab repaired cell ids that nbformat 4.5 does not allow; saving writes the repaired ids. {1}', fileName, found.details.join('; ')),
    );
  }

  dispose(): void {
    for (const listener of this.listeners) listener.dispose();
  }
}
