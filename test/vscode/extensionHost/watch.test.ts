/** Watching a tf.layers model train in the real VS Code: the chart redrawn live, and stop keeps the record. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, openCodeNotebook, outputText, runCells, settlesWithin, waitFor } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

const MODEL_CELL = [
  'const model = tf.sequential({ layers: [',
  "  tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu', name: 'hidden1' }),",
  "  tf.layers.dense({ units: 64, activation: 'relu', name: 'hidden2' }),",
  "  tf.layers.dense({ units: 10, activation: 'softmax', name: 'head' }),",
  '] });',
  "model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });",
  'const { xTrain, yTrain } = data.mnist({ subset: 2000 });',
  'const labels = tf.oneHot(yTrain.toInt(), 10);',
  'const w = watch(model, { x: xTrain, y: labels, every: 2 });',
].join('\n');

describe('watching a tf.layers model train', () => {
  before(activateInitLab);

  it('redraws the chart while model.fit runs, and a stop mid-training keeps the record and the model', async () => {
    const editor = await openCodeNotebook('watch.initnb', [
      MODEL_CELL,
      'await model.fit(xTrain, labels, { epochs: 1000, batchSize: 32, callbacks: [w] });',
      "`${w.record.stoppedAtStep} ${w.record.losses.length} ${w.record.running}`",
      'w.record',
    ]);
    await settlesWithin(runCells(editor, 0, 1), 'the model cell (a kernel start, MNIST and the model)', 120_000);
    assert.equal(editor.notebook.cellAt(0).executionSummary?.success, true, outputText(editor.notebook.cellAt(0), MimeTypes.error));

    // Count the chart's redraws while the training cell runs.
    const training = editor.notebook.cellAt(1);
    const drawn: boolean[] = [];
    const listener = vscode.workspace.onDidChangeNotebookDocument((e) => {
      for (const change of e.cellChanges) {
        if (change.cell !== training || !change.outputs) continue;
        const text = outputText(training, MimeTypes.chart);
        if (text) drawn.push(Boolean(JSON.parse(text).spec.vconcat));
      }
    });
    try {
      const running = runCells(editor, 1, 2);
      await waitFor(() => drawn.length >= 4 && training.executionSummary?.success === undefined, 'the chart redrawn several times while training runs', 60_000);
      // The stop button of this notebook: the command is given its URI, as the editor's toolbar
      // gives it, so it cannot stop another editor that happens to be the active one.
      await vscode.commands.executeCommand('notebook.cancelExecution', editor.notebook.uri);
      const seen = () => `training cell success: ${training.executionSummary?.success}; active notebook: ${vscode.window.activeNotebookEditor?.notebook.uri.path ?? 'none'}`;
      await settlesWithin(running, 'the training cell to end after Stop', 60_000, seen);
    } finally {
      listener.dispose();
    }
    assert.ok(drawn.every(Boolean), 'every redraw is the watch chart');
    assert.equal(training.executionSummary?.success, false);
    assert.match(outputText(training, MimeTypes.error), /Interrupted/);
    // The last drawing is final: it carries the static SVG a saved notebook keeps.
    assert.match(outputText(training, MimeTypes.svg), /<svg/);

    await settlesWithin(runCells(editor, 2, 4), 'the cells that read the record after the stop', 60_000);
    const [stoppedAt, losses, running] = outputText(editor.notebook.cellAt(2), MimeTypes.plain).replace(/'/g, '').split(' ');
    assert.ok(Number(stoppedAt) > 0, `stopped at step ${stoppedAt}`);
    assert.equal(losses, stoppedAt, 'every step run is in the record');
    assert.equal(running, 'false');
    assert.match(outputText(editor.notebook.cellAt(3), MimeTypes.plain), /loss [\d.e+-]+ after \d+ steps \(stopped\)/);
    // A kernel start, MNIST, training and a stop: 25-32 s here. Each wait above has its own
    // bound and says what it waited for; this one only has to exceed their sum.
  }).timeout(300_000);
});
