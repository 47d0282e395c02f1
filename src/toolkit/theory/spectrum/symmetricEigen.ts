/**
 * Eigenvalues of small symmetric matrices in float64, for the Jacobian spectrum: Householder
 * reduction to tridiagonal form, then the implicit QL iteration with Wilkinson-like shifts (the
 * EISPACK tql1/tql2 algorithm, as JAMA writes it).
 *
 * Why by hand: TensorFlow.js 4.22 has no eigenvalue or singular value decomposition
 * (tf.linalg offers qr, bandPart and gramSchmidt only), and no linear-algebra package is a
 * dependency. Why this algorithm: it is backward stable (each eigenvalue within about 1e-16 ×
 * the matrix's norm), takes about k³ operations for a k × k matrix (a 256 × 256 Gram matrix in
 * a few tens of milliseconds), and, run on a Lanczos tridiagonal matrix, gives the first
 * component of each eigenvector for the cost of one more row: what stochastic Lanczos
 * quadrature weighs its nodes by (Golub & Welsch, 1969).
 */

/** The eigenvalues of a symmetric n × n matrix given row-major; ascending. `a` is left as it was. */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError(`symmetricEigenvalues: expected ${n * n} values for a ${n} × ${n} matrix, got ${a.length}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError('symmetricEigenvalues: the matrix has a non-finite value');
  const { diagonal, offDiagonal } = tridiagonalize(Float64Array.from(a), n);
  return tridiagonalEigen(diagonal, offDiagonal).values;
}

/**
 * Householder reduction of the symmetric matrix in `m` (row-major, overwritten) to a tridiagonal
 * one with the same eigenvalues: `diagonal` (n values) and `offDiagonal` (n − 1 values, entry i
 * coupling i and i + 1). Step j reflects column j below the subdiagonal onto its first entry,
 * H = I − 2vvᵀ, and updates the trailing block B ← HBH = B − vwᵀ − wvᵀ with w = 2(Bv − (vᵀBv)v).
 */
export function tridiagonalize(m: Float64Array, n: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const offDiagonal = new Float64Array(Math.max(0, n - 1));
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let j = 0; j < n - 2; j++) {
    const start = j + 1;
    let norm2 = 0;
    for (let i = start; i < n; i++) norm2 += m[i * n + j] * m[i * n + j];
    const x0 = m[start * n + j];
    const norm = Math.sqrt(norm2);
    // Reflect onto −sign(x₀)‖x‖ so that v = x − α e₁ never cancels.
    const alpha = x0 > 0 ? -norm : norm;
    let vNorm2 = norm2 - x0 * x0;
    for (let i = start; i < n; i++) v[i] = m[i * n + j];
    v[start] = x0 - alpha;
    vNorm2 += v[start] * v[start];
    offDiagonal[j] = alpha;
    if (vNorm2 === 0) continue; // the column is already reduced
    const scale = 1 / Math.sqrt(vNorm2);
    for (let i = start; i < n; i++) v[i] *= scale;
    // p = Bv, then K = vᵀp, then w = 2(p − K v).
    let k = 0;
    for (let r = start; r < n; r++) {
      let p = 0;
      const row = r * n;
      for (let c = start; c < n; c++) p += m[row + c] * v[c];
      w[r] = p;
      k += v[r] * p;
    }
    for (let r = start; r < n; r++) w[r] = 2 * (w[r] - k * v[r]);
    for (let r = start; r < n; r++) {
      const row = r * n;
      const vr = v[r];
      const wr = w[r];
      for (let c = start; c < n; c++) m[row + c] -= vr * w[c] + wr * v[c];
    }
  }
  if (n >= 2) offDiagonal[n - 2] = m[(n - 1) * n + (n - 2)];
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = m[i * n + i];
  return { diagonal, offDiagonal };
}

/** At most this many QL sweeps per eigenvalue; EISPACK allows 30, and 2-3 is usual. */
const MAX_ITERATIONS = 60;

/**
 * Eigenvalues (ascending) of the symmetric tridiagonal matrix with the given diagonal and
 * off-diagonal, and the first component of each unit eigenvector (`firstComponents`, in the same
 * order): its square is the weight Gauss quadrature gives that eigenvalue.
 */
export function tridiagonalEigen(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>): { values: Float64Array; firstComponents: Float64Array } {
  const n = diagonal.length;
  if (offDiagonal.length !== Math.max(0, n - 1)) throw new RangeError(`tridiagonalEigen: ${n} diagonal values need ${Math.max(0, n - 1)} off-diagonal ones, got ${offDiagonal.length}`);
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = offDiagonal[i];
  // NaN compares false with everything: the iteration would end at once with NaN eigenvalues.
  if (!d.every(Number.isFinite) || !e.every(Number.isFinite)) throw new RangeError('tridiagonalEigen: the matrix has a non-finite value');
  // The first row of the eigenvector matrix, rotated as QL rotates the columns.
  const z = new Float64Array(n);
  if (n > 0) z[0] = 1;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_ITERATIONS) throw new Error(`tridiagonalEigen: no convergence after ${MAX_ITERATIONS} iterations (a non-finite value in the matrix?)`);
        // The implicit shift.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // The implicit QL transformation.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          h = z[i + 1];
          z[i + 1] = s * z[i] + c * h;
          z[i] = c * z[i] - s * h;
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  return { values: Float64Array.from(order, (i) => d[i]), firstComponents: Float64Array.from(order, (i) => z[i]) };
}

/**
 * The Gram matrix of the rows of a rows × cols matrix (row-major float32, as the engine gives
 * it), in float64: G = AAᵀ, rows × rows. Products of float32 values are exact in float64 and the
 * sums round at 1e-16, far below the float32 rounding already in A; on the engine's float32
 * matMul the sums would round at 1e-7 × ‖A‖², which loses every singular value below about
 * 3e-4 × the largest, the ones a deep ReLU network has plenty of.
 */
export function rowGram(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const g = new Float64Array(rows * rows);
  const row = Array.from({ length: rows }, (_, i) => Float64Array.from({ length: cols }, (_, j) => a[i * cols + j]));
  for (let i = 0; i < rows; i++) {
    const ri = row[i];
    for (let k = i; k < rows; k++) {
      const rk = row[k];
      let s = 0;
      for (let j = 0; j < cols; j++) s += ri[j] * rk[j];
      g[i * rows + k] = s;
      g[k * rows + i] = s;
    }
  }
  return g;
}

/** The Gram matrix of the columns, AᵀA, cols × cols, in float64 (see rowGram). */
export function columnGram(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return rowGram(t, cols, rows);
}

/**
 * The singular values of a rows × cols matrix, descending: the square roots of the eigenvalues
 * of its smaller Gram matrix (min(rows, cols) of them). An eigenvalue that rounding left slightly
 * negative is a singular value of 0.
 */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const k = Math.min(rows, cols);
  const gram = rows <= cols ? rowGram(a, rows, cols) : columnGram(a, rows, cols);
  const eigenvalues = symmetricEigenvalues(gram, k);
  return Float64Array.from({ length: k }, (_, i) => Math.sqrt(Math.max(0, eigenvalues[k - 1 - i])));
}
