// "Compare initializations" on a model the notebook defines: the kernel names the notebook's
// models, and the appended cells compare schemes on copies of it without touching the
// notebook's own variables. Driven through the real kernel process, as VS Code drives it.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareOnModelCells } from '../../../../src/host/compare/compareNotebook';
import { KernelClient } from '../../../../src/host/kernelClient';
import { kernelEntry } from '../../support/kernelBuild';
import { runCell } from '../../support/kernelCells';

const clients: KernelClient[] = [];
after(() => clients.forEach((c) => c.dispose()));

const run = async (client: KernelClient, code: string) => (await runCell(client, code)).text;

test('the kernel names the notebook’s models, and comparing on one leaves the notebook’s variables as they were', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  assert.deepEqual(await client.describeModels(), [], 'no kernel yet: nothing is defined');

  await run(client, ["const x = 42;", "const net = nn.mlp([64, 32, 32, 32, 1], { activation: 'tanh', init: 'normal', seed: 3 });", 'const notAModel = { layers: [] };'].join('\n'));
  assert.deepEqual(await client.describeModels(), [{ name: 'net', description: '64 → 32 → 32 → 32 → 1, tanh', takesMnist: false }]);
  const weightsBefore = await run(client, 'net.linears().map((l) => l.w.dataSync().slice(0, 3).join(",")).join(";")');

  const cells = compareOnModelCells({ model: 'net', description: '64 → 32 → 32 → 32 → 1, tanh', schemes: ['normal', 'xavierNormal'], data: 'mnist', seed: 0 }, 'test');
  const texts: string[] = [];
  for (const cell of cells) if (cell.cell_type === 'code') texts.push(await run(client, String(cell.source)));
  assert.match(texts[0], /data: synthetic N\(0, 1\) inputs, 10,000 rows of 64 \(the model takes 64 inputs, MNIST has 784\)/);
  // tanh with normal(0, 1) weights of fan-in 32+ saturates; Xavier keeps the scale (Glorot & Bengio).
  const verdict = texts[texts.length - 1];
  assert.match(verdict, /Healthy at every layer: Xavier normal\./, verdict);
  assert.match(verdict, /✗ normal\(0, 1\)/, verdict);

  assert.equal(await run(client, 'x'), '42', 'the notebook’s x is untouched');
  assert.equal(await run(client, 'net.linears().map((l) => l.w.dataSync().slice(0, 3).join(",")).join(";")'), weightsBefore, 'net keeps its weights');
  const names = (await client.describeModels()).map((m) => m.name);
  assert.deepEqual(names, ['net'], 'the comparison adds no model variable');
});

test('a tf.layers CNN in a notebook trains with model.fit, is probed layer by layer, and Compare runs on copies of it', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  const build = [
    'const cnn = tf.sequential({ layers: [',
    "  tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', name: 'conv1' }),",
    "  tf.layers.batchNormalization({ name: 'bn1' }),",
    "  tf.layers.activation({ activation: 'relu', name: 'relu1' }),",
    "  tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', name: 'conv2' }),",
    "  tf.layers.globalAveragePooling2d({ name: 'gap' }),",
    "  tf.layers.dense({ units: 10, activation: 'softmax', name: 'head' }),",
    '] });',
    "cnn.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });",
    'const { xTrain, yTrain } = data.mnist({ subset: 512 });',
    'const images = xTrain.reshape([-1, 28, 28, 1]);',
    'const labels = tf.oneHot(yTrain.toInt(), 10);',
    'const history = await cnn.fit(images, labels, { epochs: 3, batchSize: 128, verbose: 0 });',
    "console.log('loss', history.history.loss.map((l) => Number(l).toFixed(3)).join(' '));",
  ].join('\n');
  const trained = await run(client, build);
  const losses = /loss (.*)/.exec(trained)![1].split(' ').map(Number);
  assert.ok(losses[2] < losses[0], `the CNN trains: ${losses.join(', ')}`);

  const table = await run(client, "charts.table([probe(cnn, { label: 'trained' }).step(images, labels)])");
  for (const name of ['conv1', 'bn1', 'relu1', 'conv2', 'gap', 'head']) assert.match(table, new RegExp(`trained\\s+${name}\\b`), table);

  const [target] = await client.describeModels();
  assert.deepEqual(target, { name: 'cnn', description: 'tf.LayersModel, 6 layers: conv2d ×2, batchNormalization, activation, globalAveragePooling2d, dense', takesMnist: true });
  const weightsBefore = await run(client, 'cnn.getLayer("conv1").getWeights()[0].dataSync().slice(0, 4).join(",")');
  const cells = compareOnModelCells({ model: 'cnn', description: target.description, schemes: ['std:1', 'kaimingNormal'], data: 'mnist', seed: 0 }, 'cnn');
  const texts: string[] = [];
  for (const cell of cells) if (cell.cell_type === 'code') texts.push(await run(client, String(cell.source)));
  assert.match(texts[0], /data: MNIST, 2,000 training images of 28 × 28 × 1, normalized/);
  const verdict = texts[texts.length - 1];
  // normal(0, 1) kernels: BatchNorm rescues conv1, but the head's 16 inputs of mean ~4 give
  // logits of std ~13; Kaiming keeps every layer in band.
  assert.match(verdict, /✗ normal\(0, 1\): activations explode at layer 6 \(head, std \d/, verdict);
  assert.match(verdict, /✓ Kaiming normal \(fan_in\)/, verdict);
  assert.equal(await run(client, 'cnn.getLayer("conv1").getWeights()[0].dataSync().slice(0, 4).join(",")'), weightsBefore, 'cnn keeps its weights');
});

test('an nn.cnn in a notebook is offered, and Compare re-initializes copies of it on MNIST images', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  await run(client, "const net = nn.cnn({ input: [28, 28, 1], channels: [8, 16], strides: [1, 2], batchNorm: true, init: 'normal', seed: 0 });");
  const [target] = await client.describeModels();
  assert.deepEqual(target, { name: 'net', description: 'nn CNN: Conv2d ×2, BatchNorm ×2, ReLU ×2, GlobalAvgPool, Linear', takesMnist: true });
  const weightsBefore = await run(client, '(net.layers[0] as nn.Conv2d).w.dataSync().slice(0, 3).join(",")');
  const cells = compareOnModelCells({ model: 'net', description: target.description, schemes: ['std:0.01', 'kaimingNormal'], data: 'mnist', seed: 0 }, 'nncnn');
  const texts: string[] = [];
  for (const cell of cells) if (cell.cell_type === 'code') texts.push(await run(client, String(cell.source)));
  assert.match(texts[0], /data: MNIST, 2,000 training images of 28 × 28 × 1, normalized/);
  const verdict = texts[texts.length - 1];
  assert.match(verdict, /✗ normal\(0, 0\.01\): activations vanish at layer/, verdict);
  assert.match(verdict, /✓ Kaiming normal \(fan_in\)/, verdict);
  assert.equal(await run(client, '(net.layers[0] as nn.Conv2d).w.dataSync().slice(0, 3).join(",")'), weightsBefore, 'net keeps its weights');
});
