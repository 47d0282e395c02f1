// The stop button during model.fit with watch(): in the real kernel process, training ends
// after the batch under way, the cell ends as interrupted, and the model and record stay.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { NbOutput } from '../../../src/shared/notebookFormat';
import { KernelClient } from '../../../src/host/kernelClient';
import { kernelEntry } from '../support/kernelBuild';

let client: KernelClient;
before(async () => {
  client = new KernelClient({ entry: await kernelEntry(), interruptTimeoutMs: 20_000 });
});
after(() => client.dispose());

async function run(code: string) {
  const outputs: NbOutput[] = [];
  const result = await client.execute('cell', code, { onOutput: (o) => outputs.push(o) });
  return { result, outputs };
}

test('stop during model.fit with watch ends training between batches and keeps the record', async () => {
  const setup = await run(
    [
      'const model = tf.sequential({ layers: [',
      "  tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }),",
      "  tf.layers.dense({ units: 10, activation: 'softmax' }),",
      '] });',
      "model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });",
      'const { xTrain, yTrain } = data.mnist({ subset: 2000 });',
      'const labels = tf.oneHot(yTrain.toInt(), 10);',
      'const w = watch(model, { x: xTrain, y: labels, every: 2 });',
    ].join('\n'),
  );
  assert.equal(setup.result.status, 'ok', JSON.stringify(setup.result));
  const training = run('await model.fit(xTrain, labels, { epochs: 1000, batchSize: 32, callbacks: [w] });');
  await new Promise((r) => setTimeout(r, 4000));
  const stopAt = Date.now();
  assert.equal(await client.interrupt(), 'interrupted');
  const { result, outputs } = await training;
  const took = Date.now() - stopAt;
  console.log(`figure: stop to cell ended: ${took} ms`);
  assert.equal(result.status, 'error');
  assert.match(JSON.stringify(result), /KeyboardInterrupt/);
  assert.ok(outputs.some((o) => o.output_type === 'display_data'), 'the live chart was drawn');
  const after = await run('`${w.record.stoppedAtStep} ${w.record.losses.length} ${w.record.running}`');
  const text = JSON.stringify(after.outputs);
  const [stopped, losses, running] = /(\d+) (\d+) (true|false)/.exec(text)!.slice(1);
  assert.ok(Number(stopped) > 0);
  assert.equal(losses, stopped);
  assert.equal(running, 'false');
});
