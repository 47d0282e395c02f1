/** Cells' TypeScript errors in the editor (cellTypeDiagnostics.ts), checked in a worker thread. */
import * as vscode from 'vscode';
import { CellTypeDiagnostics } from './cellTypeDiagnostics';
import { TypeCheckWorkerClient } from './typeCheckWorkerClient';

export function registerTypeCheck(context: vscode.ExtensionContext): CellTypeDiagnostics {
  const log = vscode.window.createOutputChannel(vscode.l10n.t('InitLab Type Check'), { log: true });
  const client = new TypeCheckWorkerClient(context.extensionPath, (message) => log.error(message));
  const diagnostics = new CellTypeDiagnostics(client, log);
  context.subscriptions.push(log, diagnostics, { dispose: () => client.dispose() });
  return diagnostics;
}
