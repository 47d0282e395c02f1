// A comparison that also trains: each scheme trained with the same SGD on the same batches, and
// the verdict says which trained. Driven through the real kernel process, as VS Code drives it.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { COMPARE_CELL_IDS, compareNotebook, compareOnModelCells } from '../../../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS, describeCompareProblem, validateCompareOptions } from '../../../../src/host/compare/compareOptions';
import { KernelClient } from '../../../../src/host/kernelClient';
import { kernelEntry } from '../../support/kernelBuild';
import { runCell } from '../../support/kernelCells';

const clients: KernelClient[] = [];
after(() => clients.forEach((c) => c.dispose()));

test('a comparison with training: the same SGD on the same batches, and a verdict on which schemes trained', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  const notebook = compareNotebook({ ...DEFAULT_COMPARE_OPTIONS, schemes: ['normal', 'kaimingNormal'], data: 'mnist-subset', trainSteps: 100 });
  const ids = notebook.cells.map((c) => c.id);
  assert.ok(ids.indexOf(COMPARE_CELL_IDS.training) > ids.indexOf(COMPARE_CELL_IDS.probe) && ids.indexOf(COMPARE_CELL_IDS.training) < ids.indexOf(COMPARE_CELL_IDS.verdict), 'training comes after the first pass and before the verdict');
  const texts = new Map<string, string>();
  let trainingMs = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    const started = Date.now();
    const { text, outputs } = await runCell(client, String(cell.source));
    if (cell.id === COMPARE_CELL_IDS.training) {
      trainingMs = Date.now() - started;
      assert.ok(outputs.some((o) => o.output_type === 'execute_result' && o.data['application/vnd.initlab.chart+json']), 'the training cell draws a chart');
    }
    texts.set(cell.id!, text);
  }
  console.log(`figure: training 2 schemes for 100 steps in the comparison: ${(trainingMs / 1000).toFixed(1)} s`);
  const verdict = texts.get(COMPARE_CELL_IDS.verdict)!;
  const [first] = verdict.split('\n');
  // normal(0, 1) on 784 inputs: outputs in the hundreds, an MSE gradient to match, and SGD at lr 0.01 overshoots.
  assert.match(first, /After 100 training steps, trained: Kaiming normal \(fan_in\)\./, verdict);
  assert.match(verdict, /✓ Kaiming normal \(fan_in\): trained, loss [\d.e+]+ → [\d.e+]+/, verdict);
  assert.match(verdict, /✗ normal\(0, 1\): diverged, loss not finite at step \d+/, verdict);
  const same = await runCell(client, 'trainings.map((t) => t.losses.length).join(",") + " " + trainings[1].stats.filter((s) => s.layer === 1).map((s) => s.step).join(",")');
  assert.match(same.text, /\d+,100 0,10,20,30,40,50,60,70,80,90,100/, 'Kaiming ran every step, recorded every 10');
});

test('a comparison with training on the notebook’s own nn.cnn (BatchNorm, residual blocks): every scheme trains through the hand-written backward', async () => {
  const client = new KernelClient({ entry: await kernelEntry() });
  clients.push(client);
  await runCell(client, "const net = nn.cnn({ input: [28, 28, 1], channels: [8, 8], strides: [2, 2], batchNorm: true, residual: true, seed: 0 });");
  const cells = compareOnModelCells({ model: 'net', description: 'an nn.cnn', schemes: ['kaimingNormal', 'xavierNormal'], data: 'mnist-subset', seed: 0, trainSteps: 30 }, 't');
  const texts: string[] = [];
  for (const cell of cells) if (cell.cell_type === 'code') texts.push((await runCell(client, String(cell.source))).text);
  const verdict = texts[texts.length - 1];
  assert.match(verdict, /After 30 training steps/, verdict);
  assert.doesNotMatch(verdict, /diverged/, verdict);
  // Each step's loss is one batch's: the mean of the last 5 against the first 5.
  const losses = await runCell(
    client,
    'netComparison.trainings.map((t) => { const l = t.losses.map((x) => Number(x.loss)); const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length; return `${t.label}: ${l.length} ${mean(l.slice(-5)) < mean(l.slice(0, 5))}`; }).join("; ")',
  );
  assert.match(losses.text, /Kaiming normal \(fan_in\): 30 true; Xavier normal: 30 true/, 'both ran 30 steps and lowered the loss');
});

test('training steps are checked like every other option', () => {
  const problem = validateCompareOptions({ ...DEFAULT_COMPARE_OPTIONS, trainSteps: -5 });
  assert.equal(describeCompareProblem(problem!), 'Training steps must be a whole number from 0 to 10000, not -5.');
  assert.equal(validateCompareOptions({ ...DEFAULT_COMPARE_OPTIONS, trainSteps: 500 }), undefined);
});
