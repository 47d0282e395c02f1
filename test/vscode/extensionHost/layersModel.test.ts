/** A tf.layers CNN in a notebook cell, in the real VS Code: built, probed on MNIST, charted per layer. */
import * as assert from 'node:assert/strict';
import { activateInitLab, openCodeNotebook, outputText, runCells } from './helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

describe('a tf.layers model in a notebook', () => {
  before(activateInitLab);

  it('probes a CNN built with tf.layers on MNIST images and draws per-layer charts named by its layers', async () => {
    const editor = await openCodeNotebook('cnn.initnb', [
      [
        'const cnn = tf.sequential({ layers: [',
        "  tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', name: 'conv1' }),",
        "  tf.layers.batchNormalization({ name: 'bn1' }),",
        "  tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', name: 'conv2' }),",
        "  tf.layers.globalAveragePooling2d({ name: 'gap' }),",
        "  tf.layers.dense({ units: 10, activation: 'softmax', name: 'head' }),",
        '] });',
        "cnn.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });",
        'const { xTrain, yTrain } = data.mnist({ subset: 500 });',
        'const images = xTrain.reshape([-1, 28, 28, 1]);',
        'const labels = tf.oneHot(yTrain.toInt(), 10);',
      ].join('\n'),
      "const report = probe(cnn, { label: 'CNN' }).step(images, labels);\nreport",
      'charts.histograms(report)',
      'verdict(report)',
    ]);
    await runCells(editor, 0, 4);
    const cells = editor.notebook.getCells();
    assert.deepEqual(
      cells.map((c) => c.executionSummary?.success),
      [true, true, true, true],
      cells.map((c) => outputText(c, MimeTypes.error)).join('\n'),
    );
    const chart = JSON.parse(outputText(cells[1], MimeTypes.chart));
    const names = new Set((chart.spec.data.values as { axisLabel?: string }[]).map((v) => v.axisLabel));
    for (const name of ['conv1', 'bn1', 'conv2', 'gap', 'head']) assert.ok(names.has(name), `the std chart has a point for ${name}`);
    assert.match(outputText(cells[1], MimeTypes.svg), /conv2/, 'the static SVG names the layers');
    assert.match(outputText(cells[2], MimeTypes.chart), /layer 3 conv2/);
    assert.match(outputText(cells[3], MimeTypes.plain), /CNN/);
  });
});
