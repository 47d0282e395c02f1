/** The lessons in the real VS Code: opened from the command and run with Run All. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab } from './helpers';
import { lessonB } from '../../../src/host/lessons/lessonB';

describe('lessons', () => {
  before(activateInitLab);

  it('open as untitled notebooks in the chosen language and run top to bottom with Run All', async () => {
    const document = (await vscode.commands.executeCommand('initlab.openLesson', 'b', 'vi')) as vscode.NotebookDocument;
    assert.equal(document.notebookType, 'initnb');
    assert.equal(document.isUntitled, true);
    assert.match(document.cellAt(0).document.getText(), /Gradient biến mất và bùng nổ/);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'initlab-typescript', extension: 'initlab.initlab' });
    await vscode.commands.executeCommand('notebook.execute', document.uri);
    const code = document.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.equal(code.length, lessonB.cells.filter((c) => c.kind === 'code').length);
    assert.deepEqual(
      code.map((c) => c.executionSummary?.success),
      code.map(() => true),
    );
  });
});
