/**
 * How the toolkit's results look when displayed: a probe report, a training record or a
 * comparison each turn into the right chart (InitLab's chart mime type plus a static SVG) and a
 * plain-text table, so `display(p.stats())` is all a cell needs. Also the `charts` helpers for
 * the other views of the same data (histograms, theory against measurement, derivatives).
 */
import { formatStat, fromStatNumber, type StatNumber } from '../../common/charts/finite';
import { layerStatsChart, type LayerStatRow } from '../../common/charts/layerStatsChart';
import { histogramChart, type LayerHistogram } from '../../common/charts/histogramChart';
import { extendPrediction, theoryChart, type TheoryRow } from '../../common/charts/theoryChart';
import { MAX_DRAWN_POINTS, trainingChart } from '../../common/charts/trainingChart';
import { derivativeChart, type DerivativeChartOptions } from '../../common/charts/derivativeChart';
import type { MimeBundle } from '../../common/notebookFormat';
import { chartBundle } from '../charts/chartOutput';
import { TENSOR_KIND_LABELS, type ProbeReport, type TensorKind } from './probe/probe';
import type { TrainingRecord } from './probe/train';
import type { Verdict } from './probe/verdict';
import { repeatingLayers } from './probe/trend';
import { MimeTypes } from '../../common/mimeTypes';

/** A chart ready to display: `display(charts.histograms(report))`. */
export interface ChartValue {
  kind: 'initlab.chart';
  chart: string;
  spec: Record<string, unknown>;
  text: string;
}

/** Several probe reports, one per scheme, shown side by side on shared axes. */
export interface Comparison {
  kind: 'initlab.comparison';
  reports: ProbeReport[];
}

export function compareReports(reports: readonly ProbeReport[]): Comparison {
  if (reports.length === 0) throw new RangeError('compareReports needs at least one report');
  return { kind: 'initlab.comparison', reports: [...reports] };
}

const SUMMARY_KINDS: TensorKind[] = ['activation', 'weightGrad'];

function statRows(reports: readonly ProbeReport[], kinds: readonly TensorKind[] = SUMMARY_KINDS): LayerStatRow[] {
  return reports.flatMap((report) =>
    kinds.flatMap((kind) =>
      report.layers.flatMap((layer) => {
        const stats = layer.tensors[kind] ?? (kind === 'activation' ? layer.tensors.preActivation : undefined);
        return stats ? [{ scheme: report.label, quantity: TENSOR_KIND_LABELS[kind], layer: layer.layer, layerName: layer.name, mean: stats.mean, std: stats.std }] : [];
      }),
    ),
  );
}

/** Per-layer std of activations and weight gradients; a column per report. */
export function layerStats(value: ProbeReport | Comparison, kinds: readonly TensorKind[] = SUMMARY_KINDS): ChartValue {
  const reports = value.kind === 'initlab.comparison' ? value.reports : [value];
  const title = reports.length > 1 ? 'Per-layer std, side by side' : `Per-layer std: ${reports[0].label}`;
  return { kind: 'initlab.chart', chart: 'layerStats', spec: layerStatsChart(statRows(reports, kinds), { title }), text: stdTable(reports) };
}

/** Per-layer histograms of one quantity, as small multiples. */
export function histograms(value: ProbeReport | Comparison, kind: TensorKind = 'activation'): ChartValue {
  const reports = value.kind === 'initlab.comparison' ? value.reports : [value];
  const input: LayerHistogram[] = reports.flatMap((report) =>
    report.layers.flatMap((layer) => {
      const stats = layer.tensors[kind];
      return stats ? [{ scheme: reports.length > 1 ? report.label : undefined, quantity: TENSOR_KIND_LABELS[kind], layer: layer.layer, bins: stats.histogram, nanCount: stats.nanCount, infCount: stats.infCount }] : [];
    }),
  );
  return { kind: 'initlab.chart', chart: 'histograms', spec: histogramChart(input, { title: `Histograms: ${TENSOR_KIND_LABELS[kind]}` }), text: `<histograms of ${TENSOR_KIND_LABELS[kind]}>` };
}

/**
 * Theory-predicted against measured std per layer. `{ extendTo: 20 }` continues the predicted
 * pre-activation std to layer 20 with the factor theory gives for the report's repeating layers
 * (its last two hidden layers' predicted ratio): where a deeper net of this kind would go. Only the
 * forward quantity is continued: a deeper net's gradient depends on where the layers are added.
 */
export function theory(value: ProbeReport | Comparison, options: { extendTo?: number } = {}): ChartValue {
  const { extendTo } = options;
  if (extendTo !== undefined && !(Number.isInteger(extendTo) && extendTo >= 1)) throw new RangeError(`charts.theory: options.extendTo must be a layer number (an integer ≥ 1), got ${String(extendTo)}`);
  const reports = value.kind === 'initlab.comparison' ? value.reports : [value];
  const rows: TheoryRow[] = reports.flatMap((report) => {
    const repeating = new Set(repeatingLayers(report).map((l) => l.layer));
    return report.layers.flatMap((layer, i) => {
      const scheme = reports.length > 1 ? report.label : undefined;
      const out: TheoryRow[] = [];
      const factor = repeating.has(layer.layer) ? fromStatNumber(layer.theory.preActivationStd) / fromStatNumber(report.layers[i - 1].theory.preActivationStd) : undefined;
      if (layer.tensors.preActivation) out.push({ scheme, quantity: 'pre-activation', layer: layer.layer, predicted: layer.theory.preActivationStd, measured: layer.tensors.preActivation.std, ...(factor === undefined ? {} : { factor }) });
      if (layer.tensors.inputGrad) out.push({ scheme, quantity: 'input gradient', layer: layer.layer, predicted: layer.theory.inputGradStd, measured: layer.tensors.inputGrad.std });
      return out;
    });
  });
  const measured = rows.map((r) => `${r.scheme ? `${r.scheme} ` : ''}layer ${r.layer} ${r.quantity}: predicted ${formatStat(r.predicted)}, measured ${formatStat(r.measured)}`);
  // The continuation's last point, per series: the figure a reader of the text wants.
  const deeper = extendTo === undefined ? [] : extendPrediction(rows, extendTo).filter((e) => e.layer === extendTo);
  const text = [...measured, ...deeper.map((e) => `${e.scheme ? `${e.scheme} ` : ''}layer ${e.layer} ${e.quantity} in a deeper net: predicted ${formatStat(e.value)}`)].join('\n');
  const title = extendTo === undefined ? 'Theory against measurement' : `Theory against measurement, predicted to layer ${extendTo}`;
  return { kind: 'initlab.chart', chart: 'theory', spec: theoryChart(rows, { title, extendTo }), text };
}

export function training(records: TrainingRecord | readonly TrainingRecord[]): ChartValue {
  const list = Array.isArray(records) ? records : [records as TrainingRecord];
  // Each record's non-finite loss is in its losses: the chart marks every scheme's own step.
  const spec = trainingChart({
    stats: list.flatMap((r) => r.stats),
    losses: list.flatMap((r) => r.losses),
    title: list.length === 1 ? `Training: ${list[0].label} (lr ${list[0].lr})` : 'Training',
  });
  const text = list
    .map((r) => {
      const last = r.losses[r.losses.length - 1];
      const end = r.divergedAtStep !== null ? `diverged at step ${r.divergedAtStep}` : `loss ${formatStat(last?.loss ?? 'NaN')} after ${r.losses.length} steps`;
      return `${r.label}: ${end}`;
    })
    .join('\n');
  return { kind: 'initlab.chart', chart: 'training', spec, text };
}

/** The derivative curves of sigmoid, tanh and ReLU. */
export function derivatives(options: DerivativeChartOptions = {}): ChartValue {
  return { kind: 'initlab.chart', chart: 'derivatives', spec: derivativeChart(options), text: '<derivatives of sigmoid, tanh and ReLU>' };
}

/** A fixed-width table of per-layer std, for terminals and the headless runner. */
export function stdTable(reports: readonly ProbeReport[]): string {
  const header = ['scheme', 'layer', 'act std', 'act mean', 'w.g std', 'x.g std'];
  const rows = reports.flatMap((r) =>
    r.layers.map((l) => [r.label, String(l.layer), fmt((l.tensors.activation ?? l.tensors.preActivation)?.std), fmt((l.tensors.activation ?? l.tensors.preActivation)?.mean), fmt(l.tensors.weightGrad?.std), fmt(l.tensors.inputGrad?.std)]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function fmt(x: StatNumber | undefined): string {
  return x === undefined ? '–' : formatStat(x);
}

function isKind(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

/** The display formatter the prelude registers. */
export async function formatToolkitValue(value: unknown): Promise<MimeBundle | undefined> {
  if (isKind(value, 'initlab.verdict')) {
    const { text } = value as Verdict;
    return { [MimeTypes.plain]: text, [MimeTypes.markdown]: text.split('\n').map((line, i) => (i === 0 ? `**${line}**\n` : `- ${line}`)).join('\n') };
  }
  let chart: ChartValue | undefined;
  if (isKind(value, 'initlab.chart')) chart = value as ChartValue;
  else if (isKind(value, 'initlab.probe') || isKind(value, 'initlab.comparison')) chart = layerStats(value as ProbeReport | Comparison);
  else if (isKind(value, 'initlab.training')) chart = training(value as TrainingRecord);
  if (!chart) return undefined;
  return await chartBundle(chart.chart, chart.spec, { text: chart.text, data: figuresToKeep(value) });
}

/**
 * The figures travel in the payload, so tools can read them from a saved notebook; except a
 * training record too long to draw in full, which would put tens of megabytes in the file.
 */
function figuresToKeep(value: unknown): unknown {
  if (isKind(value, 'initlab.chart')) return undefined;
  if (isKind(value, 'initlab.training') && (value as TrainingRecord).stats.length > MAX_DRAWN_POINTS) return undefined;
  return value;
}
