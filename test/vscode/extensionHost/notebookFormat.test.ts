/** Opening and saving .initnb files in the real VS Code, with its real notebook serializer API. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, closeAllEditors, outputText, settlesWithin, workspaceUri } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

const decoder = new TextDecoder();

describe('.initnb files in VS Code', () => {
  before(activateInitLab);

  it('open as notebooks of markdown and TypeScript cells, with their saved outputs', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceUri('golden', 'jupyter-written.saved.initnb'));
    assert.equal(notebook.notebookType, 'initnb');
    const cells = notebook.getCells();
    assert.deepEqual(
      cells.map((c) => [c.kind, c.document.languageId]),
      [
        [vscode.NotebookCellKind.Markup, 'markdown'],
        [vscode.NotebookCellKind.Code, 'typescript'],
        [vscode.NotebookCellKind.Code, 'typescript'],
        [vscode.NotebookCellKind.Code, 'typescript'],
        [vscode.NotebookCellKind.Code, 'typescript'],
        [vscode.NotebookCellKind.Code, 'raw'],
      ],
    );
    assert.match(cells[0].document.getText(), /^# Weight init/);
    assert.equal(cells[1].executionSummary?.executionOrder, 1);
    assert.equal(outputText(cells[1], MimeTypes.stdout), 'std 0.0505\n');
    assert.equal(outputText(cells[1], MimeTypes.stderr), 'warning: slow backend\n');
    const chart = cells[2].outputs[0].items.find((i) => i.mime === MimeTypes.vegaLite);
    assert.ok(chart, 'the chart output is there');
    assert.equal(JSON.parse(decoder.decode(chart.data)).mark, 'bar');
    const error = JSON.parse(outputText(cells[3], MimeTypes.error));
    assert.equal(error.message, 'boom');
    assert.deepEqual(cells[1].metadata.metadata, { collapsed: false, initlab: { note: 'kept' } });
  });

  it('save an unchanged notebook byte for byte as InitLab wrote it', async () => {
    // A copy written through VS Code's own file service: the fixture copied into the workspace
    // just before the window opened can still be reported "changed on disk" by the file
    // watcher, and a save then meets a conflict and returns false.
    const original = await vscode.workspace.fs.readFile(workspaceUri('golden', 'jupyter-written.saved.initnb'));
    const uri = workspaceUri('golden', 'byte-for-byte.initnb');
    await vscode.workspace.fs.writeFile(uri, original);
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    // Shown before it is edited: a text edit to a cell opens its notebook in an editor anyway,
    // asynchronously, and the next test's editor would race that one (see the cell-ids test).
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(0);
    const text = cell.document.getText();
    // Dirty the notebook, then put the text back: the save must write the same bytes.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(cell.document.uri, new vscode.Range(0, 0, 0, 1), 'X');
    await vscode.workspace.applyEdit(edit);
    const undo = new vscode.WorkspaceEdit();
    undo.replace(cell.document.uri, new vscode.Range(0, 0, 0, 1), text[0]);
    await vscode.workspace.applyEdit(undo);
    assert.ok(notebook.isDirty);
    // VS Code's save can return false while the edits above are still settling in its working
    // copy (seen in clean-clone CI runs, not locally): ask again until it has saved. What is
    // tested is the bytes written, below.
    let saved = false;
    for (let attempt = 0; attempt < 10 && !saved; attempt++) {
      saved = await notebook.save();
      if (!saved) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(saved, 'VS Code saved the notebook');
    assert.equal(notebook.isDirty, false);
    assert.equal(Buffer.compare(Buffer.from(await vscode.workspace.fs.readFile(uri)), Buffer.from(original)), 0, 'the saved bytes are unchanged');
    await closeAllEditors();
  });

  it('refuse every broken file with a clear error, and leave it untouched', async () => {
    const expected: Record<string, string> = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(workspaceUri('broken', 'expected-errors.json'))));
    const files = Object.keys(expected);
    assert.ok(files.length >= 20);
    for (const file of files) {
      const uri = workspaceUri('broken', file);
      const before = await vscode.workspace.fs.readFile(uri);
      await assert.rejects(async () => vscode.workspace.openNotebookDocument(uri), (err: Error) => {
        assert.ok(err.message.includes(expected[file]), `${file}: "${err.message}" should say "${expected[file]}"`);
        return true;
      });
      assert.equal(Buffer.compare(Buffer.from(await vscode.workspace.fs.readFile(uri)), Buffer.from(before)), 0, `${file} was changed`);
    }
  });

  it('refuse a file that is not UTF-8 or nests too deep when opened in the editor, and Save All cannot overwrite it', async () => {
    const cases: [string, string][] = [
      ['invalid-utf8.initnb', 'byte 108 (line 8, column 11): the file is not valid UTF-8: the byte 0xE9'],
      ['nested-too-deep.initnb', 'more than 512 levels deep'],
      ['nested-too-deep-cut-short.initnb', 'more than 512 levels deep'],
    ];
    for (const [file, message] of cases) {
      const uri = workspaceUri('broken', file);
      const before = await vscode.workspace.fs.readFile(uri);
      await assert.rejects(async () => vscode.workspace.openNotebookDocument(uri), (err: Error) => {
        assert.ok(err.message.includes(message), `${file}: "${err.message}" should say "${message}"`);
        return true;
      });
      // As a user would: open it in the notebook editor (which shows the error), then Save All.
      await Promise.resolve(vscode.commands.executeCommand('vscode.openWith', uri, 'initnb')).catch(() => undefined);
      await vscode.workspace.saveAll(true);
      assert.ok(!vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === uri.toString()), `${file} opened as a notebook`);
      assert.equal(Buffer.compare(Buffer.from(await vscode.workspace.fs.readFile(uri)), Buffer.from(before)), 0, `${file} was changed`);
      // The error editor is gone before the next file opens (or the next test's notebook does).
      await closeAllEditors();
    }
  });

  it('open a notebook with invalid and repeated cell ids repaired, and save the repaired ids and the file\'s own kernelspec', async () => {
    const uri = workspaceUri('repairs', 'bad-cell-ids.initnb');
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    const ids = notebook.getCells().map((c) => (c.metadata as { id?: string }).id ?? '');
    assert.equal(ids[0], 'intro', 'the first cell keeps its id');
    assert.match(ids[1], /^[0-9a-f]{8}$/, 'the repeated id is replaced');
    assert.match(ids[2], /^[0-9a-f]{8}$/, 'the invalid id is replaced');
    assert.notEqual(ids[1], ids[2]);
    // A text edit to a cell opens the notebook in an editor, asynchronously. Shown first, as a
    // user would have it, and closed after: an editor still opening when the next test opens
    // one would race it (VS Code lets the faster of two opens in one group win, and the New
    // Notebook command's editor then never showed).
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(2);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(cell.document.uri, new vscode.Position(0, 0), '// ');
    await vscode.workspace.applyEdit(edit);
    assert.ok(await notebook.save());
    await closeAllEditors();
    const saved = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(uri)));
    assert.deepEqual(saved.cells.map((c: { id: string }) => c.id), ids);
    assert.deepEqual(saved.metadata.kernelspec, { display_name: 'InitLab', name: 'initlab' }, 'the kernelspec the file had survives the save');
    assert.equal(saved.metadata.language_info.name, 'typescript', 'an absent language_info is filled in');
  });

  it('create untitled notebooks from the New Notebook command, while a zero-byte file stays refused', async () => {
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${t.label}${t.isActive ? ' (active)' : ''}`)).join(', ') || 'none';
    await settlesWithin(Promise.resolve(vscode.commands.executeCommand('initlab.newNotebook')), 'the New Notebook command to show its notebook', 60_000, () => `open tabs: ${tabs()}`);
    const untitled = vscode.window.activeNotebookEditor?.notebook;
    assert.ok(untitled?.isUntitled && untitled.notebookType === 'initnb');
    assert.equal(untitled.cellCount, 2);
    await assert.rejects(async () => vscode.workspace.openNotebookDocument(workspaceUri('broken', 'empty.initnb')), /the file is empty/);
  });

  it('refuse a 50 MB file cut short, and leave it untouched', async () => {
    const uri = workspaceUri('broken-50mb.initnb');
    const line = JSON.stringify({ output_type: 'stream', name: 'stdout', text: 'x'.repeat(1 << 20) });
    const text = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": 1, "outputs": [${Array(50).fill(line).join(',')}`;
    const bytes = new TextEncoder().encode(text);
    assert.ok(bytes.length > 50e6);
    await vscode.workspace.fs.writeFile(uri, bytes);
    await assert.rejects(async () => vscode.workspace.openNotebookDocument(uri), /cut short/);
    const after = await vscode.workspace.fs.readFile(uri);
    assert.equal(after.length, bytes.length);
    assert.equal(Buffer.compare(Buffer.from(after), Buffer.from(bytes)), 0, 'the file is untouched');
  });
});
