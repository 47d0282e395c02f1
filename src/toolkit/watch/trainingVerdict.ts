/**
 * Which schemes trained: from each scheme's training record, whether the loss fell, whether it
 * diverged, and how many units died. The rules of thumb, stated so a reader can disagree:
 *
 *   trained     the mean loss of the last tenth of the steps is below 90% of the first tenth's
 *   diverged    a loss turned NaN or Infinity (the step is said)
 *   stalled     finite, but the loss fell by less than that
 *   dead units  more than half of a layer's units are zero for every example at the last
 *               recording: said beside the scheme, since such a layer has stopped learning
 */
import { formatStat, fromStatNumber } from '../charts/finite';
import type { WatchRecord } from './watchRecord';

export const TRAINED_LOSS_RATIO = 0.9;
export const DEAD_FRACTION_LIMIT = 0.5;

export interface TrainingJudgement {
  label: string;
  outcome: 'trained' | 'stalled' | 'diverged';
  steps: number;
  firstLoss: number;
  lastLoss: number;
  divergedAtStep: number | null;
  /** Layers with more than DEAD_FRACTION_LIMIT of their units dead at the last recording, and that fraction. */
  deadLayers: { layer: number; fraction: number }[];
}

function meanLoss(record: WatchRecord, from: number, to: number): number {
  const slice = record.losses.slice(from, to).map((l) => fromStatNumber(l.loss));
  return slice.reduce((a, b) => a + b, 0) / Math.max(1, slice.length);
}

export function judgeTraining(record: WatchRecord): TrainingJudgement {
  const n = record.losses.length;
  const tenth = Math.max(1, Math.floor(n / 10));
  const firstLoss = meanLoss(record, 0, tenth);
  const lastLoss = record.divergedAtStep !== null ? NaN : meanLoss(record, n - tenth, n);
  const lastStep = Math.max(...record.stats.map((s) => s.step), 0);
  const deadLayers = record.stats
    .filter((s) => s.step === lastStep && s.deadFraction !== null && s.deadFraction > DEAD_FRACTION_LIMIT)
    .map((s) => ({ layer: s.layer, fraction: s.deadFraction! }));
  const outcome = record.divergedAtStep !== null ? 'diverged' : lastLoss < TRAINED_LOSS_RATIO * firstLoss ? 'trained' : 'stalled';
  return { label: record.label, outcome, steps: n, firstLoss, lastLoss, divergedAtStep: record.divergedAtStep, deadLayers };
}

/** The lines the verdict adds: one heading, then one line per scheme. */
export function describeTraining(judgements: readonly TrainingJudgement[]): string[] {
  const trained = judgements.filter((j) => j.outcome === 'trained').map((j) => j.label);
  const steps = Math.max(...judgements.map((j) => j.steps));
  const heading = trained.length ? `After ${steps} training steps, trained: ${trained.join(', ')}.` : `After ${steps} training steps, no scheme trained.`;
  return [
    heading,
    ...judgements.map((j) => {
      const dead = j.deadLayers.length ? `; dead units: ${j.deadLayers.map((d) => `layer ${d.layer} ${Math.round(100 * d.fraction)}%`).join(', ')}` : '';
      if (j.outcome === 'diverged') return `✗ ${j.label}: diverged, loss not finite at step ${j.divergedAtStep}${dead}`;
      const change = `loss ${formatStat(j.firstLoss)} → ${formatStat(j.lastLoss)}`;
      return j.outcome === 'trained' ? `✓ ${j.label}: trained, ${change}${dead}` : `⚠ ${j.label}: stalled, ${change}${dead}`;
    }),
  ];
}
