/**
 * A plain-language verdict on probe reports: which schemes keep the signal healthy at every
 * layer, and which vanish, explode or saturate, and where. The bands are rules of thumb, stated
 * here so a reader can disagree with them:
 *
 *   activations   std of each hidden layer's output (the pre-activation for the output layer)
 *                 within [0.1, 10]: below, the signal is vanishing; above, exploding. A unit
 *                 input std makes this band "within 10x of where it started".
 *   saturation    more than half of a sigmoid or tanh layer's pre-activations saturated
 *                 (derivative below 1e-3): the gradient through that layer vanishes.
 *   gradients     weight-gradient std finite and at most 1e3 (above, one SGD step at lr 1e-2
 *                 moves weights by 10: exploding), and no layer's gradient std below 1/100 of
 *                 the largest layer's (the early layers would stop learning: vanishing).
 *   trends        a scheme inside those bands can still drift: when its repeating layers scale
 *                 the signal by a steady factor (trend.ts), the verdict says so and at what depth
 *                 the factor takes the signal out of the band: "healthy at these 4 layers, but
 *                 activations ×1.41 per layer (measured ×1.24): out of the band by layer 9".
 */
import { formatStat, fromStatNumber } from '../../../common/charts/finite';
import type { ProbeReport } from './probe';
import { backwardTrend, forwardTrend, HEALTHY_ACTIVATION_STD, type Trend } from './trend';

export { HEALTHY_ACTIVATION_STD, type Trend } from './trend';
export const SATURATED_FRACTION_LIMIT = 0.5;
export const MAX_GRADIENT_STD = 1e3;
export const MIN_GRADIENT_RATIO = 1e-2;

export type Problem =
  | { kind: 'activationVanishes' | 'activationExplodes'; layer: number; std: number }
  | { kind: 'saturates'; layer: number; fraction: number }
  | { kind: 'gradientExplodes'; layer: number; std: number }
  | { kind: 'gradientVanishes'; layer: number; std: number; largest: number };

export interface SchemeVerdict {
  label: string;
  /** The number of layers the report has. */
  depth: number;
  /** Inside every band at every layer of this net. */
  healthy: boolean;
  problems: Problem[];
  /** The forward and backward trends with depth, where the net has enough repeating layers to read one. */
  trends: Trend[];
  /** Healthy here, but a steady factor per layer takes it out of the band in a deeper net of this kind. */
  drifts: boolean;
}

export interface Verdict {
  kind: 'initlab.verdict';
  schemes: SchemeVerdict[];
  text: string;
}

export function verdict(reports: readonly ProbeReport[] | { reports: readonly ProbeReport[] } | ProbeReport): Verdict {
  const list: readonly ProbeReport[] = Array.isArray(reports) ? reports : 'reports' in reports ? reports.reports : [reports as ProbeReport];
  const schemes = list.map(judge);
  return { kind: 'initlab.verdict', schemes, text: describe(schemes) };
}

function judge(report: ProbeReport): SchemeVerdict {
  const problems: Problem[] = [];
  for (const layer of report.layers) {
    const out = layer.tensors.activation ?? layer.tensors.preActivation;
    if (out) {
      const std = fromStatNumber(out.std);
      if (!(std <= HEALTHY_ACTIVATION_STD[1])) problems.push({ kind: 'activationExplodes', layer: layer.layer, std });
      else if (std < HEALTHY_ACTIVATION_STD[0]) problems.push({ kind: 'activationVanishes', layer: layer.layer, std });
    }
    const saturated = layer.tensors.preActivation?.saturatedFraction;
    if (saturated != null && saturated > SATURATED_FRACTION_LIMIT) problems.push({ kind: 'saturates', layer: layer.layer, fraction: saturated });
  }
  const gradients = report.layers.map((l) => ({ layer: l.layer, std: l.tensors.weightGrad ? fromStatNumber(l.tensors.weightGrad.std) : NaN }));
  const largest = Math.max(...gradients.filter((g) => Number.isFinite(g.std)).map((g) => g.std));
  for (const g of gradients) {
    if (!(g.std <= MAX_GRADIENT_STD)) problems.push({ kind: 'gradientExplodes', layer: g.layer, std: g.std });
    else if (g.std < MIN_GRADIENT_RATIO * largest) problems.push({ kind: 'gradientVanishes', layer: g.layer, std: g.std, largest });
  }
  const trends = [forwardTrend(report), backwardTrend(report)].filter((t): t is Trend => t !== null);
  const healthy = problems.length === 0;
  return { label: report.label, depth: report.layers.length, healthy, problems, trends, drifts: healthy && trends.some((t) => t.drifts) };
}

const PROBLEM_WORDS: Record<Problem['kind'], string> = {
  activationVanishes: 'activations vanish',
  activationExplodes: 'activations explode',
  saturates: 'units saturate',
  gradientExplodes: 'gradients explode',
  gradientVanishes: 'gradients vanish',
};

function figure(p: Problem): string {
  return p.kind === 'saturates' ? `${Math.round(p.fraction * 100)}%` : `std ${formatStat(p.std)}`;
}

/** One phrase per kind of problem: "activations explode at layers 1–4 (std 16.1 … 5020)". */
function describeProblems(problems: readonly Problem[]): string {
  const kinds = [...new Set(problems.map((p) => p.kind))];
  return kinds
    .map((kind) => {
      const all = problems.filter((p) => p.kind === kind);
      const first = all[0];
      const last = all[all.length - 1];
      if (all.length === 1) return `${PROBLEM_WORDS[kind]} at layer ${first.layer} (${figure(first)})`;
      const layers = all.every((p, i) => i === 0 || p.layer === all[i - 1].layer + 1) ? `${first.layer}–${last.layer}` : all.map((p) => p.layer).join(', ');
      return `${PROBLEM_WORDS[kind]} at layers ${layers} (${figure(first)} … ${figure(last)})`;
    })
    .join('; ');
}

/** "activations ×1.41 per layer (measured ×1.24): out of the band by layer 9". */
function describeTrend(t: Trend): string {
  const measured = t.measuredFactor !== t.factor ? ` (measured ×${formatStat(t.measuredFactor)})` : '';
  const factor = `×${formatStat(t.factor)} per layer${measured}`;
  return t.direction === 'forward'
    ? `activations ${factor}: out of the band by layer ${t.leavesBandAtLayer}`
    : `gradients ${factor} going back: out of the band at depth ${t.leavesBandAtDepth}`;
}

function describeScheme(s: SchemeVerdict): string {
  if (!s.healthy) return `✗ ${s.label}: ${describeProblems(s.problems)}`;
  if (!s.drifts) return `✓ ${s.label}: healthy at every layer`;
  return `⚠ ${s.label}: healthy at these ${s.depth} layers, but ${s.trends.filter((t) => t.drifts).map(describeTrend).join('; ')}`;
}

function describe(schemes: readonly SchemeVerdict[]): string {
  const steady = schemes.filter((s) => s.healthy && !s.drifts).map((s) => s.label);
  const drifting = schemes.filter((s) => s.drifts).map((s) => s.label);
  const lines = schemes.map(describeScheme);
  const summary =
    steady.length === schemes.length
      ? 'Every scheme keeps activations and gradients in a healthy band.'
      : steady.length === 0 && drifting.length === 0
        ? 'No scheme keeps activations and gradients in a healthy band at every layer.'
        : [steady.length > 0 ? `Healthy at every layer: ${steady.join(', ')}.` : '', drifting.length > 0 ? `Healthy at this depth only: ${drifting.join(', ')}.` : ''].filter(Boolean).join(' ');
  return [summary, ...lines].join('\n');
}
