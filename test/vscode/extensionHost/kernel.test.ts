/** Running cells in the real VS Code: outputs, execution order, failures, interrupt, restart. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, openCodeNotebook, outputText, runCells, waitFor } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

describe('the InitLab TypeScript kernel', () => {
  before(activateInitLab);

  it('runs cells in order, keeps state, streams logs and shows final values', async () => {
    const editor = await openCodeNotebook('run.initnb', [
      'const a: number = 20;\ninterface P { x: number }',
      "console.log('a is', a);\nconst p: P = { x: a + 1 };\np.x",
      'const a = 5; // re-declaring is fine\na * 2',
      "display({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } })",
    ]);
    await runCells(editor, 0, 4);
    const cells = editor.notebook.getCells();
    assert.deepEqual(cells.map((c) => c.executionSummary?.executionOrder), [1, 2, 3, 4]);
    assert.deepEqual(cells.map((c) => c.executionSummary?.success), [true, true, true, true]);
    assert.equal(outputText(cells[1], MimeTypes.stdout), 'a is 20\n');
    assert.equal(outputText(cells[1], MimeTypes.plain), '21');
    assert.equal(outputText(cells[2], MimeTypes.plain), '10');
    assert.ok(cells[3].outputs[0].items.some((i) => i.mime === MimeTypes.vegaLite), 'a Vega-Lite spec displays as a chart');
  });

  it('shows a failing cell’s error at its line, and does not run the cells queued behind it', async () => {
    const editor = await openCodeNotebook('fail.initnb', ['const ok = 1;', 'function boom(): never {\n  throw new RangeError("too deep");\n}\nboom();', 'const never = 2;']);
    await runCells(editor, 0, 3);
    const cells = editor.notebook.getCells();
    assert.equal(cells[1].executionSummary?.success, false);
    const error = JSON.parse(outputText(cells[1], MimeTypes.error));
    assert.equal(error.name, 'RangeError');
    assert.equal(error.message, 'too deep');
    assert.match(error.stack, /at boom \(Cell \[2\]:2:9\)/);
    assert.equal(cells[2].executionSummary?.executionOrder, undefined, 'the cell behind the failure did not run');
    assert.equal(cells[2].outputs.length, 0);
  });

  it('shows a timer’s log and a display updated after their cell ended in that cell, which stays passed', async () => {
    const editor = await openCodeNotebook('late.initnb', [
      "const progress = display('epoch 0');\nsetTimeout(() => console.log('tick after the end'), 300);\nsetTimeout(() => progress.update('epoch 9'), 500);\nundefined",
      '1 + 1',
    ]);
    await runCells(editor, 0, 2);
    const [first, second] = editor.notebook.getCells();
    await waitFor(() => outputText(first, MimeTypes.stdout).includes('tick after the end') && outputText(first, MimeTypes.plain).includes('epoch 9'), 'the late log and the display update in the first cell', 10_000);
    assert.equal(first.executionSummary?.success, true, 'a passed cell stays passed');
    assert.equal(first.executionSummary?.executionOrder, 1);
    assert.ok(!outputText(first, MimeTypes.plain).includes('epoch 0'), 'the display was replaced in place');
    assert.equal(first.outputs.length, 2, 'one display and one stream');
    assert.equal(outputText(second, MimeTypes.stdout), '', 'nothing went to the cell that ran after it');
    assert.equal(second.executionSummary?.success, true);
  });

  it('interrupts a synchronous infinite loop within a second and keeps the variables', async () => {
    const editor = await openCodeNotebook('interrupt.initnb', ['let kept = 42;', 'let spins = 0;\nwhile (true) { spins++; }', 'kept + 1']);
    await runCells(editor, 0, 1);
    const running = runCells(editor, 1, 2);
    await waitFor(() => editor.notebook.cellAt(1).executionSummary?.executionOrder !== undefined, 'the loop to start');
    await new Promise((r) => setTimeout(r, 300));
    const stopAt = Date.now();
    // The stop button, which names its notebook: the active editor need not be this one.
    await vscode.commands.executeCommand('notebook.cancelExecution', editor.notebook.uri);
    await running;
    const stoppedIn = Date.now() - stopAt;
    assert.ok(stoppedIn < 1000, `stopped in ${stoppedIn} ms`);
    assert.equal(editor.notebook.cellAt(1).executionSummary?.success, false);
    assert.match(outputText(editor.notebook.cellAt(1), MimeTypes.error), /Interrupted/);
    await runCells(editor, 2, 3);
    assert.equal(outputText(editor.notebook.cellAt(2), MimeTypes.plain), '43');
  });

  it('restarts the kernel: variables cleared and execution order from 1', async () => {
    const editor = await openCodeNotebook('restart.initnb', ['const before = 1;', 'typeof before']);
    await runCells(editor, 0, 2);
    assert.equal(outputText(editor.notebook.cellAt(1), MimeTypes.plain), "'number'");
    await vscode.commands.executeCommand('initlab.restartKernel', editor.notebook.uri);
    await runCells(editor, 1, 2);
    assert.equal(outputText(editor.notebook.cellAt(1), MimeTypes.plain), "'undefined'");
    assert.equal(editor.notebook.cellAt(1).executionSummary?.executionOrder, 1);
  });

  // Where the status bar sends the user when a kernel failed out of the cells' sight (a start, startup code, the engine).
  it('has an InitLab log, which its command opens', async () => {
    await vscode.commands.executeCommand('initlab.showLog');
  });

  it('survives a cell that calls process.exit: the cell says the kernel died, the next run works', async () => {
    const editor = await openCodeNotebook('exit.initnb', ['process.exit(3)', '1 + 1']);
    await runCells(editor, 0, 1);
    assert.match(JSON.parse(outputText(editor.notebook.cellAt(0), MimeTypes.error)).message, /kernel process died \(exit code 3\)/);
    await runCells(editor, 1, 2);
    assert.equal(outputText(editor.notebook.cellAt(1), MimeTypes.plain), '2');
  });

  it('probes the lesson’s Kaiming MLP on MNIST in a cell and shows per-layer statistics', async () => {
    const editor = await openCodeNotebook('probe.initnb', [
      [
        'const { xTrain, yTrain } = data.mnist({ subset: 5000 });',
        "const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 0 });",
        "const report = probe(model, { label: 'Kaiming' }).step(xTrain, yTrain);",
        "console.log(report.layers.map((l) => `layer ${l.layer}: weight std ${Number(l.tensors.weights.std).toFixed(3)}, weight-gradient std ${Number(l.tensors.weightGrad.std).toExponential(2)}`).join('\\n'));",
        'report',
      ].join('\n'),
    ]);
    await runCells(editor, 0, 1);
    const cell = editor.notebook.cellAt(0);
    assert.equal(cell.executionSummary?.success, true, outputText(cell, MimeTypes.error));
    const lines = outputText(cell, MimeTypes.stdout).trim().split('\n');
    assert.equal(lines.length, 4);
    // He's std √(2/fanIn): 0.0505 for the first layer, 0.141 for the others. The sample std of
    // n draws is off by about 1/√(2n): within 3% for the 10,000+ weights of layers 1-3, and
    // within 25% for the last layer's 100.
    lines.forEach((line, i) => {
      const std = Number(line.match(/weight std (\S+),/)?.[1]);
      const he = Math.sqrt(2 / (i === 0 ? 784 : 100));
      assert.ok(Math.abs(std / he - 1) < (i === 3 ? 0.25 : 0.03), `${line}: He's std is ${he.toFixed(4)}`);
    });
    assert.ok(cell.outputs.some((o) => o.items.some((i) => i.mime === MimeTypes.chart)), 'the report draws as a chart');
  });
});
