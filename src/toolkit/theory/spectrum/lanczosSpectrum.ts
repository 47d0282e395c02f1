/**
 * The estimate for Jacobians too large to take whole: stochastic Lanczos quadrature (Golub &
 * Meurant; Ubaru, Chen & Saad 2017; the method Ghorbani, Krishnan & Xiao 2019 use for Hessian
 * spectra), applied to the smaller of JJᵀ (m × m, when m ≤ n) and JᵀJ, whose eigenvalues are the
 * squared singular values σ².
 *
 * For each example and each of `probes` Rademacher vectors z (entries ±1, normalized), `steps`
 * Lanczos steps build a tridiagonal T whose eigenvalues θ_j (Ritz values) and eigenvectors' first
 * components y_j give a quadrature: zᵀf(A)z/‖z‖² ≈ Σ_j y_j² f(θ_j), exact for every polynomial f
 * of degree below 2 × steps. Averaged over probes this estimates (1/d) tr f(A), i.e. the density
 * of σ² as nodes θ_j with weights y_j²/probes: the mean of σ² is Hutchinson's unbiased estimate,
 * the mean of σ⁴ = θ² too from 2 steps on (degree 2 ≤ 2 × steps − 1), and the largest Ritz value
 * converges to the largest σ² first. The smallest singular values are not resolved: zero ones
 * put their weight on the lowest Ritz values, a little above 0.
 *
 * Each step is one vector-Jacobian and one Jacobian-vector product (jacobianProducts.ts) on every
 * example and probe at once. The Lanczos vectors are kept in float64 and each new one is made
 * orthogonal to all before it, twice (full reorthogonalization): without it, rounding makes
 * Lanczos find the largest eigenvalue again and again (ghost Ritz values).
 */
import { uniformStream } from '../../random';
import type { JacobianProducts } from './jacobianProducts';
import { tridiagonalEigen } from './symmetricEigen';

export interface LanczosResult {
  /** Per example: the nodes σ_j = √θ_j and their weights (summing to 1). Empty when the products were not finite. */
  nodes: Float64Array[];
  weights: Float64Array[];
  nonFinite: boolean[];
  /**
   * Per example, each probe's quadrature of the mean of σ²: Σ_j y_j² θ_j = qᵀAq, Hutchinson's
   * estimate from that probe alone; their spread gives the estimate's standard error.
   */
  probeMeans: Float64Array[];
  /** Which of JJᵀ or JᵀJ was used, and its size. */
  operator: 'JJᵀ' | 'JᵀJ';
  dimension: number;
  /** Lanczos steps taken by the longest run (fewer when a probe's Krylov space was exhausted). */
  steps: number;
}

/**
 * A step whose new direction is below this fraction of the operator's scale ends the run: the
 * Krylov space is exhausted (up to the float32 rounding of the products, about 1e-6 of the scale
 * through a deep network), and what directions are left would weigh about its square, 1e-8.
 */
const BREAKDOWN = 1e-4;

export function lanczosSpectra(products: JacobianProducts, examples: number, probes: number, steps: number, seed: number): LanczosResult {
  const { m, n } = products;
  const outputSide = m <= n;
  const d = outputSide ? m : n;
  const maxSteps = Math.min(steps, d);
  const rows = examples * probes;
  const exampleOfRow = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / probes));
  const random = uniformStream(seed);
  // Per row: its Lanczos vectors so far, α and β, and whether it is still running.
  const basis: Float64Array[][] = [];
  for (let r = 0; r < rows; r++) {
    const z = Float64Array.from({ length: d }, () => (random() < 0.5 ? -1 : 1) / Math.sqrt(d));
    basis.push([z]);
  }
  const alphas: number[][] = Array.from({ length: rows }, () => []);
  const betas: number[][] = Array.from({ length: rows }, () => []);
  const running = new Array<boolean>(rows).fill(true);
  const nonFiniteRow = new Array<boolean>(rows).fill(false);
  let taken = 0;
  for (let j = 0; j < maxSteps; j++) {
    const active = running.flatMap((on, r) => (on ? [r] : []));
    if (active.length === 0) break;
    taken = j + 1;
    const q = new Float32Array(active.length * d);
    active.forEach((r, k) => q.set(basis[r][j], k * d));
    const aq = apply(products, outputSide, Int32Array.from(active, (r) => exampleOfRow[r]), q);
    active.forEach((r, k) => {
      const w = Float64Array.from(aq.subarray(k * d, (k + 1) * d));
      if (!w.every(Number.isFinite)) {
        running[r] = false;
        nonFiniteRow[r] = true;
        return;
      }
      const qj = basis[r][j];
      const alpha = dot(qj, w);
      alphas[r].push(alpha);
      const scale = Math.sqrt(dot(w, w));
      for (let pass = 0; pass < 2; pass++) for (const qi of basis[r]) axpy(-dot(qi, w), qi, w);
      const beta = Math.sqrt(dot(w, w));
      if (j + 1 >= maxSteps || beta <= BREAKDOWN * Math.max(scale, Math.abs(alpha), ...betas[r])) {
        running[r] = false;
        return;
      }
      betas[r].push(beta);
      for (let i = 0; i < d; i++) w[i] /= beta;
      basis[r].push(w);
    });
    // Vectors older than the last two are needed only for reorthogonalization, which keeps them.
  }
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  const nonFinite: boolean[] = [];
  const probeMeans: Float64Array[] = [];
  for (let e = 0; e < examples; e++) {
    const own = Array.from({ length: probes }, (_, p) => e * probes + p);
    if (own.some((r) => nonFiniteRow[r])) {
      nodes.push(new Float64Array(0));
      weights.push(new Float64Array(0));
      nonFinite.push(true);
      probeMeans.push(new Float64Array(0));
      continue;
    }
    const allNodes: number[] = [];
    const allWeights: number[] = [];
    const means = new Float64Array(probes);
    own.forEach((r, p) => {
      const { values, firstComponents } = tridiagonalEigen(alphas[r], betas[r].slice(0, alphas[r].length - 1));
      values.forEach((theta, i) => {
        allNodes.push(Math.sqrt(Math.max(0, theta)));
        allWeights.push(firstComponents[i] ** 2 / probes);
        means[p] += firstComponents[i] ** 2 * theta;
      });
    });
    probeMeans.push(means);
    nodes.push(Float64Array.from(allNodes));
    weights.push(Float64Array.from(allWeights));
    nonFinite.push(false);
  }
  return { nodes, weights, nonFinite, probeMeans, operator: outputSide ? 'JJᵀ' : 'JᵀJ', dimension: d, steps: taken };
}

/** JJᵀq (output side) or JᵀJq (input side) for each row of q. */
function apply(products: JacobianProducts, outputSide: boolean, exampleOfRow: Int32Array, q: Float32Array): Float32Array {
  if (outputSide) return products.jvp(exampleOfRow, products.vjp(exampleOfRow, q).input);
  return products.vjp(exampleOfRow, products.jvp(exampleOfRow, q)).input;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** y += a x */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}
