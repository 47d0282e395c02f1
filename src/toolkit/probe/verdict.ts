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
import { formatStat, fromStatNumber } from '../charts/finite';
import type { ProbeReport } from './probe';
import { argumentError, checkOptions } from '../args';
import { describeTraining, judgeTraining, type TrainingJudgement } from '../watch/trainingVerdict';
import type { WatchRecord } from '../watch/watchRecord';
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
  /** Layer names to say beside their numbers (a tf.layers model's; an nn model's layers go by number). */
  names: Record<number, string>;
  /** The forward and backward trends with depth, where the net has enough repeating layers to read one. */
  trends: Trend[];
  /** Healthy here, but a steady factor per layer takes it out of the band in a deeper net of this kind. */
  drifts: boolean;
}

export interface Verdict {
  kind: 'initlab.verdict';
  schemes: SchemeVerdict[];
  /** With `{ trainings }`: whether each scheme then trained (watch/trainingVerdict.ts). */
  training?: TrainingJudgement[];
  text: string;
}

/**
 * The verdict on the first pass; with `{ trainings }` (records of training each scheme, from
 * `record`) it also says which schemes trained, in its first line and one line per scheme.
 */
export function verdict(reports: readonly ProbeReport[] | { reports: readonly ProbeReport[] } | ProbeReport, options: { trainings?: readonly WatchRecord[] } = {}): Verdict {
  const list = reportList(reports);
  const schemes = list.map(judge);
  const o = checkOptions('verdict', options, ['trainings']);
  if (o.trainings === undefined) return { kind: 'initlab.verdict', schemes, text: describe(schemes) };
  const records = o.trainings as unknown[];
  if (!Array.isArray(records) || records.some((r) => (r as { kind?: unknown } | null)?.kind !== 'initlab.watch')) {
    throw argumentError('verdict', 'options.trainings', 'an array of training records (what record(...) returns)', o.trainings);
  }
  const training = (records as WatchRecord[]).map(judgeTraining);
  const [heading, ...lines] = describeTraining(training);
  const [summary, ...schemeLines] = describe(schemes).split('\n');
  return { kind: 'initlab.verdict', schemes, training, text: [`${summary} ${heading}`, ...schemeLines, ...lines].join('\n') };
}

/** The reports of any of verdict's three forms, checked. */
function reportList(reports: unknown): readonly ProbeReport[] {
  const isReport = (r: unknown) => typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'initlab.probe';
  const expected = 'a probe report, an array of them, or compareReports([...])';
  const list = Array.isArray(reports) ? reports : isReport(reports) ? [reports] : typeof reports === 'object' && reports !== null && Array.isArray((reports as { reports?: unknown }).reports) ? (reports as { reports: unknown[] }).reports : undefined;
  if (!list || list.length === 0) throw argumentError('verdict', 'reports', expected, reports);
  const wrong = list.findIndex((r) => !isReport(r));
  if (wrong >= 0) throw argumentError('verdict', `reports[${wrong}]`, 'a probe report (what probe(model).step(x, y) returns)', list[wrong]);
  return list as ProbeReport[];
}

function judge(report: ProbeReport): SchemeVerdict {
  const problems: Problem[] = [];
  // Layers with weights are judged (an MLP's every layer; a CNN's convolutions and dense
  // layers): a pooling's or a flatten's output is the same signal again, and a global average
  // has a small std by construction. The output layer is judged by its logits, not by a softmax.
  const weighted = report.layers.filter((l) => l.tensors.weights);
  const last = report.layers[report.layers.length - 1];
  for (const layer of weighted) {
    const out = layer === last ? (layer.tensors.preActivation ?? layer.tensors.activation) : (layer.tensors.activation ?? layer.tensors.preActivation);
    if (out) {
      const std = fromStatNumber(out.std);
      if (!(std <= HEALTHY_ACTIVATION_STD[1])) problems.push({ kind: 'activationExplodes', layer: layer.layer, std });
      else if (std < HEALTHY_ACTIVATION_STD[0]) problems.push({ kind: 'activationVanishes', layer: layer.layer, std });
    }
  }
  for (const layer of report.layers) {
    const saturated = layer.tensors.preActivation?.saturatedFraction;
    if (saturated != null && saturated > SATURATED_FRACTION_LIMIT) problems.push({ kind: 'saturates', layer: layer.layer, fraction: saturated });
  }
  const gradients = weighted.filter((l) => l.tensors.weightGrad).map((l) => ({ layer: l.layer, std: fromStatNumber(l.tensors.weightGrad!.std) }));
  const largest = Math.max(...gradients.filter((g) => Number.isFinite(g.std)).map((g) => g.std));
  for (const g of gradients) {
    if (!(g.std <= MAX_GRADIENT_STD)) problems.push({ kind: 'gradientExplodes', layer: g.layer, std: g.std });
    else if (g.std < MIN_GRADIENT_RATIO * largest) problems.push({ kind: 'gradientVanishes', layer: g.layer, std: g.std, largest });
  }
  const names = Object.fromEntries(report.layers.filter((l) => l.id === l.name).map((l) => [l.layer, l.name]));
  const trends = [forwardTrend(report), backwardTrend(report)].filter((t): t is Trend => t !== null);
  const healthy = problems.length === 0;
  return { label: report.label, depth: report.layers.length, healthy, problems, names, trends, drifts: healthy && trends.some((t) => t.drifts) };
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
function describeProblems(problems: readonly Problem[], names: Record<number, string>): string {
  const named = (layer: number) => (names[layer] ? `${names[layer]}, ` : '');
  const kinds = [...new Set(problems.map((p) => p.kind))];
  return kinds
    .map((kind) => {
      const all = problems.filter((p) => p.kind === kind);
      const first = all[0];
      const last = all[all.length - 1];
      if (all.length === 1) return `${PROBLEM_WORDS[kind]} at layer ${first.layer} (${named(first.layer)}${figure(first)})`;
      const layers = all.every((p, i) => i === 0 || p.layer === all[i - 1].layer + 1) ? `${first.layer}–${last.layer}` : all.map((p) => p.layer).join(', ');
      const span = names[first.layer] ? `${names[first.layer]} … ${names[last.layer]}, ` : '';
      return `${PROBLEM_WORDS[kind]} at layers ${layers} (${span}${figure(first)} … ${figure(last)})`;
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
  if (!s.healthy) return `✗ ${s.label}: ${describeProblems(s.problems, s.names)}`;
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
