/** What meanField(...) returns, and its summary in words. */
import type { ChainAnalysis, Phase } from './chain';
import type { PhaseGrid } from './phaseGrid';

/** The model a report was read from (meanField.ofModel). */
export interface ModelPoint {
  label: string;
  /** Its dense and convolutional layers, in order. */
  layers: { name: string; kind: 'dense' | 'conv'; fanIn: number; sigmaW2: number; sigmaB2: number; activation: string }[];
  /** The layers whose mean σ_w², σ_b² make the point: those with the chain's activation. */
  chainLayers: number;
  notes: string[];
}

export interface MeanFieldReport {
  kind: 'initlab.meanField';
  activation: string;
  sigmaW: number;
  sigmaB: number;
  sigmaW2: number;
  sigmaB2: number;
  /** The first layer's pre-activation variance the chain starts from. */
  q0: number;
  /** The depth judged against the trainable depth, if one was given (a model's own depth). */
  depth: number | null;
  /** q*: 0 when the signal fades, null when q grows without bound (then qGrowth says how). */
  qStar: number | null;
  fixedPoint: 'finite' | 'zero' | 'unbounded';
  /** q's factor per layer for very large q, when it has no fixed point: above 1 it explodes, 1 it grows by a constant. */
  qGrowth: number | null;
  chi1: number;
  cStar: number | null;
  chiC: number | null;
  xiQ: number | null;
  xiC: number | null;
  depthScale: number;
  trainableDepth: number;
  phase: Phase;
  /** depth ≤ trainableDepth, when a depth was given. */
  trainable: boolean | null;
  model: ModelPoint | null;
  grid: PhaseGrid | null;
  notes: string[];
  text: string;
}

/** 3 significant digits, ∞ for Infinity: figures a reader compares, not copies. */
export function figure(x: number | null): string {
  if (x === null) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : x < 0 ? '−∞' : 'NaN';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

function fixedPointLine(a: ChainAnalysis, q0: number, sigmaB2: number): string {
  const fp = a.fixedPoint;
  if (fp.kind === 'zero') {
    return a.xiQ === Infinity
      ? 'q* = 0: with no bias the signal fades to nothing, slower than any exponential (V′(0) = 1: tanh at σ_w² = 1 keeps q ≈ 1/(2l))'
      : `q* = 0: with no bias the signal fades to nothing, keeping ×${figure(fp.slope)} of q per layer (ξ_q = ${figure(a.xiQ)} layers)`;
  }
  if (fp.kind === 'unbounded') {
    return fp.growth > 1 + 1e-9
      ? `no fixed point: q grows ×${figure(fp.growth)} per layer without bound`
      : `no fixed point: q grows by about σ_b² = ${figure(sigmaB2)} per layer without bound`;
  }
  if (a.xiQ === Infinity) return `q* = ${figure(fp.q)}, the starting q (${figure(q0)}): here every q is a fixed point, and the input's scale passes through unchanged`;
  return `q* = ${figure(fp.q)}: the pre-activation variance every layer settles to, within ξ_q = ${figure(a.xiQ)} layers`;
}

/** χ₁ to 3 digits, or as 1 ± its distance from 1 where 3 digits would print "χ₁ = 1 > 1". */
function chi1Figure(chi1: number): string {
  const rounded = figure(chi1);
  if (rounded !== '1' || chi1 === 1) return rounded;
  return `1 ${chi1 > 1 ? '+' : '−'} ${Math.abs(chi1 - 1).toExponential(1)}`;
}

function phaseLine(a: ChainAnalysis): string {
  switch (a.phase) {
    case 'ordered':
      return `χ₁ = ${chi1Figure(a.chi1)} < 1: ordered. Inputs' correlations go to 1 (nearby inputs merge) and gradients vanish`;
    case 'chaotic':
      return `χ₁ = ${chi1Figure(a.chi1)} > 1: chaotic. Nearby inputs decorrelate, to c* = ${figure(a.cStar)}, and gradients explode`;
    case 'critical':
      return `χ₁ = ${figure(a.chi1)}: critical, the edge of chaos. Correlations and gradients keep their size layer after layer`;
    case 'exploding':
      return `χ₁ = ${chi1Figure(a.chi1)} > 1 with q unbounded: the signal and its gradients grow by e every ${figure(a.depthScale)} layers`;
  }
}

function depthLine(a: ChainAnalysis): string {
  if (a.trainableDepth === Infinity) return 'depth scale infinite: this theory puts no limit on the depth that trains';
  const scale = a.xiC === null ? `ξ = 1/ln χ₁ = ${figure(a.depthScale)} layers` : `ξ_c = ${figure(a.xiC)} layers`;
  return `${scale}, so trainable to about 6ξ = ${figure(a.trainableDepth)} layers${a.cStarNearOne ? ' (c* is within 1e−6 of 1: χ_c* taken as 2 − χ₁)' : ''}`;
}

export function summaryText(r: Omit<MeanFieldReport, 'text'>, a: ChainAnalysis): string {
  const head = r.model
    ? `${r.model.label}: ${r.model.layers.length} dense/conv layers, ${r.activation} between them; σ_w² = ${figure(r.sigmaW2)}, σ_b² = ${figure(r.sigmaB2)} (mean of ${r.model.chainLayers} layer${r.model.chainLayers === 1 ? '' : 's'}: fanIn·E[W²], E[b²])`
    : `Mean-field theory, φ = ${r.activation}: σ_w² = ${figure(r.sigmaW2)} (σ_w = ${figure(r.sigmaW)}), σ_b² = ${figure(r.sigmaB2)} (σ_b = ${figure(r.sigmaB)})`;
  const lines = [head, fixedPointLine(a, r.q0, r.sigmaB2), phaseLine(a), depthLine(a)];
  if (r.depth !== null) {
    const verdict = r.trainableDepth === Infinity ? 'within reach (theory sets no limit)' : r.trainable ? `within reach (at most ${figure(r.trainableDepth)})` : `deeper than the ${figure(r.trainableDepth)} layers theory gives`;
    lines.push(`${r.model ? 'its depth' : 'depth'} ${r.depth}: ${verdict}`);
  }
  const [first, ...rest] = lines;
  return [first, ...rest.map((l) => `  ${l}`), ...r.notes.map((n) => `  note: ${n}`)].join('\n');
}
