/**
 * Per-layer histograms as small multiples, so a dying ReLU layer's spike at zero or a saturated
 * tanh's twin peaks show at once. With one scheme, a wrapped grid of panels, each with its own
 * axes. With several, a row per layer and a column per scheme: the panels of a row share the
 * count axis but each keeps its own value axis. A shared value axis drew a healthy scheme as a
 * sliver at zero beside one that explodes (0-5 against 0-5,000); how far the values spread is
 * the layer-statistics chart's job, on its log axis, and the shape is this one's.
 */
import { EXACT, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './specCommon';
import { unique } from './layerStatsChart';

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

export interface LayerHistogram {
  scheme?: string;
  quantity: string;
  layer: number;
  /** Said instead of "layer N" (a tf.layers model's layer name). */
  layerName?: string;
  bins: readonly HistogramBin[];
  /** Values left out of the bins because they were not finite. */
  nanCount?: number;
  infCount?: number;
}

const PANEL = { width: 160, height: 90 };

const BARS: VegaLiteSpec = {
  mark: { type: 'rect' },
  encoding: {
    x: { field: 'x0', type: 'quantitative', title: 'value', bin: { binned: true } },
    x2: { field: 'x1' },
    y: { field: 'count', type: 'quantitative', title: 'count' },
    tooltip: [
      { field: 'scheme' },
      { field: 'x0', title: 'from', format: EXACT },
      { field: 'x1', title: 'to', format: EXACT },
      { field: 'count', title: 'count' },
    ],
  },
};

export function histogramChart(histograms: readonly LayerHistogram[], options: { title?: string; columns?: number } = {}): VegaLiteSpec {
  const schemes = unique(histograms.flatMap((h) => (h.scheme === undefined ? [] : [h.scheme])));
  const head = { $schema: VEGA_LITE_SCHEMA, ...(options.title ? { title: options.title } : {}) };
  if (schemes.length === 0) {
    const values = histograms.flatMap((h) => {
      const panel = `${rowOf(h)}${nonFiniteNote(h)}`;
      return h.bins.map((b) => ({ panel, scheme: '', ...b }));
    });
    return {
      ...head,
      data: { values },
      facet: { field: 'panel', type: 'nominal', sort: unique(values.map((v) => v.panel)), title: null, header: { labelLimit: 260 } },
      columns: options.columns ?? 4,
      spec: { ...PANEL, ...BARS },
      // Each layer has its own range: independent axes so every histogram is readable.
      resolve: { scale: { x: 'independent', y: 'independent' } },
    };
  }
  const rows = unique(histograms.map(rowOf));
  const values = histograms.flatMap((h) => h.bins.map((b) => ({ row: rowOf(h), scheme: h.scheme ?? '', ...b })));
  return {
    ...head,
    data: { values },
    // A facet per row rather than one row × column facet: Vega-Lite shares scales across all
    // cells of a facet or none, and a row shares its count axis while rows keep their own.
    vconcat: rows.map((row, index) => ({
      title: { text: `${row}${rowNote(histograms, row)}`, anchor: 'start', fontSize: 12, fontWeight: 'normal' },
      transform: [{ filter: { field: 'row', equal: row } }],
      facet: { column: { field: 'scheme', type: 'nominal', sort: schemes, title: null, header: index === 0 ? { labelLimit: 260 } : { labels: false } } },
      spec: { ...PANEL, ...BARS },
      resolve: { scale: { x: 'independent', y: 'shared' } },
    })),
  };
}

/** "activation · layer 3", or "activation · layer 3 conv2" for a named layer. */
function rowOf(h: LayerHistogram): string {
  return `${h.quantity} · layer ${h.layer}${h.layerName ? ` ${h.layerName}` : ''}`;
}

/** "+4 NaN, 2 ∞", or "" when every value was finite. */
function nonFiniteCounts(h: LayerHistogram): string {
  const parts = [h.nanCount ? `${h.nanCount} NaN` : '', h.infCount ? `${h.infCount} ∞` : ''].filter(Boolean);
  return parts.length ? `+${parts.join(', ')}` : '';
}

function nonFiniteNote(h: LayerHistogram): string {
  const counts = nonFiniteCounts(h);
  return counts ? ` (${counts})` : '';
}

/** The non-finite counts of one row's schemes, e.g. " (Normal: +4 NaN)". */
function rowNote(histograms: readonly LayerHistogram[], row: string): string {
  const notes = histograms.filter((h) => rowOf(h) === row && nonFiniteCounts(h)).map((h) => `${h.scheme}: ${nonFiniteCounts(h)}`);
  return notes.length ? ` (${notes.join('; ')})` : '';
}
