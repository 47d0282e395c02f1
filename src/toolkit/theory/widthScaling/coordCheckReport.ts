/** What coordCheck returns: every size it measured, the fitted slopes, and the verdict in words. */
import type { StatNumber } from '../../charts/finite';
import type { OptimizerName } from './layerwiseOptimizer';

export interface CoordCheckSize {
  layer: string;
  /** 0 is the initialization; step t is after t updates. */
  step: number;
  width: number;
  /** Mean |x| over every coordinate of the layer's output, averaged over the seeds. */
  size: StatNumber;
}

export interface CoordCheckFit {
  layer: string;
  step: number;
  /** size ∝ width^slope by least squares on log-log; null where no line fits (see reason). */
  slope: number | null;
  /** The slope's standard error from the residuals (null with two widths). */
  standardError: number | null;
  /** log of the fitted size at width 1, for drawing the fitted line. */
  intercept: number | null;
  /** Why there is no slope: the size was 0 at some width (a zero-initialized readout) or not finite (training diverged). */
  reason?: 'zero' | 'notFinite';
}

export interface CoordCheckFlag {
  layer: string;
  direction: 'grows' | 'shrinks';
  /** The first step whose slope is past the threshold. */
  from: number;
  /** The slope at that step. */
  slope: number;
}

export interface CoordCheckReport {
  kind: 'initlab.coordCheck';
  widths: number[];
  /** Updates made; sizes are measured at steps 0..steps. */
  steps: number;
  optimizer: OptimizerName;
  lr: number;
  /** The seeds each width was built and trained with; sizes are averaged over them. */
  seeds: number[];
  /** |slope| above this counts as growing or shrinking with width. */
  threshold: number;
  /** Whether build gave per-parameter learning-rate multipliers (μP), or every layer had lr. */
  layerwiseLr: boolean;
  layers: { label: string; kind: string }[];
  sizes: CoordCheckSize[];
  fits: CoordCheckFit[];
  /** The loss at each step and width, averaged over the seeds. */
  losses: { step: number; width: number; loss: StatNumber }[];
  flagged: CoordCheckFlag[];
  /** The data trained on, in words. */
  data: string;
  notes: string[];
  /** The verdict: a first line, then one line per layer and the threshold's meaning. */
  text: string;
}
