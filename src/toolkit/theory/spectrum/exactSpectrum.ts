/**
 * The exact route: each example's whole Jacobian J (m outputs × n inputs), row by row from m
 * vector-Jacobian products with the unit vectors (reverse mode), or column by column from n
 * Jacobian-vector products when the input is the smaller side; then its min(m, n) singular
 * values from the eigenvalues of its smaller Gram matrix, in float64 (symmetricEigen.ts).
 *
 * The row route's products also give each layer's ‖∂f/∂h_l‖²_F exactly: the unit vectors sum the
 * squares of every row of ∂f/∂h_l.
 */
import type { JacobianProducts } from './jacobianProducts';
import { singularValues } from './symmetricEigen';

/** At most this many Jacobian values are held at once (64 MB of float32), unless one example's Jacobian alone is larger. */
const HELD_VALUES = 2 ** 24;

export interface ExactResult {
  /** Per example, descending. Empty for an example whose Jacobian is not finite. */
  singularValues: Float64Array[];
  /** Per example, whether its Jacobian had a NaN or ±Infinity (the network overflowed float32). */
  nonFinite: boolean[];
  /** Per example, ‖∂f/∂h_l‖²_F for the input (index 0) and every layer: from the row route only. */
  squaredNorms?: Float64Array[];
  /** How the Jacobian was taken. */
  route: 'rows' | 'columns';
  /** Each example's Jacobian, row-major m × n, when asked (for checks). */
  jacobians?: Float32Array[];
}

export function exactSpectra(products: JacobianProducts, examples: number, route: 'rows' | 'columns', keepJacobians = false): ExactResult {
  const { m, n } = products;
  const count = route === 'rows' ? m : n;
  const width = route === 'rows' ? n : m;
  const layerCount = products.layerCount;
  const perCall = Math.max(1, Math.floor(HELD_VALUES / (count * width)));
  const result: ExactResult = { singularValues: [], nonFinite: [], route, ...(route === 'rows' ? { squaredNorms: [] } : {}), ...(keepJacobians ? { jacobians: [] } : {}) };
  for (let first = 0; first < examples; first += perCall) {
    const group = Math.min(perCall, examples - first);
    const exampleOfRow = new Int32Array(group * count);
    const unit = new Float32Array(group * count * count);
    for (let e = 0; e < group; e++) {
      for (let i = 0; i < count; i++) {
        exampleOfRow[e * count + i] = first + e;
        unit[(e * count + i) * count + i] = 1;
      }
    }
    let products_: Float32Array;
    let layerSquares: Float64Array | undefined;
    if (route === 'rows') ({ input: products_, layerSquares } = products.vjp(exampleOfRow, unit, true));
    else products_ = products.jvp(exampleOfRow, unit);
    for (let e = 0; e < group; e++) {
      const block = products_.subarray(e * count * width, (e + 1) * count * width);
      // Rows are J's rows; columns come as Ju for each unit u, i.e. Jᵀ's rows: the same singular values.
      const finite = block.every(Number.isFinite);
      result.nonFinite.push(!finite);
      result.singularValues.push(finite ? singularValues(block, count, width) : new Float64Array(0));
      if (keepJacobians) result.jacobians!.push(route === 'rows' ? Float32Array.from(block) : transpose(block, count, width));
      if (layerSquares) {
        const norms = new Float64Array(layerCount + 1);
        for (let i = 0; i < count; i++) {
          const row = block.subarray(i * width, (i + 1) * width);
          for (const value of row) norms[0] += value * value;
          for (let l = 0; l < layerCount; l++) norms[l + 1] += layerSquares[(e * count + i) * layerCount + l];
        }
        result.squaredNorms!.push(norms);
      }
    }
  }
  return result;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}
