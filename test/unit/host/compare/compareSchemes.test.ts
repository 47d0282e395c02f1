// Compare with the schemes beyond the variance family (delta-orthogonal, ZerO, Fixup, MetaInit,
// GradInit), run through the real kernel process as VS Code runs a comparison's cells: on a new
// MLP, and on a residual CNN the notebook defines. Fixup is offered for a notebook's model only:
// the CLI refuses it for its MLP, and a model without residual branches gets Fixup's own error.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareNotebook, compareOnModelCells } from '../../../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS, NEW_NETWORK_SCHEMES, SCHEME_IDS } from '../../../../src/host/compare/compareOptions';
import { parseCompareArgs } from '../../../../src/cli/compareCommand';
import { KernelClient } from '../../../../src/host/kernelClient';
import { kernelEntry } from '../../support/kernelBuild';
import { runCell } from '../../support/kernelCells';

const clients: KernelClient[] = [];
after(() => clients.forEach((c) => c.dispose()));

async function kernel(): Promise<KernelClient> {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  return client;
}

test('the new-network comparison offers every scheme but Fixup; the CLI refuses Fixup without --model and takes it with one', () => {
  assert.deepEqual(
    SCHEME_IDS.filter((id) => !NEW_NETWORK_SCHEMES.includes(id)),
    ['fixup'],
  );
  assert.match(parseCompareArgs(['--schemes', 'kaimingNormal,fixup']) as string, /Fixup re-initializes residual networks, and the MLP initlab compare builds has no residual branch/);
  const withModel = parseCompareArgs(['--schemes', 'fixup,metaInit', '--model', 'net.json']);
  assert.ok(typeof withModel !== 'string', String(withModel));
  assert.deepEqual(withModel.options.schemes, ['fixup', 'metaInit']);
});

test('a new MLP compared under delta-orthogonal, ZerO, MetaInit and GradInit: every cell runs and the verdict names each scheme', async (t) => {
  const client = await kernel();
  const notebook = compareNotebook({ ...DEFAULT_COMPARE_OPTIONS, schemes: ['deltaOrthogonal', 'zerO', 'metaInit', 'gradInit'], data: 'synthetic', depth: 3, width: 32 });
  const started = Date.now();
  const texts: string[] = [];
  for (const cell of notebook.cells) if (cell.cell_type === 'code') texts.push((await runCell(client, String(cell.source))).text);
  t.diagnostic(`four schemes on a 3-layer MLP of width 32, 10,000 synthetic rows: ${((Date.now() - started) / 1000).toFixed(1)} s (a loaded 2-core machine)`);
  const verdict = texts.find((text) => /Healthy at every layer|✗|✓/.test(text)) ?? '';
  for (const label of ['delta-orthogonal', 'ZerO', 'MetaInit', 'GradInit']) assert.match(verdict, new RegExp(label), verdict);
});

test('a residual CNN in the notebook compared under Kaiming, Fixup, MetaInit and GradInit; an MLP gets Fixup\'s own error', async () => {
  const client = await kernel();
  await runCell(client, "const net = nn.cnn({ input: [28, 28, 1], channels: [4, 8], strides: [2, 2], residual: true, classes: 10, seed: 0 });\nconst flat = nn.mlp([16, 8, 1], { seed: 0 });");
  const cells = compareOnModelCells({ model: 'net', description: 'a residual CNN', schemes: ['kaimingNormal', 'fixup', 'metaInit', 'gradInit'], data: 'mnist-subset', seed: 0, examples: 128 }, 'schemes');
  const texts: string[] = [];
  for (const cell of cells) if (cell.cell_type === 'code') texts.push((await runCell(client, String(cell.source))).text);
  const verdict = texts[texts.length - 1];
  for (const label of ['Kaiming normal', 'Fixup', 'MetaInit', 'GradInit']) assert.match(verdict, new RegExp(label), verdict);

  const [probe] = compareOnModelCells({ model: 'flat', description: 'an MLP', schemes: ['fixup'], data: 'synthetic', seed: 0, examples: 64 }, 'flat').filter((c) => c.cell_type === 'code');
  const outputs: string[] = [];
  const result = await client.execute('cell', String(probe.source), { onOutput: (o) => outputs.push(o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : '') });
  assert.equal(result.status, 'error');
  assert.match(outputs.join('\n'), /Fixup applies to residual networks, and this model has no residual branch/);
});
