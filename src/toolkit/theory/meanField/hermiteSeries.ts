/**
 * The correlation map at a fixed q as a power series in c (Mehler's formula): with
 * aₖ = E[φ(√q z) hₖ(z)], hₖ the orthonormal Hermite polynomials,
 *
 *   E[φ(u₁) φ(u₂)] = Σₖ aₖ² cᵏ        (u₁, u₂ both of variance q, correlation c)
 *
 * so C(c) and its slope become polynomials once the aₖ are known, and those take one pass of
 * the one-dimensional rule. The phase diagram solves C(c*) = c* in every chaotic cell, a dozen
 * evaluations of C each: as two-dimensional integrals that took seconds for a 40 × 40 grid, as a
 * polynomial it takes milliseconds. The series converges fast only for a smooth φ (the aₖ of
 * tanh fall like e^(−π√(2k)/(2√q))); `tail`, the part of E[φ²] beyond the last term, says when
 * it may be used, and the caller falls back to the integral otherwise (ReLU's aₖ² fall like
 * k^(−5/2), far too slowly).
 */
import { halfRangeHermite } from './quadrature';

/** Terms kept: the 96-node rule integrates φ·hₖ well up to about this degree. */
const TERMS = 100;
const ROOTS = Float64Array.from({ length: TERMS + 2 }, (_, k) => Math.sqrt(k));
const INVERSE_ROOTS = Float64Array.from({ length: TERMS + 2 }, (_, k) => (k === 0 ? 0 : 1 / Math.sqrt(k)));

export interface CorrelationSeries {
  /** aₖ², k = 0 … TERMS − 1. */
  readonly squares: Float64Array;
  /** E[φ²] − Σ aₖ²: what the truncated series leaves out, at most, for |c| ≤ 1. */
  readonly tail: number;
  readonly secondMoment: number;
}

export function correlationSeries(f: (x: number) => number, q: number): CorrelationSeries {
  const { nodes, weights } = halfRangeHermite(96);
  const s = Math.sqrt(q);
  const squares = new Float64Array(TERMS);
  const a = new Float64Array(TERMS);
  let secondMoment = 0;
  for (let i = 0; i < nodes.length; i++) {
    const x = nodes[i];
    const plus = f(s * x);
    const minus = f(-s * x);
    secondMoment += weights[i] * (plus * plus + minus * minus);
    // hₖ(−x) = (−1)ᵏ hₖ(x): the even terms take φ's even part, the odd terms its odd part.
    const even = plus + minus;
    const odd = plus - minus;
    const we = weights[i] * even;
    const wo = weights[i] * odd;
    let previous = 0;
    let h = 1;
    for (let k = 0; k < TERMS; k += 2) {
      a[k] += we * h;
      let next = (x * h - ROOTS[k] * previous) * INVERSE_ROOTS[k + 1];
      previous = h;
      h = next;
      a[k + 1] += wo * h;
      next = (x * h - ROOTS[k + 1] * previous) * INVERSE_ROOTS[k + 2];
      previous = h;
      h = next;
    }
  }
  let sum = 0;
  for (let k = 0; k < TERMS; k++) {
    squares[k] = a[k] * a[k];
    sum += squares[k];
  }
  return { squares, tail: secondMoment - sum, secondMoment };
}

/** Σ aₖ² cᵏ and its derivative in c, by Horner's rule. */
export function evaluateSeries(series: CorrelationSeries, c: number): { value: number; slope: number } {
  const { squares } = series;
  let value = 0;
  let slope = 0;
  for (let k = squares.length - 1; k >= 0; k--) {
    slope = slope * c + value;
    value = value * c + squares[k];
  }
  return { value, slope };
}
