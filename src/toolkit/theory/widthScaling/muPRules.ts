/**
 * μP's rules for a chain of dense layers (Yang et al. 2022, "Tensor Programs V", Table 3), as
 * multipliers relative to a base width: at width = baseWidth every multiplier is 1 and μP is the
 * model's own standard parametrization, as in microsoft/mup's set_base_shapes.
 *
 *                       input weights, all biases   hidden weights   output weights
 *   init variance       1/fan_in                    1/fan_in         1/fan_in² (or 0)
 *   SGD learning rate   η · fan_out                 η                η / fan_in
 *   Adam learning rate  η                           η / fan_in       η / fan_in
 *
 * Standard parametrization (SP) has variance 1/fan_in everywhere and η for every layer. A
 * layer's role is its place in the chain: the first takes the data (its fan_in does not grow
 * with width), the last gives the output (its fan_out does not), the rest are hidden (both do).
 * "Relative to the base width" turns each fan that grows into fan / baseWidth.
 */
import type { OptimizerName } from './layerwiseOptimizer';

export type LayerRole = 'input' | 'hidden' | 'output';

export interface LayerRule {
  /** Multiplies the weights' learning rate. */
  weightLr: number;
  /** Multiplies the bias's learning rate. */
  biasLr: number;
}

/** The role of layer `k` (from 0) of `count` dense layers in a chain. */
export function roleOf(k: number, count: number): LayerRole {
  return k === 0 ? 'input' : k === count - 1 ? 'output' : 'hidden';
}

/**
 * The learning-rate multipliers of one dense layer [fanIn → fanOut]. A bias is a weight whose
 * fan_in is 1, so it follows the input weights' column: η·fan_out under SGD (relative: fanOut /
 * baseWidth, which is 1 for the output layer, whose fan_out does not grow), η under Adam.
 */
export function muPRule(role: LayerRole, fanIn: number, fanOut: number, baseWidth: number, optimizer: OptimizerName): LayerRule {
  const growingOut = role === 'output' ? 1 : fanOut / baseWidth;
  const growingIn = role === 'input' ? 1 : fanIn / baseWidth;
  if (optimizer === 'adam') return { weightLr: role === 'input' ? 1 : 1 / growingIn, biasLr: 1 };
  return { weightLr: role === 'input' ? growingOut : role === 'hidden' ? 1 : 1 / growingIn, biasLr: growingOut };
}

/**
 * The factor on the output layer's initial weights: their variance goes from the model's own
 * 1/fan_in to 1/fan_in² relative to the base, (1/fan_in) · (baseWidth/fan_in), so the weights
 * are multiplied by √(baseWidth/fan_in); 0 for a zero readout.
 */
export function readoutFactor(readout: 'zero' | 'scaled', fanIn: number, baseWidth: number): number {
  return readout === 'zero' ? 0 : Math.sqrt(baseWidth / fanIn);
}
