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
  toStatNumber,
  trainingChart,
  type LayerStatRow,
} from '../../../../src/common/charts';
import { renderSvg } from '../../../../src/kernel/charts/renderSvg';

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

test('formatStat prints what a table should show', () => {
  assert.deepEqual([formatStat(1.24e7), formatStat(0.0712), formatStat(0), formatStat('NaN'), formatStat('Infinity'), formatStat(7.08e-7)], ['1.24e+7', '0.0712', '0', 'NaN', '∞', '7.08e-7']);
});
