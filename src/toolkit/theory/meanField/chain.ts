/**
 * Mean-field theory of a deep chain of random layers (Poole et al. 2016; Schoenholz et al.,
 * "Deep Information Propagation", ICLR 2017). Layer l computes h^l = W^l φ(h^(l−1)) + b^l with
 * W_ij ~ N(0, σ_w²/N) and b_i ~ N(0, σ_b²). For wide layers each unit's pre-activation is
 * Gaussian, and two numbers per input pair follow deterministic maps from layer to layer:
 *
 *   variance     q ↦ V(q) = σ_w² E[φ(√q z)²] + σ_b²
 *   covariance   q₁₂ ↦ σ_w² E[φ(u₁) φ(u₂)] + σ_b²,   c = q₁₂ / √(q₁ q₂)
 *
 * At the fixed point q* of V, the correlation map c ↦ C(c) has C(1) = 1 and slope
 * χ₁ = σ_w² E[φ'(√q* z)²] there. χ₁ < 1: c = 1 attracts, nearby inputs merge (ordered).
 * χ₁ > 1: they part until a fixed point c* < 1 (chaotic). Correlations approach their fixed
 * point as e^(−l/ξ_c), ξ_c = −1/ln χ_c*, with χ_c* = σ_w² E[φ'(u₁) φ'(u₂)] the slope at c*
 * (χ₁ itself when c* = 1); at χ₁ = 1 (critical) ξ_c is infinite. Schoenholz et al. found such
 * networks train when their depth is at most about 6 ξ_c.
 */
import { EXACT_RULE, expectation, expectationTimesZ, pairExpectation, type PairRule } from './gaussian';
import type { Activation } from './activations';
import { brent } from './roots';
import { correlationSeries, evaluateSeries } from './hermiteSeries';

export interface ChainParameters {
  readonly activation: Activation;
  /** σ_w²: fanIn · Var(W). */
  readonly sigmaW2: number;
  /** σ_b²: Var(b), or E[b²] for biases that are not zero-mean draws. */
  readonly sigmaB2: number;
}

/** |χ₁ − 1| within this is critical: σ_w = √2 squares to 2.0000000000000004. */
export const CRITICAL_TOLERANCE = 1e-9;

/** Limits of the search for q*: past them q is said to vanish or to grow without bound. */
const Q_MIN = 1e-60;
const Q_MAX = 1e60;

/** |V(q) − q| below this fraction of q is rounding (the quadrature is good to about 1e−15 of V). */
const RESOLVED = 1e-12;

/** Where a q* of 0 is evaluated: the limit q → 0⁺ of χ₁ and of V' (no quadrature node sits at 0). */
const Q_LIMIT_AT_ZERO = 1e-24;

export function varianceMap(p: ChainParameters, q: number): number {
  const f = p.activation.f;
  return p.sigmaW2 * expectation((x) => f(x) ** 2, q) + p.sigmaB2;
}

/** V'(q) = σ_w² (χ₁/σ_w² + E[φ φ'']) = σ_w² E[z φ(√q z) φ'(√q z)] / √q: how fast q returns to q*. */
export function varianceSlope(p: ChainParameters, q: number): number {
  const { f, df } = p.activation;
  return p.sigmaW2 * expectationTimesZ((x) => f(x) * df(x), Math.max(q, Q_LIMIT_AT_ZERO));
}

/** χ₁ = σ_w² E[φ'(√q z)²], at q* the slope of the correlation map at c = 1. */
export function chi1At(p: ChainParameters, q: number): number {
  const df = p.activation.df;
  return p.sigmaW2 * expectation((x) => df(x) ** 2, Math.max(q, Q_LIMIT_AT_ZERO));
}

/** One layer of the covariance map: the next q₁₂ from q₁, q₂ and c. */
export function covarianceMap(p: ChainParameters, q1: number, q2: number, c: number, rule: PairRule = EXACT_RULE): number {
  const f = p.activation.f;
  return p.sigmaW2 * pairExpectation(f, f, q1, q2, c, rule) + p.sigmaB2;
}

/** The correlation map's slope at c for inputs at q on both sides: χ_c = σ_w² E[φ'(u₁) φ'(u₂)]. */
export function correlationSlope(p: ChainParameters, q: number, c: number, rule: PairRule = EXACT_RULE): number {
  const df = p.activation.df;
  return p.sigmaW2 * pairExpectation(df, df, q, q, c, rule);
}

export type VarianceFixedPoint =
  /** q* > 0 reached from the starting q; slope V'(q*) ≤ 1 (1: every nearby q stays where it is). */
  | { kind: 'finite'; q: number; slope: number }
  /** q shrinks to 0: no bias, φ(0) = 0 and V'(0) ≤ 1. */
  | { kind: 'zero'; slope: number }
  /** q grows without bound; `growth` is V(q)/q for very large q (1: it grows by a constant). */
  | { kind: 'unbounded'; growth: number; farQ: number };

/**
 * The fixed point of V that a network reaches from a first layer at `q0`. The map is iterated in
 * effect, not in fact: iterating takes thousands of layers near criticality (tanh at σ_w² = 1
 * creeps to 0 as 1/(2l)). From q0, q is multiplied (or divided) by 2, 4, 8… while V(q) − q
 * keeps the sign it has at q0, then Brent's method finds the crossing. For V increasing in q
 * with one crossing on that side (every named activation), it is where iteration converges.
 */
export function varianceFixedPoint(p: ChainParameters, q0 = 1): VarianceFixedPoint {
  const g = (q: number) => varianceMap(p, q) - q;
  const g0 = g(q0);
  if (Math.abs(g0) <= RESOLVED * q0) return { kind: 'finite', q: q0, slope: varianceSlope(p, q0) };
  let lo: number;
  let hi: number;
  let glo: number;
  let ghi: number;
  if (g0 > 0) {
    lo = q0;
    glo = g0;
    hi = 2 * q0;
    ghi = g(hi);
    // Steps of ×2, ×4, ×8…: 1e60 in twenty steps (an exploding ReLU needs them all), and Brent's
    // method narrows a wide bracket in a few more.
    let step = 2;
    // Past |V(q) − q| ≤ 1e−12 q the difference is rounding: ReLU at σ_w² = 2 with a bias adds
    // σ_b² per layer, which a q of 1e15 cannot show. Such a q still grows, by a constant.
    while (ghi > -RESOLVED * hi) {
      if (hi > Q_MAX) return { kind: 'unbounded', growth: varianceMap(p, hi) / hi, farQ: hi };
      if (ghi > 0) {
        lo = hi;
        glo = ghi;
      }
      step *= 2;
      hi *= step;
      ghi = g(hi);
    }
  } else {
    hi = q0;
    ghi = g0;
    lo = q0 / 2;
    glo = g(lo);
    let step = 2;
    // Likewise tanh at σ_w² = 1 with no bias: V(q) − q ≈ −2q², below rounding once q < 1e−12.
    while (glo < RESOLVED * lo) {
      if (lo < Q_MIN) return { kind: 'zero', slope: varianceSlope(p, 0) };
      if (glo < 0) {
        hi = lo;
        ghi = glo;
      }
      step *= 2;
      lo /= step;
      glo = g(lo);
    }
  }
  const q = brent(g, lo, hi, 1e-14 * hi, glo, ghi);
  return { kind: 'finite', q, slope: varianceSlope(p, q) };
}

export type Phase = 'ordered' | 'critical' | 'chaotic' | 'exploding';

export interface ChainAnalysis {
  fixedPoint: VarianceFixedPoint;
  /** q*, 0 when q vanishes, null when it grows without bound. */
  qStar: number | null;
  chi1: number;
  /** The correlations' fixed point: 1 when ordered or critical, below 1 when chaotic, null when q has none. */
  cStar: number | null;
  /** The correlation map's slope at c*: χ₁ when c* = 1. */
  chiC: number | null;
  /** ξ_q = −1/ln V'(q*): the depth over which q settles (Infinity when V'(q*) = 1). */
  xiQ: number | null;
  /** ξ_c = −1/ln χ_c*: the depth over which two inputs' correlation settles. */
  xiC: number | null;
  phase: Phase;
  /**
   * The depth scale that limits training: ξ_c, or where q grows without bound (ReLU with
   * σ_w² > 2) 1/ln χ₁, the depth over which activations and gradients grow by e.
   */
  depthScale: number;
  /** 6 × depthScale (Schoenholz et al.'s fit to the depths that trained); Infinity at criticality. */
  trainableDepth: number;
  /** c* could not be told from 1 in float64 (χ₁ within about 1e−6 of 1): χ_c* is taken as 2 − χ₁, its value to first order. */
  cStarNearOne: boolean;
}

/** 1/|ln x| as a depth, Infinity at x = 1. */
function depthOf(x: number): number {
  const log = Math.abs(Math.log(x));
  return log === 0 ? Infinity : 1 / log;
}

/** The correlation map at q* = q on both sides, c ↦ C(c), and its slope χ_c. */
interface CorrelationMapAtQ {
  next(c: number): number;
  slope(c: number): number;
}

/**
 * The map as two-dimensional integrals, or, for the phase diagram's cells (a rule other than
 * EXACT_RULE), as Mehler's series (hermiteSeries.ts) wherever what the series leaves out,
 * at most tail·|c|^terms, is below 1e−10 of E[φ²]: for tanh at q* = 2, every c up to 0.99.
 */
function correlationMapAt(p: ChainParameters, q: number, rule: PairRule): CorrelationMapAtQ {
  const integral: CorrelationMapAtQ = { next: (c) => covarianceMap(p, q, q, c, rule) / q, slope: (c) => correlationSlope(p, q, c, rule) };
  if (rule === EXACT_RULE) return integral;
  const series = correlationSeries(p.activation.f, q);
  const fits = (c: number) => series.tail * Math.abs(c) ** series.squares.length <= 1e-10 * series.secondMoment;
  return {
    next: (c) => (fits(c) ? (p.sigmaW2 * evaluateSeries(series, c).value + p.sigmaB2) / q : integral.next(c)),
    slope: (c) => (fits(c) ? (p.sigmaW2 * evaluateSeries(series, c).slope) / q : integral.slope(c)),
  };
}

/**
 * c* < 1 in the chaotic phase: the largest root of C(c) − c below 1. C(c) − c is about
 * −(χ₁ − 1)(1 − c) just below 1, and C(0) = (σ_w² E[φ]² + σ_b²)/q* ≥ 0, so [0, 1 − δ] brackets
 * it once δ is small enough that 1 − δ lies above c* (C(0) = 0, an odd φ without bias: c* = 0).
 * When χ₁ is so near 1 that no δ the quadrature can resolve does, c* is within about 1e−6 of 1
 * and the slope there, 2 − χ₁ to first order, is used.
 */
function chaoticFixedPoint(p: ChainParameters, q: number, chi1: number, rule: PairRule): { cStar: number; chiC: number; nearOne: boolean } {
  const map = correlationMapAt(p, q, rule);
  const h = (c: number) => map.next(c) - c;
  for (let delta = 1e-3; delta >= 1e-9; delta /= 10) {
    const hi = h(1 - delta);
    if (hi >= 0) continue;
    const lo = h(0);
    // A heatmap cell's colour needs c* to 1e−5 (its ξ then to about 1e−3), a quoted figure to 1e−12.
    const cStar = lo <= 1e-14 ? 0 : brent(h, 0, 1 - delta, rule === EXACT_RULE ? 1e-12 : 1e-5, lo, hi);
    return { cStar, chiC: map.slope(cStar), nearOne: false };
  }
  return { cStar: 1, chiC: 2 - chi1, nearOne: true };
}

/** Everything the theory says about one (φ, σ_w², σ_b²), for a first layer at q0. */
export function analyzeChain(p: ChainParameters, q0 = 1, rule: PairRule = EXACT_RULE): ChainAnalysis {
  const fixedPoint = varianceFixedPoint(p, q0);
  const qStar = fixedPoint.kind === 'finite' ? fixedPoint.q : fixedPoint.kind === 'zero' ? 0 : null;
  const chi1 = chi1At(p, qStar ?? (fixedPoint as { farQ: number }).farQ);
  const slope = fixedPoint.kind === 'unbounded' ? null : fixedPoint.slope;
  const xiQ = slope === null ? null : slope >= 1 - 1e-12 ? Infinity : -1 / Math.log(slope);
  const critical = Math.abs(chi1 - 1) <= CRITICAL_TOLERANCE;
  const base = { fixedPoint, qStar, chi1, xiQ, cStarNearOne: false };
  if (fixedPoint.kind === 'unbounded') {
    // No q*: the correlation map depends on a q that keeps growing, so it has no fixed point either.
    const phase: Phase = critical ? 'critical' : chi1 > 1 ? 'exploding' : 'ordered';
    const depthScale = critical ? Infinity : depthOf(chi1);
    return { ...base, cStar: null, chiC: null, xiC: null, phase, depthScale, trainableDepth: 6 * depthScale };
  }
  if (critical) return { ...base, cStar: 1, chiC: chi1, xiC: Infinity, phase: 'critical', depthScale: Infinity, trainableDepth: Infinity };
  if (chi1 < 1 || qStar === 0) {
    const xiC = -1 / Math.log(chi1);
    return { ...base, cStar: 1, chiC: chi1, xiC, phase: 'ordered', depthScale: xiC, trainableDepth: 6 * xiC };
  }
  const { cStar, chiC, nearOne } = chaoticFixedPoint(p, qStar!, chi1, rule);
  const xiC = -1 / Math.log(chiC);
  return { ...base, cStar, chiC, xiC, phase: 'chaotic', depthScale: xiC, trainableDepth: 6 * xiC, cStarNearOne: nearOne };
}

/**
 * The σ_w² at which χ₁ = 1 for a given σ_b²: the order-to-chaos boundary. Found by Brent's
 * method on χ₁(σ_w²) − 1 in [lo, hi], widened (up to σ_w² = 10⁴) until it brackets a crossing;
 * null if χ₁ never reaches 1 there.
 */
export function criticalSigmaW2(activation: Activation, sigmaB2: number, q0 = 1, range: [number, number] = [0.1, 10]): number | null {
  const excess = (sigmaW2: number) => {
    const p = { activation, sigmaW2, sigmaB2 };
    const fixed = varianceFixedPoint(p, q0);
    return chi1At(p, fixed.kind === 'finite' ? fixed.q : fixed.kind === 'zero' ? 0 : fixed.farQ) - 1;
  };
  let [lo, hi] = range;
  let flo = excess(lo);
  let fhi = excess(hi);
  while (flo > 0 && lo > 1e-6) {
    hi = lo;
    fhi = flo;
    lo /= 4;
    flo = excess(lo);
  }
  while (fhi < 0 && hi < 1e4) {
    lo = hi;
    flo = fhi;
    hi *= 4;
    fhi = excess(hi);
  }
  if (flo > 0 || fhi < 0) return null;
  return brent(excess, lo, hi, 1e-12 * hi, flo, fhi);
}
