/**
 * What recording a network's training keeps: per recorded step and layer, the probe's
 * statistics of activations, weight gradients and weights, their histograms, dead and saturated
 * units, the update-to-weight ratio and the gradient norm; and the loss of every step.
 * Statistics are StatNumbers, so NaN and Infinity survive JSON and show as such.
 */
import type { StatNumber } from '../charts/finite';
import type { HistogramBin } from '../charts/histogramChart';

export const WATCHED_QUANTITIES = ['activation', 'weight gradient', 'weights'] as const;
export type WatchedQuantity = (typeof WATCHED_QUANTITIES)[number];

export interface WatchedLayer {
  /** 1-based, in forward order, as in the probe's report. */
  layer: number;
  id: string;
  name: string;
  kind: string;
}

/** One layer at one recorded step. Step 0 is the initialization, before any update. */
export interface WatchLayerStep {
  step: number;
  layer: number;
  /** std of the layer's output, of its weights' gradient, of its weights (null where it has none). */
  std: Record<WatchedQuantity, StatNumber | null>;
  mean: Record<WatchedQuantity, StatNumber | null>;
  /** Units zero for every example of the probe batch (a dead ReLU); null for an output with no units axis. */
  deadFraction: number | null;
  /** Units of a sigmoid or tanh whose derivative is below 1e-3; null for other activations. */
  saturatedFraction: number | null;
  /** ‖w after the step − w before‖ / ‖w before‖; null at step 0 and for layers without weights. */
  updateRatio: StatNumber | null;
  /** ‖∂L/∂w‖ on the probe batch; null for layers without weights. */
  gradNorm: StatNumber | null;
}

export interface WatchHistogram {
  step: number;
  layer: number;
  quantity: WatchedQuantity;
  bins: HistogramBin[];
  nanCount: number;
  infCount: number;
}

export interface WatchRecord {
  kind: 'initlab.watch';
  label: string;
  layers: WatchedLayer[];
  /** The training loss at every step (1-based). */
  losses: { step: number; loss: StatNumber }[];
  stats: WatchLayerStep[];
  histograms: WatchHistogram[];
  /** Steps between two recordings, as last chosen (fixed, or worked out from the measured costs). */
  every: number;
  /** The first step whose loss was not finite; training stopped after it. */
  divergedAtStep: number | null;
  /** The last step run before the user pressed stop. */
  stoppedAtStep: number | null;
  /** True while training runs: the live chart skips its static SVG until the end. */
  running: boolean;
  /** What recording cost, measured: time in training steps and in recording, in ms. */
  timing: { trainingMs: number; recordingMs: number };
}

export function emptyRecord(label: string): WatchRecord {
  return { kind: 'initlab.watch', label, layers: [], losses: [], stats: [], histograms: [], every: 1, divergedAtStep: null, stoppedAtStep: null, running: true, timing: { trainingMs: 0, recordingMs: 0 } };
}
