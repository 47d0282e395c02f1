/**
 * A plain-language verdict on probe reports: which schemes keep the signal healthy at every
 * layer, and which vanish, explode or saturate, and where. The bands are rules of thumb, stated
 * here so a reader can disagree with them:
 *
 *   activations   std of each hidden layer's output within [0.1, 10]: below, the signal is
 *                 vanishing; above, exploding. A unit input std makes this band "within 10x of
 *                 where it started". An output layer (a weighted layer with no weighted layer
 *                 after it, wherever it sits in the graph) and any softmax layer are judged by
 *                 their pre-activation, the logits: a probability's std says how sure the model
 *                 is, not whether the signal survived, so a probability is never judged (an
 *                 output layer that shows no logits, with values inside [0, 1], is left out).
 *   zero gradient every weight gradient exactly 0: nothing trains. When the output softmax or
 *                 sigmoid gives probabilities of exactly 0 or 1 (to float precision), its
 *                 cross-entropy clips them and passes no gradient: "softmax saturated", said
 *                 before anything else.
 *   saturation    more than half of a sigmoid or tanh layer's pre-activations saturated
 *                 (derivative below 1e-3): the gradient through that layer vanishes.
 *   gradients     weight-gradient std finite and at most 1e3 (above, one SGD step at lr 1e-2
 *                 moves weights by 10: exploding), and no layer's gradient std below 1/100 of
 *                 the largest layer's (the early layers would stop learning: vanishing).
 *   trends        a scheme inside those bands can still drift: when its repeating layers scale
 *                 the signal by a steady factor (trend.ts), the verdict says so and at what depth
 *                 the factor takes the signal out of the band: "healthy at these 4 layers, but
 *                 activations ×1.41 per layer (measured ×1.24): out of the band by layer 9".
 *
 * Every figure a problem quotes is on its layer's row of the probe's table (display.ts'
 * stdTable): an activation std under "act std", an output's logits std under "pre std", a
 * saturated share under "saturated", a gradient std under "w.g std".
 */
import { formatStat, fromStatNumber } from '../charts/finite';
import type { LayerProbe, ProbeReport } from './probe';
import type { TensorStats } from './tensorStats';
import { argumentError, checkOptions } from '../args';
import { describeTraining, judgeTraining, type TrainingJudgement } from '../watch/trainingVerdict';
import type { WatchRecord } from '../watch/watchRecord';
import { backwardTrend, forwardTrend, HEALTHY_ACTIVATION_STD, isProbability, outputLayers, type Trend } from './trend';

export { HEALTHY_ACTIVATION_STD, outputLayers, type Trend } from './trend';
export const SATURATED_FRACTION_LIMIT = 0.5;
export const MAX_GRADIENT_STD = 1e3;
export const MIN_GRADIENT_RATIO = 1e-2;

export type Problem =
  | { kind: 'activationVanishes' | 'activationExplodes'; layer: number; std: number }
  /** Every weight gradient is exactly 0; `saturated` names the output's activation when its probabilities are 0 or 1, `layer` the output layer and `std` its logits' std. */
  | { kind: 'gradientsZero'; layer: number; saturated: 'softmax' | 'sigmoid' | null; std: number }
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
  // has a small std by construction.
  const weighted = report.layers.filter((l) => l.tensors.weights);
  const heads = outputLayers(report);
  const zero = zeroGradients(report, heads);
  if (zero) problems.push(zero);
  for (const layer of weighted) {
    const out = judgedOutput(layer, heads.has(layer));
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
  // An embedding table's gradient is sparse by construction: only the rows of the tokens in the
  // batch get one (a 30,000-word table on 700 sentences: std 3e-6), so its std says nothing of
  // vanishing; its explosion still counts.
  const gradients = weighted.filter((l) => l.tensors.weightGrad).map((l) => ({ layer: l.layer, std: fromStatNumber(l.tensors.weightGrad!.std), sparse: l.kind === 'embedding' }));
  const largest = Math.max(...gradients.filter((g) => Number.isFinite(g.std)).map((g) => g.std));
  for (const g of gradients) {
    if (!(g.std <= MAX_GRADIENT_STD)) problems.push({ kind: 'gradientExplodes', layer: g.layer, std: g.std });
    else if (!g.sparse && g.std < MIN_GRADIENT_RATIO * largest) problems.push({ kind: 'gradientVanishes', layer: g.layer, std: g.std, largest });
  }
  const names = Object.fromEntries(report.layers.filter((l) => l.id === l.name).map((l) => [l.layer, l.name]));
  const trends = [forwardTrend(report), backwardTrend(report)].filter((t): t is Trend => t !== null);
  const healthy = problems.length === 0;
  return { label: report.label, depth: report.layers.length, healthy, problems, names, trends, drifts: healthy && trends.some((t) => t.drifts) };
}

/** The tensor whose std a layer is judged by (see the header); undefined for a probability with no logits to show. */
function judgedOutput(layer: LayerProbe, output: boolean): TensorStats | undefined {
  const { activation, preActivation } = layer.tensors;
  if (!output && layer.activation !== 'softmax') return activation ?? preActivation;
  if (preActivation) return preActivation;
  const inUnitInterval = activation && fromStatNumber(activation.min) >= 0 && fromStatNumber(activation.max) <= 1;
  return isProbability(layer) || inUnitInterval ? undefined : activation;
}

/** Probabilities this close to 0 or 1 are what float32 rounds a saturated softmax to (and what the cross-entropies clip: 1e-7). */
const SATURATED_PROBABILITY = 1e-7;

/** Every weight gradient exactly 0, and why if the output tells (see the header). */
function zeroGradients(report: ProbeReport, heads: ReadonlySet<LayerProbe>): Problem | undefined {
  const grads = report.layers.map((l) => l.tensors.weightGrad).filter((g): g is TensorStats => g !== undefined);
  if (grads.length === 0 || !grads.every((g) => fromStatNumber(g.min) === 0 && fromStatNumber(g.max) === 0)) return undefined;
  // The output layers, and the layers nothing reads (a softmax activation layer after a linear head).
  const read = new Set(report.layers.flatMap((l) => l.inputs));
  const outputs = report.layers.filter((l) => heads.has(l) || !read.has(l.id));
  const saturated = outputs.find((l) => {
    const p = l.tensors.activation;
    return isProbability(l) && p && l.tensors.preActivation && (fromStatNumber(p.min) <= SATURATED_PROBABILITY || fromStatNumber(p.max) >= 1 - SATURATED_PROBABILITY);
  });
  const layer = saturated ?? outputs[outputs.length - 1];
  const logits = layer?.tensors.preActivation ?? layer?.tensors.activation;
  return {
    kind: 'gradientsZero',
    layer: layer?.layer ?? report.layers.length,
    saturated: saturated ? (saturated.activation === 'sigmoid' ? 'sigmoid' : 'softmax') : null,
    std: logits ? fromStatNumber(logits.std) : NaN,
  };
}

const PROBLEM_WORDS: Record<Problem['kind'], string> = {
  activationVanishes: 'activations vanish',
  activationExplodes: 'activations explode',
  gradientsZero: 'gradients are exactly zero',
  saturates: 'units saturate',
  gradientExplodes: 'gradients explode',
  gradientVanishes: 'gradients vanish',
};

/** A saturated share as the verdict and the probe's table (display.ts) both write it: "87%". */
export function formatShare(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** A problem's figure: each is one the probe's table shows on the layer's row (display.ts). */
function figure(p: Problem): string {
  return p.kind === 'saturates' ? formatShare(p.fraction) : `std ${formatStat(p.std)}`;
}

/** One phrase per kind of problem: "activations explode at layers 1–4 (std 16.1 … 5020)". */
function describeProblems(problems: readonly Problem[], names: Record<number, string>): string {
  const named = (layer: number) => (names[layer] ? `${names[layer]}, ` : '');
  const kinds = [...new Set(problems.map((p) => p.kind))];
  return kinds
    .map((kind) => {
      const all = problems.filter((p) => p.kind === kind);
      const first = all[0];
      if (first.kind === 'gradientsZero') {
        // "softmax saturated at layer 6 (head, logits std 5.02e+3)": the logits std is the table's pre std on that row.
        if (!first.saturated) return `${PROBLEM_WORDS[kind]} at every layer`;
        return `${PROBLEM_WORDS[kind]}: ${first.saturated} saturated at layer ${first.layer} (${named(first.layer)}logits ${figure(first)})`;
      }
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
