/**
 * The activations mean-field theory integrates: φ and φ', in float64. By name, or the user's
 * own function (x: number) => number, whose derivative is taken by central differences.
 */
import { describeValue } from '../../args';

export const MEAN_FIELD_ACTIVATIONS = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'linear', 'erf', 'elu', 'selu', 'softplus', 'swish', 'relu6'] as const;
export type MeanFieldActivationName = (typeof MEAN_FIELD_ACTIVATIONS)[number];

export interface Activation {
  /** 'tanh', 'leakyRelu(0.2)', or the user's function's name. */
  readonly name: string;
  readonly f: (x: number) => number;
  readonly df: (x: number) => number;
}

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erf, which JavaScript's Math lacks, to a few units in the last place: for |x| < 6 the series
 * erf x = (2/√π) e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (Abramowitz & Stegun 7.1.6), whose
 * terms are all positive, so nothing cancels; beyond 6, erfc x < 2.2e−17 and erf x is ±1 in float64.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 0; term > 1e-17 * sum; n++) {
    term *= (2 * a * a) / (2 * n + 3);
    sum += term;
  }
  return Math.sign(x) * ((2 / SQRT_PI) * Math.exp(-a * a) * sum);
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** φ and φ' for each name; leakyRelu's negative slope is `slope`. */
export function namedActivation(name: MeanFieldActivationName, slope = 0.01): Activation {
  switch (name) {
    case 'tanh':
      return { name, f: Math.tanh, df: (x) => 1 / Math.cosh(x) ** 2 };
    case 'relu':
      return { name, f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) };
    case 'leakyRelu':
      return { name: `leakyRelu(${slope})`, f: (x) => (x > 0 ? x : slope * x), df: (x) => (x > 0 ? 1 : slope) };
    case 'sigmoid':
      return { name, f: sigmoid, df: (x) => sigmoid(x) * sigmoid(-x) };
    case 'linear':
      return { name, f: (x) => x, df: () => 1 };
    case 'erf':
      return { name, f: erf, df: (x) => (2 / SQRT_PI) * Math.exp(-x * x) };
    case 'elu':
      return { name, f: (x) => (x > 0 ? x : Math.expm1(x)), df: (x) => (x > 0 ? 1 : Math.exp(x)) };
    case 'selu':
      return { name, f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)) };
    case 'softplus':
      return { name, f: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), df: sigmoid };
    case 'swish':
      return { name, f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) * (1 + x * sigmoid(-x)) };
    case 'relu6':
      return { name, f: (x) => Math.min(6, Math.max(0, x)), df: (x) => (x > 0 && x < 6 ? 1 : 0) };
  }
}

/**
 * The user's own φ. Its values are checked as the quadrature meets them: a NaN or an infinity
 * would otherwise turn q*, χ₁ and every depth into NaN with no word of where it came from.
 * φ' is the central difference with step 1e−5·max(1, |x|): its rounding error (about 1e−11 for
 * |φ| near 1) and truncation error (1e−10·|φ'''|) are both far below what the theory is used for.
 */
export function userActivation(fn: string, f: (x: number) => unknown): Activation {
  const checked = (x: number): number => {
    const y = f(x);
    if (typeof y !== 'number' || !Number.isFinite(y)) throw new RangeError(`${fn}: options.activation must return a finite number for every x, got ${describeValue(y)} at x = ${x}`);
    return y;
  };
  for (const x of [0, 1, -1, 3.5, -3.5]) {
    const y = f(x);
    if (typeof y !== 'number' || !Number.isFinite(y)) throw new TypeError(`${fn}: options.activation must be a function (x: number) => number that gives a finite number, got ${describeValue(y)} at x = ${x}`);
  }
  const df = (x: number) => {
    const h = 1e-5 * Math.max(1, Math.abs(x));
    return (checked(x + h) - checked(x - h)) / (2 * h);
  };
  // An arrow function assigned to the option takes its key's name.
  const name = typeof f.name === 'string' && f.name && f.name !== 'activation' ? f.name : 'your function';
  return { name, f: checked, df };
}
