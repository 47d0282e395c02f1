// coordCheck (μP's coordinate check): standard parametrization trained with Adam is flagged as
// growing with width once training starts, its μP version stays flat, and the slopes at
// initialization follow what the init's variance predicts. Figures go out as test diagnostics.
import { before, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import { coordCheck, muP, type CoordCheckReport } from '../../../../../src/toolkit/theory/widthScaling';
import { fitPowerLaw, isFit } from '../../../../../src/toolkit/theory/widthScaling/slopeFit';
import { formatToolkitValue } from '../../../../../src/toolkit/display';
import { MimeTypes } from '../../../../../src/shared/mimeTypes';

before(async () => {
  await initEngine();
});

const WIDTHS = [64, 128, 256, 512, 1024];

function slopes(report: CoordCheckReport, layer: string): (number | null)[] {
  return report.fits.filter((f) => f.layer === layer).sort((a, b) => a.step - b.step).map((f) => f.slope);
}

function tell(t: TestContext, name: string, report: CoordCheckReport): void {
  for (const { label } of report.layers) t.diagnostic(`${name} ${label}: slope by step ${slopes(report, label).map((s) => (s === null ? '–' : s.toFixed(3))).join(', ')}`);
}

function leakFree<T>(run: () => T): T {
  const before = tf.memory().numTensors;
  const result = run();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  return result;
}

test('an MLP in standard parametrization trained with Adam grows with width from step 1; its μP version stays flat (|slope| < 0.1)', (t) => {
  const options = { widths: WIDTHS, steps: 5, optimizer: 'adam' as const, lr: 0.01, repeats: 1 };
  const sp = leakFree(() => coordCheck((w, seed) => nn.mlp([16, w, w, 10], { seed }), options));
  const mu = leakFree(() => coordCheck((w, seed) => muP.mlp({ inputs: 16, width: w, outputs: 10, baseWidth: 64, seed }), options));
  tell(t, 'SP', sp);
  tell(t, 'μP', mu);
  assert.deepEqual(sp.layers.map((l) => l.label), ['Linear 1', 'Linear 2', 'Linear 3 (output)']);

  // SP: the hidden layer and the output grow once Adam has moved them, never at initialization.
  const grows = sp.flagged.filter((f) => f.direction === 'grows');
  assert.deepEqual(grows.map((f) => f.layer), ['Linear 2', 'Linear 3 (output)']);
  assert.ok(grows.every((f) => f.from >= 1), `from steps ${grows.map((f) => f.from)}`);
  assert.ok(slopes(sp, 'Linear 3 (output)')[1]! > 0.5, 'the output grows at least ∝ √width after one Adam step');
  assert.ok(slopes(sp, 'Linear 2')[5]! > 0.5, 'the hidden layer grows at least ∝ √width by step 5');
  for (const label of ['Linear 1', 'Linear 2', 'Linear 3 (output)']) assert.ok(Math.abs(slopes(sp, label)[0]!) < 0.1, `${label} is flat at initialization (He init)`);
  assert.ok(Math.max(...slopes(sp, 'Linear 1').map((s) => Math.abs(s!))) < 0.1, 'the input layer, whose fan_in is fixed, stays flat');
  assert.match(sp.text, /^Linear 2 and Linear 3 \(output\) grow with width once training starts .*standard parametrization with Adam.*use μP/);

  // μP: every slope under the threshold; the zero readout has no slope at step 0.
  assert.deepEqual(mu.flagged, []);
  const fitted = mu.fits.filter((f) => f.slope !== null);
  const worst = Math.max(...fitted.map((f) => Math.abs(f.slope!)));
  t.diagnostic(`μP max |slope| ${worst.toFixed(3)} over ${fitted.length} layer-steps`);
  assert.ok(worst < 0.1, `μP's largest |slope| is ${worst}`);
  assert.deepEqual(mu.fits.filter((f) => f.slope === null).map((f) => [f.layer, f.step, f.reason]), [['Linear 3 (output)', 0, 'zero']]);
  assert.match(mu.text, /^No layer grows with width over 5 steps of Adam at lr 0\.01: the per-layer learning rates/);
  assert.equal(mu.layerwiseLr, true);
  assert.equal(sp.layerwiseLr, false);

  // μP keeps the input and hidden layers' init: at step 0 they measure what SP's do, at every width.
  const at0 = (r: CoordCheckReport, layer: string) => r.sizes.filter((s) => s.step === 0 && s.layer === layer).map((s) => s.size);
  for (const layer of ['Linear 1', 'Linear 2']) assert.deepEqual(at0(mu, layer), at0(sp, layer));
});

test('at initialization the slopes are what the init variance predicts: std-1 weights give width^0.5 and width^1, Glorot\'s input layer width^−1/2', (t) => {
  // init 'normal' draws std 1 in every layer. The input layer's fan_in is fixed (slope 0); the
  // hidden pre-activation sums `width` terms of order 1 (∝ width^0.5); the output sums `width`
  // terms of order √width (∝ width^1).
  const widths = [64, 128, 256, 512];
  const normal = leakFree(() => coordCheck((w, seed) => nn.mlp([16, w, w, 10], { seed, init: 'normal' }), { widths, steps: 1, repeats: 4 }));
  const at0 = normal.layers.map((l) => slopes(normal, l.label)[0]!);
  t.diagnostic(`init 'normal', step 0 slopes ${at0.map((s) => s.toFixed(3)).join(', ')} (theory 0, 0.5, 1)`);
  [0, 0.5, 1].forEach((theory, k) => assert.ok(Math.abs(at0[k] - theory) < 0.1, `${normal.layers[k].label}: ${at0[k]} against ${theory}`));
  assert.match(normal.text, /^Linear 2 and Linear 3 \(output\) already grow with width at initialization/);

  // tf.layers' default Glorot init has variance 2/(fan_in + fan_out): for the input layer
  // (fan_in 16, fan_out the width) its outputs' size is ∝ (16 + width)^−1/2, whose least-squares
  // slope over these widths is the theory's figure.
  const glorot = (w: number, seed: number) => {
    // tf.layers.dense's default kernel initializer, seeded so that the run repeats.
    const init = (k: number) => tf.initializers.glorotNormal({ seed: 10 * seed + k });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [16], units: w, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.dense({ units: w, activation: 'relu', kernelInitializer: init(2) }),
        tf.layers.dense({ units: 10, kernelInitializer: init(3) }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    return model;
  };
  const report = leakFree(() => coordCheck(glorot, { widths, steps: 1, repeats: 4 }));
  const theory = fitPowerLaw(widths, widths.map((w) => (16 + w) ** -0.5));
  assert.ok(isFit(theory));
  const measured = slopes(report, 'dense 1')[0]!;
  t.diagnostic(`Glorot input layer, step 0 slope ${measured.toFixed(3)} (theory ${theory.slope.toFixed(3)})`);
  assert.ok(Math.abs(measured - theory.slope) < 0.05, `${measured} against ${theory.slope}`);
  assert.deepEqual(report.layers.map((l) => l.label), ['dense 1', 'dense 2', 'dense 3 (output)'], 'tf.layers numbers each new model\'s layers on, so they go by kind and place');
  assert.match(report.text, /dense 1 shrinks with width at initialization, and the layers after it with it: .*Glorot/);
});

test('μP with a scaled readout: the output shrinks ∝ width^−1/2 at initialization, as variance 1/fan_in² predicts', (t) => {
  const report = leakFree(() => coordCheck((w, seed) => muP.mlp({ inputs: 16, width: w, outputs: 10, baseWidth: 64, readout: 'scaled', seed }), { widths: [64, 128, 256, 512], steps: 1, repeats: 4 }));
  const s = slopes(report, 'Linear 3 (output)')[0]!;
  t.diagnostic(`scaled readout, step 0 slope ${s.toFixed(3)} (theory −0.5)`);
  assert.ok(Math.abs(s + 0.5) < 0.1, `slope ${s}`);
  assert.ok(report.flagged.some((f) => f.layer === 'Linear 3 (output)' && f.direction === 'shrinks' && f.from === 0));
  assert.match(report.text, /what μP's scaled readout does/);
});

test('a tf.LayersModel: SP with Adam grows with width, muP.parametrize keeps it flat, and the output is measured as logits, not softmax', (t) => {
  // Seeded initializers: tf.layers otherwise draws from a generator of its own, and the run
  // could not be repeated.
  const build = (w: number, seed: number) => {
    const he = (k: number) => tf.initializers.heNormal({ seed: 10 * seed + k });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [16], units: w, activation: 'relu', kernelInitializer: he(1) }),
        tf.layers.dense({ units: w, activation: 'relu', kernelInitializer: he(2) }),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: he(3) }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    return model;
  };
  const options = { widths: WIDTHS, steps: 3, lr: 0.01, repeats: 1 };
  const sp = leakFree(() => coordCheck(build, options));
  const mu = leakFree(() => coordCheck((w, seed) => muP.parametrize(build(w, seed), { baseWidth: 64 }), options));
  tell(t, 'tf.layers SP', sp);
  tell(t, 'tf.layers μP', mu);
  assert.ok(sp.flagged.some((f) => f.layer === 'dense 3 (output)' && f.direction === 'grows' && f.from >= 1), sp.text);
  assert.deepEqual(mu.flagged, [], mu.text);
  const worst = Math.max(...mu.fits.filter((f) => f.slope !== null).map((f) => Math.abs(f.slope!)));
  t.diagnostic(`tf.layers μP max |slope| ${worst.toFixed(3)}`);
  // A softmax's mean |x| is 1/classes = 0.1 at every width; logits of He-initialized layers are far from it.
  const output = sp.sizes.filter((s) => s.layer === 'dense 3 (output)' && s.step === 0).map((s) => s.size as number);
  assert.ok(output.every((v) => v > 0.3), `output sizes ${output}`);
  assert.match(sp.data, /synthetic N\(0, 1\) inputs, 64 rows of 16/);
});

test('SGD: SP grows with width, μP\'s SGD rates keep it flat', (t) => {
  const options = { widths: [64, 128, 256, 512], steps: 3, optimizer: 'sgd' as const, lr: 0.1, repeats: 1 };
  const sp = leakFree(() => coordCheck((w, seed) => nn.mlp([16, w, w, 10], { seed }), options));
  const mu = leakFree(() => coordCheck((w, seed) => muP.mlp({ inputs: 16, width: w, outputs: 10, baseWidth: 64, optimizer: 'sgd', seed }), options));
  tell(t, 'SGD SP', sp);
  tell(t, 'SGD μP', mu);
  assert.ok(sp.flagged.some((f) => f.layer === 'Linear 3 (output)' && f.direction === 'grows' && f.from === 1), sp.text);
  assert.deepEqual(mu.flagged, [], mu.text);
  // μP's multipliers made for Adam, trained with SGD: said, not hidden.
  const mixed = leakFree(() => coordCheck((w, seed) => muP.mlp({ inputs: 16, width: w, outputs: 10, baseWidth: 64, seed }), { ...options, widths: [64, 128] }));
  assert.match(mixed.text, /made for adam and trained with sgd/);
});

test('several seeds are averaged, and the same seeds give the same report', () => {
  const build = (w: number, seed: number) => nn.mlp([8, w, 4], { seed });
  // One batch for every run: synthetic data would be drawn from each run's first seed.
  const x = tf.randomNormal([32, 8], 0, 1, 'float32', 3);
  const y = tf.randomNormal([32, 4], 0, 1, 'float32', 4);
  const options = { widths: [16, 32], steps: 1, repeats: 3, seed: 5, data: { x, y } };
  const a = leakFree(() => coordCheck(build, options));
  const b = leakFree(() => coordCheck(build, options));
  assert.deepEqual(a.seeds, [5, 6, 7]);
  assert.deepEqual(a.sizes, b.sizes);
  // The average of the three one-seed reports is the three-seed report.
  const one = [5, 6, 7].map((seed) => coordCheck(build, { ...options, repeats: 1, seed }));
  a.sizes.forEach((row, i) => {
    const mean = one.reduce((sum, r) => sum + (r.sizes[i].size as number), 0) / 3;
    assert.ok(Math.abs((row.size as number) - mean) < 1e-6 * mean, `${row.layer} step ${row.step} width ${row.width}: ${row.size} against ${mean}`);
  });
  assert.notEqual(one[0].sizes[0].size, one[1].sizes[0].size, 'each seed draws its own model');
  tf.dispose([x, y]);
});

test('a batch given as data is trained on as it is, and left to its owner', () => {
  const x = tf.randomNormal([20, 8], 0, 1, 'float32', 1);
  const y = tf.randomNormal([20, 3], 0, 1, 'float32', 2);
  const report = leakFree(() => coordCheck((w, seed) => nn.mlp([8, w, 3], { seed }), { widths: [16, 32], steps: 2, data: { x, y }, repeats: 1 }));
  assert.equal(report.data, 'the batch given');
  assert.equal(report.losses.length, 4);
  assert.ok(!x.isDisposed && !y.isDisposed);
  tf.dispose([x, y]);
});

test('a tf.LayersModel with no loss compiled trains on mean squared error, and the report says so', () => {
  const build = (w: number, seed: number) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: w, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }), tf.layers.dense({ units: 2 })] });
  const report = leakFree(() => coordCheck(build, { widths: [8, 16], steps: 1, repeats: 1 }));
  assert.deepEqual(report.notes, ['The tf.LayersModel has no loss compiled: it was trained on mean squared error.']);
  assert.match(report.text, /no loss compiled/);
});

test('a run that diverges is said to, with no slope where a size is not finite', () => {
  const report = leakFree(() => coordCheck((w, seed) => nn.mlp([8, w, w, 3], { seed, init: 'normal' }), { widths: [256, 512], steps: 4, optimizer: 'sgd', lr: 1e3, repeats: 1 }));
  const unfit = report.fits.filter((f) => f.reason === 'notFinite');
  assert.ok(unfit.length > 0, report.text);
  assert.match(report.text, /a size was not finite: training diverged/);
});

const tiny = (w: number, seed: number) => nn.mlp([4, w, 2], { seed });

test('wrong arguments are refused by name, before any tensor is made', () => {
  const rows4 = tf.zeros([4, 4]);
  const rows5 = tf.zeros([5, 2]);
  const cases: [() => unknown, RegExp][] = [
    [() => coordCheck(undefined as never, { widths: [8, 16] }), /coordCheck: build must be a function \(width, seed\) => model, got undefined/],
    [() => coordCheck(tiny, undefined as never), /options\.widths is required/],
    [() => coordCheck(tiny, { widths: [8] }), /options\.widths must be an array of at least two widths/],
    [() => coordCheck(tiny, { widths: [8, 8] }), /options\.widths must be distinct; 8 is there twice/],
    [() => coordCheck(tiny, { widths: [8, 0.5] }), /options\.widths\[1\] must be an integer >= 1, got 0\.5/],
    [() => coordCheck(tiny, { widths: [8, 16], steps: 0 }), /options\.steps must be an integer in \[1, 1000\], got 0/],
    [() => coordCheck(tiny, { widths: [8, 16], optimizer: 'rmsprop' as never }), /options\.optimizer must be one of 'sgd', 'adam', got "rmsprop"/],
    [() => coordCheck(tiny, { widths: [8, 16], lr: NaN }), /options\.lr must be a finite number > 0, got NaN/],
    [() => coordCheck(tiny, { widths: [8, 16], lr: -1 }), /options\.lr must be a finite number > 0, got -1/],
    [() => coordCheck(tiny, { widths: [8, 16], width: 3 } as never), /unknown option "width"/],
    [() => coordCheck(tiny, { widths: [8, 16], data: { x: 'a', y: 1 } as never }), /options\.data\.x must be a tf\.Tensor, got "a"/],
    [() => coordCheck(tiny, { widths: [8, 16], data: { x: rows4, y: rows5 } }), /^RangeError: coordCheck: options\.data\.x and options\.data\.y must have one row per example, got shapes \[4, 4\], \[5, 2\]$/],
    [() => coordCheck(tiny, { widths: [8, 16], threshold: 0 }), /options\.threshold must be a finite number > 0/],
    [() => coordCheck(tiny, { widths: [8, 16], repeats: 1.5 }), /options\.repeats must be an integer/],
    [() => coordCheck(tiny, { widths: [8, 16] }, {}), /takes at most 2 arguments/],
    [() => coordCheck(() => 3 as never, { widths: [8, 16] }), /build\(8\) must be an nn\.Model \(with a loss\), a tf\.LayersModel, or \{ model, lrMultipliers \}.*got 3/],
  ];
  leakFree(() => {
    for (const [run, message] of cases) assert.throws(run, message);
  });
  tf.dispose([rows4, rows5]);
});

test('models that cannot be compared across widths are refused, and what was built is freed', () => {
  leakFree(() => {
    assert.throws(() => coordCheck((w) => new nn.Sequential(nn.mlp([4, w, 2]).layers) as never, { widths: [8, 16] }), /an nn\.Sequential has no loss to train with/);
  });
  leakFree(() => {
    assert.throws(() => coordCheck((_w, seed) => nn.mlp([4, 8, 2], { seed }), { widths: [8, 16] }), /build\(8\) and build\(16\) give models of the same size \(58 parameters\); build must use its width/);
    assert.throws(() => coordCheck((w, seed) => nn.mlp(w === 8 ? [4, w, 2] : [4, w, w, 2], { seed }), { widths: [8, 16] }), /at width 16: build\(8\) has 2 layers with weights, this one 3/);
    assert.throws(() => coordCheck((w, seed) => ({ model: nn.mlp([4, w, 2], { seed }), lrMultipliers: [1, 1] }), { widths: [8, 16] }), /build\(8\)\.lrMultipliers must be an array of 4 learning-rate multipliers/);
    assert.throws(() => coordCheck((w, seed) => ({ model: nn.mlp([4, w, 2], { seed }), lrMultipliers: [1, 1, -1, 1] }), { widths: [8, 16] }), /build\(8\)\.lrMultipliers\[2\] must be a finite number > 0, got -1/);
    assert.throws(() => coordCheck((w, seed) => nn.mlp([w === 8 ? 4 : 5, w, 2], { seed }), { widths: [8, 16], repeats: 1 }), /coordCheck: at width 16: .*input must be \[rows, 5\]/);
    assert.throws(
      () =>
        coordCheck(
          (w, seed) => {
            if (w === 16) throw new Error('no model at 16');
            return nn.mlp([4, w, 2], { seed });
          },
          { widths: [8, 16] },
        ),
      /no model at 16/,
    );
  });
});

test('the report displays as a coordinate-check chart with its verdict as text', async () => {
  const report = coordCheck(tiny, { widths: [8, 16, 32], steps: 2, repeats: 1 });
  const bundle = (await formatToolkitValue(report))!;
  const payload = bundle[MimeTypes.chart] as unknown as { kind: string; data: CoordCheckReport };
  assert.equal(payload.kind, 'coordCheck');
  assert.equal(payload.data.kind, 'initlab.coordCheck', 'the figures travel with the chart');
  assert.equal(bundle[MimeTypes.plain], report.text);
  assert.match(String(bundle[MimeTypes.svg]), /<svg/);
});

