// The Gaussian expectations mean-field theory rests on, against closed forms: the Gauss rules'
// moments, ReLU's arc-cosine kernels (Cho & Saul 2009), erf's arcsine kernel (Williams 1997),
// erf itself, and Mehler's series against the two-dimensional rule it stands in for.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { gaussLegendre, halfRangeHermite, radialGauss, tridiagonalEigen } from '../../../../../src/toolkit/theory/meanField/quadrature';
import { expectation, expectationTimesZ, pairExpectation, GRID_RULE } from '../../../../../src/toolkit/theory/meanField/gaussian';
import { erf, namedActivation } from '../../../../../src/toolkit/theory/meanField/activations';
import { correlationSeries, evaluateSeries } from '../../../../../src/toolkit/theory/meanField/hermiteSeries';

const relu = (x: number) => Math.max(0, x);
const step = (x: number) => (x > 0 ? 1 : 0);
const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} against ${expected} (off by ${Math.abs(actual - expected).toExponential(2)}, allowed ${tolerance})`);

test('the tridiagonal eigen-solver finds the eigenvalues 2 − 2cos(kπ/(n+1)) of the path graph and unit first components', () => {
  const n = 30;
  const { values, firstComponents } = tridiagonalEigen(new Array(n).fill(2), new Array(n - 1).fill(-1));
  const sorted = [...values].sort((a, b) => a - b);
  sorted.forEach((v, k) => close(v, 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)), 1e-13, `eigenvalue ${k + 1}`));
  close(firstComponents.reduce((s, z) => s + z * z, 0), 1, 1e-13, 'Σ first components² (the eigenvectors are orthonormal)');
});

test('Gauss–Legendre, half-range Hermite and the radial rule integrate their moments to float64 precision', () => {
  const legendre = gaussLegendre(20);
  close(legendre.nodes.reduce((s, x, i) => s + legendre.weights[i] * x ** 38, 0), 2 / 39, 1e-15, '∫₋₁¹ x³⁸');
  const half = halfRangeHermite(96);
  const E = (f: (x: number) => number) => half.nodes.reduce((s, x, i) => s + half.weights[i] * (f(x) + f(-x)), 0);
  close(E(() => 1), 1, 1e-14, 'E[1]');
  close(E((x) => x ** 2), 1, 1e-14, 'E[z²]');
  close(E((x) => x ** 10) / 945, 1, 1e-13, 'E[z¹⁰] / 945');
  const radial = radialGauss(48);
  const R = (f: (r: number) => number) => radial.nodes.reduce((s, r, i) => s + radial.weights[i] * f(r), 0);
  close(R(() => 1), 1, 1e-14, '∫ r e^(−r²/2)');
  close(R((r) => r), Math.sqrt(Math.PI / 2), 1e-14, '∫ r² e^(−r²/2)');
  close(R((r) => r ** 5), 8 * Math.sqrt(Math.PI / 2) * 1.875, 1e-12, '∫ r⁶ e^(−r²/2) = 15√(π/2)');
});

test('a kink at 0 costs the half-range rule nothing: E[(relu(z) − ½)²] = ¾ − 1/√(2π) exactly', () => {
  close(expectation((x) => (relu(x) - 0.5) ** 2, 1), 0.75 - 1 / Math.sqrt(2 * Math.PI), 1e-15, 'E[(relu − ½)²]');
  close(expectation((x) => relu(x) ** 2, 3.7), 3.7 / 2, 1e-14, 'E[relu(√q z)²] = q/2');
  close(expectation((x) => step(x), 0.2), 0.5, 1e-15, 'E[step]');
  // Stein: E[z φ(√q z) φ'(√q z)] / √q = E[φ'² + φ φ''] = ½ for ReLU, at any q.
  close(expectationTimesZ((x) => relu(x) * step(x), 5), 0.5, 1e-14, 'E[z relu relu′]/√q');
});

test("erf matches its tabulated values to 5e−16 (a few units in the last place) and is odd; erf' is (2/√π) e^(−x²)", () => {
  const table: [number, number][] = [
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
    [5.5, 0.9999999999999927],
  ];
  for (const [x, y] of table) {
    close(erf(x), y, 5e-16, `erf(${x})`);
    assert.equal(erf(-x), -erf(x));
  }
  assert.equal(erf(7), 1);
  const { df } = namedActivation('erf');
  close(df(0.7), (2 / Math.sqrt(Math.PI)) * Math.exp(-0.49), 1e-16, "erf'(0.7)");
});

test("erf's one-dimensional moments: E[erf(√q z)²] = (2/π) asin(2q/(1+2q)), E[erf'(√q z)²] = (4/π)/√(1+4q)", () => {
  const { f, df } = namedActivation('erf');
  for (const q of [0.05, 0.5, 1, 3, 10]) {
    close(expectation((x) => f(x) ** 2, q), (2 / Math.PI) * Math.asin((2 * q) / (1 + 2 * q)), 1e-13, `E[erf²] at q = ${q}`);
    close(expectation((x) => df(x) ** 2, q), 4 / Math.PI / Math.sqrt(1 + 4 * q), 1e-12, `E[erf'²] at q = ${q}`);
  }
});

const PAIRS: [number, number, number][] = [];
for (const c of [-1, -0.7, 0, 0.3, 0.6, 0.9, 0.99, 0.999999, 1]) for (const [q1, q2] of [[1, 1], [0.3, 2.5], [4, 4]]) PAIRS.push([q1, q2, c]);

test("ReLU's two-dimensional expectations are the arc-cosine kernels to 1e−14, for every correlation in [−1, 1]", () => {
  let worst = 0;
  for (const [q1, q2, c] of PAIRS) {
    const theta = Math.acos(c);
    const degree1 = (Math.sqrt(q1 * q2) / (2 * Math.PI)) * (Math.sin(theta) + (Math.PI - theta) * c);
    const degree0 = (Math.PI - theta) / (2 * Math.PI);
    worst = Math.max(worst, Math.abs(pairExpectation(relu, relu, q1, q2, c) - degree1), Math.abs(pairExpectation(step, step, q1, q2, c) - degree0));
  }
  assert.ok(worst < 1e-14, `worst deviation ${worst}`);
});

// The hardest case here is q = 4 with |c| = 1, a bump e^(−u²) that narrows along each ray: 5e−10.
test("erf's two-dimensional expectations are the arcsine kernel and det(I + 2Σ)^(−½) to 1e−9", () => {
  const { f, df } = namedActivation('erf');
  let worst = 0;
  for (const [q1, q2, c] of PAIRS) {
    const s12 = c * Math.sqrt(q1 * q2);
    const arcsine = (2 / Math.PI) * Math.asin((2 * s12) / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2)));
    const derivative = 4 / Math.PI / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * s12 * s12);
    worst = Math.max(worst, Math.abs(pairExpectation(f, f, q1, q2, c) - arcsine), Math.abs(pairExpectation(df, df, q1, q2, c) - derivative));
  }
  assert.ok(worst < 1e-9, `worst deviation ${worst}`);
});

test("Mehler's series for tanh agrees with the two-dimensional integral, and the grid's cheaper rule within 1e−4", () => {
  for (const q of [0.5, 2, 4]) {
    const series = correlationSeries(Math.tanh, q);
    assert.ok(series.tail < 1e-6 * series.secondMoment, `tail ${series.tail} at q = ${q}`);
    for (const c of [0, 0.4, 0.8]) {
      const exact = pairExpectation(Math.tanh, Math.tanh, q, q, c);
      const { value, slope } = evaluateSeries(series, c);
      close(value, exact, 1e-10, `series at q = ${q}, c = ${c}`);
      // By Price's theorem the series' slope is q E[tanh'(u₁) tanh'(u₂)].
      const tanhPrime = (x: number) => 1 / Math.cosh(x) ** 2;
      close(slope, q * pairExpectation(tanhPrime, tanhPrime, q, q, c), 1e-9, `series slope at q = ${q}, c = ${c}`);
      close(pairExpectation(Math.tanh, Math.tanh, q, q, c, GRID_RULE), exact, 1e-4, `grid rule at q = ${q}, c = ${c}`);
    }
  }
});
