import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { formatLogArgs, formatValue, registerFormatter } from '../../../../src/kernel/execution/formatValue';
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

// The fallback for objects no formatter knows. Classes defined in this file are in its bundle,
// as the toolkit's are in the kernel's: their names are not shown (minified, they would be `lU`).
class Internal {
  _cache = [1, 2, 3];
  shown = 2;
}

test("an instance of a class of the bundle shows its public fields under no name", async () => {
  assert.equal((await formatValue(new Internal()))[MimeTypes.plain], '{ shown: 2 }');
  assert.equal((await formatValue(new Map([[1, new Internal()]])))[MimeTypes.plain], 'Map(1) { 1 => { shown: 2 } }');
  assert.equal((await formatValue([function helper() {}, class Hidden {}]))[MimeTypes.plain], '[ [Function], [class] ]');
  class ShapeError extends Error {}
  assert.match((await formatValue(new ShapeError('bad shape')))[MimeTypes.plain] as string, /^Error: bad shape\n {4}at /);
});

test("a class or function from outside the bundle (a cell's own) keeps its name", async () => {
  // Source put together at run time: written whole here, it would be in this file's bundle.
  const Net = vm.runInThisContext(['(class Net {', 'constructor() { this.depth = 3; this.inner = null; } })'].join(' ')) as new () => { inner: unknown };
  const net = new Net();
  net.inner = new Internal();
  assert.equal((await formatValue(net))[MimeTypes.plain], 'Net { depth: 3, inner: { shown: 2 } }');
  assert.equal((await formatValue(vm.runInThisContext(['(function train()', '{})'].join(' '))))[MimeTypes.plain], '[Function: train]');
  assert.equal((await formatValue(new Date(0)))[MimeTypes.plain], '1970-01-01T00:00:00.000Z');
});

test('nested tensors and tfjs objects show as one line each; getters are not called', async () => {
  await initEngine();
  const t = tf.tensor1d([1, 2]);
  const layer = tf.layers.dense({ units: 3 });
  const text = (await formatValue({ t, layer, get boom(): number { throw new Error('read') } }))[MimeTypes.plain];
  assert.equal(text, "{\n  t: Tensor [2] float32,\n  layer: tf.layers Dense '" + layer.name + "': not built yet (units 3),\n  boom: [Getter]\n}");
  t.dispose();
});

test('cycles and deep nesting stay finite', async () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  assert.equal((await formatValue(a))[MimeTypes.plain], "<ref *1> { name: 'a', self: [Circular *1] }");
  const deep = { l1: { l2: { l3: { l4: { l5: { l6: new Internal() } } } } } };
  assert.match((await formatValue(deep))[MimeTypes.plain] as string, /l4: \{ l5: \[Object\] \}/);
});

test('console.log text reads the same way', () => {
  assert.equal(formatLogArgs(['value:', new Internal(), 3]), 'value: { shown: 2 } 3');
});
