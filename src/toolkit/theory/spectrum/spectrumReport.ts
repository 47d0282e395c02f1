/**
 * What `spectrum(model, x)` returns: the singular values of each example's input–output Jacobian,
 * their summary (the mean of σ², the variance of σ², the extremes) and each layer's averaged
 * partial Jacobian norm; and its short text form. It displays as a chart (charts/spectrumChart.ts).
 */

export interface SpectrumReport {
  kind: 'initlab.spectrum';
  /** The scheme or experiment: the column title when reports are compared. */
  label: string;
  /** What was measured: 'nn.Model', 'tf.LayersModel "sequential_1"'. */
  model: string;
  /** The layer whose output the Jacobian ends at: 'output', or 'layer 7 (dense_3)'. */
  to: string;
  /** Values in one example's input (n) and in the target's output (m): J is m × n. */
  inputSize: number;
  outputSize: number;
  /** Examples measured: the first rows of x. */
  examples: number;
  /** 'exact' (the whole Jacobian) or 'estimate' (stochastic Lanczos quadrature). */
  method: 'exact' | 'estimate';
  /** The method in a sentence, products and counts included. */
  methodText: string;
  seed: number;
  /**
   * Rademacher probes per example: the estimate's, or the column route's Hutchinson layer norms';
   * null on the row route, where nothing is estimated.
   */
  probes: number | null;
  /** Lanczos steps taken by the longest run, for the estimate (null when exact). */
  steps: number | null;
  /**
   * Per example: exact, its min(m, n) singular values, descending, weights null (each counts the
   * same); estimated, the Lanczos nodes σ_j and their weights (summing to 1), the estimated share
   * of the singular values at σ_j. Empty with `nonFinite` when the Jacobian overflowed float32.
   */
  perExample: { values: number[]; weights: number[] | null; nonFinite: boolean }[];
  summary: SpectrumSummary;
  /** The input (layer 0) and each layer up to the target: averaged partial Jacobian norms. */
  layers: PartialJacobianNorm[];
  /** 'exact' when every output unit's gradient was taken, 'estimate' by Hutchinson's trick. */
  layerNormMethod: 'exact' | 'estimate';
  layerNormText: string;
}

export interface SpectrumSummary {
  /** Singular values per example: min(m, n). */
  perExample: number;
  /** The mean of σ² over examples and singular values: ‖J‖²_F / min(m, n) averaged over examples. Null if no example was finite. */
  meanSquared: number | null;
  /**
   * The estimate's standard error on meanSquared, from the spread of its probes' estimates (each
   * probe's is unbiased); null when exact. Within two of these of the exact mean, 95 times in 100.
   */
  meanSquaredError: number | null;
  /**
   * The variance of σ² over the same: how far the spectrum spreads (0 for dynamical isometry).
   * Estimated, it is low by about meanSquaredError² (the square of an unbiased mean is not unbiased).
   */
  varianceSquared: number | null;
  /** The largest σ (estimated: the largest Ritz value). */
  max: number | null;
  /** The smallest σ (exact only: Lanczos does not resolve the smallest). */
  min: number | null;
  /**
   * The share of singular values that are zero to the Jacobian's precision: below ZERO_BELOW × the
   * example's largest. A ReLU network has many (each layer's dead units remove directions).
   * Exact route only: the estimate puts the zeros' weight on its lowest Ritz values, anywhere up
   * to about 1% of the largest σ, so it cannot count them (null).
   */
  zeroShare: number | null;
  /** Examples left out because their Jacobian had NaN or ±Infinity. */
  nonFiniteExamples: number;
}

export interface PartialJacobianNorm {
  /** 0 for the input, then the layer's number in the model, as `to` counts. */
  layer: number;
  name: string;
  /** Values in one example's output of this layer. */
  size: number;
  /** E_x ‖∂f/∂h_l‖²_F / m (partialJacobianNorms.ts); null if no example was finite. */
  norm: number | null;
  /** Its standard deviation over the examples. */
  spread: number | null;
}

/**
 * J is computed in float32 through every layer: its entries are off by about 1e-7 × the number of
 * layers, relative, so a singular value below 1e-5 of the largest cannot be told from zero.
 */
export const ZERO_BELOW = 1e-5;

/** Pooled mean and variance of σ² and the extremes, each example weighing the same. */
export function summarize(perExample: SpectrumReport['perExample'], count: number, exact: boolean, probeMeans?: readonly Float64Array[]): SpectrumSummary {
  const finite = perExample.filter((e) => !e.nonFinite);
  const nonFiniteExamples = perExample.length - finite.length;
  if (finite.length === 0) return { perExample: count, meanSquared: null, meanSquaredError: null, varianceSquared: null, max: null, min: null, zeroShare: null, nonFiniteExamples };
  let first = 0;
  let max = 0;
  let min = Infinity;
  let zeros = 0;
  const weightOf = (weights: number[] | null, values: number[], i: number) => (weights ? weights[i] : 1 / values.length) / finite.length;
  for (const { values, weights } of finite) {
    const largest = Math.max(0, ...values);
    values.forEach((s, i) => {
      const w = weightOf(weights, values, i);
      first += w * s * s;
      if (s <= ZERO_BELOW * largest) zeros += w;
      if (s > max) max = s;
      if (s < min) min = s;
    });
  }
  // Two passes: σ² near 1 with a variance of 1e-12 would vanish in E[σ⁴] − E[σ²]².
  let variance = 0;
  for (const { values, weights } of finite) values.forEach((s, i) => (variance += weightOf(weights, values, i) * (s * s - first) ** 2));
  const meanSquaredError = probeMeans ? standardError(probeMeans.filter((_, e) => !perExample[e].nonFinite)) : null;
  return { perExample: count, meanSquared: first, meanSquaredError, varianceSquared: variance, max, min: exact ? min : null, zeroShare: exact ? zeros : null, nonFiniteExamples };
}

/**
 * The standard error of the mean over examples of each example's mean over its probes: the
 * examples are fixed (the exact value averages the same ones), so only the probes vary:
 * SE² = Σ_e s_e² / (k E²), s_e² the sample variance of example e's k probe estimates.
 */
function standardError(probeMeans: readonly Float64Array[]): number | null {
  const k = probeMeans[0]?.length ?? 0;
  if (k < 2) return null;
  let sum = 0;
  for (const means of probeMeans) {
    const mean = means.reduce((a, b) => a + b, 0) / k;
    sum += means.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1) / k;
  }
  return Math.sqrt(sum) / probeMeans.length;
}

/** Mean and standard deviation over examples of each layer's ‖∂f/∂h_l‖²_F / m. */
export function layerNorms(squaredNorms: readonly Float64Array[], names: readonly { layer: number; name: string; size: number }[], m: number, nonFinite: readonly boolean[]): PartialJacobianNorm[] {
  return names.map((entry, l) => {
    const values = squaredNorms.filter((_, e) => !nonFinite[e]).map((s) => s[l] / m).filter(Number.isFinite);
    if (values.length === 0) return { ...entry, norm: null, spread: null };
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    return { ...entry, norm: mean, spread };
  });
}

/** A number in 3 significant figures, scientific beyond 1e±4. */
export function formatFigure(x: number | null): string {
  if (x === null) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : Number(x.toPrecision(3)).toString();
}

/** At most this many layers are listed in the text form; the report holds them all. */
const LISTED_LAYERS = 12;

/** The report in a few lines, for terminals, the headless runner and console.log. */
export function spectrumText(report: SpectrumReport): string {
  const s = report.summary;
  const lines = [
    `Jacobian spectrum: ${report.label} (${report.label === report.model ? '' : `${report.model}, `}${report.inputSize} inputs → ${report.outputSize} ${report.to === 'output' ? 'outputs' : `values of ${report.to}`}, ${report.examples} example${report.examples === 1 ? '' : 's'})`,
    `  ${report.methodText}`,
    s.meanSquared === null
      ? `  no example's Jacobian is finite (NaN or ±Infinity): the network overflowed float32, or its weights are not finite`
      : `  σ²: mean ${formatFigure(s.meanSquared)}${s.meanSquaredError === null ? '' : ` ± ${formatFigure(s.meanSquaredError)}`}, variance ${formatFigure(s.varianceSquared)}; σ ${s.min === null ? `up to ${formatFigure(s.max)}` : `from ${formatFigure(s.min)} to ${formatFigure(s.max)}`}; ${s.perExample} singular value${s.perExample === 1 ? '' : 's'} per example${s.zeroShare ? `, ${formatShare(s.zeroShare)} of them 0 (below ${ZERO_BELOW} of the largest)` : ''}${s.nonFiniteExamples ? `; ${s.nonFiniteExamples} example(s) left out, their Jacobian not finite` : ''}`,
    `  partial Jacobian norm ‖∂f/∂h_l‖²_F / ${report.outputSize}, ${report.layerNormMethod === 'exact' ? 'exact' : 'estimated'}, mean over examples:`,
  ];
  const shown = report.layers.length <= LISTED_LAYERS ? report.layers : evenly(report.layers, LISTED_LAYERS);
  const width = Math.max(...shown.map((l) => labelOf(l).length));
  for (const l of shown) lines.push(`    ${labelOf(l).padEnd(width)}  ${formatFigure(l.norm)}`);
  if (shown.length < report.layers.length) lines.push(`    (${shown.length} of ${report.layers.length} layers shown; all are in .layers)`);
  return lines.join('\n');
}

/** A share as a percentage: "46%", "0.3%". */
export function formatShare(share: number): string {
  const percent = share * 100;
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toPrecision(1)}%`;
}

function labelOf(l: PartialJacobianNorm): string {
  return l.layer === 0 ? 'input' : `${l.layer} ${l.name}`;
}

/** `count` items spread evenly from the first to the last. */
function evenly<T>(items: readonly T[], count: number): T[] {
  const picks = new Set(Array.from({ length: count }, (_, i) => Math.round((i * (items.length - 1)) / (count - 1))));
  return [...picks].map((i) => items[i]);
}
