/**
 * The chart spec builders: data in, spec out. Each spec is compiled by Vega-Lite and rendered to
 * SVG by Vega in Node, so a spec that Vega-Lite rejects, or that hides a NaN, fails here.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  derivativeChart,
  derivatives,
  formatStat,
  histogramChart,
  layerStatsChart,
  theoryChart,
  DEEPER,
  toStatNumber,
  thinLines,
  trainingChart,
  type LayerStatRow,
  type TrainingStepStat,
} from '../../../../src/toolkit/charts';
import { renderSvg } from '../../../../src/toolkit/charts/renderSvg';
import { colorfulDimensionChart, type StepHistogram } from '../../../../src/toolkit/charts/colorfulDimension';

const rows = (scheme: string, stds: number[]): LayerStatRow[] =>
  stds.map((std, i) => ({ scheme, quantity: 'activation', layer: i + 1, mean: 0, std: toStatNumber(std) }));

test('layer statistics: one column per scheme on a shared log axis', async () => {
  const spec = layerStatsChart([...rows('normal(0,1)', [28, 310, 3400]), ...rows('Kaiming', [1.4, 1.4, 1.3])]);
  assert.equal((spec.resolve as { scale: { y: string } }).scale.y, 'shared');
  const svg = await renderSvg(spec);
  assert.ok(svg.includes('normal(0,1)') && svg.includes('Kaiming'), 'both columns are labelled');
  assert.ok(svg.includes('std (log scale)'));
});

test('zero, NaN and Infinity are written on the chart, not dropped', async () => {
  const spec = layerStatsChart(rows('exploding', [1, 0, Infinity, NaN]));
  const values = (spec.data as { values: { flag: string | null; plotted: number | null }[] }).values;
  assert.deepEqual(values.map((v) => v.flag), [null, '0', '∞', 'NaN']);
  assert.deepEqual(values.map((v) => v.plotted), [1, null, null, null]);
  const svg = await renderSvg(spec);
  for (const label of ['>0<', '>∞<', '>NaN<']) assert.ok(svg.includes(label), `the SVG shows ${label}`);
});

test('values spanning 1e-7 to 1e7 fit on one log axis', async () => {
  const svg = await renderSvg(layerStatsChart(rows('wide', [1e-7, 1, 1e7])));
  assert.match(svg, /1e-7|1e−7/);
  assert.match(svg, /1e\+7|1e7/);
});

/** The horizontal gridlines a rendered chart draws, counted per axis grid. */
function gridlineCounts(svg: string): number[] {
  return [...svg.matchAll(/role-axis-grid[^>]*>([\s\S]*?)<\/g>/g)].map((m) => (m[1].match(/<line/g) ?? []).length);
}

test('a log axis over fourteen decades draws a few gridlines at powers of ten, not grey bands', async () => {
  const spec = layerStatsChart(rows('wide', [1e-7, 3e-3, 1, 5e4, 1e7]));
  const y = ((spec.spec as { layer: { encoding: { y: { axis: { values: number[] } } } }[] }).layer[0].encoding.y.axis.values);
  assert.ok(y.length <= 8, `${y.length} ticks`);
  for (const tick of y) assert.ok(Number.isInteger(Math.log10(tick)), `${tick} is a power of ten`);
  const svg = await renderSvg(spec);
  const counts = gridlineCounts(svg);
  assert.ok(counts.length > 0, 'the chart has gridlines');
  // The y grid has at most 8 lines (the x grid of an ordinal axis has none).
  assert.ok(Math.max(...counts) <= 8, `gridlines per axis: ${counts.join(', ')}`);
});

test('a log axis within one decade still gets readable ticks', async () => {
  const svg = await renderSvg(layerStatsChart(rows('narrow', [0.4, 0.5, 0.7])));
  const counts = gridlineCounts(svg);
  assert.ok(Math.max(...counts) >= 2 && Math.max(...counts) <= 12, `gridlines per axis: ${counts.join(', ')}`);
});

test('empty inputs give valid, renderable specs', async () => {
  for (const spec of [layerStatsChart([]), histogramChart([]), trainingChart({ stats: [], losses: [] }), theoryChart([])]) {
    const svg = await renderSvg(spec);
    assert.ok(svg.startsWith('<svg'));
  }
});

test('histograms: one panel per layer, with non-finite counts in the title', async () => {
  const bins = [
    { x0: -1, x1: 0, count: 3 },
    { x0: 0, x1: 1, count: 5 },
  ];
  const spec = histogramChart([
    { quantity: 'activation', layer: 1, bins },
    { quantity: 'activation', layer: 2, bins, nanCount: 4 },
  ]);
  const svg = await renderSvg(spec);
  assert.ok(svg.includes('activation · layer 1'));
  assert.ok(svg.includes('activation · layer 2 (+4 NaN)'));
});

test('histograms of several schemes: a row per layer, a column per scheme, each panel on its own value axis', async () => {
  const narrow = [{ x0: -0.1, x1: 0, count: 3 }, { x0: 0, x1: 0.1, count: 5 }];
  const wide = [{ x0: -30, x1: 0, count: 4 }, { x0: 0, x1: 30, count: 4 }];
  const spec = histogramChart([
    { scheme: 'Normal', quantity: 'activation', layer: 1, bins: wide, nanCount: 2 },
    { scheme: 'Kaiming', quantity: 'activation', layer: 1, bins: narrow },
    { scheme: 'Normal', quantity: 'activation', layer: 2, bins: wide },
    { scheme: 'Kaiming', quantity: 'activation', layer: 2, bins: narrow },
  ]);
  const rowsOf = spec.vconcat as { facet: { column: { field: string } }; resolve: { scale: { x: string; y: string } } }[];
  assert.equal(rowsOf.length, 2, 'a row per layer');
  for (const row of rowsOf) {
    assert.equal(row.facet.column.field, 'scheme');
    assert.deepEqual(row.resolve.scale, { x: 'independent', y: 'shared' });
  }
  const svg = await renderSvg(spec);
  assert.ok(svg.includes('>Normal<') && svg.includes('>Kaiming<'), 'columns are labelled by scheme');
  assert.ok(svg.includes('activation · layer 1 (Normal: +2 NaN)'), 'the row title carries the NaN count');
  // Each panel its own value axis: Normal's reaches ±30, Kaiming's stays within ±0.1, so its
  // bars are not a sliver at zero.
  assert.ok(svg.includes('>30<') || svg.includes('>20<'), 'the wide scheme’s axis');
  assert.ok(/>−?0\.0[5-9]\d*</.test(svg) || />−?0\.1</.test(svg), 'the narrow scheme’s axis');
});

test('training: 100 layers keep a short legend, and each diverged scheme is marked at its own step', async () => {
  const stats = [];
  for (let step = 1; step <= 5; step++) {
    for (let layer = 1; layer <= 100; layer++) stats.push({ step, layer, quantity: 'activation', std: 1 + layer / 100, scheme: 'Kaiming' });
  }
  const losses = [
    ...[2.3, 2.1, 2.0, 1.9, 1.8].map((loss, i) => ({ step: i + 1, loss, scheme: 'Kaiming' })),
    ...[2.3, 40, 1e6, 'NaN' as const].map((loss, i) => ({ step: i + 1, loss, scheme: 'Normal, lr 1' })),
  ];
  const spec = trainingChart({ stats, losses });
  const text = JSON.stringify(spec);
  assert.ok(text.includes('Normal, lr 1: loss not finite at step 4'));
  assert.ok(!text.includes('Kaiming: loss not finite'), 'the healthy scheme has no marker');
  const svg = await renderSvg(spec);
  const legendEntries = (svg.match(/role-legend-symbol/g) ?? []).length;
  assert.ok(svg.includes('>layer<'), 'the legend is titled layer');
  assert.ok((svg.match(/>\d+<\/text>/g) ?? []).length < 100, 'not a hundred legend labels');
  assert.ok(legendEntries >= 1);
});

test('training: 100 layers × 1,000 steps are thinned to what a panel can show, keeping spikes and non-finite values', () => {
  const stats: TrainingStepStat[] = [];
  for (let step = 1; step <= 1000; step++) {
    for (let layer = 1; layer <= 100; layer++) {
      for (const quantity of ['activation', 'weight gradient']) {
        const spike = layer === 7 && quantity === 'activation' && step === 613;
        stats.push({ step, layer, quantity, std: spike ? 1e6 : layer === 9 && step === 777 ? 'NaN' : 1 + 0.01 * Math.sin(step), scheme: 'deep' });
      }
    }
  }
  const { rows, perLine } = thinLines(stats);
  assert.ok(perLine !== null && perLine >= 100);
  assert.ok(rows.length <= 20_000 + 10, `${rows.length} rows drawn`);
  assert.ok(rows.some((r) => r.layer === 7 && r.step === 613 && r.std === 1e6), 'the spike survives thinning');
  assert.ok(rows.some((r) => r.layer === 9 && r.step === 777 && r.std === 'NaN'), 'the NaN is kept');
  for (const layer of [1, 50, 100]) {
    const line = rows.filter((r) => r.layer === layer && r.quantity === 'activation');
    assert.equal(line[0].step, 1, 'each line keeps its first step');
    assert.equal(line[line.length - 1].step, 1000, 'and its last');
  }
  const text = JSON.stringify(trainingChart({ stats, losses: [] }));
  assert.match(text, /each line drawn with 100 of its 1,000 points \(LTTB/, 'the chart says it was thinned');
  // A short record is drawn point for point, with exact values in the tooltips.
  assert.equal(thinLines(stats.slice(0, 2000)).perLine, null);
});

test('training: the step where the loss became NaN is marked', async () => {
  const losses = [1, 10, 1e4, NaN].map((l, step) => ({ step, loss: toStatNumber(l) }));
  const stats = [0, 1, 2].map((step) => ({ step, layer: 1, quantity: 'weight gradient', std: 10 ** step }));
  const spec = trainingChart({ stats, losses, divergedAtStep: 3 });
  const svg = await renderSvg(spec);
  assert.ok(svg.includes('loss (log scale)'));
  assert.ok(JSON.stringify(spec).includes('loss not finite at step 3'));
});

test("derivative curves: sigmoid' peaks at 0.25 and vanishes near z = 14.15", async () => {
  assert.equal(derivatives.sigmoid(0), 0.25);
  // Lesson B prints sigmoid'(14.15) ≈ 7.08e-7 from sigmoid(z) = 0.9999992912, which is z ≈ 14.16
  // (its z was rounded). At exactly 14.15 the formula gives 7.16e-7; both are "about 7e-7".
  assert.equal(Number(derivatives.sigmoid(14.15).toPrecision(3)), 7.16e-7);
  assert.equal(Number(derivatives.sigmoid(14.16).toPrecision(3)), 7.09e-7);
  assert.equal(Number((0.9999992912 * (1 - 0.9999992912)).toPrecision(3)), 7.09e-7);
  assert.equal(derivatives.tanh(0), 1);
  assert.deepEqual([derivatives.relu(-1), derivatives.relu(0), derivatives.relu(2)], [0, 0, 1]);
  const spec = derivativeChart({ marks: [{ z: 14.15, activation: 'sigmoid' }], from: -16, to: 16 });
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("sigmoid'(14.15) = 7.16e-7"));
});

test('theory against measurement, side by side', async () => {
  const svg = await renderSvg(
    theoryChart([
      { quantity: 'activation', layer: 1, predicted: 1.41, measured: 1.38 },
      { quantity: 'activation', layer: 2, predicted: 1.41, measured: 'NaN' },
    ]),
  );
  assert.ok(svg.includes('predicted') && svg.includes('measured'));
  assert.ok(svg.includes('>NaN<'));
});

test('theory against measurement, continued to a chosen depth with each series’ per-layer factor', async () => {
  const measured = [
    { scheme: 'double', quantity: 'pre-activation', layer: 1, predicted: 2, measured: 2.03 },
    { scheme: 'double', quantity: 'pre-activation', layer: 2, predicted: 2.83, measured: 2.9, factor: Math.SQRT2 },
    { scheme: 'double', quantity: 'pre-activation', layer: 3, predicted: 4, measured: 4.1, factor: Math.SQRT2 },
    { scheme: 'double', quantity: 'input gradient', layer: 3, predicted: 0.5, measured: 0.52 },
    { scheme: 'He', quantity: 'pre-activation', layer: 3, predicted: 1.4, measured: 1.41, factor: 1 },
  ];
  const values = (spec: Record<string, unknown>) => (spec.data as { values: { scheme: string; quantity: string; layer: number; source: string; plotted: number | null }[] }).values;
  const plain = theoryChart(measured);
  assert.ok(values(plain).every((v) => v.source !== DEEPER), 'no continuation unless asked');
  const spec = theoryChart(measured, { extendTo: 20 });
  const double = values(spec).filter((v) => v.source === DEEPER && v.scheme === 'double');
  assert.deepEqual(
    double.map((v) => v.layer),
    Array.from({ length: 18 }, (_, i) => i + 3),
    'from the last row with a factor, layer 3, to layer 20',
  );
  assert.ok(double.every((v) => v.quantity === 'pre-activation'), 'a series without a factor is not continued');
  assert.ok(Math.abs(double[double.length - 1].plotted! / (4 * Math.SQRT2 ** 17) - 1) < 1e-9, '4 · √2¹⁷ at layer 20');
  assert.ok(values(spec).filter((v) => v.source === DEEPER && v.scheme === 'He').every((v) => v.plotted === 1.4), 'a factor of 1 stays level');
  const svg = await renderSvg(spec);
  assert.ok(svg.includes(DEEPER), 'the continuation has its own legend entry');
  assert.throws(() => theoryChart(measured, { extendTo: 0 }), /theoryChart: extendTo must be a layer number/);
});

test('formatStat prints what a table should show', () => {
  assert.deepEqual([formatStat(1.24e7), formatStat(0.0712), formatStat(0), formatStat('NaN'), formatStat('Infinity'), formatStat(7.08e-7)], ['1.24e+7', '0.0712', '0', 'NaN', '∞', '7.08e-7']);
});

test('a colorful dimension of 8 layers × 21 steps × 30 bins saves compact: every rect drawn, no per-mark description, coordinates in hundredths', async () => {
  const histograms: StepHistogram[] = [];
  for (let layer = 1; layer <= 8; layer++) {
    for (let step = 0; step <= 200; step += 10) {
      const bins = Array.from({ length: 30 }, (_, i) => ({ x0: -3 + i * 0.2 + 1e-9 * layer, x1: -2.8 + i * 0.2 + 1e-9 * layer, count: 1 + ((i * 7 + step) % 50) }));
      histograms.push({ step, nextStep: step + 10, layer, layerName: `conv ${layer}`, bins });
    }
  }
  const spec = colorfulDimensionChart(histograms);
  const values = (spec.data as { values: { y0: number }[] }).values;
  assert.equal(values.length, 8 * 21 * 30);
  assert.ok(values.every((v) => String(v.y0).replace(/^-?0\.0*/, '').replace(/[.-]/g, '').length <= 6), 'bin edges to 6 significant digits');
  const svg = await renderSvg(spec);
  const rects = svg.match(/<path d="M[^"]*" fill="rgb\(/g) ?? [];
  assert.equal(rects.length, 8 * 21 * 30, 'a rect per step and bin');
  assert.ok(!/aria-label="step/.test(svg), 'no description per mark');
  assert.ok(!/ d="[^"]*\d\.\d{3}/.test(svg), 'no coordinate beyond a hundredth of a pixel');
  assert.ok(svg.length / rects.length < 100, `${(svg.length / rects.length).toFixed(0)} bytes per rect`);
});
