/**
 * What variance-propagation theory (Glorot & Bengio 2010; He et al. 2015) predicts for each
 * layer, given the weights' actual variance and the input's second moment:
 *
 *   forward   Var(z_l) = fanIn_l · Var(w_l) · E[a_{l−1}²],   a_l = f(z_l)
 *   backward  Var(∂L/∂a_{l−1}) = fanOut_l · Var(w_l) · E[(∂L/∂z_l)²],
 *             E[(∂L/∂z_l)²] = E[(∂L/∂a_l)²] · E[f'(z_l)²]
 *
 * assuming zero-mean independent weights, zero biases, and Gaussian pre-activations. The
 * expectations over z ~ N(0, Var(z)) are taken numerically, so sigmoid and tanh (and the
 * lesson's shifted ReLU) get exact moments instead of small-signal approximations. Where the
 * measured std leaves the predicted one, one of those assumptions has broken.
 */
import { derivatives } from '../charts/derivativeChart';

export interface ActivationFunction {
  f(z: number): number;
  df(z: number): number;
}

/** The derivatives are the ones the lessons' derivative chart draws, so the two cannot disagree. */
export const activationFunctions = {
  identity: { f: (z: number) => z, df: () => 1 },
  relu: (shift = 0): ActivationFunction => ({ f: (z) => Math.max(0, z) - shift, df: derivatives.relu }),
  leakyRelu: (slope: number): ActivationFunction => ({ f: (z) => (z > 0 ? z : slope * z), df: (z) => (z > 0 ? 1 : slope) }),
  sigmoid: { f: (z: number) => 1 / (1 + Math.exp(-z)), df: derivatives.sigmoid },
  tanh: { f: Math.tanh, df: derivatives.tanh },
} as const;

/**
 * E[h(z)] for z ~ N(0, variance), by the trapezoid rule over ±10σ (error far below float32).
 * An even number of points puts z = 0 mid-interval, where a step in h (ReLU's derivative)
 * is integrated exactly.
 */
export function gaussianExpectation(h: (z: number) => number, variance: number): number {
  if (!(variance > 0)) return h(0);
  if (!Number.isFinite(variance)) return NaN;
  const sigma = Math.sqrt(variance);
  const points = 2000;
  const span = 10;
  const step = (2 * span) / (points - 1);
  let total = 0;
  for (let i = 0; i < points; i++) {
    const t = -span + i * step;
    const weight = i === 0 || i === points - 1 ? 0.5 : 1;
    total += weight * h(sigma * t) * Math.exp(-0.5 * t * t);
  }
  return (total * step) / Math.sqrt(2 * Math.PI);
}

export interface TheoryLayerInput {
  fanIn: number;
  fanOut: number;
  weightVariance: number;
  /** The activation after this layer's Linear, or identity. */
  activation: ActivationFunction;
}

export interface TheoryPrediction {
  /** Predicted std of each layer's pre-activation z_l. */
  preActivationStd: number[];
  /** Predicted std of each layer's activation a_l. */
  activationStd: number[];
  /** Predicted std of ∂L/∂(layer input), from the measured gradient at the network's output. */
  inputGradStd: number[];
}

export function predictStds(layers: readonly TheoryLayerInput[], inputSecondMoment: number, outputGradSecondMoment: number): TheoryPrediction {
  const preVar: number[] = [];
  const preActivationStd: number[] = [];
  const activationStd: number[] = [];
  let secondMoment = inputSecondMoment;
  for (const layer of layers) {
    const variance = layer.fanIn * layer.weightVariance * secondMoment;
    preVar.push(variance);
    preActivationStd.push(Math.sqrt(variance));
    const mean = gaussianExpectation(layer.activation.f, variance);
    secondMoment = gaussianExpectation((z) => layer.activation.f(z) ** 2, variance);
    activationStd.push(Math.sqrt(Math.max(0, secondMoment - mean * mean)));
  }
  const inputGradStd: number[] = new Array(layers.length);
  // E[(∂L/∂a_L)²] is measured at the output; walk back through each activation and Linear.
  let gradA = outputGradSecondMoment;
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    const gradZ = gradA * gaussianExpectation((z) => layer.activation.df(z) ** 2, preVar[l]);
    const gradInput = layer.fanOut * layer.weightVariance * gradZ;
    inputGradStd[l] = Math.sqrt(gradInput);
    gradA = gradInput;
  }
  return { preActivationStd, activationStd, inputGradStd };
}
