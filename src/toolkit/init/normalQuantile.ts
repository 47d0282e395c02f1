/**
 * The standard normal CDF and its inverse, in plain JavaScript.
 *
 * torch.nn.init.trunc_normal_ samples by inverse transform (uniform between the CDF of the two
 * bounds, then the inverse CDF). TensorFlow.js has `erf` but no inverse (`erfinv`/`ndtri`), and
 * no small math library covering both is worth a dependency, so we use two published
 * approximations: Abramowitz & Stegun 7.1.26 for erfc (absolute error 1.5e-7, below float32
 * resolution) and P. J. Acklam's inverse normal CDF (relative error 1.15e-9).
 */
import { argumentError, checkFiniteNumber } from '../args';

/** Φ(x), the standard normal CDF, to float32 accuracy (Abramowitz & Stegun 7.1.26). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in (0, 1) (Acklam's algorithm). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * The std of N(mean, std²) truncated to [a, b]: what truncNormal's samples should show.
 * For the default [-2σ, 2σ] it is 0.8796σ, the factor Keras divides by (tfjs#8594).
 */
export function truncatedNormalStd(mean: number, std: number, a: number, b: number): number {
  const fn = 'init.truncatedNormalStd';
  checkFiniteNumber(fn, 'mean', mean);
  checkFiniteNumber(fn, 'std', std, { above: 0 });
  // Infinite bounds are meaningful here: no truncation on that side.
  if (typeof a !== 'number' || Number.isNaN(a)) throw argumentError(fn, 'a', 'a number (-Infinity for no lower bound)', a);
  if (typeof b !== 'number' || Number.isNaN(b)) throw argumentError(fn, 'b', 'a number (Infinity for no upper bound)', b);
  if (!(a < b)) throw new RangeError(`${fn}: needs a < b, got a = ${a}, b = ${b}`);
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  const z = normalCdf(beta) - normalCdf(alpha);
  const pa = Number.isFinite(alpha) ? alpha * normalPdf(alpha) : 0;
  const pb = Number.isFinite(beta) ? beta * normalPdf(beta) : 0;
  const variance = 1 + (pa - pb) / z - ((normalPdf(alpha) - normalPdf(beta)) / z) ** 2;
  return std * Math.sqrt(variance);
}
