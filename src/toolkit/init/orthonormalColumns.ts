/**
 * The Q of a tall matrix's QR, for init.orthogonal: its columns made orthonormal by modified
 * Gram-Schmidt, run twice ("twice is enough": Giraud, Langou and Rozložník, 2005), in float64 on
 * one Float64Array per column.
 *
 * Why by hand: tf.linalg.qr (tfjs 4.22) builds its Householder steps out of several tensor ops
 * per column, each a round trip through the engine, and tf.layers' own Orthogonal initializer
 * uses it: building a converter's 5-million-parameter BiLSTM (recurrent kernels of 640,000
 * values) took 176 s, and each of its copies as long again. ml-matrix's QrDecomposition, the
 * well-kept JavaScript choice, took 39 s for a 2048 × 512 matrix (2026-12-06, AMD EPYC, loaded);
 * these plain loops over contiguous columns take a fraction of a second for the same.
 *
 * Gram-Schmidt leaves R's diagonal positive, which is the sign convention torch applies to its
 * Householder QR (R's diagonal signs folded into Q): Q of a standard-normal matrix is then
 * uniform over the matrices with orthonormal columns, as Saxe et al.'s scheme wants.
 */

/**
 * `values` holds a rows × cols matrix (rows ≥ cols) in row-major order; returns Q, rows × cols,
 * row-major, with orthonormal columns.
 */
export function orthonormalColumns(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (rows < cols) throw new RangeError(`orthonormalColumns: needs rows ≥ cols, got ${rows} × ${cols}`);
  const columns = Array.from({ length: cols }, (_, j) => {
    const column = new Float64Array(rows);
    for (let i = 0; i < rows; i++) column[i] = values[i * cols + j];
    return column;
  });
  for (let j = 0; j < cols; j++) {
    const v = columns[j];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const q = columns[k];
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i] * v[i];
        for (let i = 0; i < rows; i++) v[i] -= dot * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new RangeError('orthonormalColumns: the matrix is rank-deficient');
    for (let i = 0; i < rows; i++) v[i] /= norm;
  }
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) q[i * cols + j] = columns[j][i];
  return q;
}
