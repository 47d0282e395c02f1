/** "InitLab: New Notebook": an untitled `.initnb` with a first markdown and code cell. */
import * as vscode from 'vscode';
import { openUntitledNotebook } from '../initnbSerializer';

export function registerNewNotebookCommand(): vscode.Disposable {
  return vscode.commands.registerCommand('initlab.newNotebook', async () => {
    const data = new vscode.NotebookData([
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, vscode.l10n.t('# Weight initialization experiments'), 'markdown'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'const w = init.kaimingNormal([784, 100]);\nw.std()', 'typescript'),
    ]);
    const document = await openUntitledNotebook(data);
    await vscode.window.showNotebookDocument(document);
  });
}
