/**
 * Each layer's averaged partial Jacobian norm, the quantity PartialJac (Doshi, He & Gromov,
 * NeurIPS 2023) tracks to find criticality, taken here from each layer to the target's output:
 *
 *   𝒥_l = E_x [ ‖∂f(x)/∂h_l(x)‖²_F ] / m
 *
 * h_l is layer l's output (after its activation, where the layer has one), f the target's output
 * with m values, E_x the mean over the examples. In a network at criticality 𝒥_l stays of order
 * one for every l; in the ordered phase it shrinks as l moves away from the output (gradients
 * vanish on their way back), in the chaotic phase it grows. Dividing by m makes it the mean, over
 * output units, of the squared gradient's norm at h_l; at the input (l = 0) it is Σσ²/m.
 *
 * Exact when the row route ran (exactSpectrum.ts: the unit vectors sum every row). Otherwise
 * estimated by Hutchinson's trick with Rademacher vectors z in the output space:
 * E_z ‖zᵀ ∂f/∂h_l‖² = ‖∂f/∂h_l‖²_F, one vector-Jacobian product per probe giving every layer at once.
 */
import { uniformStream } from '../../random';
import type { JacobianProducts } from './jacobianProducts';

/** Per example: ‖∂f/∂h_l‖²_F estimated for the input (index 0) and every layer. */
export function hutchinsonSquaredNorms(products: JacobianProducts, examples: number, probes: number, seed: number): Float64Array[] {
  const { m, n, layerCount } = products;
  const rows = examples * probes;
  const random = uniformStream(seed);
  const z = Float32Array.from({ length: rows * m }, () => (random() < 0.5 ? -1 : 1));
  const exampleOfRow = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / probes));
  const { input, layerSquares } = products.vjp(exampleOfRow, z, true);
  return Array.from({ length: examples }, (_, e) => {
    const norms = new Float64Array(layerCount + 1);
    for (let p = 0; p < probes; p++) {
      const r = e * probes + p;
      for (let i = 0; i < n; i++) norms[0] += input[r * n + i] ** 2;
      for (let l = 0; l < layerCount; l++) norms[l + 1] += layerSquares![r * layerCount + l];
    }
    return norms.map((s) => s / probes);
  });
}
