// "Compare initializations" on a model the notebook defines: the kernel names the notebook's
// models, and the appended cells compare schemes on copies of it without touching the
// notebook's own variables. Driven through the real kernel process, as VS Code drives it.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareOnModelCells } from '../../../src/common/compare/compareNotebook';
import type { NbOutput } from '../../../src/common/notebookFormat';
import { KernelClient } from '../../../src/kernel/process/kernelClient';
import { kernelEntry } from '../support/kernelBuild';

const clients: KernelClient[] = [];
after(() => clients.forEach((c) => c.dispose()));

async function run(client: KernelClient, code: string): Promise<string> {
  const outputs: NbOutput[] = [];
  const result = await client.execute('cell', code, { onOutput: (o) => outputs.push(o) });
  const text = outputs
    .map((o) => (o.output_type === 'stream' ? String(o.text) : o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : String(o.data['text/plain'] ?? '')))
    .join('\n');
  assert.equal(result.status, 'ok', text);
  return text;
}

test('the kernel names the notebook’s models, and comparing on one leaves the notebook’s variables as they were', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  assert.deepEqual(await client.describeModels(), [], 'no kernel yet: nothing is defined');

  await run(client, ["const x = 42;", "const net = nn.mlp([64, 32, 32, 32, 1], { activation: 'tanh', init: 'normal', seed: 3 });", 'const notAModel = { layers: [] };'].join('\n'));
  assert.deepEqual(await client.describeModels(), [{ name: 'net', sizes: [64, 32, 32, 32, 1], activation: 'tanh', loss: 'mse' }]);
  const weightsBefore = await run(client, 'net.linears().map((l) => l.w.dataSync().slice(0, 3).join(",")).join(";")');

  const cells = compareOnModelCells({ model: 'net', sizes: [64, 32, 32, 32, 1], activation: 'tanh', schemes: ['normal', 'xavierNormal'], data: 'mnist', seed: 0 }, 'test');
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
