/**
 * The predicted path of two inputs through a deep random chain: each layer's pre-activation
 * variances q₁, q₂ and their correlation c, from the first layer's (chain.ts has the maps).
 */
import type { ChainParameters } from './chain';
import { covarianceMap, varianceMap } from './chain';

export interface CorrelationStep {
  /** 1 for the first layer, whose q and c are the ones given. */
  layer: number;
  q1: number;
  q2: number;
  /** null once q₁ or q₂ has vanished or overflowed: the two signals then have no correlation left to compute. */
  c: number | null;
}

/** Layers 1 … depth. */
export function propagateCorrelation(p: ChainParameters, q1: number, q2: number, c: number, depth: number): CorrelationStep[] {
  const steps: CorrelationStep[] = [{ layer: 1, q1, q2, c }];
  let current: number | null = c;
  for (let layer = 2; layer <= depth; layer++) {
    const usable: boolean = current !== null && q1 > 0 && q2 > 0 && Number.isFinite(q1) && Number.isFinite(q2);
    const q12: number = usable ? covarianceMap(p, q1, q2, current!) : NaN;
    q1 = varianceMap(p, q1);
    q2 = varianceMap(p, q2);
    const next: number = q12 / Math.sqrt(q1 * q2);
    // Rounding can put a correlation of 1 a hair above it; the quadrature then meets acos(c) = NaN.
    current = usable && Number.isFinite(next) ? Math.max(-1, Math.min(1, next)) : null;
    steps.push({ layer, q1, q2, c: current });
  }
  return steps;
}
