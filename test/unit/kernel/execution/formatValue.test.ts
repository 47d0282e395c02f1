import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatValue, registerFormatter } from '../../../../src/kernel/execution/formatValue';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { MimeTypes } from '../../../../src/shared/mimeTypes';

test('NaN and Infinity show as such, and are never written as JSON', async () => {
  const bundle = await formatValue({ loss: NaN, grad: Infinity, ok: 1 });
  assert.equal(bundle[MimeTypes.plain], '{ loss: NaN, grad: Infinity, ok: 1 }');
  assert.equal(bundle[MimeTypes.json], undefined);
});

test('plain objects also carry JSON', async () => {
  const bundle = await formatValue({ a: [1, 2], b: 'x' });
  assert.deepEqual(bundle[MimeTypes.json], { a: [1, 2], b: 'x' });
});

test('a Vega-Lite spec displays as a chart', async () => {
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', mark: 'bar' };
  const bundle = await formatValue(spec);
  assert.deepEqual(bundle[MimeTypes.vegaLite], spec);
});

test('a tensor shows shape, dtype and its first values, reading no more than a dozen', async () => {
  await initEngine();
  const before = tf.memory().numTensors;
  const t = tf.tensor1d([1, NaN, Infinity, 0.5]);
  const big = tf.range(0, 100000);
  const small = await formatValue(t);
  assert.equal(small[MimeTypes.plain], 'Tensor [4] float32\n  [1, NaN, Infinity, 0.5]');
  const large = await formatValue(big);
  assert.match(large[MimeTypes.plain] as string, /^Tensor \[100000\] float32\n {2}\[0, 1, 2, .*, 11, … 99988 more\]$/);
  assert.deepEqual((large[MimeTypes.tensor] as { shape: number[] }).shape, [100000]);
  t.dispose();
  big.dispose();
  assert.equal(tf.memory().numTensors, before, 'previews leak no tensors');
});

test('strings: as themselves in display(), quoted as a result', async () => {
  assert.equal((await formatValue('hi'))[MimeTypes.plain], 'hi');
  assert.equal((await formatValue('hi', { asResult: true }))[MimeTypes.plain], "'hi'");
});

test('registered formatters and toMimeBundle() win', async () => {
  const unregister = registerFormatter((v) => (v instanceof Map ? { 'text/html': '<b>map</b>' } : undefined));
  assert.deepEqual(await formatValue(new Map()), { 'text/html': '<b>map</b>' });
  unregister();
  assert.deepEqual(await formatValue({ toMimeBundle: () => ({ 'text/markdown': '**x**' }) }), { 'text/markdown': '**x**' });
});
