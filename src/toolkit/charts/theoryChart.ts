/**
 * Theory against measurement: per layer, the std that variance propagation predicts next to the
 * std the probe measured, on a log axis. Where the two part, an assumption of the theory (zero
 * mean, independence, a symmetric pre-activation) has broken. A row per quantity, a column per
 * scheme, on a shared axis.
 *
 * `extendTo` continues the prediction to a chosen depth, as a third line: from the last row that
 * carries theory's per-layer factor (a layer like the ones a deeper net would add), × factor per
 * layer. A four-layer net whose layers each double the second moment looks fine; the line to
 * layer 20 shows where it is going.
 */
import { toStatNumber, type StatNumber } from './finite';
import { EXACT, VEGA_LITE_SCHEMA, flagLayers, forLogAxis, logYEncoding, type VegaLiteSpec } from './specCommon';
import { unique } from './layerStatsChart';

export interface TheoryRow {
  scheme?: string;
  quantity: string;
  layer: number;
  predicted: StatNumber;
  measured: StatNumber;
  /** The factor per layer theory predicts for more layers like this one; only where depth repeats it. */
  factor?: number;
}

export interface TheoryChartOptions {
  title?: string;
  /** Continue each prediction that has a per-layer factor up to this layer. */
  extendTo?: number;
}

export const DEEPER = 'predicted, deeper net';

/** The continuation: from each series' last row with a factor, to layer `extendTo`. */
export function extendPrediction(rows: readonly TheoryRow[], extendTo: number): { scheme: string; quantity: string; layer: number; value: StatNumber }[] {
  const last = new Map<string, TheoryRow>();
  for (const r of rows) if (r.factor !== undefined && Number.isFinite(r.factor) && r.factor > 0) last.set(`${r.scheme ?? ''}\u0000${r.quantity}`, r);
  return [...last.values()].flatMap((r) => {
    const start = typeof r.predicted === 'number' ? r.predicted : NaN;
    if (!Number.isFinite(start) || extendTo <= r.layer) return [];
    return Array.from({ length: extendTo - r.layer + 1 }, (_, k) => ({ scheme: r.scheme ?? '', quantity: r.quantity, layer: r.layer + k, value: toStatNumber(start * r.factor! ** k) }));
  });
}

export function theoryChart(rows: readonly TheoryRow[], options: TheoryChartOptions = {}): VegaLiteSpec {
  const { extendTo } = options;
  if (extendTo !== undefined && !(Number.isInteger(extendTo) && extendTo >= 1)) throw new RangeError(`theoryChart: extendTo must be a layer number (an integer ≥ 1), got ${String(extendTo)}`);
  const height = 180;
  const values = [
    ...rows.flatMap((r) =>
      (['predicted', 'measured'] as const).map((source) => ({
        scheme: r.scheme ?? '',
        quantity: r.quantity,
        layer: r.layer,
        source,
        exact: String(r[source]),
        ...forLogAxis(r[source]),
      })),
    ),
    ...(extendTo === undefined ? [] : extendPrediction(rows, extendTo)).map((e) => ({ scheme: e.scheme, quantity: e.quantity, layer: e.layer, source: DEEPER, exact: String(e.value), ...forLogAxis(e.value) })),
  ];
  const sources = ['predicted', 'measured', ...(values.some((v) => v.source === DEEPER) ? [DEEPER] : [])];
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
            color: { field: 'source', type: 'nominal', title: null, scale: { domain: sources } },
            strokeDash: { field: 'source', type: 'nominal', legend: null },
            tooltip: [{ field: 'scheme' }, { field: 'quantity' }, { field: 'layer' }, { field: 'source' }, { field: 'plotted', title: 'std', format: EXACT }, { field: 'exact', title: 'exact' }],
          },
        },
        ...flagLayers(x, height),
      ],
    },
  };
}
