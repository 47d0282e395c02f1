/**
 * Cells' TypeScript errors in the real VS Code: squiggles and Problems entries (the diagnostics
 * of the cells' documents), and what a run does with them by the setting initlab.typeCheck.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, expectTypeErrors, openCodeNotebook, outputText, runCells, typeErrors } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';


async function setMode(mode: 'warn' | 'error' | 'off' | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('initlab').update('typeCheck', mode, vscode.ConfigurationTarget.Workspace);
}

describe('type errors in cells', () => {
  before(activateInitLab);
  afterEach(() => setMode(undefined));

  it('underlines a wrong-typed value and a wrong toolkit argument, and clears the error once fixed', async () => {
    const editor = await openCodeNotebook('type-errors.initnb', ["const n: number = 'x';", "const w = init.kaimingNormal('784');"]);
    const [first, second] = editor.notebook.getCells();
    await expectTypeErrors(first, ['0:6-0:7 TS2322']);
    await expectTypeErrors(second, ['0:29-0:34 TS2345']);
    assert.equal(typeErrors(first)[0].message, "Type 'string' is not assignable to type 'number'.");
    assert.equal(typeErrors(first)[0].severity, vscode.DiagnosticSeverity.Error);
    const fix = new vscode.WorkspaceEdit();
    fix.replace(second.document.uri, new vscode.Range(0, 29, 0, 34), '[784, 100]');
    assert.ok(await vscode.workspace.applyEdit(fix));
    await expectTypeErrors(second, []);
    await expectTypeErrors(first, ['0:6-0:7 TS2322']);
  });

  it('checks a later cell against the variables of earlier cells', async () => {
    const editor = await openCodeNotebook('type-errors-later.initnb', ['const rate = 0.1;\nconst model = nn.mlp([784, 10], { seed: 0 });', 'const label: string = rate;\nmodel.forward(rate);']);
    const [first, second] = editor.notebook.getCells();
    await expectTypeErrors(second, ['0:6-0:11 TS2322', '1:14-1:18 TS2345']);
    assert.deepEqual(typeErrors(first), []);
  });

  it('warn (the default) runs the cell and prints its type errors above the output', async () => {
    const editor = await openCodeNotebook('type-errors-warn.initnb', ["const n: number = 'x';\nn + '!'"]);
    const cell = editor.notebook.cellAt(0);
    await expectTypeErrors(cell, ['0:6-0:7 TS2322']);
    await runCells(editor, 0, 1);
    assert.equal(cell.executionSummary?.success, true);
    assert.equal(cell.outputs[0].items[0].mime, MimeTypes.stderr, 'the type errors come first');
    assert.match(outputText(cell, MimeTypes.stderr), /\n1:7 - Type 'string' is not assignable to type 'number'\. \(TS2322\)\n$/);
    assert.equal(outputText(cell, MimeTypes.plain), "'x!'");
  });

  it('error refuses to run a cell with type errors, and cancels the cells behind it', async () => {
    await setMode('error');
    const editor = await openCodeNotebook('type-errors-refused.initnb', ['const before = 1;\nbefore', "const n: number = 'x';\nconsole.log('ran');", 'const after = 2;']);
    const cells = editor.notebook.getCells();
    await expectTypeErrors(cells[1], ['0:6-0:7 TS2322']);
    await runCells(editor, 0, 3);
    assert.deepEqual(cells.map((c) => c.executionSummary?.success), [true, false, undefined]);
    assert.equal(outputText(cells[0], MimeTypes.plain), '1');
    const error = JSON.parse(outputText(cells[1], MimeTypes.error));
    assert.equal(error.name, 'TypeScript');
    assert.match(error.message, /\n1:7 - Type 'string' is not assignable to type 'number'\. \(TS2322\)$/);
    assert.equal(outputText(cells[1], MimeTypes.stdout), '', 'the refused cell did not run');
    assert.equal(cells[2].executionSummary?.executionOrder, undefined, 'the cell behind it did not run');
  });

  it('off runs the cell and prints nothing about its type errors', async () => {
    await setMode('off');
    const editor = await openCodeNotebook('type-errors-off.initnb', ["const n: number = 'x';\nn"]);
    const cell = editor.notebook.cellAt(0);
    await expectTypeErrors(cell, ['0:6-0:7 TS2322']);
    await runCells(editor, 0, 1);
    assert.equal(cell.executionSummary?.success, true);
    assert.equal(outputText(cell, MimeTypes.stderr), '');
    assert.equal(outputText(cell, MimeTypes.plain), "'x'");
  });
});
