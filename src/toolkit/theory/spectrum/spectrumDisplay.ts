/**
 * How spectrum reports show: one report, or several compared side by side (compareReports), as
 * the chart of charts/spectrumChart.ts and the text of spectrumText.
 */
import { spectrumChart, type SpectrumChartInput } from '../../charts/spectrumChart';
import type { ChartValue } from '../../display';
import { argumentError, describeValue } from '../../args';
import { spectrumText, ZERO_BELOW, type SpectrumReport } from './spectrumReport';

/** Several spectrum reports, one per scheme, shown side by side on shared axes. */
export interface SpectrumComparison {
  kind: 'initlab.spectrumComparison';
  reports: SpectrumReport[];
}

export function isSpectrumReport(value: unknown): value is SpectrumReport {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'initlab.spectrum';
}

/** A non-empty array of spectrum reports, checked, for `fn`'s argument `name`. */
export function checkSpectrumReports(fn: string, name: string, reports: unknown): SpectrumReport[] {
  if (!Array.isArray(reports) || reports.length === 0) throw argumentError(fn, name, 'a non-empty array of spectrum reports (what spectrum(model, x) returns)', reports);
  const wrong = reports.findIndex((r) => !isSpectrumReport(r));
  if (wrong >= 0) throw new TypeError(`${fn}: ${name}[${wrong}] must be a spectrum report (what spectrum(model, x) returns), as ${name}[0] is; got ${describeValue(reports[wrong])}`);
  return reports as SpectrumReport[];
}

export function compareSpectra(fn: string, reports: unknown): SpectrumComparison {
  return { kind: 'initlab.spectrumComparison', reports: [...checkSpectrumReports(fn, 'reports', reports)] };
}

/** The reports a spectrum chart draws: one report, a comparison of them, or an array. */
export function spectrumReportsOf(fn: string, value: unknown): SpectrumReport[] {
  if (isSpectrumReport(value)) return [value];
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'initlab.spectrumComparison') return checkSpectrumReports(fn, 'value.reports', (value as SpectrumComparison).reports);
  if (Array.isArray(value)) return checkSpectrumReports(fn, 'value', value);
  throw argumentError(fn, 'value', 'a spectrum report (spectrum(model, x)), an array of them, or compareReports([...]) of them', value);
}

/** The chart's input for a report: its nonzero singular values with their shares, every example weighing the same. */
function chartInput(report: SpectrumReport): SpectrumChartInput {
  const finite = report.perExample.filter((e) => !e.nonFinite);
  const values: number[] = [];
  const weights: number[] = [];
  // What is 0 to the Jacobian's precision: summary.zeroShare on the exact route; the estimate's Ritz values at 0.
  let zeroShare = 0;
  for (const { values: sigma, weights: w } of finite) {
    const largest = Math.max(0, ...sigma);
    sigma.forEach((s, i) => {
      const share = (w ? w[i] : 1 / sigma.length) / finite.length;
      if (s <= ZERO_BELOW * largest) zeroShare += share;
      else {
        values.push(s);
        weights.push(share);
      }
    });
  }
  return {
    scheme: report.label,
    values,
    weights,
    zeroShare,
    meanSquared: report.summary.meanSquared,
    varianceSquared: report.summary.varianceSquared,
    method: report.method,
    layers: report.layers.map(({ layer, name, norm }) => ({ layer, name, norm })),
  };
}

/**
 * The chart and text of one spectrum report or several (an array, or compareReports of them):
 * what `charts.spectrum(...)` returns and what display shows for a report.
 */
export function spectrumChartOf(value: SpectrumReport | SpectrumComparison | readonly SpectrumReport[]): ChartValue {
  const reports = spectrumReportsOf('charts.spectrum', value);
  // Two reports with one label would share a column: number them.
  const labels = reports.map((r) => r.label);
  const inputs = reports.map((r, i) => ({ ...chartInput(r), scheme: labels.indexOf(r.label) === i ? r.label : `${r.label} (${i + 1})` }));
  const title = reports.length === 1 ? `Jacobian spectrum: ${reports[0].label}` : 'Jacobian spectra, side by side';
  return { kind: 'initlab.chart', chart: 'spectrum', spec: spectrumChart(inputs, { title }), text: reports.map(spectrumText).join('\n\n') };
}
