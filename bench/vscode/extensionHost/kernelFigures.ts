/**
 * Figures of the kernel as VS Code runs it (npm run bench:vscode): the lesson's probe pass in a
 * cell, and how long a cell takes to show its output, beside a controller with no kernel.
 * They print; they are not pass/fail, apart from checking that the cells ran.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, EXTENSION_ID, openCodeNotebook, outputText, runCells, workspaceUri } from '../../../test/vscode/extensionHost/helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

describe('the kernel in VS Code', () => {
  before(activateInitLab);

  it('the lesson pass with probe statistics, in a cell, as npm run bench times it', async () => {
    const editor = await openCodeNotebook('pass.initnb', [
      [
        // The benchmark's pass (scripts/bench.mjs): x [50000, 784] ~ N(0, 1), the lesson's MLP.
        "const x = tf.randomNormal([50000, 784], 0, 1, 'float32', 1);",
        "const y = tf.randomNormal([50000], 0, 1, 'float32', 2);",
        "const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 3 });",
        'const p = probe(model);',
        'p.step(x, y); model.release(); // warm-up',
        'const times = [0, 1, 2].map(() => { const t = performance.now(); p.step(x, y); const ms = performance.now() - t; model.release(); return ms; }).sort((a, b) => a - b);',
        "console.log(`median ${times[1].toFixed(0)} ms`);",
      ].join('\n'),
    ]);
    await runCells(editor, 0, 1);
    const cell = editor.notebook.cellAt(0);
    assert.equal(cell.executionSummary?.success, true, outputText(cell, MimeTypes.error));
    const median = outputText(cell, MimeTypes.stdout).match(/median (\d+) ms/)?.[1];
    assert.ok(median, outputText(cell, MimeTypes.stdout));
    console.log(`initlab-mocha:     the lesson pass with probe statistics in a cell: median of 3 after a warm-up ${median} ms`);
  });

  it('first cell of a fresh kernel, and a trivial cell on a warm one beside a controller that answers at once', async () => {
    const editor = await openCodeNotebook('latency.initnb', ['1 + 1']);
    await vscode.commands.executeCommand('initlab.restartKernel', editor.notebook.uri);
    // Two clocks: until the output reaches the notebook document (what the user sees), and until
    // VS Code's execute command settles (which adds its own bookkeeping round trips).
    const time = async (target: vscode.NotebookEditor) => {
      const started = performance.now();
      let shown = 0;
      const listener = vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (!shown && e.notebook === target.notebook && e.cellChanges.some((c) => c.outputs?.length)) shown = performance.now();
      });
      await runCells(target, 0, 1);
      listener.dispose();
      return { shown: (shown || performance.now()) - started, settled: performance.now() - started };
    };
    const first = await time(editor);
    assert.equal(outputText(editor.notebook.cellAt(0), MimeTypes.plain), '2');

    // The baseline: a controller that answers at once, with no kernel behind it, on a second
    // notebook beside the first. What it takes is VS Code's own round trips (extension host,
    // workbench, back), which no kernel can go below; the difference is InitLab's. The two are
    // timed in turns, so the machine's ups and downs fall on both alike.
    const baseline = vscode.notebooks.createNotebookController('initlab-latency-baseline', 'initnb', 'Latency baseline');
    baseline.executeHandler = (cells) => {
      for (const cell of cells) {
        const execution = baseline.createNotebookCellExecution(cell);
        execution.start(Date.now());
        void execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text('2')]));
        execution.end(true, Date.now());
      }
    };
    try {
      const besideUri = workspaceUri('latency-baseline.initnb');
      await vscode.workspace.fs.writeFile(besideUri, new TextEncoder().encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'c0', source: '1 + 1', metadata: {}, outputs: [], execution_count: null }] })));
      const beside = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(besideUri), { viewColumn: vscode.ViewColumn.Beside });
      await vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: beside, id: 'initlab-latency-baseline', extension: EXTENSION_ID });
      await time(beside);
      const warm: { shown: number; settled: number }[] = [];
      const answeredAtOnce: { shown: number; settled: number }[] = [];
      for (let i = 0; i < 30; i++) {
        warm.push(await time(editor));
        answeredAtOnce.push(await time(beside));
      }
      const median = (runs: { shown: number; settled: number }[], key: 'shown' | 'settled') => runs.map((w) => w[key]).sort((x, y) => x - y)[Math.floor(runs.length / 2)];
      console.log(
        `initlab-mocha:     first cell of a fresh kernel: output ${first.shown.toFixed(0)} ms, settled ${first.settled.toFixed(0)} ms; trivial cell on a warm kernel, median of 30: output ${median(warm, 'shown').toFixed(0)} ms, settled ${median(warm, 'settled').toFixed(0)} ms; a controller that answers at once (no kernel), in turns with it: output ${median(answeredAtOnce, 'shown').toFixed(0)} ms; InitLab's share: ${(median(warm, 'shown') - median(answeredAtOnce, 'shown')).toFixed(0)} ms`,
      );
      assert.equal(outputText(editor.notebook.cellAt(0), MimeTypes.plain), '2');
      assert.equal(outputText(beside.notebook.cellAt(0), MimeTypes.plain), '2');
    } finally {
      baseline.dispose();
    }
  });
});
