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
 */
import { formatStat, fromStatNumber } from '../../../common/charts/finite';
import type { ProbeReport } from './probe';
import { argumentError } from '../args';

export const HEALTHY_ACTIVATION_STD: readonly [number, number] = [0.1, 10];
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
  healthy: boolean;
  problems: Problem[];
  /** Layer names to say beside their numbers (a tf.layers model's; an nn model's layers go by number). */
  names: Record<number, string>;
}

export interface Verdict {
  kind: 'initlab.verdict';
  schemes: SchemeVerdict[];
  text: string;
}

export function verdict(reports: readonly ProbeReport[] | { reports: readonly ProbeReport[] } | ProbeReport): Verdict {
  const list = reportList(reports);
  const schemes = list.map(judge);
  return { kind: 'initlab.verdict', schemes, text: describe(schemes) };
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
  return { label: report.label, healthy: problems.length === 0, problems, names };
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

function describe(schemes: readonly SchemeVerdict[]): string {
  const healthy = schemes.filter((s) => s.healthy).map((s) => s.label);
  const lines = schemes.map((s) => (s.healthy ? `✓ ${s.label}: healthy at every layer` : `✗ ${s.label}: ${describeProblems(s.problems, s.names)}`));
  const summary =
    healthy.length === schemes.length
      ? 'Every scheme keeps activations and gradients in a healthy band.'
      : healthy.length === 0
        ? 'No scheme keeps activations and gradients in a healthy band at every layer.'
        : `Healthy at every layer: ${healthy.join(', ')}.`;
  return [summary, ...lines].join('\n');
}
