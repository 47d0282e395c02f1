// Every object a cell can hold displays as something a person reads: in the kernel as it ships
// (minified, so a class name printed by Node would be `lU` or `t`), each toolkit and tfjs object
// shows a short text, never a class dump or tfjs's internals, and its chart where it has one.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelClient } from '../../../src/host/kernelClient';
import type { NbOutput } from '../../../src/shared/notebookFormat';
import { MimeTypes } from '../../../src/shared/mimeTypes';
import { runCell } from '../support/kernelCells';
import { minifiedKernelEntry } from '../support/kernelBuild';

let client: KernelClient;
let dir: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-object-display-'));
  client = new KernelClient({ entry: await minifiedKernelEntry(), cwd: dir });
  await runCell(
    client,
    [
      'const model = tf.sequential({ layers: [',
      "  tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }),",
      "  tf.layers.dense({ units: 2, activation: 'softmax' }),",
      '] });',
      "model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });",
      'const x = tf.randomNormal([16, 4], 0, 1, "float32", 1);',
      'const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "int32"), 2);',
      'const mlp = nn.mlp([4, 8, 1], { seed: 0 });',
      'const xs = tf.randomNormal([8, 4], 0, 1, "float32", 2);',
      'const ys = tf.randomNormal([8, 1], 0, 1, "float32", 3);',
    ].join('\n'),
  );
});
after(() => {
  client.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The cell's outputs that show a value (display() and the last expression). */
async function shown(code: string): Promise<{ text: string; bundles: Record<string, unknown>[]; outputs: NbOutput[] }> {
  const { outputs } = await runCell(client, code);
  const bundles = outputs.flatMap((o) => (o.output_type === 'display_data' || o.output_type === 'execute_result' ? [o.data as Record<string, unknown>] : []));
  const text = outputs.map((o) => (o.output_type === 'stream' ? String(o.text) : o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : String(o.data[MimeTypes.plain] ?? ''))).join('\n');
  assertReadable(text);
  return { text, bundles, outputs };
}

/** No class dump (`lU {`, `t {`, `<ref *1> t`), minified function or class name, or tfjs internal. */
function assertReadable(text: string): void {
  assert.doesNotMatch(text, /\b[a-zA-Z]{1,2}\d? \{/, `a class dump in:\n${text}`);
  assert.doesNotMatch(text, /\[(Function|class)[: ][\w$]{1,3}\]/, `a minified function name in:\n${text}`);
  assert.doesNotMatch(text, /<ref \*\d+>/, `a circular dump in:\n${text}`);
  assert.doesNotMatch(text, /_callHook|inboundNodes|isDisposedInternal|dataId/, `internals in:\n${text}`);
}

function plain(bundle: Record<string, unknown>): string {
  return String(bundle[MimeTypes.plain]);
}

test('a tf.LayersModel shows its name, layers, parameters, shapes and compiled loss', async () => {
  const { bundles } = await shown('model');
  assert.equal(bundles.length, 1);
  const text = plain(bundles[0]);
  assert.match(text, /^tf\.LayersModel 'sequential_\d+' \(Sequential\): 2 layers, 58 parameters$/m);
  assert.match(text, /input \[null, 4\] → output \[null, 2\]/);
  assert.match(text, /compiled: loss categoricalCrossentropy, optimizer SGD/);
  assert.match(text, /dense_Dense1\s+Dense\s+→ \[null, 8\]\s+40 parameters\s+relu/);
  assert.deepEqual(Object.keys(bundles[0]), [MimeTypes.plain], 'a model has no chart');
});

test('probe(model) says what it measures, how to call it and its options', async () => {
  const layers = plain((await shown("probe(model, { label: 'He', dataGrad: false })")).bundles[0]);
  assert.match(layers, /^probe of a tf\.LayersModel 'sequential_\d+' \(2 layers, 58 parameters\)$/m);
  assert.match(layers, /call \.step\(x, y\) for one forward and backward pass/);
  assert.match(layers, /options: label, bins, dataGrad, loss, deadUnits, progress; given: label 'He', dataGrad false/);
  const nnProbe = plain((await shown('probe(mlp)')).bundles[0]);
  assert.match(nnProbe, /^probe of an nn\.Model \(3 layers, 49 parameters, loss MSE\)$/m);
  assert.match(nnProbe, /\.step\(x, y\)/);
  assert.match(nnProbe, /\.stats\(\)/);
});

test('a watcher: before training, how to use it; display(w) after model.fit draws the watch chart', async () => {
  const before = plain((await shown('const w = watch(model, { x, y, every: 1 }); w')).bundles[0]);
  assert.match(before, /^watch of a tf\.LayersModel 'sequential_\d+' \(2 layers, 58 parameters\)$/m);
  assert.match(before, /nothing recorded yet: pass it to training, await model\.fit\(x, y, \{ callbacks: \[w\] \}\)/);
  const fit = await shown('const history = await model.fit(x, y, { epochs: 2, batchSize: 8, callbacks: [w] }); history');
  assert.ok(fit.bundles.some((b) => b[MimeTypes.chart] !== undefined), 'the live chart is drawn while fit runs');
  // model.fit's History: the losses, not a callback's fields.
  const history = plain(fit.bundles[fit.bundles.length - 1]);
  assert.match(history, /^training history: 2 epochs\n {2}loss: [\d.]+ → [\d.]+$/);
  const { bundles } = await shown('display(w)');
  assert.equal(bundles.length, 1);
  assert.equal((bundles[0][MimeTypes.chart] as { kind: string }).kind, 'watch');
  assert.match(String(bundles[0][MimeTypes.svg]), /^<svg/);
  assert.match(plain(bundles[0]), /^watch of a tf\.LayersModel 'sequential_\d+' \(2 layers, 58 parameters\)\n {2}sequential_\d+: loss [\d.]+ after 4 steps/);
  const record = (await shown('w.record')).bundles[0];
  assert.equal((record[MimeTypes.chart] as { kind: string }).kind, 'watch');
});

test('record() results, probe reports, comparisons, verdicts and charts keep their charts and text', async () => {
  const rec = (await shown("await record(mlp, sgdSteps(mlp, xs, ys, { lr: 0.01, seed: 1 }), { steps: 3, x: xs, y: ys, every: 1, live: false, label: 'sgd' })")).bundles[0];
  assert.equal((rec[MimeTypes.chart] as { kind: string }).kind, 'watch');
  assert.match(plain(rec), /^sgd: loss [\d.]+ after 3 steps/);
  const report = (await shown("const r1 = probe(mlp, { label: 'a' }).step(xs, ys); r1")).bundles[0];
  assert.equal((report[MimeTypes.chart] as { kind: string }).kind, 'layerStats');
  assert.match(plain(report), /^scheme\s+layer\s+act std/);
  const comparison = (await shown("compareReports([r1, probe(mlp, { label: 'b' }).step(xs, ys)])")).bundles[0];
  assert.equal((comparison[MimeTypes.chart] as { kind: string }).kind, 'layerStats');
  const v = (await shown('verdict([r1])')).bundles[0];
  assert.ok(v[MimeTypes.markdown], 'a verdict has markdown');
  const chart = (await shown('charts.histograms(r1)')).bundles[0];
  assert.equal((chart[MimeTypes.chart] as { kind: string }).kind, 'histograms');
  // Inside an array, each is one line.
  const nested = plain((await shown('[r1, verdict([r1]), charts.histograms(r1), probe(mlp)]')).bundles[0]);
  assert.match(nested, /probe report 'a': 2 layers, loss [\d.]+/);
  assert.match(nested, /verdict: /);
  assert.match(nested, /chart: <histograms of activation>/);
  assert.match(nested, /probe of an nn\.Model \(3 layers, 49 parameters, loss MSE\)/);
});

test('the theory results (spectrum, mean-field theory, width sweep) keep their charts, and read as one line each inside an array', async () => {
  const spectrum = (await shown("const s1 = spectrum(mlp, xs, { label: 'He' }); s1")).bundles[0];
  assert.equal((spectrum[MimeTypes.chart] as { kind: string }).kind, 'spectrum');
  const field = (await shown("const mf = meanField({ activation: 'relu', sigmaW: Math.SQRT2, sigmaB: 0, grid: false }); mf")).bundles[0];
  assert.ok(plain(field).length > 0, 'a mean-field report has a text form');
  const sweep = "const cc = await coordCheck((w, seed) => nn.mlp([4, w, 1], { seed }), { widths: [8, 16], steps: 1, repeats: 1 })";
  await shown(`${sweep}; 0`);
  const nested = plain((await shown("[s1, compareReports([s1, spectrum(mlp, xs, { label: 'b' })]), mf, cc]")).bundles[0]);
  assert.match(nested, /Jacobian spectrum 'He': 8 examples, mean σ² [\d.e-]+, variance of σ² [\d.e-]+ \(exact\)/);
  assert.match(nested, /spectra of 'He', 'b'/);
  assert.match(nested, /mean-field theory of relu at σ_w² 2, σ_b² 0: critical, trainable depth unbounded/);
  assert.match(nested, /width sweep over 8, 16: (no layer changes|1 layer changes|\d+ layers change) with width/);
});

test('nn models, modules and losses show their layers and parameters', async () => {
  const model = plain((await shown('const fresh = nn.mlp([4, 8, 1], { seed: 0 }); fresh')).bundles[0]);
  assert.equal(model, 'nn.Model: 3 layers, 49 parameters, loss MSE\n  Linear(4→8) → ReLU → Linear(8→1)');
  assert.equal(plain((await shown('fresh.layers[0]')).bundles[0]), 'nn.Linear(4→8): 40 parameters (w [4, 8], b [8])');
  assert.equal(plain((await shown('fresh.layers[1]')).bundles[0]), 'nn.ReLU: no parameters');
  assert.match(plain((await shown('new nn.CrossEntropy()')).bundles[0]), /^nn\.CrossEntropy: a loss/);
  assert.match(plain((await shown('new nn.Sequential([new nn.Tanh()])')).bundles[0]), /^nn\.Sequential: 1 layer, 0 parameters\n {2}Tanh$/);
  const cnn = plain((await shown("nn.cnn({ input: [8, 8, 1], channels: [4], classes: 3, seed: 0 })")).bundles[0]);
  assert.match(cnn, /^nn\.Model: \d+ layers, [\d,]+ parameters, loss CrossEntropy\n {2}Conv2d\(1→4, 3×3\)/);
  // After a pass, a module says what it holds.
  await shown('fresh.forward(xs, ys); fresh.backward();');
  assert.match(plain((await shown('fresh.layers[0]')).bundles[0]), /last output \[8, 8\], with its gradient \.g/);
});

test('tensors and data sets show shapes and dtypes, not tensor internals', async () => {
  assert.equal(plain((await shown('tf.tensor([1, 2, 3])')).bundles[0]), 'Tensor [3] float32\n  [1, 2, 3]');
  assert.match(plain((await shown("tf.variable(tf.zeros([2]), true, 'w')")).bundles[0]), /^Variable 'w' \[2\] float32/);
  const mnist = plain((await shown('data.mnist({ subset: 100 })')).bundles[0]);
  assert.match(mnist, /xTrain: Tensor \[100, 784\] float32,/);
  assert.match(mnist, /yValid: Tensor \[20\] float32,/);
  assert.match(mnist, /mean: 0\.\d+/);
  assert.equal(plain((await shown('data.synthetic(8, 4)')).bundles[0]), '{ x: Tensor [8, 4] float32, y: Tensor [8] float32 }');
});

test("loadModel's model says what was read beside its summary", async () => {
  const { bundles } = await shown(
    "const file = require('path').join(process.cwd(), 'm.json'); require('fs').writeFileSync(file, JSON.stringify(model.toJSON(null, false))); await loadModel(file)",
  );
  const text = plain(bundles[0]);
  assert.match(text, /^tf\.LayersModel 'sequential_\d+' \(Sequential\): 2 layers, 58 parameters$/m);
  assert.match(text, /loaded from .*m\.json \(tfjs-layers\) with each layer's own initial weights: no weights were read; compiled with the loss its output layer's activation implies/);
});

test("tfjs's layers, optimizers, initializers and symbolic tensors show what they are", async () => {
  assert.match(plain((await shown('model.layers[0]')).bundles[0]), /^tf\.layers Dense 'dense_Dense1': output \[null, 8\], 40 parameters, relu$/);
  assert.match(plain((await shown('tf.layers.dense({ units: 3 })')).bundles[0]), /^tf\.layers Dense 'dense_Dense\d+': not built yet \(units 3\)$/);
  assert.equal(plain((await shown('tf.train.adam(0.01)')).bundles[0]), 'tf.train Adam optimizer (learningRate 0.01, beta1 0.9, beta2 0.999, epsilon 1e-7)');
  assert.match(plain((await shown('tf.initializers.heNormal({})')).bundles[0]), /^tf VarianceScaling \(scale 2, mode fanIn, distribution normal\)$/);
  assert.match(plain((await shown('tf.input({ shape: [3] })')).bundles[0]), /^tf\.SymbolicTensor 'input\d+' \[null, 3\] float32/);
});

test('functions and namespaces by their public names; any other object of the bundle as its fields, under no name', async () => {
  assert.equal(plain((await shown('probe')).bundles[0]), '[Function: probe]');
  assert.equal(plain((await shown('nn.Linear')).bundles[0]), '[class nn.Linear]');
  assert.equal(plain((await shown('tf.layers.dense')).bundles[0]), '[Function: tf.layers.dense]');
  assert.match(plain((await shown('charts')).bundles[0]), /^charts: the toolkit's charts namespace\n {2}functions: layerStats, histograms/);
  assert.match(plain((await shown('nn')).bundles[0]), /classes: .*Linear.*\n {2}functions: .*mlp/);
  // tfjs-data's Dataset: no formatter knows it; its public fields show, its class name does not.
  const dataset = plain((await shown('tf.data.array([1, 2, 3])')).bundles[0]);
  assert.match(dataset, /^\{ size: 3\b/);
  // A cell's own class keeps its name, and what it holds reads as above.
  const own = plain((await shown('class Experiment { model = model; t = tf.scalar(1); lr = 0.1 }; new Experiment()')).bundles[0]);
  assert.match(own, /^Experiment \{/);
  assert.match(own, /model: tf\.LayersModel 'sequential_\d+' \(Sequential\): 2 layers, 58 parameters/);
  assert.match(own, /t: Tensor \[\] float32/);
});

test('console.log of toolkit and tfjs objects, and an argument error about one, show no minified class name', async () => {
  const { text } = await shown('console.log(model); console.log(probe(mlp)); console.log({ model, t: x });');
  assert.match(text, /tf\.LayersModel 'sequential_\d+'/, text);
  assert.match(text, /probe of an nn\.Model/, text);
  const caught = (await shown('try { probe(probe(mlp) as never); } catch (e) { console.log(String(e)); }')).text;
  assert.match(caught, /^TypeError: probe: model must be a model with forward and backward .*, got an object with model, options$/m, caught);
});
