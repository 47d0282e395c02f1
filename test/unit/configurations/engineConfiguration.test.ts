/**
 * A smoke test of the engine a user can choose, in whichever configuration this run has:
 * the default (the threaded WASM backend), `INITLAB_WASM_THREADS=1`, or `INITLAB_BACKEND=cpu`.
 * scripts/test.mjs runs this file once in each of those, next to the full suites in the default:
 * the engine is the one asked for, in this process and in a kernel, and a probe, a comparison
 * and a kernel cell all work on it. Small enough for the CPU backend: well under a minute there.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { engineInfo, initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import { probe } from '../../../src/toolkit/probe/probe';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { COMPARE_CELL_IDS, compareNotebook } from '../../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS } from '../../../src/host/compare/compareOptions';
import { KernelClient } from '../../../src/host/kernelClient';
import { kernelEntry } from '../support/kernelBuild';
import { runCell } from '../support/kernelCells';

/** The engine this run asks for, as engineInfo() reports it. */
const wanted = {
  backend: process.env.INITLAB_BACKEND || 'wasm',
  threads: process.env.INITLAB_WASM_THREADS ? Number(process.env.INITLAB_WASM_THREADS) : undefined,
};
const configuration = `INITLAB_BACKEND=${process.env.INITLAB_BACKEND ?? ''} INITLAB_WASM_THREADS=${process.env.INITLAB_WASM_THREADS ?? ''}`;

const clients: KernelClient[] = [];

before(async () => {
  await initEngine();
});
after(() => clients.forEach((c) => c.dispose()));

function assertEngine(info: { backend: string; threads?: number | null }, where: string) {
  assert.equal(info.backend, wanted.backend, `${where}: the backend ${configuration} asks for`);
  if (wanted.backend === 'wasm' && wanted.threads !== undefined) assert.equal(info.threads, wanted.threads, `${where}: the threads ${configuration} asks for`);
}

test('the engine is the one asked for, and a probe of a Kaiming ReLU network measures what theory predicts', () => {
  assertEngine(engineInfo(), 'this process');
  const model = nn.mlp([200, 128, 128, 10], { activation: 'relu', init: 'kaimingNormal', seed: 1 });
  const x = tf.randomNormal([500, 200], 0, 1, 'float32', 2);
  const y = tf.randomNormal([500, 10], 0, 1, 'float32', 3);
  const report = probe(model, { label: 'Kaiming' }).step(x, y);
  assert.equal(report.layers.length, 3);
  for (const layer of report.layers) {
    const measured = fromStatNumber(layer.tensors.preActivation!.std);
    const predicted = fromStatNumber(layer.theory.preActivationStd!);
    assert.ok(Math.abs(measured / predicted - 1) < 0.15, `layer ${layer.layer}: measured ${measured}, predicted ${predicted}`);
  }
  tf.dispose([x, y]);
  model.dispose();
});

test('in a kernel on the same engine, a cell runs and a comparison reaches its verdict', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  // A string value shows quoted: 'wasm 2'.
  const [backend, threads] = (await runCell(client, "`${engineInfo().backend} ${engineInfo().threads ?? '-'}`")).text.replace(/^'|'$/g, '').split(' ');
  const info = { backend, threads: threads === '-' ? undefined : Number(threads) };
  assertEngine(info, 'the kernel');
  assert.equal((await runCell(client, 'tf.matMul(tf.eye(3), tf.ones([3, 1])).sum().dataSync()[0]')).text, '3');
  const notebook = compareNotebook({ ...DEFAULT_COMPARE_OPTIONS, schemes: ['normal', 'kaimingNormal'], depth: 3, width: 64, data: 'synthetic' });
  let verdict = '';
  const times: string[] = [];
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    const started = Date.now();
    const { text } = await runCell(client, String(cell.source));
    times.push(`${cell.id} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (cell.id === COMPARE_CELL_IDS.verdict) verdict = text;
  }
  console.log(`figure: a comparison's cells on ${info.backend}: ${times.join(', ')}`);
  assert.match(verdict, /Healthy at every layer: Kaiming normal \(fan_in\)\./, verdict);
  assert.match(verdict, /✗ normal\(0, 1\)/, verdict);
});
