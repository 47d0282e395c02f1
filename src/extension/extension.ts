/**
 * The extension's entry point. activate() only composes: each feature is a registerX() returning
 * a Disposable, defined in its own file.
 */
import type * as vscode from 'vscode';
import { registerChartExport } from './chartExport';
import { registerCompareCommand } from './commands/compareInitializations';
import { registerNewNotebookCommand } from './commands/newNotebook';
import { registerOpenLessonCommand } from './commands/openLesson';
import { registerEngineStatusBar } from './engineStatusBar';
import { registerLog } from './initlabLog';
import { registerInitnbSerializer } from './initnbSerializer';
import { registerKernelController } from './kernelController';
import { registerTypeCheck } from './typeCheck/registerTypeCheck';

export function activate(context: vscode.ExtensionContext): void {
  const kernels = registerKernelController(context, registerTypeCheck(context), registerLog(context));
  context.subscriptions.push(registerInitnbSerializer(), registerNewNotebookCommand(), registerCompareCommand(kernels), registerOpenLessonCommand());
  context.subscriptions.push(registerEngineStatusBar(kernels), registerChartExport());
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
