/** In an untrusted workspace, notebooks open with their outputs, but no cell runs. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, expectTypeErrors, openCodeNotebook, outputText, runCells, workspaceUri } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

describe('an untrusted workspace', () => {
  before(activateInitLab);

  it('is untrusted in this run', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still opens notebooks and shows their saved outputs', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceUri('golden', 'jupyter-written.saved.initnb'));
    assert.equal(outputText(notebook.cellAt(1), MimeTypes.stdout), 'std 0.0505\n');
  });

  it('runs no cell', async () => {
    const marker = workspaceUri('ran.txt');
    const editor = await openCodeNotebook('untrusted.initnb', [`require('fs').writeFileSync(${JSON.stringify(marker.fsPath)}, 'ran')`]);
    // VS Code asks the user to trust the workspace before any kernel runs; unanswered, nothing
    // runs. (InitLab's controller refuses untrusted executions too, in case one reaches it.)
    void runCells(editor, 0, 1);
    await new Promise((r) => setTimeout(r, 4000));
    await assert.rejects(async () => vscode.workspace.fs.stat(marker), 'the cell did not run');
    assert.equal(editor.notebook.cellAt(0).executionSummary?.executionOrder, undefined);
  });

  it('shows cells’ type errors all the same: checking runs nothing', async () => {
    const editor = await openCodeNotebook('untrusted-types.initnb', ["const n: number = 'x';"]);
    await expectTypeErrors(editor.notebook.cellAt(0), ['0:6-0:7 TS2322']);
  });
});
