/**
 * Theory against measurement: per layer, the std that variance propagation predicts next to the
 * std the probe measured, on a log axis. Where the two part, an assumption of the theory (zero
 * mean, independence, a symmetric pre-activation) has broken. A row per quantity, a column per
 * scheme, on a shared axis.
 */
import type { StatNumber } from './finite';
import { EXACT, VEGA_LITE_SCHEMA, flagLayers, forLogAxis, logYEncoding, type VegaLiteSpec } from './specCommon';
import { unique } from './layerStatsChart';

export interface TheoryRow {
  scheme?: string;
  quantity: string;
  layer: number;
  predicted: StatNumber;
  measured: StatNumber;
}

export function theoryChart(rows: readonly TheoryRow[], options: { title?: string } = {}): VegaLiteSpec {
  const height = 180;
  const values = rows.flatMap((r) =>
    (['predicted', 'measured'] as const).map((source) => ({
      scheme: r.scheme ?? '',
      quantity: r.quantity,
      layer: r.layer,
      source,
      exact: String(r[source]),
      ...forLogAxis(r[source]),
    })),
  );
  const x = { field: 'layer', type: 'ordinal', title: 'layer' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    // A row per quantity and a column per scheme, as the per-layer std chart: six panels in a
    // row would run off the notebook's width.
    facet: {
      row: { field: 'quantity', type: 'nominal', sort: unique(rows.map((r) => r.quantity)), title: null },
      ...(rows.some((r) => r.scheme) ? { column: { field: 'scheme', type: 'nominal', sort: unique(rows.map((r) => r.scheme ?? '')), title: null } } : {}),
    },
    spec: {
      width: 180,
      height,
      layer: [
        {
          transform: [{ filter: 'datum.plotted != null' }],
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: logYEncoding(values.map((v) => v.plotted), 'std (log scale)'),
            color: { field: 'source', type: 'nominal', title: null, scale: { domain: ['predicted', 'measured'] } },
            strokeDash: { field: 'source', type: 'nominal', legend: null },
            tooltip: [{ field: 'scheme' }, { field: 'quantity' }, { field: 'layer' }, { field: 'source' }, { field: 'plotted', title: 'std', format: EXACT }, { field: 'exact', title: 'exact' }],
          },
        },
        ...flagLayers(x, height),
      ],
    },
  };
}
