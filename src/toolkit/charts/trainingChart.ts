/**
 * Statistics over training steps: std per layer against step (log axis), a row per quantity and
 * a column per scheme, above the loss against step. Where a loss became NaN or Infinity, a
 * dashed red rule marks that step on every panel of its scheme.
 *
 * Layers are coloured along one sequential scale, so 4 layers or 100 read the same way (early
 * layers dark, late ones light) and the legend stays short.
 */
import { createLTTB } from 'downsample';
import type { StatNumber } from './finite';
import { EXACT, VEGA_LITE_SCHEMA, forLogAxis, logYEncoding, type VegaLiteSpec } from './specCommon';
import { unique } from './layerStatsChart';

export interface TrainingStepStat {
  step: number;
  layer: number;
  quantity: string;
  std: StatNumber;
  scheme?: string;
}

export interface TrainingLoss {
  step: number;
  loss: StatNumber;
  scheme?: string;
}

export interface TrainingChartInput {
  stats: readonly TrainingStepStat[];
  losses: readonly TrainingLoss[];
  /**
   * The first step whose loss was not finite, for input without the non-finite loss itself.
   * Otherwise each scheme's first non-finite loss is found and marked on its own.
   */
  divergedAtStep?: number | null;
  title?: string;
}

/** Above this many points, lines carry no per-point marks: 100 layers × 1,000 steps must draw in well under a second. */
const MAX_POINTS_WITH_MARKS = 2_000;

/**
 * How many points the std panels draw in all. Vega evaluates several expressions per point (and
 * in VS Code's webview through its interpreter, not compiled code), so 200,000 points take
 * seconds; a panel 260-480 pixels wide cannot show more than a few hundred per line anyway.
 * Longer lines are thinned by largest-triangle-three-buckets, which keeps spikes and drops.
 */
export const MAX_DRAWN_POINTS = 20_000;
const MIN_POINTS_PER_LINE = 100;

const DIVERGED = { type: 'rule', color: '#e5484d', strokeDash: [4, 3], strokeWidth: 2 } as const;

export function trainingChart(input: TrainingChartInput): VegaLiteSpec {
  const schemes = unique([...input.stats, ...input.losses].map((r) => r.scheme ?? ''));
  const quantities = unique(input.stats.map((s) => s.quantity));
  const divergences = divergenceSteps(input, schemes);
  const label = (scheme: string, step: number) => `${scheme ? `${scheme}: ` : ''}loss not finite at step ${step}`;

  const { rows: drawn, perLine, longest } = thinLines(input.stats);
  const marks = input.stats.length <= MAX_POINTS_WITH_MARKS;
  // Only what is drawn: the exact text is for point tooltips, and a 100-layer record is large.
  const statRows: Record<string, unknown>[] = drawn.map((s) => ({ step: s.step, layer: s.layer, quantity: s.quantity, scheme: s.scheme ?? '', plotted: forLogAxis(s.std).plotted, ...(marks ? { stdText: String(s.std) } : {}) }));
  for (const { scheme, step } of divergences) {
    for (const quantity of quantities) statRows.push({ marker: true, step, scheme, quantity, label: label(scheme, step) });
  }
  const lossRows = input.losses.map((l) => ({ step: l.step, scheme: l.scheme ?? '', series: l.scheme ?? 'loss', lossText: String(l.loss), ...forLogAxis(l.loss) }));
  const step = { field: 'step', type: 'quantitative', title: 'step' };
  const several = schemes.length > 1;

  const statsPanel: VegaLiteSpec = {
    title: { text: 'std per layer', anchor: 'start', ...(perLine ? { subtitle: `each line drawn with ${perLine} of its ${longest.toLocaleString('en-US')} points (LTTB keeps peaks and dips)` } : {}) },
    data: { values: statRows },
    facet: {
      row: { field: 'quantity', type: 'nominal', sort: quantities, title: null },
      ...(several ? { column: { field: 'scheme', type: 'nominal', sort: schemes, title: null } } : {}),
    },
    spec: {
      width: several ? 260 : 480,
      height: 180,
      layer: [
        {
          transform: [{ filter: 'datum.plotted != null && !datum.marker' }],
          // Without point marks, a line is one SVG path: per-point tooltips and screen-reader
          // descriptions would cost an interpreted expression per point and show only the first.
          mark: { type: 'line', point: marks, strokeWidth: 1.5, ...(marks ? {} : { aria: false }) },
          encoding: {
            x: step,
            y: logYEncoding(statRows.map((s) => s.plotted as number | null), 'std (log scale)'),
            color: { field: 'layer', type: 'ordinal', title: 'layer', scale: { scheme: { name: 'viridis', extent: [0, 0.85] } }, legend: { symbolLimit: 12 } },
            ...(marks ? { tooltip: [{ field: 'scheme' }, { field: 'quantity' }, { field: 'layer' }, { field: 'step' }, { field: 'plotted', title: 'std', format: EXACT }, { field: 'stdText', title: 'std (exact)' }] } : {}),
          },
        },
        { transform: [{ filter: 'datum.marker' }], mark: DIVERGED, encoding: { x: step, tooltip: [{ field: 'label' }] } },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };

  const lossPanel: VegaLiteSpec = {
    width: 480,
    height: 140,
    layer: [
      {
        data: { values: lossRows },
        transform: [{ filter: 'datum.plotted != null' }],
        mark: { type: 'line', point: lossRows.length <= 60 * Math.max(1, schemes.length) },
        encoding: {
          x: step,
          y: logYEncoding(lossRows.map((l) => l.plotted), 'loss (log scale)'),
          color: { field: 'series', type: 'nominal', title: null },
          tooltip: [{ field: 'series' }, { field: 'step' }, { field: 'lossText', title: 'loss' }],
        },
      },
      ...(divergences.length
        ? [{ data: { values: divergences.map((d) => ({ step: d.step, label: label(d.scheme, d.step) })) }, mark: DIVERGED, encoding: { x: step, tooltip: [{ field: 'label' }] } }]
        : []),
    ],
  };

  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(input.title ? { title: input.title } : {}),
    vconcat: [statsPanel, lossPanel],
    // The loss panel's scheme colours and the stats' layer colours are different things.
    resolve: { scale: { color: 'independent' } },
  };
}

/** Each scheme's first step with a non-finite loss, plus `divergedAtStep` for schemes without one. */
function divergenceSteps(input: TrainingChartInput, schemes: readonly string[]): { scheme: string; step: number }[] {
  const found = new Map<string, number>();
  for (const l of input.losses) {
    const scheme = l.scheme ?? '';
    if (typeof l.loss !== 'number' && !found.has(scheme)) found.set(scheme, l.step);
  }
  if (input.divergedAtStep != null && found.size === 0) {
    for (const scheme of schemes.length ? schemes : ['']) found.set(scheme, input.divergedAtStep);
  }
  return [...found].map(([scheme, step]) => ({ scheme, step }));
}

const lttb = createLTTB<TrainingStepStat>({ x: (s) => s.step, y: (s) => Math.log10(s.std as number) });

/**
 * The rows to draw: every row when they fit in MAX_DRAWN_POINTS, otherwise each line thinned to
 * an equal share (on the log values the chart shows). Rows whose std cannot be drawn on a log
 * axis (0, NaN, Infinity) are always kept. `perLine` is the share, or null when nothing was
 * thinned; `longest` the most points a line had.
 */
export function thinLines(stats: readonly TrainingStepStat[]): { rows: readonly TrainingStepStat[]; perLine: number | null; longest: number } {
  if (stats.length <= MAX_DRAWN_POINTS) return { rows: stats, perLine: null, longest: 0 };
  const lines = new Map<string, TrainingStepStat[]>();
  for (const s of stats) {
    const key = `${s.scheme ?? ''}\u0000${s.quantity}\u0000${s.layer}`;
    let line = lines.get(key);
    if (!line) lines.set(key, (line = []));
    line.push(s);
  }
  const perLine = Math.max(MIN_POINTS_PER_LINE, Math.floor(MAX_DRAWN_POINTS / lines.size));
  const longest = Math.max(...[...lines.values()].map((line) => line.length));
  const rows: TrainingStepStat[] = [];
  for (const line of lines.values()) {
    const drawable = line.filter((s) => typeof s.std === 'number' && s.std > 0);
    rows.push(...(drawable.length > perLine ? (lttb(drawable, perLine) as TrainingStepStat[]) : drawable));
    rows.push(...line.filter((s) => !(typeof s.std === 'number' && s.std > 0)));
  }
  return { rows, perLine, longest };
}
