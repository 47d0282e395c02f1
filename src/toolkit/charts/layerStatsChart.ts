/**
 * Per-layer statistics side by side: a column per initialization scheme, a row per quantity
 * (activations, gradients, ...), layers along x, std on a shared log axis so 1e-7 and 1e7 fit
 * on one chart and the eye can compare schemes. Zero, NaN and Infinity are written at the edge.
 */
import type { StatNumber } from './finite';
import { EXACT, VEGA_LITE_SCHEMA, flagLayers, forLogAxis, logYEncoding, type VegaLiteSpec } from './specCommon';

export interface LayerStatRow {
  /** The initialization scheme, e.g. "Kaiming normal"; one column each. */
  scheme: string;
  /** What was measured: "activation", "weight gradient", ... one row each. */
  quantity: string;
  /** 1-based layer number, in forward order. */
  layer: number;
  layerName?: string;
  /** Set on every row to label the x axis by name (a tf.layers model's layers) instead of by number. */
  axisLabel?: string;
  mean: StatNumber;
  std: StatNumber;
}

export interface LayerStatsChartOptions {
  title?: string;
  /** Height of each panel in pixels. */
  height?: number;
  width?: number;
}

export function layerStatsChart(rows: readonly LayerStatRow[], options: LayerStatsChartOptions = {}): VegaLiteSpec {
  const height = options.height ?? 160;
  const values = rows.map((row) => {
    const { plotted, flag } = forLogAxis(row.std);
    return { ...row, layerName: row.layerName ?? `layer ${row.layer}`, plotted, flag, stdText: String(row.std), meanText: String(row.mean) };
  });
  // Named layers label the axis, slanted so 50 names fit; each panel widens with the layer count.
  const named = rows.length > 0 && rows.every((r) => r.axisLabel !== undefined);
  const order = unique([...rows].sort((a, b) => a.layer - b.layer).map((r) => (named ? r.axisLabel! : r.layer)));
  const x = named
    ? { field: 'axisLabel', type: 'ordinal', title: 'layer', sort: order, axis: { labelAngle: -45, labelLimit: 140, labelOverlap: false } }
    : { field: 'layer', type: 'ordinal', title: 'layer' };
  const tooltip = [
    { field: 'scheme' },
    { field: 'quantity' },
    { field: 'layerName', title: 'layer' },
    { field: 'plotted', title: 'std', format: EXACT },
    { field: 'stdText', title: 'std (exact)' },
    { field: 'meanText', title: 'mean (exact)' },
  ];
  const schemes = unique(rows.map((r) => r.scheme));
  const quantities = unique(rows.map((r) => r.quantity));
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    facet: {
      column: { field: 'scheme', type: 'nominal', sort: schemes, title: null },
      row: { field: 'quantity', type: 'nominal', sort: quantities, title: null },
    },
    spec: {
      width: options.width ?? Math.max(180, 14 * order.length),
      height,
      layer: [
        {
          transform: [{ filter: 'datum.plotted != null' }],
          mark: { type: 'line', point: { size: 40 } },
          encoding: {
            x,
            y: logYEncoding(values.map((v) => v.plotted), 'std (log scale)'),
            tooltip,
          },
        },
        ...flagLayers(x, height),
      ],
    },
    // Shared y per row, so one scheme's 1e7 stands out against another's 1.
    resolve: { scale: { y: 'shared' } },
  };
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
