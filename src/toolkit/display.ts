/**
 * How the toolkit's results look when displayed: a probe report, a training record or a
 * comparison each turn into the right chart (InitLab's chart mime type plus a static SVG) and a
 * plain-text table, so `display(p.stats())` is all a cell needs. Also the `charts` helpers for
 * the other views of the same data (histograms, theory against measurement, derivatives).
 */
import { formatStat, fromStatNumber, type StatNumber } from './charts/finite';
import { layerStatsChart, type LayerStatRow } from './charts/layerStatsChart';
import { histogramChart, type LayerHistogram } from './charts/histogramChart';
import { extendPrediction, theoryChart, type TheoryRow } from './charts/theoryChart';
import { MAX_DRAWN_POINTS, trainingChart } from './charts/trainingChart';
import { derivativeChart, type DerivativeChartOptions } from './charts/derivativeChart';
import type { MimeBundle } from '../shared/notebookFormat';
import { chartBundle } from './charts/chartOutput';
import { TENSOR_KIND_LABELS, TENSOR_KINDS, type LayerProbe, type ProbeReport, type TensorKind } from './probe/probe';
import type { TrainingRecord } from './probe/train';
import { formatShare, type Verdict } from './probe/verdict';
import { watchChartOf } from './watch/watchCharts';
import type { WatchRecord } from './watch/watchRecord';
import { repeatingLayers } from './probe/trend';
import { MimeTypes } from '../shared/mimeTypes';
import { toolkitObjectBundle } from './objectDisplay';
import { compareSpectra, spectrumChartOf, type SpectrumComparison } from './theory/spectrum/spectrumDisplay';
import type { SpectrumReport } from './theory/spectrum/spectrumReport';
import { coordCheckChartOf } from './theory/widthScaling/coordCheckDisplay';
import type { CoordCheckReport } from './theory/widthScaling/coordCheckReport';
import { phaseDiagramOf } from './theory/meanField/meanFieldDisplay';
import type { MeanFieldReport } from './theory/meanField/meanFieldReport';
import { argumentError, checkFiniteNumber, checkOneOf, checkOptions, checkPositiveInteger, checkString, describeValue, isPlainObject } from './args';

/** A non-empty array of probe reports, each what `probe(model).step(x, y)` returns. */
function checkReports(fn: string, name: string, reports: unknown): ProbeReport[] {
  if (!Array.isArray(reports) || reports.length === 0) throw argumentError(fn, name, 'a non-empty array of probe reports (what probe(model).step(x, y) returns)', reports);
  const wrong = reports.findIndex((r) => !isKind(r, 'initlab.probe'));
  if (wrong >= 0) throw new TypeError(`${fn}: ${name}[${wrong}] must be a probe report (what probe(model).step(x, y) returns), got ${describeValue(reports[wrong])}`);
  return reports as ProbeReport[];
}

/** A probe report or a comparison, as a list of reports. */
function reportsOf(fn: string, value: unknown): ProbeReport[] {
  if (isKind(value, 'initlab.comparison')) return checkReports(fn, 'value.reports', (value as Comparison).reports);
  if (isKind(value, 'initlab.probe')) return [value as ProbeReport];
  throw argumentError(fn, 'value', 'a probe report (probe(model).step(x, y)) or a comparison (compareReports([...]))', value);
}

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

/** Spectrum reports (what `spectrum(model, x)` returns) compare the same way: their histograms and per-layer norms side by side. */
export function compareReports(reports: readonly ProbeReport[]): Comparison;
export function compareReports(reports: readonly SpectrumReport[]): SpectrumComparison;
export function compareReports(reports: readonly ProbeReport[] | readonly SpectrumReport[]): Comparison | SpectrumComparison {
  if (Array.isArray(reports) && isKind(reports[0], 'initlab.spectrum')) return compareSpectra('compareReports', reports);
  return { kind: 'initlab.comparison', reports: [...checkReports('compareReports', 'reports', reports)] };
}

const SUMMARY_KINDS: TensorKind[] = ['activation', 'weightGrad'];

function statRows(reports: readonly ProbeReport[], kinds: readonly TensorKind[] = SUMMARY_KINDS): LayerStatRow[] {
  return reports.flatMap((report) =>
    kinds.flatMap((kind) =>
      report.layers.flatMap((layer) => {
        const stats = layer.tensors[kind] ?? (kind === 'activation' ? layer.tensors.preActivation : undefined);
        const axisLabel = named(report) ? layer.name : undefined;
        return stats ? [{ scheme: report.label, quantity: TENSOR_KIND_LABELS[kind], layer: layer.layer, layerName: layer.name, axisLabel, mean: stats.mean, std: stats.std }] : [];
      }),
    ),
  );
}

/** Per-layer std of activations and weight gradients; a column per report. */
export function layerStats(value: ProbeReport | Comparison, kinds: readonly TensorKind[] = SUMMARY_KINDS): ChartValue {
  const fn = 'charts.layerStats';
  const reports = reportsOf(fn, value);
  if (!Array.isArray(kinds) || kinds.length === 0) throw argumentError(fn, 'kinds', `a non-empty array of ${TENSOR_KINDS.join(', ')}`, kinds);
  kinds.forEach((kind, i) => checkOneOf(fn, `kinds[${i}]`, kind, TENSOR_KINDS));
  const title = reports.length > 1 ? 'Per-layer std, side by side' : `Per-layer std: ${reports[0].label}`;
  return { kind: 'initlab.chart', chart: 'layerStats', spec: layerStatsChart(statRows(reports, kinds), { title }), text: stdTable(reports) };
}

/** Per-layer histograms of one quantity, as small multiples. */
export function histograms(value: ProbeReport | Comparison, kind: TensorKind = 'activation'): ChartValue {
  const reports = reportsOf('charts.histograms', value);
  checkOneOf('charts.histograms', 'kind', kind, TENSOR_KINDS);
  const input: LayerHistogram[] = reports.flatMap((report) =>
    report.layers.flatMap((layer) => {
      const stats = layer.tensors[kind];
      // A flatten's, a reshape's or a dropout's (off while probing) values are its input's again.
      if (!stats || SAME_VALUES.has(layer.kind)) return [];
      const layerName = named(report) ? layer.name : undefined;
      return [{ scheme: reports.length > 1 ? report.label : undefined, quantity: TENSOR_KIND_LABELS[kind], layer: layer.layer, layerName, bins: stats.histogram, nanCount: stats.nanCount, infCount: stats.infCount }];
    }),
  );
  return { kind: 'initlab.chart', chart: 'histograms', spec: histogramChart(input, { title: `Histograms: ${TENSOR_KIND_LABELS[kind]}` }), text: `<histograms of ${TENSOR_KIND_LABELS[kind]}>` };
}

/**
 * Theory-predicted against measured std per layer. `{ extendTo: 20 }` continues the predicted
 * pre-activation std to layer 20 with the factor theory gives for the report's repeating layers
 * (its last two hidden layers' predicted ratio): where a deeper net of this kind would go. Only the
 * forward quantity is continued: a deeper net's gradient depends on where the layers are added.
 * A layer the theory has no rule for (a max pool, an unknown kind) has no predicted point.
 */
export function theory(value: ProbeReport | Comparison, options: { extendTo?: number } = {}): ChartValue {
  const { extendTo } = options;
  if (extendTo !== undefined && !(Number.isInteger(extendTo) && extendTo >= 1)) throw new RangeError(`charts.theory: options.extendTo must be a layer number (an integer ≥ 1), got ${String(extendTo)}`);
  const reports = reportsOf('charts.theory', value);
  const rows: TheoryRow[] = reports.flatMap((report) => {
    const repeating = new Set(repeatingLayers(report).map((l) => l.layer));
    return report.layers.flatMap((layer, i) => {
      const scheme = reports.length > 1 ? report.label : undefined;
      const out: TheoryRow[] = [];
      const { preActivationStd, inputGradStd } = layer.theory;
      const previous = i > 0 ? report.layers[i - 1].theory.preActivationStd : null;
      const factor = repeating.has(layer.layer) && preActivationStd !== null && previous !== null ? fromStatNumber(preActivationStd) / fromStatNumber(previous) : undefined;
      if (layer.tensors.preActivation && preActivationStd !== null) out.push({ scheme, quantity: 'pre-activation', layer: layer.layer, predicted: preActivationStd, measured: layer.tensors.preActivation.std, ...(factor === undefined ? {} : { factor }) });
      if (layer.tensors.inputGrad && inputGradStd !== null) out.push({ scheme, quantity: 'input gradient', layer: layer.layer, predicted: inputGradStd, measured: layer.tensors.inputGrad.std });
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
  const fn = 'charts.training';
  const list = (Array.isArray(records) ? records : [records]) as TrainingRecord[];
  const wrong = list.findIndex((r) => !isKind(r, 'initlab.training'));
  if (list.length === 0 || wrong >= 0) {
    throw argumentError(fn, Array.isArray(records) && list.length ? `records[${wrong}]` : 'records', 'a training record (what train(...) returns) or a non-empty array of them', Array.isArray(records) && list.length ? list[wrong] : records);
  }
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
  checkDerivativeOptions('charts.derivatives', options);
  return { kind: 'initlab.chart', chart: 'derivatives', spec: derivativeChart(options), text: '<derivatives of sigmoid, tanh and ReLU>' };
}

/** A fixed-width table of per-layer std, for terminals and the headless runner. */
export function stdTable(reports: readonly ProbeReport[]): string {
  checkReports('charts.table', 'reports', reports);
  // Every figure the verdict quotes is on its layer's row: the pre-activation std (an output
  // layer is judged by its logits, not its softmax) and, for sigmoid and tanh, the saturated share.
  const saturation = reports.some((r) => r.layers.some((l) => l.tensors.preActivation?.saturatedFraction != null));
  const header = ['scheme', 'layer', 'act std', 'act mean', 'pre std', ...(saturation ? ['saturated'] : []), 'w.g std', 'x.g std'];
  const rows = reports.flatMap((r) =>
    r.layers.map((l) => {
      const out = l.tensors.activation ?? l.tensors.preActivation;
      const share = l.tensors.preActivation?.saturatedFraction;
      return [r.label, layerLabel(l), fmt(out?.std), fmt(out?.mean), fmt(l.tensors.preActivation?.std), ...(saturation ? [share == null ? '–' : formatShare(share)] : []), fmt(l.tensors.weightGrad?.std), fmt(l.tensors.inputGrad?.std)];
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const DERIVATIVE_ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;

function checkDerivativeOptions(fn: string, options: unknown): void {
  const o = checkOptions(fn, options, ['activations', 'from', 'to', 'points', 'marks', 'title']);
  if (o.activations !== undefined) {
    if (!Array.isArray(o.activations)) throw argumentError(fn, 'options.activations', `an array of ${DERIVATIVE_ACTIVATIONS.join(', ')}`, o.activations);
    o.activations.forEach((a: unknown, i: number) => checkOneOf(fn, `options.activations[${i}]`, a, DERIVATIVE_ACTIVATIONS));
  }
  const from = o.from === undefined ? -8 : checkFiniteNumber(fn, 'options.from', o.from);
  const to = o.to === undefined ? 8 : checkFiniteNumber(fn, 'options.to', o.to);
  if (!(from < to)) throw new RangeError(`${fn}: needs options.from < options.to, got from = ${from}, to = ${to}`);
  if (o.points !== undefined) checkPositiveInteger(fn, 'options.points', o.points);
  if (o.points === 1) throw argumentError(fn, 'options.points', 'an integer >= 2', o.points);
  if (o.title !== undefined) checkString(fn, 'options.title', o.title);
  if (o.marks !== undefined) {
    if (!Array.isArray(o.marks)) throw argumentError(fn, 'options.marks', 'an array of { z, activation, label? }', o.marks);
    o.marks.forEach((m: unknown, i: number) => {
      const name = `options.marks[${i}]`;
      if (!isPlainObject(m)) throw argumentError(fn, name, 'an object { z, activation, label? }', m);
      checkOptions(fn, m, ['z', 'activation', 'label'], name);
      checkFiniteNumber(fn, `${name}.z`, m.z);
      checkOneOf(fn, `${name}.activation`, m.activation, DERIVATIVE_ACTIVATIONS);
      if (m.label !== undefined) checkString(fn, `${name}.label`, m.label);
    });
  }
}

const SAME_VALUES = new Set(['flatten', 'reshape', 'dropout']);

/** Whether a report's layers have names of their own (a tf.layers model's), not module names that repeat. */
function named(report: ProbeReport): boolean {
  return report.layers.every((l) => l.id === l.name);
}

/** A tf.layers layer by its name ("conv1"); an nn layer by its number, as the lessons count them. */
/** A layer's name in the table (its number for an nn model), marked when its weights are frozen. */
export function layerLabel(layer: LayerProbe): string {
  const label = layer.id === layer.name ? layer.name : String(layer.layer);
  return layer.frozen ? `${label} (frozen)` : label;
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
  else if (isKind(value, 'initlab.coordCheck')) chart = coordCheckChartOf(value as CoordCheckReport);
  else if (isKind(value, 'initlab.meanField')) {
    // A report made with grid: false has no diagram to draw: its words alone.
    if (!(value as MeanFieldReport).grid) return { [MimeTypes.plain]: (value as MeanFieldReport).text };
    chart = phaseDiagramOf(value as MeanFieldReport);
  }
  else if (isKind(value, 'initlab.spectrum') || isKind(value, 'initlab.spectrumComparison')) chart = spectrumChartOf(value as SpectrumReport | SpectrumComparison);
  else if (isKind(value, 'initlab.probe') || isKind(value, 'initlab.comparison')) chart = layerStats(value as ProbeReport | Comparison);
  else if (isKind(value, 'initlab.training')) chart = training(value as TrainingRecord);
  else if (isKind(value, 'initlab.watch')) chart = watchChartOf(value);
  // A probe, a watcher, an nn model or module, a loaded model: its text, and a watcher's chart.
  if (!chart) return await toolkitObjectBundle(value);
  // A record still training redraws often: its static SVG is made once, when training ends.
  const staticSvg = !(isKind(value, 'initlab.watch') && (value as WatchRecord).running);
  return await chartBundle(chart.chart, chart.spec, { text: chart.text, data: figuresToKeep(value), staticSvg });
}

/**
 * The figures travel in the payload, so tools can read them from a saved notebook; except a
 * training record too long to draw in full, which would put tens of megabytes in the file.
 */
function figuresToKeep(value: unknown): unknown {
  if (isKind(value, 'initlab.chart') || isKind(value, 'initlab.watch')) return undefined;
  if (isKind(value, 'initlab.training') && (value as TrainingRecord).stats.length > MAX_DRAWN_POINTS) return undefined;
  return value;
}
