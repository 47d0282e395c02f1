/**
 * The "colorful dimension" (fastai's name): each layer's histogram of activations at every
 * recorded step, drawn as a heatmap with the step on x, the value on y and the count as
 * colour on a log scale. A healthy layer is a steady band; a collapsing one narrows to a line
 * at zero; one that only recovers after a dead start shows the dark columns first.
 *
 * Each recorded histogram has its own bin edges (between that step's min and max), so a cell
 * is a rectangle from its bin's lower to upper edge, and from its step to the next recorded one:
 * no re-binning, and a range that grows over training shows as it is.
 */
import { EXACT, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './specCommon';
import type { HistogramBin } from './histogramChart';

export interface StepHistogram {
  step: number;
  /** Where this column ends: the next recorded step. */
  nextStep: number;
  layer: number;
  layerName: string;
  bins: readonly HistogramBin[];
}

/** Columns drawn per layer at most: more cannot be told apart in a panel a few hundred pixels wide. */
export const MAX_COLUMNS = 100;

/**
 * A bin edge to 6 significant digits, one more than the tooltip shows: a heatmap has a row per
 * step and bin, and float64 digits made its edges a third of a chart that a notebook saves.
 */
const edge = (x: number) => Number(x.toPrecision(6));

export function colorfulDimensionChart(histograms: readonly StepHistogram[], options: { title?: string; quantity?: string } = {}): VegaLiteSpec {
  const rows = thinColumns(histograms).flatMap((h) =>
    h.bins.filter((b) => b.count > 0).map((b) => ({ layer: h.layerName, order: h.layer, step: h.step, next: h.nextStep, y0: edge(b.x0), y1: edge(b.x1), count: b.count })),
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: { values: rows },
    facet: { row: { field: 'layer', type: 'nominal', title: null, sort: { field: 'order' }, header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: 420,
      height: 70,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        x2: { field: 'next' },
        y: { field: 'y0', type: 'quantitative', title: options.quantity ?? 'activation', axis: { tickCount: 3 } },
        y2: { field: 'y1' },
        color: { field: 'count', type: 'quantitative', scale: { type: 'log', scheme: 'viridis' }, title: 'count (log)' },
        tooltip: [
          { field: 'layer' },
          { field: 'step' },
          { field: 'y0', title: 'from', format: EXACT },
          { field: 'y1', title: 'to', format: EXACT },
          { field: 'count' },
        ],
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Keeps at most MAX_COLUMNS evenly spread steps per layer, each column widened to the next kept one. */
function thinColumns(histograms: readonly StepHistogram[]): StepHistogram[] {
  const byLayer = new Map<number, StepHistogram[]>();
  for (const h of histograms) byLayer.set(h.layer, [...(byLayer.get(h.layer) ?? []), h]);
  return [...byLayer.values()].flatMap((list) => {
    if (list.length <= MAX_COLUMNS) return list;
    const stride = list.length / MAX_COLUMNS;
    const kept = Array.from({ length: MAX_COLUMNS }, (_, i) => list[Math.floor(i * stride)]);
    return kept.map((h, i) => ({ ...h, nextStep: i + 1 < kept.length ? kept[i + 1].step : list[list.length - 1].nextStep }));
  });
}
