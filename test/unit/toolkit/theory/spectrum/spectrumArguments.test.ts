// spectrum's arguments, as a cell without types may pass them: each mistake stops with a
// TypeError or RangeError that starts "spectrum:" and names the argument, never a NaN figure, and
// leaves no tensor behind and the model as it was.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import { spectrum } from '../../../../../src/toolkit/theory/spectrum/spectrum';

before(async () => {
  await initEngine();
});

const any = (v: unknown) => v as never;

test('every bad argument names itself, and nothing is left behind', () => {
  const model = nn.mlp([4, 6, 3], { activation: 'tanh', seed: 0 });
  const layers = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, name: 'hidden' }), tf.layers.dense({ units: 2, name: 'out' })] });
  const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
  const ints = tf.zeros([3, 4], 'int32');
  const wide = tf.zeros([3, 5]);
  const flat = tf.zeros([4]);
  const holed = tf.tensor2d([[0, 1, 2, 3], [0, NaN, 0, 0], [0, 0, 0, 0]]);
  const disposed = tf.zeros([3, 4]);
  disposed.dispose();
  const cases: [RegExp, () => unknown][] = [
    [/^TypeError: spectrum: model must be an nn model .* or a tf.LayersModel, got an object with layers$/, () => spectrum(any({ layers: [] }), x)],
    [/^TypeError: spectrum: model must be .*, got a tensor of shape \[3, 4\]$/, () => spectrum(any(x), x)],
    [/^TypeError: spectrum: x must be a tf.Tensor, got an array/, () => spectrum(model, any([[1, 2, 3, 4]]))],
    [/^TypeError: spectrum: x must be a tf.Tensor, got a disposed tensor/, () => spectrum(model, disposed)],
    [/^TypeError: spectrum: x must be a batch of examples: a tensor of rank 2 or more/, () => spectrum(model, flat)],
    [/^TypeError: spectrum: x must be float32 .*, got int32/, () => spectrum(model, ints)],
    [/^RangeError: spectrum: x does not fit the model: nn\.Linear\(4→6\)\.forward: input must be \[rows, 4\]/, () => spectrum(model, wide)],
    [/^RangeError: spectrum: x must be \[examples, 4\] for this model's input, got a tensor of shape \[3, 5\]/, () => spectrum(layers, wide)],
    [/^TypeError: spectrum: unknown option "example" \(expected one of examples, method/, () => spectrum(model, x, any({ example: 2 }))],
    [/^TypeError: spectrum: options.examples must be an integer >= 1, got 0/, () => spectrum(model, x, { examples: 0 })],
    [/^TypeError: spectrum: options.examples must be an integer >= 1, got 2.5/, () => spectrum(model, x, { examples: 2.5 })],
    [/^TypeError: spectrum: options.method must be one of 'auto', 'exact', 'estimate', got "svd"/, () => spectrum(model, x, { method: any('svd') })],
    [/^TypeError: spectrum: options.probes must be an integer >= 1, got NaN/, () => spectrum(model, x, { probes: NaN })],
    [/^TypeError: spectrum: options.steps must be an integer >= 2, got "24"/, () => spectrum(model, x, { steps: any('24') })],
    [/^TypeError: spectrum: options.steps must be an integer >= 2, got 1/, () => spectrum(model, x, { steps: 1 })],
    [/^RangeError: spectrum: x has NaN or ±Infinity values in its first 3 examples; the Jacobian needs finite inputs$/, () => spectrum(model, holed)],
    [/^TypeError: spectrum: options.seed must be a finite number, got "a"/, () => spectrum(model, x, { seed: any('a') })],
    [/^TypeError: spectrum: options.label must be a string, got 3/, () => spectrum(model, x, { label: any(3) })],
    [/^TypeError: spectrum: options.to must be a layer's number or name, got an array/, () => spectrum(model, x, { to: any([1]) })],
    [/^RangeError: spectrum: options.to must be a layer's number \(1 to 2, or −1 for the last\), or its name; the layers are 1 Linear\(4→6\) · Tanh, 2 Linear\(6→3\); got 3$/, () => spectrum(model, x, { to: 3 })],
    [/^RangeError: spectrum: options.to must be .*; got 0$/, () => spectrum(model, x, { to: 0 })],
    [/^RangeError: spectrum: options.to must be .*the layers are 1 hidden, 2 out; got "dense"$/, () => spectrum(layers, x, { to: 'dense' })],
    [/^TypeError: spectrum: options must be an object/, () => spectrum(model, x, any('exact'))],
    [/^TypeError: spectrum: takes at most 3 arguments, got 4/, () => (spectrum as (...a: unknown[]) => unknown)(model, x, {}, {})],
  ];
  const weights = () => model.parameters().map((p) => Array.from(p.dataSync()));
  const kept = weights();
  const before = tf.memory().numTensors;
  for (const [message, call] of cases) {
    assert.throws(call, (err: Error) => {
      assert.match(`${err.name}: ${err.message}`, message);
      return true;
    });
    assert.equal(tf.memory().numTensors, before, `no tensor left behind by ${message}`);
  }
  assert.deepEqual(weights(), kept, 'the model is as it was');
  tf.dispose([x, ints, wide, flat, holed]);
  model.dispose();
  layers.dispose();
});

test('examples beyond x’s rows take all of them; a layer named twice is asked for by number', () => {
  // Linear · Tanh is one layer, as the probe counts them; the two Tanh after it are layers 2 and 3.
  const model = new nn.Sequential([new nn.Linear(tf.eye(3), tf.zeros([3])), new nn.Tanh(), new nn.Tanh(), new nn.Tanh()]);
  const x = tf.randomNormal([2, 3], 0, 1, 'float32', 2);
  const report = spectrum(model, x, { examples: 50, seed: 0 });
  assert.equal(report.examples, 2);
  assert.throws(() => spectrum(model, x, { to: 'Tanh' }), /^RangeError: spectrum: options.to "Tanh" names 2 layers \(numbers 2, 3\); give its number$/);
  assert.equal(spectrum(model, x, { to: 2, seed: 0 }).layers.length, 3);
  x.dispose();
  model.dispose();
});
