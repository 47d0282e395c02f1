/**
 * A status bar item showing the active notebook's tensor backend and kernel state, e.g.
 * "InitLab: wasm 4.22.0 · idle". Hidden unless an InitLab notebook is in front.
 */
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from './initnbSerializer';
import type { KernelController } from './kernelController';

export function registerEngineStatusBar(controller: KernelController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('initlab.engine', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('InitLab engine');
  const engines = new WeakMap<vscode.NotebookDocument, string>();
  const states = new WeakMap<vscode.NotebookDocument, string>();

  const refresh = () => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
      item.hide();
      return;
    }
    const engine = engines.get(notebook) ?? vscode.l10n.t('not started');
    const state = states.get(notebook);
    item.text = `$(pulse) InitLab: ${engine}${state ? ` · ${state}` : ''}`;
    item.tooltip = vscode.l10n.t('The tensor backend of this notebook\'s kernel');
    item.show();
  };

  const stateListener = controller.onDidChangeState(({ notebook, state }) => {
    states.set(notebook, state);
    if (state === 'idle' && !engines.has(notebook)) {
      void controller
        .kernelFor(notebook)
        .client.engineInfo()
        .then((info) => {
          engines.set(notebook, `${String(info.backend)} ${String(info.tfjsVersion ?? '')}`.trim());
          refresh();
        });
    }
    if (state === 'dead' || state === 'starting') engines.delete(notebook);
    refresh();
  });
  return vscode.Disposable.from(item, stateListener, vscode.window.onDidChangeActiveNotebookEditor(refresh));
}
