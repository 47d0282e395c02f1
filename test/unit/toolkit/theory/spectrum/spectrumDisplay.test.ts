// How a spectrum shows: display(report) gives InitLab's chart (a histogram of σ over one set of
// bins for every scheme, the per-layer norms), a static SVG, the short text and the figures;
// compareReports puts several side by side on shared axes and refuses a mixture of kinds; the
// chart's Vega-Lite compiles and renders.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import * as toolkit from '../../../../../src/toolkit';
import { compareReports, formatToolkitValue } from '../../../../../src/toolkit/display';
import { spectrum, type SpectrumReport } from '../../../../../src/toolkit/theory/spectrum/spectrum';
import { spectrumText } from '../../../../../src/toolkit/theory/spectrum/spectrumReport';
import { spectrumChart } from '../../../../../src/toolkit/charts/spectrumChart';
import { renderSvg } from '../../../../../src/toolkit/charts/renderSvg';
import { MimeTypes } from '../../../../../src/shared/mimeTypes';
import type { ChartPayload } from '../../../../../src/shared/chartPayload';

let relu: SpectrumReport;
let linear: SpectrumReport;
let estimated: SpectrumReport;

before(async () => {
  await initEngine();
  const x = tf.randomNormal([4, 24], 0, 1, 'float32', 1);
  const reluModel = nn.mlp(Array(9).fill(24), { activation: 'relu', init: 'kaimingNormal', seed: 1 });
  const linearModel = nn.mlp(Array(9).fill(24), { activation: 'none', init: 'orthogonal', seed: 1 });
  relu = spectrum(reluModel, x, { seed: 0, label: 'ReLU, He' });
  linear = spectrum(linearModel, x, { seed: 0, label: 'linear, orthogonal' });
  estimated = spectrum(reluModel, x, { seed: 0, label: 'ReLU, estimated', method: 'estimate' });
  tf.dispose(x);
  reluModel.dispose();
  linearModel.dispose();
});

type Values = { values: Record<string, unknown>[] };
const rows = (spec: Record<string, unknown>, part: 0 | 1) => ((spec.vconcat as { data: Values }[])[part].data.values);

test('display(report): the spectrum chart, a static SVG, the text form and the report’s figures', async () => {
  const bundle = (await formatToolkitValue(relu))!;
  const payload = bundle[MimeTypes.chart] as unknown as ChartPayload;
  assert.equal(payload.kind, 'spectrum');
  assert.equal((payload.data as SpectrumReport).kind, 'initlab.spectrum', 'the figures travel with the chart');
  assert.match(bundle[MimeTypes.svg] as string, /^<svg/);
  const text = bundle[MimeTypes.plain] as string;
  assert.equal(text, spectrumText(relu));
  assert.match(text, /^Jacobian spectrum: ReLU, He \(nn\.Model, 24 inputs → 24 outputs, 4 examples\)/);
  assert.match(text, /exact: each example's 24 × 24 Jacobian from 24 vector-Jacobian products/);
  assert.match(text, /σ²: mean [\d.]+, variance [\d.]+; σ from .* to .*; 24 singular values per example, \d+% of them 0/);
  assert.match(text, /partial Jacobian norm ‖∂f\/∂h_l‖²_F \/ 24, exact/);
  assert.match(text, /\n {4}input +[\d.]+\n {4}1 Linear\(24→24\) · ReLU +[\d.]+/);
  // The estimate says so, with its standard error.
  assert.match(spectrumText(estimated), /estimate: stochastic Lanczos quadrature on JJᵀ \(24 × 24\).*8 Rademacher probes/);
  assert.match(spectrumText(estimated), /σ²: mean [\d.]+ ± [\d.]+/);
  assert.match(spectrumText(estimated), /small σ are not resolved, nor told from 0/);
  assert.doesNotMatch(spectrumText(estimated), /of them 0/, 'the estimate claims no share of zeros');
});

test('compareReports of spectrum reports: one column each, one set of bins, shared axes; a mixture with probe reports is refused', async () => {
  const comparison = compareReports([relu, linear, estimated]);
  assert.equal(comparison.kind, 'initlab.spectrumComparison');
  const bundle = (await formatToolkitValue(comparison))!;
  const spec = (bundle[MimeTypes.chart] as unknown as ChartPayload).spec;
  const bins = rows(spec, 0).filter((r) => r.part === 'bin');
  const schemes = ['ReLU, He', 'linear, orthogonal', 'ReLU, estimated'];
  assert.deepEqual([...new Set(bins.map((b) => b.scheme))], schemes);
  const edges = (scheme: string) => bins.filter((b) => b.scheme === scheme).map((b) => b.x0);
  assert.deepEqual(edges('ReLU, He'), edges('linear, orthogonal'), 'the same bins for every scheme');
  for (const report of [relu, linear]) {
    const share = bins.filter((b) => b.scheme === report.label).reduce((s, b) => s + (b.share as number), 0);
    assert.ok(Math.abs(share + report.summary.zeroShare! - 1) < 1e-9, `${report.label}: the bars and the zeros make up every singular value`);
  }
  // The estimate counts no zeros (it does not resolve small σ): its bars are every Ritz value but those at 0.
  assert.equal(estimated.summary.zeroShare, null);
  const atZero = estimated.perExample.reduce((s, e) => s + e.values.reduce((a, v, i) => a + (v <= 1e-5 * Math.max(...e.values) ? e.weights![i] : 0), 0) / estimated.perExample.length, 0);
  const estimatedBars = bins.filter((b) => b.scheme === estimated.label).reduce((s, b) => s + (b.share as number), 0);
  assert.ok(Math.abs(estimatedBars + atZero - 1) < 1e-9, `the estimate's bars ${estimatedBars} and its Ritz values at 0 ${atZero}`);
  for (const part of spec.vconcat as { resolve: { scale: { x: string; y: string } } }[]) assert.deepEqual(part.resolve.scale, { x: 'shared', y: 'shared' });
  // The column headers carry each scheme's figures.
  const headers = [...new Set(bins.map((b) => b.column as string))];
  assert.match(headers[0], /^ReLU, He\nmean σ² [\d.]+ · var σ² [\d.]+\n\d+% of σ are 0$/);
  assert.match(headers[1], /^linear, orthogonal\nmean σ² 1 · var σ² /);
  assert.match(headers[2], /^ReLU, estimated\nmean σ² [\d.]+ · var σ² [\d.]+\nestimated: small σ not resolved$/);
  // The per-layer norms: the input and eight layers per scheme.
  assert.equal(rows(spec, 1).length, 3 * 9);
  const svg = bundle[MimeTypes.svg] as string;
  for (const label of ['ReLU, He', 'linear, orthogonal', 'singular value σ (log scale)', 'partial Jacobian norm to the output']) assert.ok(svg.includes(label), `the SVG shows ${label}`);

  const probeReport = { kind: 'initlab.probe', label: 'a', layers: [] };
  assert.throws(() => compareReports([relu, probeReport] as never), /^TypeError: compareReports: reports\[1\] must be a spectrum report/);
  assert.throws(() => compareReports([probeReport, relu] as never), /^TypeError: compareReports: reports\[1\] must be a probe report/);
});

test('charts.spectrum takes a report, an array or a comparison; two reports with one label get two columns', () => {
  const one = toolkit.charts.spectrum(linear);
  assert.equal(one.kind, 'initlab.chart');
  assert.equal(one.chart, 'spectrum');
  assert.match((one.spec as { title: string }).title, /Jacobian spectrum: linear, orthogonal/);
  const twice = toolkit.charts.spectrum([relu, relu]);
  assert.deepEqual([...new Set(rows(twice.spec, 1).map((r) => r.scheme))], ['ReLU, He', 'ReLU, He (2)']);
  assert.throws(() => toolkit.charts.spectrum({} as never), /^TypeError: charts.spectrum: value must be a spectrum report/);
});

test('the chart compiles and renders for a spectrum with every σ equal (an isometry) and for one whose example overflowed', async () => {
  const spec = spectrumChart([
    { scheme: 'isometry', values: [1, 1, 1], weights: [1 / 3, 1 / 3, 1 / 3], zeroShare: 0, meanSquared: 1, varianceSquared: 0, method: 'exact', layers: [{ layer: 0, name: 'input', norm: 1 }] },
    { scheme: 'overflowed', values: [], weights: [], zeroShare: 0, meanSquared: null, varianceSquared: null, method: 'exact', layers: [{ layer: 0, name: 'input', norm: null }] },
  ]);
  const bins = rows(spec, 0).filter((r) => r.part === 'bin');
  const full = bins.filter((b) => b.scheme === 'isometry' && (b.share as number) > 0);
  assert.equal(full.length, 1, 'one bar');
  assert.ok((full[0].x0 as number) <= 1 && (full[0].x1 as number) >= 1, 'at σ = 1');
  const svg = await renderSvg(spec);
  assert.ok(svg.includes('mean σ² – · var σ² –'), 'the overflowed scheme says it has no figures');
});
