/**
 * The phase diagram's figures, computed in the kernel once: the depth scale over a grid of
 * (σ_w², σ_b²) and the order-to-chaos boundary χ₁ = 1. The chart's sliders then only look cells
 * up; a browser cannot redo quadrature at the speed a slider moves.
 */
import type { Activation } from './activations';
import { analyzeChain, criticalSigmaW2, type Phase } from './chain';
import { GRID_RULE } from './gaussian';

/**
 * The grid by columns, cell (i, j) at index j·size + i: σ_w² = sigmaW2[0] + i·Δ, σ_b² likewise
 * by j. Figures to 6 significant digits: the grid's quadrature is good to about 1e−5, and a
 * 40 × 40 grid is 1,600 cells that travel in every saved notebook.
 */
export interface PhaseGrid {
  sigmaW2: [number, number];
  sigmaB2: [number, number];
  /** Points per axis, ends included. */
  size: number;
  phase: Phase[];
  chi1: number[];
  /** ξ_c, or 1/ln χ₁ where q grows without bound; Infinity at criticality (null once saved as JSON). */
  depthScale: number[];
  /** Where χ₁ = 1, one point per row whose crossing lies in the σ_w² range. */
  boundary: { sigmaB2: number; sigmaW2: number }[];
}

export interface GridRange {
  sigmaW2: [number, number];
  sigmaB2: [number, number];
}

/** Activations that grow without bound: past twice their critical σ_w², q only explodes. */
const UNBOUNDED = /^(relu|leakyRelu|linear|elu|selu|softplus|swish)\b/;

/**
 * The range a diagram shows by default: σ_w² from half the critical σ_w² at σ_b = 0 to four
 * times it for a bounded φ (tanh: [0.5, 4], as Schoenholz et al. draw it) or twice it for an
 * unbounded one (ReLU: [1, 4], past which q only explodes); σ_b² from 0 to 0.3 times that
 * critical σ_w² (tanh: 0.3). Widened to hold `point`, with a margin.
 */
export function defaultRange(activation: Activation, q0: number, point: { sigmaW2: number; sigmaB2: number }): GridRange {
  // To 3 digits: axes read [0.5, 4], not [0.50000002, 4.0000001].
  const critical = Number((criticalSigmaW2(activation, 0, q0) ?? 1).toPrecision(3));
  const reach = UNBOUNDED.test(activation.name) ? 2 : 4;
  const w: [number, number] = [critical / 2, critical * reach];
  const b: [number, number] = [0, 0.3 * critical];
  if (point.sigmaW2 < w[0]) w[0] = point.sigmaW2 / 1.15;
  if (point.sigmaW2 > w[1]) w[1] = point.sigmaW2 * 1.15;
  if (point.sigmaB2 > b[1]) b[1] = point.sigmaB2 * 1.15;
  return { sigmaW2: w, sigmaB2: b };
}

export function phaseGrid(activation: Activation, range: GridRange, size: number, q0: number): PhaseGrid {
  const at = (r: [number, number], k: number) => r[0] + ((r[1] - r[0]) * k) / (size - 1);
  const grid: PhaseGrid = { sigmaW2: range.sigmaW2, sigmaB2: range.sigmaB2, size, phase: [], chi1: [], depthScale: [], boundary: [] };
  const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const a = analyzeChain({ activation, sigmaW2: at(range.sigmaW2, i), sigmaB2: at(range.sigmaB2, j) }, q0, GRID_RULE);
      grid.phase.push(a.phase);
      grid.chi1.push(round(a.chi1));
      grid.depthScale.push(round(a.depthScale));
    }
  }
  for (let j = 0; j < size; j++) {
    const sigmaB2 = at(range.sigmaB2, j);
    const sigmaW2 = criticalSigmaW2(activation, sigmaB2, q0, range.sigmaW2);
    if (sigmaW2 !== null && sigmaW2 >= range.sigmaW2[0] && sigmaW2 <= range.sigmaW2[1]) grid.boundary.push({ sigmaB2, sigmaW2 });
  }
  return grid;
}
