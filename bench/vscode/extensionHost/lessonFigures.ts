/** How long each lesson takes with Run All in VS Code, in its language other than English (npm run bench:vscode). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab } from '../../../test/vscode/extensionHost/helpers';

describe('lessons in VS Code', () => {
  before(activateInitLab);

  for (const [lesson, language] of [['a', 'th'], ['b', 'vi'], ['c', 'vi']]) {
    it(`lesson ${lesson.toUpperCase()}, Run All`, async () => {
      const document = (await vscode.commands.executeCommand('initlab.openLesson', lesson, language)) as vscode.NotebookDocument;
      await vscode.commands.executeCommand('notebook.selectKernel', { id: 'initlab-typescript', extension: 'initlab.initlab' });
      const started = Date.now();
      await vscode.commands.executeCommand('notebook.execute', document.uri);
      const seconds = (Date.now() - started) / 1000;
      const code = document.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      assert.ok(code.every((c) => c.executionSummary?.success === true), 'every cell ran');
      console.log(`initlab-mocha:     lesson ${lesson.toUpperCase()} (${language}), Run All from choosing it to its last cell: ${seconds.toFixed(1)} s`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }).timeout(300_000);
  }
});
