/**
 * What variance-propagation theory knows about each tf.layers layer kind (graph.ts's NodeTheory):
 * fans from the kernel's shape, the activation a layer carries, pooling windows and strides.
 * A kind it does not know gets 'unknown', which the theory shows as "no prediction".
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NodeTheory } from './graph';
import type { LayerInternals, Step } from './layersGraph';
import type { SaturationKind } from './tensorStats';
import { activationFunctions, type ActivationFunction } from './theory';

type Layer = tfjs.layers.Layer;

export const CARRIES_ACTIVATION = new Set(['dense', 'conv1d', 'conv2d', 'conv3d', 'depthwiseConv2d', 'separableConv2d', 'conv2dTranspose']);

export function ownActivation(step: Step): string {
  return CARRIES_ACTIVATION.has(step.kind) ? (step.layer.activation?.getClassName().toLowerCase() ?? 'linear') : 'linear';
}

/** Activations the theory can integrate, by tf.layers' class names (lower case). */
const ACTIVATIONS: Record<string, ActivationFunction> = {
  linear: activationFunctions.identity,
  relu: activationFunctions.relu(0),
  relu6: { f: (z) => Math.min(6, Math.max(0, z)), df: (z) => (z > 0 && z < 6 ? 1 : 0) },
  elu: { f: (z) => (z > 0 ? z : Math.expm1(z)), df: (z) => (z > 0 ? 1 : Math.exp(z)) },
  selu: { f: (z) => 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * Math.expm1(z)), df: (z) => 1.0507009873554805 * (z > 0 ? 1 : 1.6732632423543772 * Math.exp(z)) },
  sigmoid: activationFunctions.sigmoid,
  tanh: activationFunctions.tanh,
  softplus: { f: (z) => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0), df: (z) => 1 / (1 + Math.exp(-z)) },
  swish: { f: (z) => z / (1 + Math.exp(-z)), df: (z) => { const s = 1 / (1 + Math.exp(-z)); return s + z * s * (1 - s); } },
};

export function saturationOf(activation: string): SaturationKind | undefined {
  return activation === 'sigmoid' || activation === 'tanh' ? activation : undefined;
}

const stride = (layer: Layer, key = 'strides'): number => {
  const s = (layer as unknown as Record<string, number | number[] | undefined>)[key];
  return Array.isArray(s) ? s.reduce((a, b) => a * b, 1) : (s ?? 1);
};

export function theoryOf(step: Step, weights: Partial<Record<string, number[]>>, inputShapes: number[][]): NodeTheory {
  const { kind, layer } = step;
  const activation = ACTIVATIONS[ownActivation(step)] ?? null;
  const area = (shape: number[]) => shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const kernel = weights.kernel;
  switch (kind) {
    case 'dense':
      return kernel ? { rule: 'weighted', fanIn: kernel[0], backwardFan: kernel[1], activation } : { rule: 'unknown' };
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
      if (!kernel) return { rule: 'unknown' };
      return { rule: 'weighted', fanIn: area(kernel) * kernel[kernel.length - 2], backwardFan: (area(kernel) * kernel[kernel.length - 1]) / stride(layer), activation };
    case 'depthwiseConv2d': {
      const dw = weights.depthwise_kernel;
      if (!dw) return { rule: 'unknown' };
      return { rule: 'weighted', fanIn: area(dw), backwardFan: (area(dw) * dw[3]) / stride(layer), activation };
    }
    case 'separableConv2d': {
      const dw = weights.depthwise_kernel;
      const pw = weights.pointwise_kernel;
      if (!dw || !pw) return { rule: 'unknown' };
      return { rule: 'weighted', fanIn: area(dw), backwardFan: (area(dw) * dw[3]) / stride(layer), pointwiseFanIn: pw[2], pointwiseBackwardFan: pw[3], activation };
    }
    case 'embedding':
      return { rule: 'lookup' };
    case 'batchNormalization':
    case 'layerNormalization':
      return { rule: 'normalize' };
    case 'activation':
    case 'reLU':
    case 'leakyReLU': {
      const fn = kind === 'leakyReLU' ? activationFunctions.leakyRelu((layer as unknown as { alpha: number }).alpha) : kind === 'reLU' ? ACTIVATIONS.relu : ACTIVATIONS[ownActivationOfActivationLayer(layer)];
      return fn ? { rule: 'activation', activation: fn } : { rule: 'unknown' };
    }
    case 'dropout':
    case 'spatialDropout1d':
    case 'flatten':
    case 'reshape':
      return { rule: 'identity' };
    case 'add':
      return { rule: 'sum' };
    case 'concatenate':
      return { rule: 'concat', sizes: inputShapes.map((s) => s[s.length - 1]) };
    case 'averagePooling2d':
    case 'maxPooling2d': {
      const pool = stride(layer, 'poolSize');
      const rule = kind === 'maxPooling2d' ? 'maxPool' : 'averagePool';
      return { rule, window: pool, stride: stride(layer) };
    }
    case 'globalAveragePooling2d':
    case 'globalMaxPooling2d': {
      const s = inputShapes[0];
      const window = s[1] * s[2];
      return { rule: kind === 'globalMaxPooling2d' ? 'maxPool' : 'averagePool', window, stride: window };
    }
    default:
      return { rule: 'unknown' };
  }
}

export function ownActivationOfActivationLayer(layer: Layer): string {
  return (layer as LayerInternals).activation?.getClassName().toLowerCase() ?? 'linear';
}
