// meanField as a cell uses it: arguments checked with errors that name them, models read from
// their own weights (σ_w² = fanIn·E[W²] checked against the weights by tf ops here), the phase
// diagram's spec with its bound sliders compiled by Vega-Lite and drawn to SVG, the display
// bundle, and no tensor left behind.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import { meanField, phaseDiagramOf } from '../../../../../src/toolkit/theory/meanField';
import { renderSvg } from '../../../../../src/toolkit/charts/renderSvg';
import { formatToolkitValue } from '../../../../../src/toolkit/display';
import { MimeTypes } from '../../../../../src/shared/mimeTypes';

before(async () => {
  await initEngine();
});

const any = (v: unknown) => v as never;

test('bad arguments stop with an error naming the function and the argument, never a NaN', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => meanField(any(undefined)), /^meanField: options must be an object \{ activation, sigmaW/],
    [() => meanField(any({ sigmaW: 1 })), /^meanField: options\.activation must be one of 'tanh', 'relu'.*or a function/],
    [() => meanField(any({ activation: 'gelu', sigmaW: 1 })), /^meanField: options\.activation must be one of/],
    [() => meanField(any({ activation: 'tanh' })), /^meanField: options\.sigmaW must be a finite number > 0/],
    [() => meanField({ activation: 'tanh', sigmaW: NaN }), /^meanField: options\.sigmaW must be a finite number > 0 and <= 30, got NaN/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, sigmaB: -0.1 }), /^meanField: options\.sigmaB must be a finite number in \[0, 30\]/],
    // σ_w = 1e200 squares to Infinity: refused, where every figure came out NaN.
    [() => meanField({ activation: 'tanh', sigmaW: 1e200 }), /^meanField: options\.sigmaW must be a finite number > 0 and <= 30, got 1e\+200/],
    [() => meanField.criticalPoint({ activation: 'relu', sigmaB: 1e200 }), /^meanField\.criticalPoint: options\.sigmaB must be a finite number in \[0, 30\]/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, depth: 2.5 }), /^meanField: options\.depth must be an integer >= 1/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, slope: 0.2 }), /^meanField: options\.slope is leakyRelu's negative slope, but options\.activation is 'tanh'/],
    [() => meanField(any({ activation: 'tanh', sigmaW: 1, sigmaw: 2 })), /^meanField: unknown option "sigmaw"/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, q0: 0 }), /^meanField: options\.q0 must be a finite number > 0/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, grid: { sigmaW2: [2, 1] } }), /^meanField: options\.grid\.sigmaW2 must be an array \[low, high\]/],
    // Past q ≈ 1000 tanh′ is narrower than the quadrature's nodes: σ_w = 1e6 read as ordered (χ₁ = 0) where it is chaotic.
    [() => meanField({ activation: 'tanh', sigmaW: 1e6 }), /^meanField: options\.sigmaW must be a finite number > 0 and <= 30, got 1000000/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, grid: { sigmaB2: [0, 1e4] } }), /^meanField: options\.grid\.sigmaB2 must be an array \[low, high\] of finite numbers with 0 ≤ low < high ≤ 900/],
    [() => meanField({ activation: 'tanh', sigmaW: 1, grid: { size: 1 } }), /^meanField: options\.grid\.size must be an integer in \[2, 100\]/],
    [() => meanField({ activation: (x) => Math.sqrt(x), sigmaW: 1 }), /^meanField: options\.activation must be a function \(x: number\) => number that gives a finite number, got NaN at x = -1/],
    // Finite where it was tried, infinite where the quadrature goes: said, with the x.
    [() => meanField({ activation: (x) => Math.exp(x * x * x * x), sigmaW: 1, grid: false }), /^meanField: options\.activation must return a finite number for every x, got Infinity at x = /],
    [() => meanField(any({ activation: 'tanh', sigmaW: 1 }), any({})), /^meanField: takes at most 1 argument/],
    [() => meanField.ofModel(any({ layers: [] })), /^meanField\.ofModel: model must be an nn model \(nn\.mlp, nn\.cnn, an nn\.Model\) or a tf\.LayersModel/],
    [() => meanField.ofModel(nn.mlp([4, 3]), any({ grid: 'yes' })), /^meanField\.ofModel: options\.grid must be true, false, or/],
    [() => meanField.correlationMap({ activation: 'tanh', sigmaW: 1, q: 1, c: 1.5, depth: 5 }), /^meanField\.correlationMap: options\.c must be a finite number in \[-1, 1\]/],
    [() => meanField.correlationMap({ activation: 'tanh', sigmaW: 1, q: any([1, -2]), c: 0.5, depth: 5 }), /^meanField\.correlationMap: options\.q must be a variance > 0, or \[q₁, q₂\]/],
    [() => meanField.correlationMap(any({ activation: 'tanh', sigmaW: 1, q: 1, c: 0.5 })), /^meanField\.correlationMap: options\.depth must be an integer in \[1, 10000\]/],
    [() => meanField.criticalPoint(any({ activation: 'relu', sigmaB: '0' })), /^meanField\.criticalPoint: options\.sigmaB must be a finite number in \[0, 30\], got "0"/],
    [() => phaseDiagramOf(any({ kind: 'initlab.probe' })), /^charts\.phaseDiagram: report must be what meanField\(\.\.\.\) or meanField\.ofModel\(model\) returns/],
    [() => phaseDiagramOf(meanField({ activation: 'relu', sigmaW: 1, grid: false })), /^charts\.phaseDiagram: this report has no grid to draw \(it was made with grid: false\)/],
  ];
  for (const [call, message] of cases) assert.throws(call, (err: Error) => (err instanceof TypeError || err instanceof RangeError) && message.test(err.message), String(message));
});

test('a χ₁ that rounds to 1 off the critical line is printed as 1 ± its distance, not "χ₁ = 1 > 1"', () => {
  // sigmoid at 103.008 to 6 digits: χ₁ a few 1e−6 above 1, chaotic.
  const r = meanField({ activation: 'sigmoid', sigmaW: Math.sqrt(103.008), grid: false });
  assert.equal(r.phase, 'chaotic');
  assert.match(r.text, /χ₁ = 1 \+ \d\.\de-\d > 1: chaotic/);
  assert.doesNotMatch(r.text, /χ₁ = 1 > 1/);
});

test('a φ whose χ₁ never reaches 1 has no critical point: null, not a number', () => {
  assert.equal(meanField.criticalPoint({ activation: (x: number) => 0.5 + 0 * x }), null);
});

/** fanIn·E[W²] and E[b²] of a kernel and bias, by tf ops, independent of the reader under test: float32 sums of 90,000 squares, good to about 1e−5 (the reader sums in float64). */
function moments(kernel: tfjs.Tensor, bias: tfjs.Tensor | undefined): { sigmaW2: number; sigmaB2: number } {
  return tf.tidy(() => {
    const fanIn = kernel.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return { sigmaW2: fanIn * tf.moments(kernel).variance.add(tf.square(tf.moments(kernel).mean)).dataSync()[0], sigmaB2: bias ? tf.mean(tf.square(bias)).dataSync()[0] : 0 };
  });
}

test("an nn tanh MLP is read from its own weights: xavierNormal's σ_w² = gain²·2·fanIn/(fanIn + fanOut) per layer, the output layer left out", () => {
  const model = nn.mlp([200, 300, 300, 300, 10], { activation: 'tanh', init: 'xavierNormal', seed: 1 });
  const before = tf.memory().numTensors;
  const r = meanField.ofModel(model, { grid: false });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.equal(r.activation, 'tanh');
  assert.equal(r.depth, 4);
  assert.equal(r.model!.chainLayers, 3);
  const linears = model.linears();
  linears.forEach((linear, i) => {
    const expected = moments(linear.w, linear.b);
    assert.ok(Math.abs(r.model!.layers[i].sigmaW2 - expected.sigmaW2) < 1e-4 * expected.sigmaW2, `layer ${i + 1}: ${r.model!.layers[i].sigmaW2} against ${expected.sigmaW2}`);
    // And the scheme's own figure, within the sampling error of E[W²] (√(2/n) ≤ 0.5% here, allowed 3%).
    const [fanIn, fanOut] = linear.w.shape;
    const scheme = (25 / 9) * ((2 * fanIn) / (fanIn + fanOut));
    assert.ok(Math.abs(r.model!.layers[i].sigmaW2 / scheme - 1) < 0.03, `layer ${i + 1}: ${r.model!.layers[i].sigmaW2} against xavierNormal's ${scheme}`);
  });
  const mean = (r.model!.layers[0].sigmaW2 + r.model!.layers[1].sigmaW2 + r.model!.layers[2].sigmaW2) / 3;
  assert.ok(Math.abs(r.sigmaW2 - mean) < 1e-12, 'the point is the mean of the three tanh layers');
  assert.equal(r.phase, 'chaotic', `σ_w² = ${r.sigmaW2}: past tanh's boundary at 1`);
  assert.match(r.text, /^nn\.Model: 4 dense\/conv layers, tanh between them; σ_w² = 2\.\d+, σ_b² = 0 \(mean of 3 layers/);
  assert.match(r.text, /its depth 4: within reach/);
  assert.match(r.text, /note: left out of the mean: 7: Linear\(300→10\) \(linear\)/);
  model.dispose();
});

test("a tf.layers ReLU net with heNormal is read at σ_w² ≈ 1.55, not 2: tfjs's truncated normal keeps 0.77 of the variance, and the model sits in the ordered phase", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [300], units: 300, activation: 'relu', kernelInitializer: 'heNormal', biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
      tf.layers.dense({ units: 300, kernelInitializer: 'heNormal', biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
      tf.layers.reLU(),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 300, activation: 'relu', kernelInitializer: 'heNormal', biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const before = tf.memory().numTensors;
  const r = meanField.ofModel(model, { depth: 40 });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
  dense.forEach((layer, i) => {
    const [kernel, bias] = layer.getWeights();
    const expected = moments(kernel, bias);
    assert.ok(Math.abs(r.model!.layers[i].sigmaW2 - expected.sigmaW2) < 1e-4 * expected.sigmaW2, `${layer.name}: σ_w² ${r.model!.layers[i].sigmaW2} against ${expected.sigmaW2}`);
    assert.ok(Math.abs(r.model!.layers[i].sigmaB2 - expected.sigmaB2) < 1e-7, `${layer.name}: σ_b² (a constant bias: its square)`);
  });
  assert.deepEqual(r.model!.layers.map((l) => l.activation), ['relu', 'relu', 'relu', 'linear'], 'a ReLU layer after a dense is its activation; dropout passes it');
  assert.ok(r.sigmaW2 > 1.45 && r.sigmaW2 < 1.65, `σ_w² = ${r.sigmaW2}`);
  assert.ok(Math.abs(r.sigmaB2 - 0.01) < 1e-7);
  assert.equal(r.phase, 'ordered');
  assert.ok(Math.abs(r.chi1 - r.sigmaW2 / 2) < 1e-12, "ReLU's χ₁ = σ_w²/2");
  assert.equal(r.trainable, false, `depth 40 against 6ξ = ${r.trainableDepth}`);
  assert.match(r.text, /its depth 40: deeper than the \d+(\.\d)? layers theory gives/);
  assert.ok(r.grid, 'a grid by default');
  model.dispose();
});

test('convolutions count their fan-in as kernel area × channels, and BatchNorm and pooling are named as outside the chain', () => {
  const model = nn.cnn({ input: [8, 8, 2], channels: [8, 16], batchNorm: true, seed: 0 });
  const r = meanField.ofModel(model, { grid: false });
  assert.deepEqual(
    r.model!.layers.map((l) => [l.kind, l.fanIn]),
    [
      ['conv', 3 * 3 * 2],
      ['conv', 3 * 3 * 8],
      ['dense', 16],
    ],
  );
  assert.ok(Math.abs(r.model!.layers[1].sigmaW2 - 2) < 0.3, `kaimingNormal: σ_w² = ${r.model!.layers[1].sigmaW2} (72 fan-in: sampling error about 20%)`);
  assert.ok(r.notes.some((n) => /BatchNorm resets/.test(n)));
  assert.ok(r.notes.some((n) => /global average pooling/.test(n)));
  model.dispose();
});

test('a model whose weights give σ_w² above 900 is refused naming the layer, never read as ordered', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [16], units: 16, activation: 'tanh' }), tf.layers.dense({ units: 16, activation: 'tanh', name: 'huge' })] });
  tf.tidy(() => {
    const [kernel, bias] = model.getLayer('huge').getWeights();
    model.getLayer('huge').setWeights([tf.mul(kernel, 1e4), bias]);
  });
  assert.throws(
    () => meanField.ofModel(model, { grid: false }),
    (err: Error) => err instanceof RangeError && /^meanField\.ofModel: the model's weights give σ_w² = .* \(layer "huge" the largest\), above 900/.test(err.message),
  );
  model.dispose();
});

test('a hidden softmax is refused naming its layer; an output softmax ends the chain', () => {
  const hidden = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: 'softmax', name: 'mixer' }), tf.layers.dense({ units: 2 })] });
  assert.throws(() => meanField.ofModel(hidden, { grid: false }), (err: Error) => err instanceof RangeError && /^meanField\.ofModel: layer "mixer" has a softmax inside the chain/.test(err.message));
  const output = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: 'tanh' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  assert.deepEqual(meanField.ofModel(output, { grid: false }).model!.layers.map((l) => l.activation), ['tanh', 'linear']);
  hidden.dispose();
  output.dispose();
});

/** The spec's params, as the renderer binds them. */
type Param = { name: string; value: number; bind: { input: string; min: number; max: number; step: number } };

test('the phase diagram: σ_w, σ_b and depth as sliders, compiled by Vega-Lite into bound signals, and a static SVG at the values given', async () => {
  const report = meanField({ activation: 'tanh', sigmaW: 1.5, sigmaB: 0.1, depth: 50, grid: { size: 16 } });
  const { spec, text, chart } = phaseDiagramOf(report);
  assert.equal(chart, 'phaseDiagram');
  assert.equal(text, report.text);
  const params = spec.params as Param[];
  assert.deepEqual(params.map((p) => [p.name, p.value, p.bind.input]), [
    ['sigmaW', 1.5, 'range'],
    ['sigmaB', 0.1, 'range'],
    ['depth', 50, 'range'],
  ]);
  // Each slider spans the grid: σ_w from √0.5 to √4, σ_b from 0 to √0.3.
  assert.ok(Math.abs(params[0].bind.min - Math.sqrt(0.5)) < 1e-5 && Math.abs(params[0].bind.max - 2) < 1e-5);
  assert.ok(params[1].bind.min === 0 && Math.abs(params[1].bind.max - Math.sqrt(0.3)) < 1e-5);
  const vegaLite = await import('vega-lite');
  const compiled = vegaLite.compile(spec as never).spec as { signals?: { name: string; bind?: { input: string } }[] };
  const bound = (compiled.signals ?? []).filter((s) => s.bind).map((s) => [s.name, s.bind!.input]);
  assert.deepEqual(bound, [
    ['sigmaW', 'range'],
    ['sigmaB', 'range'],
    ['depth', 'range'],
  ]);
  const svg = await renderSvg(spec);
  assert.ok(svg.startsWith('<svg'));
  assert.match(svg, /σ_w = 1\.500 \(σ_w² = 2\.25\), σ_b = 0\.100 \(σ_b² = 0\.01\): chaotic/, 'the readout at the values given');
  assert.match(svg, /depth 50: within reach/);
  assert.match(svg, /depth scale ξ over \(σ_w², σ_b²\)/);
  // 256 cells, each a rect path, plus the boundary line.
  assert.ok((svg.match(/<path/g) ?? []).length >= 256, 'every cell is drawn');
});

test('display(report) gives the chart, its SVG and the summary; a report without a grid gives the summary alone', async () => {
  const report = meanField({ activation: 'relu', sigmaW: 1.2, sigmaB: 0.05, grid: { size: 8 } });
  const bundle = (await formatToolkitValue(report))!;
  const payload = bundle[MimeTypes.chart] as unknown as { kind: string; spec: { params: unknown[] }; data: { kind: string } };
  assert.equal(payload.kind, 'phaseDiagram');
  assert.equal(payload.data.kind, 'initlab.meanField', 'the figures travel with the chart');
  assert.ok(String(bundle[MimeTypes.svg]).startsWith('<svg'));
  assert.equal(bundle[MimeTypes.plain], report.text);
  const plain = (await formatToolkitValue(meanField({ activation: 'relu', sigmaW: 1.2, grid: false })))!;
  assert.deepEqual(Object.keys(plain), [MimeTypes.plain]);
  assert.match(String(plain[MimeTypes.plain]), /^Mean-field theory, φ = relu: σ_w² = 1\.44/);
});
