/**
 * The extension's entry point. activate() only composes: each feature is a registerX() returning
 * a Disposable, defined in its own file.
 */
import type * as vscode from 'vscode';
import { registerNewNotebookCommand } from './commands/newNotebook';
import { registerInitnbSerializer } from './initnbSerializer';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(registerInitnbSerializer(), registerNewNotebookCommand());
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
