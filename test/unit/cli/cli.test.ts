// The headless command line: `initlab run` and `initlab compare`, driving the real kernel
// process as it ships (built from source once per test run).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { parseCompareArgs, runCompare } from '../../../src/cli/compareCommand';
import { runNotebook } from '../../../src/cli/runNotebook';
import { compareNotebook, COMPARE_CELL_IDS } from '../../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS } from '../../../src/host/compare/compareOptions';
import { NotebookFormatError, parseNotebook, serializeNotebook } from '../../../src/format/initnbFormat';
import { kernelEntry } from '../support/kernelBuild';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { tempDir } from '../support/tempDirs';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

const tmp = () => tempDir('cli');

test('compare flags: defaults are the lesson’s comparison; bad values are named', () => {
  const defaults = parseCompareArgs([]);
  assert.ok(typeof defaults !== 'string');
  assert.deepEqual(defaults.options, DEFAULT_COMPARE_OPTIONS);
  assert.equal(defaults.out, 'initlab-compare.html');
  const custom = parseCompareArgs(['--schemes', 'lsuv, std:0.05', '--activation', 'tanh', '--depth', '6', '--width', '32', '--data', 'synthetic', '--seed', '3', '--train-steps', '200']);
  assert.ok(typeof custom !== 'string');
  assert.deepEqual(custom.options, { schemes: ['lsuv', 'std:0.05'], activation: 'tanh', depth: 6, width: 32, data: 'synthetic', seed: 3, trainSteps: 200 });
  assert.match(parseCompareArgs(['--train-steps', '2.5']) as string, /Training steps must be a whole number from 0 to 10000, not 2.5/);
  assert.match(parseCompareArgs(['--schemes', 'he']) as string, /Unknown scheme "he"/);
  assert.match(parseCompareArgs(['--depth', 'x']) as string, /Depth must be a whole number/);
  assert.match(parseCompareArgs(['--activation', 'gelu']) as string, /Unknown activation "gelu"/);
  assert.match(parseCompareArgs(['--schemes', 'std:-1']) as string, /Unknown scheme "std:-1"/);
  assert.match(parseCompareArgs(['--bogus']) as string, /Unknown option '--bogus'/);
});

test('the comparison notebook is ordinary cells that round-trip through the .initnb format', () => {
  const notebook = compareNotebook({ ...DEFAULT_COMPARE_OPTIONS, schemes: ['kaimingUniformFanOut', 'std:0.01', 'lsuv'] });
  const again = parseNotebook(serializeNotebook(notebook), 'compare.initnb');
  assert.equal(serializeNotebook(again), serializeNotebook(notebook));
  const probeCell = notebook.cells.find((c) => c.id === COMPARE_CELL_IDS.probe)!;
  assert.match(String(probeCell.source), /\["Kaiming uniform \(fan_out\)", \(\) => nn\.mlp\(sizes, \{ activation, seed, init: 'kaimingUniformFanOut' \}\)\]/);
  assert.match(String(probeCell.source), /init\.normal\(shape, 0, 0\.01/);
  assert.match(String(probeCell.source), /init\.lsuv\(m, batch, \{ seed \}\)/);
});

test('initlab compare prints the table and the verdict and writes an offline HTML report and the notebook', async () => {
  const dir = tmp();
  const out = sink();
  const err = sink();
  const run = parseCompareArgs(['--schemes', 'normal,kaimingNormal', '--data', 'synthetic', '--depth', '3', '--width', '64', '--out', path.join(dir, 'r.html'), '--notebook', path.join(dir, 'c.initnb')]);
  assert.ok(typeof run !== 'string');
  const code = await runCompare(run, { stdout: out.stream, stderr: err.stream, kernelEntry: await kernelEntry() });
  assert.equal(code, 0, err.text());
  assert.match(out.text(), /^scheme\s+layer\s+act std/m);
  assert.match(out.text(), /Healthy at every layer: Kaiming normal \(fan_in\)\./);
  assert.match(out.text(), /✗ normal\(0, 1\): activations explode at layers 1–3/);
  const html = fs.readFileSync(path.join(dir, 'r.html'), 'utf8');
  assert.equal((html.match(/<svg/g) ?? []).length >= 3, true, 'the charts are inline SVG');
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'no scripts and nothing fetched');
  const executed = parseNotebook(fs.readFileSync(path.join(dir, 'c.initnb'), 'utf8'), 'c.initnb');
  const verdictCell = executed.cells.find((c) => c.id === COMPARE_CELL_IDS.verdict);
  assert.ok(verdictCell?.cell_type === 'code' && verdictCell.execution_count !== null);
});

test('initlab run writes the executed notebook and stops at the first failing cell', async () => {
  const dir = tmp();
  const file = path.join(dir, 'n.initnb');
  const notebook = compareNotebook({ ...DEFAULT_COMPARE_OPTIONS, data: 'synthetic', depth: 2, width: 8, schemes: ['xavierNormal'] });
  notebook.cells.splice(2, 0, { cell_type: 'code', id: 'boom', metadata: {}, source: 'throw new RangeError("boom")', outputs: [], execution_count: null });
  fs.writeFileSync(file, serializeNotebook(notebook));
  const out = sink();
  const err = sink();
  const summary = await runNotebook({ file, out: path.join(dir, 'out.initnb'), kernelEntry: await kernelEntry(), stdout: out.stream, stderr: err.stream });
  assert.equal(summary.ok, false);
  assert.equal(summary.failedCell, 3);
  assert.match(err.text(), /RangeError: boom/);
  const written = parseNotebook(fs.readFileSync(path.join(dir, 'out.initnb'), 'utf8'), 'out.initnb');
  const probeCell = written.cells.find((c) => c.id === COMPARE_CELL_IDS.probe);
  assert.ok(probeCell?.cell_type === 'code' && probeCell.execution_count === null, 'cells after the failure did not run');
});

test('compare --model: a tf.LayersModel topology file, compared on MNIST images with its layers named, LSUV included', async () => {
  await initEngine();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'conv_a' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'conv_b' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'digits' }),
    ],
  });
  const dir = tmp();
  const file = path.join(dir, 'cnn.json');
  fs.writeFileSync(file, model.toJSON() as string);
  const run = parseCompareArgs(['--model', file, '--schemes', 'std:0.001,kaimingNormal,lsuv', '--out', path.join(dir, 'report.html')]);
  assert.ok(typeof run !== 'string');
  const out = sink();
  const err = sink();
  const code = await runCompare(run, { stdout: out.stream, stderr: err.stream, kernelEntry: await kernelEntry() });
  assert.equal(code, 0, err.text());
  const text = out.text();
  for (const name of ['conv_a', 'conv_b', 'digits']) assert.match(text, new RegExp(`Kaiming normal \\(fan_in\\)\\s+${name}\\b`), text);
  assert.match(text, /✗ normal\(0, 0\.001\): activations vanish at layers 1, 2, 4 \(conv_a … digits, /, text);
  assert.match(text, /✓ Kaiming normal \(fan_in\)/, text);
  // LSUV rescales the model's own layers, convolutions and Dense alike.
  assert.match(text, /✓ LSUV: healthy at every layer/, text);
  assert.ok(fs.existsSync(path.join(dir, 'report.html')));

  fs.writeFileSync(file, '{"class_name": 3}');
  const broken = sink();
  assert.equal(await runCompare(parseCompareArgs(['--model', file]) as Exclude<ReturnType<typeof parseCompareArgs>, string>, { stdout: sink().stream, stderr: broken.stream, kernelEntry: await kernelEntry() }), 1);
  assert.match(broken.text(), /cnn\.json: no model topology found/);
  assert.match(broken.text(), /The comparison failed at cell 1/);
});

test('compare --model: a model.json with its weights beside it is compared as loaded too, with its file\'s loss, --examples examples, and progress on stderr', async () => {
  await initEngine();
  // Frozen by the layer's own flag, which model.json keeps (a nested Sequential's own trainable is not in tf.layers' config).
  const base = tf.sequential({ layers: [tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu', name: 'base_dense', trainable: false })], name: 'base' });
  const model = tf.sequential({ layers: [base, tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' })] });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const dir = tmp();
  // What model.save(..., { includeOptimizer: true }) writes: the topology and training config
  // (the loss) in model.json, the weights in a shard beside it.
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = { format: 'layers-model', modelTopology: artifacts.modelTopology, trainingConfig: artifacts.trainingConfig, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  const run = parseCompareArgs(['--model', path.join(dir, 'model.json'), '--examples', '37', '--out', path.join(dir, 'report.html')]);
  assert.ok(typeof run !== 'string');
  const out = sink();
  const err = sink();
  assert.equal(await runCompare(run, { stdout: out.stream, stderr: err.stream, kernelEntry: await kernelEntry() }), 0, err.text());
  const progress = err.text();
  assert.match(progress, /^format: tfjs-layers; 259 parameters; loss: sparseCategoricalCrossentropy \(from the file\); weights: weights\.bin$/m, progress);
  assert.match(progress, /^data: synthetic N\(0, 1\) inputs, 37 rows of 12 \(the model takes 12 inputs, MNIST has 784\)$/m, progress);
  assert.match(progress, /^loss: sparseCategoricalCrossentropy$/m, progress);
  for (const [k, label] of ['as loaded \\(trained\\)', 'normal\\(0, 1\\)', 'Xavier normal', 'Kaiming normal \\(fan_in\\)'].entries()) {
    assert.match(progress, new RegExp(`^scheme ${k + 1}/4 ${label}: probed at \\d+\\.\\d s$`, 'm'), progress);
  }
  // The base is frozen: measured, marked, and given no gradient; the head is judged.
  const text = out.text();
  assert.match(text, /as loaded \(trained\)\s+base\/base_dense \(frozen\)/, text);
  assert.match(text, /^[✓✗⚠] as loaded \(trained\)/m, text);
  assert.equal(parseCompareArgs(['--examples', '5']), '--examples applies to --model only (the MLP comparison takes its rows from --data)');
  assert.match(String(parseCompareArgs(['--model', 'm.json', '--examples', '0'])), /--examples must be a whole number above 0/);
});

test('initlab run prints each cell id it repaired and writes the repaired notebook', async () => {
  const dir = tmp();
  const file = path.join(dir, 'ids.initnb');
  const cell = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell('a', '1 + 1'), cell('a', '2 + 2'), cell('not valid!', '3 + 3')] }));
  const out = sink();
  const err = sink();
  const summary = await runNotebook({ file, inplace: true, kernelEntry: await kernelEntry(), stdout: out.stream, stderr: err.stream });
  assert.equal(summary.ok, true, err.text());
  const ids = parseNotebook(fs.readFileSync(file), 'ids.initnb').cells.map((c) => c.id!);
  assert.equal(ids[0], 'a');
  assert.match(ids[1], /^[0-9a-f]{8}$/);
  assert.match(ids[2], /^[0-9a-f]{8}$/);
  assert.equal(
    err.text(),
    `ids.initnb: repaired cells[1].id: "a" is already the id of cells[0], so it is now "${ids[1]}"\n` +
      `ids.initnb: repaired cells[2].id: "not valid!" is not a valid cell id (nbformat 4.5 wants 1-64 letters, digits, "-" or "_"), so it is now "${ids[2]}"\n`,
  );
});

test('initlab run --inplace refuses a file that is not UTF-8, names the byte, and leaves the file as it was', async () => {
  const dir = tmp();
  const file = path.join(dir, 'latin1.initnb');
  const bytes = Buffer.from('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "// caf\xe9", "outputs": [], "execution_count": null}]}', 'latin1');
  fs.writeFileSync(file, bytes);
  await assert.rejects(runNotebook({ file, inplace: true, kernelEntry: await kernelEntry(), stdout: sink().stream, stderr: sink().stream }), (err: Error) => {
    assert.ok(err instanceof NotebookFormatError);
    assert.match(err.message, new RegExp(`^latin1\\.initnb: byte ${bytes.indexOf(0xe9)} \\(line 1, column \\d+\\): the file is not valid UTF-8: the byte 0xE9 right after ‘.*// caf’`));
    return true;
  });
  assert.equal(Buffer.compare(fs.readFileSync(file), bytes), 0);
});

test('initlab run keeps a timer’s log and a display updated after their cell ended in that cell, which still passed', async () => {
  const dir = tmp();
  const file = path.join(dir, 'late.initnb');
  const cell = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
  const first = "const progress = display('epoch 0');\nsetTimeout(() => console.log('tick after the end'), 200);\nsetTimeout(() => progress.update('epoch 9'), 300);\nundefined";
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell('first', first), cell('second', "await new Promise((done) => setTimeout(done, 1500));\nconsole.log('second ran')")] }));
  const summary = await runNotebook({ file, inplace: true, kernelEntry: await kernelEntry(), stdout: sink().stream, stderr: sink().stream });
  assert.equal(summary.ok, true);
  const [a, b] = parseNotebook(fs.readFileSync(file), 'late.initnb').cells;
  const texts = (c: typeof a) => (c.cell_type === 'code' ? c.outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'display_data' ? o.data['text/plain'] : '')).map(String) : []);
  assert.deepEqual(texts(a), ['epoch 9', 'tick after the end\n']);
  assert.deepEqual(texts(b), ['second ran\n']);
});
