/** torch.nn.init.calculate_gain, with the same names, formulas and defaults. */
import { checkFiniteNumber, checkOneOf } from '../args';

export const NONLINEARITIES = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
] as const;

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/**
 * The recommended gain for a nonlinearity. `param` is leaky_relu's negative slope (default 0.01).
 * Example: `calculateGain('leaky_relu', 0.2) // sqrt(2 / (1 + 0.2^2)) = 1.3868`
 */
export function calculateGain(nonlinearity: Nonlinearity | 'leakyRelu' | 'none', param?: number): number {
  const fn = 'init.calculateGain';
  const name = checkOneOf(fn, 'nonlinearity', nonlinearity, [...NONLINEARITIES, 'leakyRelu', 'none']);
  switch (name) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
    case 'leakyRelu': {
      const slope = param === undefined ? 0.01 : checkFiniteNumber(fn, 'param (the negative slope)', param);
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      // linear, none, the convolutions and sigmoid.
      return 1;
  }
}
