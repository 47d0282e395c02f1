// The float64 eigenvalue and singular value routines the Jacobian spectrum rests on, checked
// against matrices whose spectrum is known by construction (Q diag(λ) Qᵀ, U diag(σ) Vᵀ with
// random orthogonal factors), against the invariants every spectrum keeps (trace, Frobenius
// norm), and, for the tridiagonal solver's quadrature weights, against the moments they must
// reproduce exactly.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { columnGram, rowGram, singularValues, symmetricEigenvalues, tridiagonalEigen } from '../../../../../src/toolkit/theory/spectrum/symmetricEigen';
import { orthonormalColumns } from '../../../../../src/toolkit/init/orthonormalColumns';
import { uniformStream } from '../../../../../src/toolkit/random';

/** Standard-normal values by Box-Muller from a seeded stream. */
function normals(count: number, seed: number): Float64Array {
  const next = uniformStream(seed);
  return Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()));
}

/** A random n × k matrix with orthonormal columns, row-major. */
const orthogonal = (n: number, k: number, seed: number) => orthonormalColumns(normals(n * k, seed), n, k);

/** U diag(s) Vᵀ for U rows × k, V cols × k with orthonormal columns. */
function withSingularValues(s: readonly number[], rows: number, cols: number, seed: number): Float64Array {
  const k = s.length;
  const u = orthogonal(rows, k, seed);
  const v = orthogonal(cols, k, seed + 1);
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let t = 0; t < k; t++) a[i * cols + j] += u[i * k + t] * s[t] * v[j * k + t];
  return a;
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

test('symmetric eigenvalues of Q diag(λ) Qᵀ are λ, to 1e-12 relative, for sizes 1 to 120 and repeated or zero eigenvalues', () => {
  const cases: number[][] = [[3], [2, -1], [5, 5, 5, 5], [0, 0, 1, 2, 3], Array.from({ length: 40 }, (_, i) => (i % 7) - 3), Array.from({ length: 120 }, (_, i) => Math.exp(-i / 10))];
  cases.forEach((lambda, c) => {
    const n = lambda.length;
    const q = orthogonal(n, n, 10 + c);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) a[i * n + j] += q[i * n + t] * lambda[t] * q[j * n + t];
    const got = symmetricEigenvalues(a, n);
    const want = [...lambda].sort((x, y) => x - y);
    const scale = Math.max(...lambda.map(Math.abs));
    assert.ok(worst(got, want) < 1e-12 * scale, `case ${c}: ${worst(got, want)} from the known eigenvalues`);
  });
});

test('trace and Frobenius norm are kept for a random symmetric matrix', () => {
  const n = 64;
  const r = normals(n * n, 3);
  const a = Float64Array.from({ length: n * n }, (_, k) => r[k] + r[(k % n) * n + Math.floor(k / n)]);
  const lambda = symmetricEigenvalues(a, n);
  let trace = 0;
  let frobenius = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  for (const x of a) frobenius += x * x;
  assert.ok(Math.abs(lambda.reduce((s, x) => s + x, 0) - trace) < 1e-10 * n);
  assert.ok(Math.abs(lambda.reduce((s, x) => s + x * x, 0) - frobenius) < 1e-9 * frobenius);
  for (let i = 1; i < n; i++) assert.ok(lambda[i - 1] <= lambda[i], 'ascending');
});

test('the tridiagonal solver’s first components are the Gauss quadrature weights: they reproduce e₁ᵀTᵏe₁ for k = 0, 1, 2, 3', () => {
  const n = 30;
  const d = Array.from(normals(n, 5));
  const e = Array.from(normals(n - 1, 6), Math.abs);
  const { values, firstComponents } = tridiagonalEigen(d, e);
  const moment = (k: number) => values.reduce((s, v, i) => s + firstComponents[i] ** 2 * v ** k, 0);
  // e₁ᵀTe₁ = d₀; e₁ᵀT²e₁ = d₀² + e₀²; e₁ᵀT³e₁ = d₀³ + 2d₀e₀² + d₁e₀².
  assert.ok(Math.abs(moment(0) - 1) < 1e-13);
  assert.ok(Math.abs(moment(1) - d[0]) < 1e-12);
  assert.ok(Math.abs(moment(2) - (d[0] ** 2 + e[0] ** 2)) < 1e-12);
  assert.ok(Math.abs(moment(3) - (d[0] ** 3 + 2 * d[0] * e[0] ** 2 + d[1] * e[0] ** 2)) < 1e-11);
});

test('singular values of U diag(σ) Vᵀ are σ, wide or tall, rank-deficient too', () => {
  const cases: [number[], number, number][] = [
    [[4, 2, 1, 0.5, 1e-3], 5, 40],
    [[3, 1, 1, 1], 50, 4],
    [[2, 1, 0, 0], 4, 9],
    [Array.from({ length: 64 }, () => 1), 64, 64],
  ];
  cases.forEach(([sigma, rows, cols], c) => {
    const a = withSingularValues(sigma, rows, cols, 20 + 2 * c);
    const got = singularValues(a, rows, cols);
    assert.equal(got.length, Math.min(rows, cols));
    const want = [...sigma, ...Array(Math.min(rows, cols) - sigma.length).fill(0)].sort((x, y) => y - x);
    // A zero singular value comes out as √(rounding) ≈ 1e-8 of the largest: the Gram matrix's limit.
    assert.ok(worst(got, want) < 1e-7 * sigma[0], `case ${c}: ${worst(got, want)}; got ${Array.from(got.slice(0, 6))}`);
  });
});

test('the row and column Gram matrices are AAᵀ and AᵀA', () => {
  const a = [1, 2, 3, 4, 5, 6]; // 2 × 3
  assert.deepEqual(Array.from(rowGram(a, 2, 3)), [14, 32, 32, 77]);
  assert.deepEqual(Array.from(columnGram(a, 2, 3)), [17, 22, 27, 22, 29, 36, 27, 36, 45]);
});

test('a non-finite matrix stops with an error, not NaN eigenvalues or an endless loop', () => {
  assert.throws(() => tridiagonalEigen([1, NaN, 2], [1, 1]), /non-finite/);
  assert.throws(() => symmetricEigenvalues([1, Infinity, Infinity, 1], 2), /non-finite/);
  assert.throws(() => symmetricEigenvalues([1, 2, 3], 2), /expected 4 values/);
});
