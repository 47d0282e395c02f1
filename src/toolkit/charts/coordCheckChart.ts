/**
 * μP's coordinate check as a chart: each layer's output size (mean |x|) against width on log-log
 * axes, one panel per training step (as mup's plot_coord_data draws one subplot per t), above
 * the fitted slope of each layer against step, with the band where a layer counts as flat.
 * Clicking a layer in the legend picks it out in both views; tooltips give each point's size
 * and its step's slope. A zero size (a zero-initialized readout) is written at the axis' foot.
 */
import type { StatNumber } from './finite';
import { EXACT, VEGA_LITE_SCHEMA, flagLayers, forLogAxis, logYEncoding, type VegaLiteSpec } from './specCommon';

export interface CoordCheckChartInput {
  /** Layers in the model's order: the colour order. */
  layers: readonly string[];
  widths: readonly number[];
  sizes: readonly { layer: string; step: number; width: number; size: StatNumber }[];
  fits: readonly { layer: string; step: number; slope: number | null; standardError: number | null }[];
  /** |slope| at or below it is flat. */
  threshold: number;
  title?: string;
}

/** Panels per row: six steps side by side still fit a notebook's width. */
const PANELS_PER_ROW = 6;

export function coordCheckChart(input: CoordCheckChartInput): VegaLiteSpec {
  const slopeOf = new Map(input.fits.map((f) => [`${f.layer}\u0000${f.step}`, f]));
  const slopeText = (f: { slope: number | null; standardError: number | null } | undefined) =>
    f?.slope == null ? 'none' : `${f.slope.toFixed(3)}${f.standardError == null ? '' : ` ± ${f.standardError.toFixed(3)}`}`;
  const sizeRows = input.sizes.map((s) => ({
    layer: s.layer,
    step: s.step,
    width: s.width,
    exact: String(s.size),
    slope: slopeText(slopeOf.get(`${s.layer}\u0000${s.step}`)),
    ...forLogAxis(s.size),
  }));
  const slopeRows = input.fits.filter((f) => f.slope !== null).map((f) => ({ layer: f.layer, step: f.step, slope: f.slope, label: slopeText(f) }));
  const color = { field: 'layer', type: 'nominal', title: 'layer', sort: [...input.layers], scale: { domain: [...input.layers], scheme: 'tableau10' } };
  const picked = { param: 'pick', value: 1, empty: true };
  const opacity = { condition: picked, value: 0.15 };
  const height = 170;
  // A quarter of a doubling of room at each end: points off the frame, and the last width's label
  // (1024, say) not dropped by Vega's overlap check.
  const lo = Math.min(...input.widths);
  const hi = Math.max(...input.widths);
  const x = { field: 'width', type: 'quantitative', title: 'width (log scale)', scale: { type: 'log', base: 2, domain: [lo / 2 ** 0.25, hi * 2 ** 0.25], nice: false }, axis: { values: [...input.widths], format: 'd', labelAngle: 0, labelOverlap: false, labelFontSize: 9 } };
  const steps = new Set(input.sizes.map((s) => s.step)).size;

  // labelExpr's parentheses matter: Vega-Lite substitutes datum.label with a conditional
  // expression, which a bare '+' in front would swallow (every header read "0", "1"...).
  const sizePanels: VegaLiteSpec = {
    data: { values: sizeRows },
    facet: { field: 'step', type: 'ordinal', title: 'step (0: at initialization)', header: { labelExpr: "'step ' + (datum.label)" } },
    columns: Math.min(steps, PANELS_PER_ROW),
    spec: {
      width: 150,
      height,
      layer: [
        {
          transform: [{ filter: 'datum.plotted != null' }],
          mark: { type: 'line', point: true, strokeWidth: 1.5 },
          encoding: {
            x,
            y: logYEncoding(sizeRows.map((r) => r.plotted), 'mean |x| (log scale)'),
            color,
            opacity,
            tooltip: [{ field: 'layer' }, { field: 'step' }, { field: 'width' }, { field: 'plotted', title: 'mean |x|', format: EXACT }, { field: 'exact', title: 'exact' }, { field: 'slope', title: 'slope at this step' }],
          },
        },
        ...flagLayers(x, height),
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };

  const band = { data: { values: [{ lo: -input.threshold, hi: input.threshold }] }, mark: { type: 'rect', color: '#8a8a8a', opacity: 0.15 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } };
  const slopePanel: VegaLiteSpec = {
    title: { text: `slope of log size against log width (grey band: |slope| ≤ ${input.threshold}, flat)`, anchor: 'start', fontSize: 12 },
    width: Math.min(steps, PANELS_PER_ROW) * 170,
    height: 160,
    layer: [
      band,
      {
        data: { values: slopeRows },
        params: [{ name: 'pick', select: { type: 'point', fields: ['layer'] }, bind: 'legend' }],
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: 'slope', type: 'quantitative', title: 'slope (exponent of width)' },
          color,
          opacity,
          tooltip: [{ field: 'layer' }, { field: 'step' }, { field: 'label', title: 'slope ± standard error' }],
        },
      },
    ],
  };

  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(input.title ? { title: input.title } : {}),
    vconcat: [sizePanels, slopePanel],
  };
}
