/** A training record (watchRecord.ts) as charts: the full watch chart, or the colorful dimension of one quantity. */
import { argumentError, checkOneOf, checkOptions } from '../args';
import { formatStat } from '../charts/finite';
import { colorfulDimensionChart, type StepHistogram } from '../charts/colorfulDimension';
import { watchChart } from '../charts/watchChart';
import { trainingChart } from '../charts/trainingChart';
import type { VegaLiteSpec } from '../charts/specCommon';
import { WATCHED_QUANTITIES, type WatchedQuantity, type WatchRecord } from './watchRecord';

export interface WatchChartValue {
  kind: 'initlab.chart';
  chart: string;
  spec: VegaLiteSpec;
  text: string;
}

function checkRecord(fn: string, value: unknown): WatchRecord {
  if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'initlab.watch') {
    throw argumentError(fn, 'record', 'a training record (what record(...) returns, or watch(...).record)', value);
  }
  return value as WatchRecord;
}

function stepHistograms(record: WatchRecord, quantity: WatchedQuantity): StepHistogram[] {
  const steps = [...new Set(record.histograms.map((h) => h.step))].sort((a, b) => a - b);
  const lastStep = record.losses.length ? record.losses[record.losses.length - 1].step : 0;
  const next = new Map(steps.map((s, i) => [s, i + 1 < steps.length ? steps[i + 1] : Math.max(s + 1, lastStep)]));
  const names = new Map(record.layers.map((l) => [l.layer, `${l.layer} ${l.name}`]));
  return record.histograms
    .filter((h) => h.quantity === quantity)
    .map((h) => ({ step: h.step, nextStep: next.get(h.step)!, layer: h.layer, layerName: names.get(h.layer) ?? `layer ${h.layer}`, bins: h.bins }));
}

/** One line of text: where training ended, and how. */
export function describeRecord(record: WatchRecord): string {
  const last = record.losses[record.losses.length - 1];
  const end =
    record.divergedAtStep !== null
      ? `loss not finite at step ${record.divergedAtStep}; training stopped there`
      : last
        ? `loss ${formatStat(last.loss)} after ${last.step} steps${record.stoppedAtStep !== null ? ' (stopped)' : ''}`
        : 'no step run yet';
  const overhead = record.timing.trainingMs > 0 ? `, recording took ${Math.round((100 * record.timing.recordingMs) / record.timing.trainingMs)}% of training time` : '';
  return `${record.label}: ${end}${overhead}`;
}

/** `charts.watch(record)`: every panel of one record; `charts.watch([a, b, ...])`: std and loss side by side, a column per record. */
export function watchChartOf(value: unknown): WatchChartValue {
  if (Array.isArray(value)) return sideBySide(value.map((r) => checkRecord('charts.watch', r)));
  const record = checkRecord('charts.watch', value);
  const stats = record.stats.flatMap((s) =>
    (['activation', 'weight gradient'] as const).flatMap((quantity) => (s.std[quantity] === null ? [] : [{ step: s.step, layer: s.layer, quantity, std: s.std[quantity]! }])),
  );
  const spec = watchChart({ title: `Training: ${record.label}`, stats, losses: record.losses, health: record.stats, histograms: stepHistograms(record, 'activation') });
  return { kind: 'initlab.chart', chart: 'watch', spec, text: describeRecord(record) };
}

/** `charts.colorful(record, { quantity })`: the heatmap of one quantity's histograms over steps. */
export function colorfulOf(value: unknown, options: { quantity?: WatchedQuantity } = {}): WatchChartValue {
  const fn = 'charts.colorful';
  const record = checkRecord(fn, value);
  const o = checkOptions(fn, options, ['quantity']);
  const quantity = o.quantity === undefined ? 'activation' : checkOneOf(fn, 'options.quantity', o.quantity, WATCHED_QUANTITIES);
  const spec = colorfulDimensionChart(stepHistograms(record, quantity), { title: `${record.label}: ${quantity} over steps`, quantity });
  return { kind: 'initlab.chart', chart: 'colorful', spec, text: describeRecord(record) };
}

function sideBySide(records: WatchRecord[]): WatchChartValue {
  if (records.length === 0) throw argumentError('charts.watch', 'records', 'a training record or a non-empty array of them', records);
  const stats = records.flatMap((r) =>
    r.stats.flatMap((s) => (['activation', 'weight gradient'] as const).flatMap((quantity) => (s.std[quantity] === null ? [] : [{ step: s.step, layer: s.layer, quantity, std: s.std[quantity]!, scheme: r.label }]))),
  );
  const losses = records.flatMap((r) => r.losses.map((l) => ({ ...l, scheme: r.label })));
  return { kind: 'initlab.chart', chart: 'watch', spec: trainingChart({ stats, losses, title: 'Training, side by side' }), text: records.map(describeRecord).join('\n') };
}
