/**
 * Statistics over training steps: std per layer against step (log axis) above the loss against
 * step. When the loss became NaN or Infinity, a rule marks that step on both charts.
 */
import type { StatNumber } from './finite';
import { EXACT, VEGA_LITE_SCHEMA, forLogAxis, type VegaLiteSpec } from './specCommon';

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
  /** The first step whose loss was not finite, if training diverged. */
  divergedAtStep?: number | null;
  title?: string;
}

export function trainingChart(input: TrainingChartInput): VegaLiteSpec {
  const diverged = input.divergedAtStep ?? null;
  const marker: VegaLiteSpec[] =
    diverged === null
      ? []
      : [
          {
            data: { values: [{ step: diverged, label: `loss not finite at step ${diverged}` }] },
            mark: { type: 'rule', color: '#e5484d', strokeDash: [4, 3], strokeWidth: 2 },
            encoding: { x: { field: 'step', type: 'quantitative' }, tooltip: [{ field: 'label' }] },
          },
        ];
  const stats = input.stats.map((s) => ({ ...s, series: `${s.scheme ? `${s.scheme} · ` : ''}${s.quantity} · layer ${s.layer}`, ...forLogAxis(s.std) }));
  const losses = input.losses.map((l) => ({ ...l, series: l.scheme ?? 'loss', ...forLogAxis(l.loss), lossText: String(l.loss) }));
  const step = { field: 'step', type: 'quantitative', title: 'step' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(input.title ? { title: input.title } : {}),
    vconcat: [
      {
        width: 480,
        height: 200,
        layer: [
          {
            data: { values: stats },
            transform: [{ filter: 'datum.plotted != null' }],
            mark: { type: 'line' },
            encoding: {
              x: step,
              y: { field: 'plotted', type: 'quantitative', scale: { type: 'log' }, title: 'std (log scale)', axis: { format: '~e' } },
              color: { field: 'series', type: 'nominal', title: null },
              tooltip: [{ field: 'series' }, { field: 'step' }, { field: 'plotted', title: 'std', format: EXACT }],
            },
          },
          ...marker,
        ],
      },
      {
        width: 480,
        height: 140,
        layer: [
          {
            data: { values: losses },
            transform: [{ filter: 'datum.plotted != null' }],
            mark: { type: 'line', point: losses.length <= 60 },
            encoding: {
              x: step,
              y: { field: 'plotted', type: 'quantitative', scale: { type: 'log' }, title: 'loss (log scale)', axis: { format: '~e' } },
              color: { field: 'series', type: 'nominal', title: null },
              tooltip: [{ field: 'series' }, { field: 'step' }, { field: 'lossText', title: 'loss' }],
            },
          },
          ...marker,
        ],
      },
    ],
  };
}
