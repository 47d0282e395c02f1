/** "Compare initializations" in the real VS Code, driven through its command with options. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { activateInitLab, openCodeNotebook, outputText, runCells, waitFor } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

type Outcome = { status: string; notebook?: vscode.NotebookDocument; problem?: string };

/** InitLab kernel processes running on this machine now. */
const kernelProcesses = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => /[\\/]dist[\\/]kernel\.js\b/.test(line)).length;

const cellById = (notebook: vscode.NotebookDocument, id: string) => notebook.getCells().find((c) => c.metadata.id === id);

describe('Compare initializations', () => {
  before(activateInitLab);

  // First: no comparison has run, so no kernel waits for the next one yet.
  it('starts a kernel while it asks its questions, and stops it when they are dismissed', async () => {
    const before = kernelProcesses();
    const asking = vscode.commands.executeCommand('initlab.compareInitializations') as Thenable<Outcome>;
    await waitFor(() => kernelProcesses() > before, 'a kernel starting while the first question is open');
    // Escape on the open question, as a user would, until it is open to be closed.
    let outcome: Outcome | undefined;
    for (let attempt = 0; attempt < 60 && !outcome; attempt++) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      outcome = await Promise.race([asking, new Promise<undefined>((resolve) => setTimeout(resolve, 500))]);
    }
    assert.equal(outcome?.status, 'dismissed');
    await waitFor(() => kernelProcesses() <= before, 'the kernel nobody took stopped');
  });

  // Before any comparison has run too: its kernel is the one the command starts.
  it('cancels at once, while the kernel is still starting, and every execution still ends', async () => {
    const cancel = new vscode.CancellationTokenSource();
    // Notebooks of earlier suites may be open: wait for this command's own.
    const before = new Set(vscode.workspace.notebookDocuments);
    const running = vscode.commands.executeCommand('initlab.compareInitializations', { data: 'synthetic' }, cancel.token) as Thenable<Outcome>;
    await waitFor(() => vscode.workspace.notebookDocuments.find((d) => !before.has(d) && d.isUntitled && (d.metadata.initlab as { compare?: unknown })?.compare), 'the comparison notebook');
    cancel.cancel();
    const outcome = await running;
    assert.equal(outcome.status, 'cancelled');
    assert.ok(outcome.notebook!.getCells().every((c) => c.executionSummary?.success !== true), 'no cell completed');
  });

  it('creates a notebook of editable cells for the chosen options, runs it, and shows charts, table and verdict', async () => {
    const outcome = (await vscode.commands.executeCommand('initlab.compareInitializations', {
      schemes: ['lsuv', 'std:0.05', 'normal'],
      activation: 'tanh',
      depth: 5,
      width: 32,
      data: 'synthetic',
      seed: 7,
    })) as Outcome;
    assert.equal(outcome.status, 'done');
    const notebook = outcome.notebook!;
    assert.equal(notebook.notebookType, 'initnb');
    assert.equal(notebook.isUntitled, true, 'a new notebook the user can save or throw away');
    assert.deepEqual((notebook.metadata.initlab as { compare: { schemes: string[] } }).compare.schemes, ['lsuv', 'std:0.05', 'normal']);
    const probeCell = cellById(notebook, 'compare-probe')!;
    assert.match(probeCell.document.getText(), /const activation = 'tanh';/);
    assert.ok(
      probeCell.outputs.some((o) => o.items.some((i) => i.mime === MimeTypes.chart)),
      'the side-by-side chart',
    );
    assert.match(outputText(probeCell, MimeTypes.plain), /^scheme\s+layer/);
    const verdict = outputText(cellById(notebook, 'compare-verdict')!, MimeTypes.plain);
    assert.match(verdict, /✓ LSUV: healthy at every layer/);
    assert.match(verdict, /✗ normal\(0, 1\): .*units saturate/);
    assert.ok(notebook.getCells().every((c) => c.kind === vscode.NotebookCellKind.Markup || c.executionSummary?.success === true));
  });

  it('cancels: the running cell stops, the rest do not run, and every execution ends', async () => {
    const cancel = new vscode.CancellationTokenSource();
    const running = vscode.commands.executeCommand('initlab.compareInitializations', { data: 'mnist' }, cancel.token) as Thenable<Outcome>;
    // The probe cell runs for seconds (the data cell is over at once: its MNIST was loaded ahead).
    const probeRunning = (d: vscode.NotebookDocument) => cellById(d, 'compare-probe')?.executionSummary?.executionOrder !== undefined && cellById(d, 'compare-probe')?.executionSummary?.success === undefined;
    const notebook = await waitFor(() => vscode.workspace.notebookDocuments.find((d) => d.isUntitled && (d.metadata.initlab as { compare?: unknown })?.compare && probeRunning(d)), 'the probe cell to start', 60_000);
    cancel.cancel();
    const outcome = await running;
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.notebook, notebook);
    assert.equal(cellById(notebook, 'compare-data')!.executionSummary?.success, true, 'the cell before it had finished');
    assert.equal(cellById(notebook, 'compare-probe')!.executionSummary?.success, false, 'the running cell stopped');
    assert.equal(cellById(notebook, 'compare-verdict')!.executionSummary?.executionOrder, undefined, 'cells behind the cancelled one never ran');
  });

  it('compares on the active notebook’s own model: cells appended to that notebook, the model left as it was', async () => {
    const editor = await openCodeNotebook('own-model.initnb', ["const net = nn.mlp([784, 64, 64, 1], { activation: 'relu', init: 'normal', seed: 1 });", 'net.linears()[0].w.dataSync()[0]']);
    await runCells(editor, 0, 2);
    const weightBefore = outputText(editor.notebook.cellAt(1), MimeTypes.plain);
    const openBefore = vscode.workspace.notebookDocuments.length;

    const unknown = (await vscode.commands.executeCommand('initlab.compareInitializations', { model: 'nope' })) as Outcome;
    assert.equal(unknown.status, 'dismissed', 'a model the notebook does not define is refused');
    assert.equal(editor.notebook.cellCount, 2);

    const outcome = (await vscode.commands.executeCommand('initlab.compareInitializations', { model: 'net', schemes: ['normal', 'kaimingNormal'], data: 'mnist-subset' })) as Outcome;
    assert.equal(outcome.status, 'done');
    assert.equal(outcome.notebook, editor.notebook, 'the comparison runs where the model lives');
    assert.equal(vscode.workspace.notebookDocuments.length, openBefore, 'no new notebook');
    const added = editor.notebook.getCells().slice(2);
    assert.equal(added.length, 5);
    assert.match(added[0].document.getText(), /^## Compare initializations on `net`/);
    assert.match(added[1].document.getText(), /nn\.reinit\(net, 'kaimingNormal', \{ seed \}\)/);
    assert.match(outputText(added[1], MimeTypes.plain), /^scheme\s+layer/m);
    assert.match(outputText(added[4], MimeTypes.plain), /Healthy at every layer: Kaiming normal \(fan_in\)\./);
    assert.match(outputText(added[4], MimeTypes.plain), /✗ normal\(0, 1\): activations explode/);

    await runCells(editor, 1, 2);
    assert.equal(outputText(editor.notebook.cellAt(1), MimeTypes.plain), weightBefore, 'net keeps its weights');
  });

  it('starts the next comparison’s kernel once a comparison has run, and the next comparison takes it', async () => {
    const small = { data: 'synthetic', depth: 2, width: 8 };
    const first = (await vscode.commands.executeCommand('initlab.compareInitializations', small)) as Outcome;
    assert.equal(first.status, 'done');
    const afterFirst = kernelProcesses();
    // Time for it to start (1.5 s after the verdict, once its outputs have drawn), as a user reading the verdict gives it.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    assert.equal(kernelProcesses(), afterFirst + 1, 'a kernel waits for the next comparison');
    const started = Date.now();
    const second = (await vscode.commands.executeCommand('initlab.compareInitializations', small)) as Outcome;
    assert.equal(second.status, 'done');
    const took = Date.now() - started;
    // The second comparison's kernel has been up since before its command.
    const editor = await vscode.window.showNotebookDocument(second.notebook!);
    const edit = new vscode.WorkspaceEdit();
    edit.set(editor.notebook.uri, [vscode.NotebookEdit.insertCells(editor.notebook.cellCount, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'process.uptime() * 1000', 'typescript')])]);
    await vscode.workspace.applyEdit(edit);
    await runCells(editor, editor.notebook.cellCount - 1, editor.notebook.cellCount);
    const uptimeMs = Number(outputText(editor.notebook.cellAt(editor.notebook.cellCount - 1), MimeTypes.plain));
    assert.ok(uptimeMs > took + 2000, `the kernel was up ${uptimeMs.toFixed(0)} ms, the comparison took ${took} ms`);
  });

  it('prepares no kernel for the next comparison when initlab.compare.prepareNextKernel is off', async () => {
    const settings = vscode.workspace.getConfiguration('initlab');
    await settings.update('compare.prepareNextKernel', false, vscode.ConfigurationTarget.Global);
    try {
      // The test above left a kernel waiting (started 1.5 s after its second comparison): this comparison takes it.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const before = kernelProcesses();
      const outcome = (await vscode.commands.executeCommand('initlab.compareInitializations', { data: 'synthetic', depth: 2, width: 8 })) as Outcome;
      assert.equal(outcome.status, 'done');
      await new Promise((resolve) => setTimeout(resolve, 5000));
      assert.equal(kernelProcesses(), before, 'the comparison took the kernel that waited, and none was started after it');
    } finally {
      await settings.update('compare.prepareNextKernel', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses bad options with a message and opens nothing', async () => {
    const before = vscode.workspace.notebookDocuments.length;
    const outcome = (await vscode.commands.executeCommand('initlab.compareInitializations', { depth: 0 })) as Outcome;
    assert.equal(outcome.status, 'dismissed');
    assert.equal(outcome.problem, 'Depth must be a whole number from 2 to 100, not 0.');
    assert.equal(vscode.workspace.notebookDocuments.length, before);
  });

  // Keybindings and other extensions send any JSON: a wrong type is said, not thrown as a TypeError.
  it('refuses an argument of the wrong type or an unknown option, saying which, and opens nothing', async () => {
    const before = vscode.workspace.notebookDocuments.length;
    const wrongType = (await vscode.commands.executeCommand('initlab.compareInitializations', { schemes: 'normal' })) as Outcome;
    assert.equal(wrongType.status, 'dismissed');
    assert.equal(wrongType.problem, 'The option "schemes" must be an array of strings such as ["normal", "kaimingNormal"], not "normal".');
    const unknown = (await vscode.commands.executeCommand('initlab.compareInitializations', { scheme: ['normal'] })) as Outcome;
    assert.match(unknown.problem ?? '', /^Compare Initializations has no option "scheme": use schemes, /);
    const notAnObject = (await vscode.commands.executeCommand('initlab.compareInitializations', 'synthetic')) as Outcome;
    assert.match(notAnObject.problem ?? '', /takes an object of options .*, not "synthetic"\.$/);
    assert.equal(vscode.workspace.notebookDocuments.length, before);
  });

  // The notebook toolbar's button passes its context, which is no options: it asks, as the palette does.
  it('asks its questions when run from the notebook toolbar', async () => {
    const toolbarContext = { notebookEditor: { notebookUri: vscode.Uri.parse('untitled:toolbar.initnb') }, ui: true, source: 'notebookToolbar' };
    const asking = vscode.commands.executeCommand('initlab.compareInitializations', toolbarContext) as Thenable<Outcome>;
    let outcome: Outcome | undefined;
    for (let attempt = 0; attempt < 60 && !outcome; attempt++) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      outcome = await Promise.race([asking, new Promise<undefined>((resolve) => setTimeout(resolve, 500))]);
    }
    assert.deepEqual(outcome, { status: 'dismissed' }, 'a question was open to dismiss, and the context was not taken for options');
  });
});
