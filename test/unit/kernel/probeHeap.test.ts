/**
 * Large probes in the real kernel process, on the WASM engine's 4 GiB heap (probe/passMemory.ts,
 * probe/layersAdapter.ts): one after another, each as large as one fits alone, and a probe that
 * cannot fit refused before it starts with the count that fits, which then runs.
 *
 * Before: after one 10,000-image probe of the bench CNN the heap had 2.3 GB free but no 502 MB
 * block (the engine's permanent allocations sat in the middle of it), and a second probe failed
 * (stalled, without the kernel's heap guard); a probe too large ran until the heap gave out.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ExecutionResult, KernelClient } from '../../../src/host/kernelClient';
import { kernelClients, runAnyCell, runCell } from '../support/kernelCells';

const newClient = kernelClients();

/** Runs a cell that must succeed, and gives its text. */
async function value(client: KernelClient, code: string): Promise<string> {
  return (await runCell(client, code)).text;
}

/** The bench's CNN (bench/benchModels.ts): conv 16 / 32 s2 / 64 s2, each with BatchNorm and ReLU, GAP, dense 10. */
const CNN = [
  'const L = tf.layers;',
  "const block = (filters: number, strides: number, first: boolean) => [L.conv2d({ ...(first ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: 'heNormal' }), L.batchNormalization(), L.activation({ activation: 'relu' })];",
  'const model = tf.sequential({ layers: [...block(16, 1, true), ...block(32, 2, false), ...block(64, 2, false), L.globalAveragePooling2d({}), L.dense({ units: 10, activation: "softmax" })] });',
  "model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });",
].join('\n');

test('two probes of 10,000 MNIST images through a CNN run one after the other in one kernel, and give the same figures', { timeout: 300_000 }, async () => {
  const client = newClient();
  await value(client, `${CNN}\nconst set = data.mnist({ subset: 10000 });\nconst x = tf.reshape(set.xTrain, [-1, 28, 28, 1]);\nconst y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);\nconst tensorsBefore = tf.memory().numTensors;`);
  const figures = (report: string) => `[${report}.loss, ${report}.layers.map((l) => l.tensors.outputGrad?.std ?? l.tensors.activation?.std)]`;
  const started = Date.now();
  const first = await value(client, `const first = probe(model, { dataGrad: false }).step(x, y);\nconsole.log(JSON.stringify(${figures('first')}));`);
  const firstSeconds = (Date.now() - started) / 1000;
  const second = await value(client, `const second = probe(model, { dataGrad: false }).step(x, y);\nconsole.log(JSON.stringify(${figures('second')}));`);
  const bothSeconds = (Date.now() - started) / 1000;
  assert.equal(second, first, 'the same loss and per-layer figures');
  const parsed = JSON.parse(first) as [number, number[]];
  assert.ok(parsed[0] > 1.5 && parsed[0] < 3.5, `a softmax over 10 classes at initialization: loss ${parsed[0]}`);
  assert.equal(parsed[1].length, 11);
  assert.equal(await value(client, 'tf.memory().numTensors - tensorsBefore'), '0', 'no tensor left behind');
  // And a third, after the two: the heap is not left in pieces.
  await value(client, 'probe(model, { dataGrad: false }).step(x, y).loss');
  console.log(`two 10,000-image CNN probes in one kernel: ${firstSeconds.toFixed(1)} s, then ${(bothSeconds - firstSeconds).toFixed(1)} s`);
});

test('a probe that cannot fit in the engine’s heap is refused before it starts, with the number of examples that fit, and that many run', { timeout: 300_000 }, async () => {
  const client = newClient();
  // About 3.5 MB of outputs per example (48 × 48 × 128 three times), so a few thousand examples
  // are far more than 4 GiB, and the count that fits is quick to probe.
  await value(
    client,
    [
      'const input = tf.input({ shape: [48, 48, 4] });',
      "const wide = tf.layers.conv2d({ filters: 128, kernelSize: 1, useBias: false }).apply(input) as any;",
      'const normalized = tf.layers.batchNormalization().apply(wide) as any;',
      "const active = tf.layers.activation({ activation: 'relu' }).apply(normalized) as any;",
      'const pooled = tf.layers.globalAveragePooling2d({}).apply(active) as any;',
      "const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4, activation: 'softmax' }).apply(pooled) as any });",
      "model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });",
      'const x = tf.randomNormal([3000, 48, 48, 4]);',
      "const y = tf.oneHot(tf.randomUniform([3000], 0, 4, 'int32'), 4);",
      'const tensorsBefore = tf.memory().numTensors;',
    ].join('\n'),
  );
  const started = Date.now();
  const refused = await runAnyCell(client, 'probe(model).step(x, y)');
  const refusedSeconds = (Date.now() - started) / 1000;
  assert.equal(refused.result.status, 'error');
  const error = (refused.result as Extract<ExecutionResult, { status: 'error' }>).error;
  assert.equal(error.ename, 'ProbeTooLarge');
  assert.match(error.evalue, /^probe\.step: 3,000 examples do not fit in the tensor engine's memory: their pass needs about [\d,]+ MB at its peak, and the engine's WASM heap \(at most 4 GiB\) can give [\d,]+ MB now\. About ([\d,]+) examples fit: probe the first \1 \(x\.slice\(0, \d+\) and y\.slice\(0, \d+\)\), or draw that many with data\.forModel\(model, \{ examples: \d+ \}\)\.$/);
  const fits = Number(/About ([\d,]+) examples fit/.exec(error.evalue)![1].replace(/,/g, ''));
  // Each example holds 3.5 MB of outputs: fewer than 1,200 fit in 4 GiB, and the estimate keeps room.
  assert.ok(fits > 300 && fits < 1200, `${fits} examples fit`);
  assert.ok(refusedSeconds < 30, `refused before the pass: ${refusedSeconds.toFixed(1)} s`);
  assert.equal(await value(client, 'tf.memory().numTensors - tensorsBefore'), '0', 'the refusal left no tensor behind');
  // The count it gave runs.
  const loss = await value(client, `probe(model).step(x.slice(0, ${fits}), y.slice(0, ${fits})).loss`);
  assert.ok(Number(loss) > 0.5 && Number(loss) < 3, `loss ${loss}`);
  console.log(`refused in ${refusedSeconds.toFixed(1)} s; ${fits} examples then ran in ${((Date.now() - started) / 1000 - refusedSeconds).toFixed(1)} s`);
});
