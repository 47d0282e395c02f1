/**
 * A status bar item showing the active notebook's tensor backend and kernel state, e.g.
 * "InitLab: wasm 4.22.0 · idle". Hidden unless an InitLab notebook is in front. When its kernel
 * failed out of the cells' sight (did not start, startup code threw, no engine:
 * host/kernelFailures.ts), it turns red (yellow for startup code) and its click opens the
 * InitLab log, where the controller wrote the failure.
 */
import * as vscode from 'vscode';
import type { KernelFailure } from '../host/kernelFailures';
import { SHOW_LOG_COMMAND } from './initlabLog';
import { NOTEBOOK_TYPE } from './initnbSerializer';
import { failureHeading, type KernelController } from './kernelController';

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
    const failure = controller.failureOf(notebook);
    const engine = engines.get(notebook) ?? (failure?.kind === 'engine' ? vscode.l10n.t('no engine') : vscode.l10n.t('not started'));
    const state = states.get(notebook);
    const icon = !failure ? '$(pulse)' : failure.kind === 'startupCode' ? '$(warning)' : '$(error)';
    item.text = `${icon} InitLab: ${engine}${state ? ` · ${state}` : ''}`;
    item.tooltip = failure ? failureTooltip(failure) : vscode.l10n.t('The tensor backend of this notebook\'s kernel');
    item.backgroundColor = failure ? new vscode.ThemeColor(failure.kind === 'startupCode' ? 'statusBarItem.warningBackground' : 'statusBarItem.errorBackground') : undefined;
    item.command = failure ? { command: SHOW_LOG_COMMAND, title: vscode.l10n.t('Show the InitLab log') } : undefined;
    item.show();
  };

  const stateListener = controller.onDidChangeState(({ notebook, state }) => {
    states.set(notebook, state);
    if (state === 'idle' && !engines.has(notebook)) {
      // Never rejects: a failure is reported (log, failureOf) and refreshes through onDidFail.
      void controller.engineOf(notebook).then((engine) => {
        if (engine === undefined) return;
        engines.set(notebook, engine);
        refresh();
      });
    }
    if (state === 'dead' || state === 'starting') engines.delete(notebook);
    refresh();
  });
  return vscode.Disposable.from(item, stateListener, controller.onDidFail(refresh), vscode.window.onDidChangeActiveNotebookEditor(refresh));
}

function failureTooltip(failure: KernelFailure): string {
  return `${failureHeading(failure)}\n${failure.summary}\n\n${vscode.l10n.t('Click to open the InitLab log.')}`;
}
