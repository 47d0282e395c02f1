/**
 * Statistics over training steps: std per layer against step (log axis), a row per quantity and
 * a column per scheme, above the loss against step. Where a loss became NaN or Infinity, a
 * dashed red rule marks that step on every panel of its scheme.
 *
 * Layers are coloured along one sequential scale, so 4 layers or 100 read the same way (early
 * layers dark, late ones light) and the legend stays short.
 */
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

const DIVERGED = { type: 'rule', color: '#e5484d', strokeDash: [4, 3], strokeWidth: 2 } as const;

export function trainingChart(input: TrainingChartInput): VegaLiteSpec {
  const schemes = unique([...input.stats, ...input.losses].map((r) => r.scheme ?? ''));
  const quantities = unique(input.stats.map((s) => s.quantity));
  const divergences = divergenceSteps(input, schemes);
  const label = (scheme: string, step: number) => `${scheme ? `${scheme}: ` : ''}loss not finite at step ${step}`;

  const statRows: Record<string, unknown>[] = input.stats.map((s) => ({ step: s.step, layer: s.layer, quantity: s.quantity, scheme: s.scheme ?? '', stdText: String(s.std), ...forLogAxis(s.std) }));
  for (const { scheme, step } of divergences) {
    for (const quantity of quantities) statRows.push({ marker: true, step, scheme, quantity, label: label(scheme, step) });
  }
  const lossRows = input.losses.map((l) => ({ step: l.step, scheme: l.scheme ?? '', series: l.scheme ?? 'loss', lossText: String(l.loss), ...forLogAxis(l.loss) }));
  const step = { field: 'step', type: 'quantitative', title: 'step' };
  const marks = input.stats.length <= MAX_POINTS_WITH_MARKS;
  const several = schemes.length > 1;

  const statsPanel: VegaLiteSpec = {
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
          mark: { type: 'line', point: marks, strokeWidth: 1.5 },
          encoding: {
            x: step,
            y: logYEncoding(input.stats.map((s) => forLogAxis(s.std).plotted), 'std (log scale)'),
            color: { field: 'layer', type: 'ordinal', title: 'layer', scale: { scheme: { name: 'viridis', extent: [0, 0.85] } }, legend: { symbolLimit: 12 } },
            tooltip: [{ field: 'scheme' }, { field: 'quantity' }, { field: 'layer' }, { field: 'step' }, { field: 'plotted', title: 'std', format: EXACT }, { field: 'stdText', title: 'std (exact)' }],
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
