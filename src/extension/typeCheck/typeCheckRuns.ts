/**
 * What a run does with a cell's type errors, by the setting `initlab.typeCheck`:
 * `warn` runs the cell and prints its errors above its output, `error` refuses to run it (as
 * tslab does), `off` does neither. The editor shows the errors in every mode. A check that does
 * not answer in time runs the cell unchecked, with a note (uncheckedRunNote), in every mode.
 */
import * as vscode from 'vscode';
import type { CellTypeError } from '../../shared/typeCheckMessages';
import type { RunCheck } from './typeCheckRunWait';

export type TypeCheckMode = 'warn' | 'error' | 'off';

export function typeCheckMode(notebook: vscode.NotebookDocument): TypeCheckMode {
  const value = vscode.workspace.getConfiguration('initlab', notebook.uri).get<string>('typeCheck');
  return value === 'error' || value === 'off' ? value : 'warn';
}

/** Only errors stop a run or print: warnings (deprecations) stay in the editor. */
export function runBlockingErrors(errors: readonly CellTypeError[] | undefined): CellTypeError[] {
  return errors?.filter((e) => e.severity === 'error') ?? [];
}

/** `1:19 - Type 'string' is not assignable to type 'number'. (TS2322)`, a line per error, as tslab prints them. */
export function formatTypeErrors(errors: readonly CellTypeError[]): string {
  return errors.map((e) => `${e.start.line + 1}:${e.start.character + 1} - ${e.message} (TS${e.code})`).join('\n');
}

/** The stderr text `warn` prints above the cell's output. */
export function typeErrorWarning(errors: readonly CellTypeError[]): string {
  return `${vscode.l10n.t('Type errors (the cell ran anyway; the setting initlab.typeCheck decides):')}\n${formatTypeErrors(errors)}\n`;
}

/** The error output of a cell `error` refused to run. */
export function typeErrorRefusal(errors: readonly CellTypeError[]): vscode.NotebookCellOutput {
  const message = `${vscode.l10n.t('The cell did not run: it has type errors (the setting initlab.typeCheck decides).')}\n${formatTypeErrors(errors)}`;
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'TypeScript', message })], { outputType: 'error' });
}

/**
 * The stderr note above the output of a run's first cell when its cells ran without their type
 * check: the check did not answer within RUN_TYPE_CHECK_WAIT_MS, or has no answer
 * (typeCheckRunWait.ts). Undefined when it answered.
 */
export function uncheckedRunNote(check: RunCheck<unknown>): string | undefined {
  if (check.status === 'timeout') {
    const seconds = String(Math.round(check.waitedMs / 1000));
    return `${vscode.l10n.t('The type check did not answer within {0} s, so this run went ahead without it. The editor shows type errors when the check answers.', seconds)}\n`;
  }
  if (check.status === 'failed') return `${vscode.l10n.t('The type check failed, so this run went ahead without it. The log "InitLab Type Check" says why.')}\n`;
  return undefined;
}
