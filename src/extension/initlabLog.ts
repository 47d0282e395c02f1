/**
 * The "InitLab" output channel, a log: what goes wrong out of every cell's sight (a kernel that
 * does not start, startup code that throws, an engine without a backend: host/kernelFailures.ts).
 * The status bar says when it happened, and its click opens this log (SHOW_LOG_COMMAND, which
 * is registered but not in the command palette).
 */
import * as vscode from 'vscode';

export const SHOW_LOG_COMMAND = 'initlab.showLog';

export function registerLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = vscode.window.createOutputChannel('InitLab', { log: true });
  context.subscriptions.push(log, vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => log.show(true)));
  return log;
}
