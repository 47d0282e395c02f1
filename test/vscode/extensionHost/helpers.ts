import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'initlab.initlab';

/** Activates InitLab first, so an activation failure fails loudly instead of as "no provider". */
export async function activateInitLab(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await extension.activate();
}

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with the fixtures folder open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Closes every editor and waits until their tabs are gone, so the next open races none of them. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor(() => vscode.window.tabGroups.all.every((g) => g.tabs.length === 0), 'every editor closed');
}

/** `promise`, or an error naming `what` (and, through `state`, what was seen then) after `timeoutMs`. */
export async function settlesWithin<T>(promise: Promise<T>, what: string, timeoutMs: number, state: () => string = () => ''): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state() ? ` (${state()})` : ''}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function outputText(cell: vscode.NotebookCell, mime?: string): string {
  const decoder = new TextDecoder();
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((i) => !mime || i.mime === mime)
    .map((i) => decoder.decode(i.data))
    .join('');
}

/** Writes a notebook of TypeScript cells into the workspace and opens it in an editor. */
export async function openCodeNotebook(name: string, sources: string[]): Promise<vscode.NotebookEditor> {
  const uri = workspaceUri(name);
  const cells = sources.map((source, i) => ({ cell_type: 'code', id: `c${i}`, source, metadata: {}, outputs: [], execution_count: null }));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells })));
  const document = await vscode.workspace.openNotebookDocument(uri);
  const editor = await vscode.window.showNotebookDocument(document);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: 'initlab-typescript', extension: EXTENSION_ID });
  return editor;
}

/**
 * Runs cells [start, end). VS Code's execute command settles when the controller's execute
 * handler does, which InitLab's does only after every queued cell has ended or been cancelled.
 */
export async function runCells(editor: vscode.NotebookEditor, start: number, end: number): Promise<void> {
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start, end }], document: editor.notebook.uri });
}

/** InitLab's diagnostics of a cell (VS Code's TypeScript support adds its own syntax errors). */
export function typeErrors(cell: vscode.NotebookCell): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(cell.document.uri).filter((d) => d.source === 'InitLab');
}

/** Waits until a cell's type errors, as `line:column-line:column TScode`, are `expected`. */
export async function expectTypeErrors(cell: vscode.NotebookCell, expected: string[]): Promise<void> {
  const describe = () => typeErrors(cell).map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} TS${d.code}`);
  await waitFor(() => JSON.stringify(describe()) === JSON.stringify(expected), `type errors ${JSON.stringify(expected)} (now ${JSON.stringify(describe())})`, 60_000);
}
