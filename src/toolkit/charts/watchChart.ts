/**
 * The chart of a training record (toolkit/watch): std per layer over steps with the loss
 * (trainingChart's panels), the dead-unit fraction and the update-to-weight ratio per layer
 * against step, with the usual ~1e-3 band for the ratio, and the colorful dimension of the
 * activations.
 */
import type { StatNumber } from './finite';
import { colorfulDimensionChart, type StepHistogram } from './colorfulDimension';
import { EXACT, VEGA_LITE_SCHEMA, forLogAxis, type VegaLiteSpec } from './specCommon';
import { trainingChart, type TrainingStepStat } from './trainingChart';

export interface WatchChartInput {
  title: string;
  stats: readonly TrainingStepStat[];
  losses: readonly { step: number; loss: StatNumber }[];
  /** Per layer and recorded step. */
  health: readonly { step: number; layer: number; deadFraction: number | null; updateRatio: StatNumber | null }[];
  histograms: readonly StepHistogram[];
}

/** Karpathy's rule of thumb: an update near 1e-3 of the weight; the band spans 3x either side. */
export const UPDATE_RATIO_BAND = [1e-3 / 3, 3e-3] as const;

const LAYER_COLOUR = { field: 'layer', type: 'ordinal', title: 'layer', scale: { scheme: { name: 'viridis', extent: [0, 0.85] } }, legend: { symbolLimit: 12 } };

export function watchChart(input: WatchChartInput): VegaLiteSpec {
  const { $schema: _schema, title: _title, ...training } = trainingChart({ stats: input.stats, losses: input.losses });
  const dead = input.health.filter((h) => h.deadFraction !== null).map((h) => ({ step: h.step, layer: h.layer, dead: h.deadFraction }));
  const ratios = input.health
    .map((h) => ({ step: h.step, layer: h.layer, text: String(h.updateRatio), ...forLogAxis(h.updateRatio ?? 'NaN') }))
    .filter((r) => r.plotted !== null && r.plotted > 0);
  const step = { field: 'step', type: 'quantitative', title: 'step' };
  const healthPanels: VegaLiteSpec = {
    hconcat: [
      {
        title: { text: 'dead units (zero for every example)', anchor: 'start' },
        width: 230,
        height: 140,
        data: { values: dead },
        mark: { type: 'line', point: dead.length <= 400 },
        encoding: { x: step, y: { field: 'dead', type: 'quantitative', title: 'fraction', scale: { domain: [0, 1] } }, color: LAYER_COLOUR, tooltip: [{ field: 'layer' }, { field: 'step' }, { field: 'dead', format: '.1%' }] },
      },
      {
        title: { text: '‖Δw‖ / ‖w‖ per step (band: ~1e-3)', anchor: 'start' },
        width: 230,
        height: 140,
        layer: [
          { data: { values: [{ low: UPDATE_RATIO_BAND[0], high: UPDATE_RATIO_BAND[1] }] }, mark: { type: 'rect', opacity: 0.15, color: '#30a46c' }, encoding: { y: { field: 'low', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'high' } } },
          {
            data: { values: ratios },
            mark: { type: 'line', point: ratios.length <= 400 },
            encoding: { x: step, y: { field: 'plotted', type: 'quantitative', title: 'ratio (log scale)', scale: { type: 'log' } }, color: LAYER_COLOUR, tooltip: [{ field: 'layer' }, { field: 'step' }, { field: 'plotted', title: 'ratio', format: EXACT }, { field: 'text', title: 'exact' }] },
          },
        ],
      },
    ],
  };
  const { $schema: _s2, ...colorful } = colorfulDimensionChart(input.histograms, { title: 'activations over steps (the colorful dimension)' });
  return { $schema: VEGA_LITE_SCHEMA, title: input.title, vconcat: [training, healthPanels, colorful], resolve: { scale: { color: 'independent' } } };
}
