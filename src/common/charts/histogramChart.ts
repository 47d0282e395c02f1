/**
 * Per-layer histograms as small multiples: one panel per layer (and per scheme when there are
 * several), so a dying ReLU layer's spike at zero or a saturated tanh's twin peaks show at once.
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
  bins: readonly HistogramBin[];
  /** Values left out of the bins because they were not finite. */
  nanCount?: number;
  infCount?: number;
}

export function histogramChart(histograms: readonly LayerHistogram[], options: { title?: string; columns?: number } = {}): VegaLiteSpec {
  const values = histograms.flatMap((h) => {
    const panel = `${h.scheme ? `${h.scheme} · ` : ''}${h.quantity} · layer ${h.layer}${nonFiniteNote(h)}`;
    return h.bins.map((b) => ({ panel, ...b }));
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    facet: { field: 'panel', type: 'nominal', sort: unique(values.map((v) => v.panel)), title: null, header: { labelLimit: 260 } },
    columns: options.columns ?? 4,
    spec: {
      width: 160,
      height: 90,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: 'value', bin: { binned: true } },
        x2: { field: 'x1' },
        y: { field: 'count', type: 'quantitative', title: 'count' },
        tooltip: [
          { field: 'x0', title: 'from', format: EXACT },
          { field: 'x1', title: 'to', format: EXACT },
          { field: 'count', title: 'count' },
        ],
      },
    },
    // Each layer has its own range: independent x so every histogram is readable.
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

function nonFiniteNote(h: LayerHistogram): string {
  const parts = [h.nanCount ? `${h.nanCount} NaN` : '', h.infCount ? `${h.infCount} ∞` : ''].filter(Boolean);
  return parts.length ? ` (+${parts.join(', ')})` : '';
}
