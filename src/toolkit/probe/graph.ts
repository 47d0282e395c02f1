/**
 * The seam between the probe and the models it reads. A model adapter describes one forward and
 * backward pass as a graph of nodes; the probe, the theory, the verdict and the charts read
 * nodes, never a model's own classes. Two adapters exist: InitLab's `nn` models (nnAdapter.ts),
 * whose hand-written backward leaves every tensor on its modules (a TracedPass, measured by the
 * probe), and TensorFlow.js `tf.LayersModel`s, sequential or functional (layersAdapter.ts),
 * traced layer by layer with autodiff and measured on the way (a MeasuredPass).
 *
 * A node is one layer as a user thinks of it: a dense or convolution layer together with the
 * activation it carries (or, in `nn`, the activation module right after it), a BatchNorm, a
 * pooling, an add. Its tensors are named by TensorKind (probe.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ActivationFunction } from './theory';
import type { SaturationKind, TensorStats } from './tensorStats';

/** Every tensor a node can show. Weight gradients follow the weight they belong to. */
export const TENSOR_KINDS = [
  'weights',
  'bias',
  'pointwiseWeights',
  'recurrentWeights',
  'gamma',
  'beta',
  'movingMean',
  'movingVariance',
  'preActivation',
  'activation',
  'outputGrad',
  'weightGrad',
  'biasGrad',
  'pointwiseGrad',
  'recurrentGrad',
  'gammaGrad',
  'betaGrad',
  'inputGrad',
] as const;
export type TensorKind = (typeof TENSOR_KINDS)[number];

export const TENSOR_KIND_LABELS: Record<TensorKind, string> = {
  weights: 'weights',
  bias: 'bias',
  pointwiseWeights: 'pointwise weights',
  recurrentWeights: 'recurrent weights',
  gamma: 'gamma',
  beta: 'beta',
  movingMean: 'moving mean',
  movingVariance: 'moving variance',
  preActivation: 'pre-activation',
  activation: 'activation',
  outputGrad: 'output gradient',
  weightGrad: 'weight gradient',
  biasGrad: 'bias gradient',
  pointwiseGrad: 'pointwise weight gradient',
  recurrentGrad: 'recurrent weight gradient',
  gammaGrad: 'gamma gradient',
  betaGrad: 'beta gradient',
  inputGrad: 'input gradient',
};

/**
 * How variance-propagation theory carries a signal through a node (graphTheory.ts). `fanIn` and
 * `backwardFan` are counted per output and per input element: a convolution's fan includes its
 * kernel window, and its backward fan is divided by the stride's area.
 */
export type NodeTheory =
  /** activation null: one the theory cannot integrate (softmax): the pre-activation is still predicted. */
  | { rule: 'weighted'; fanIn: number; backwardFan: number; activation: ActivationFunction | null; pointwiseFanIn?: number; pointwiseBackwardFan?: number }
  | { rule: 'lookup' }
  | { rule: 'normalize' }
  | { rule: 'activation'; activation: ActivationFunction }
  | { rule: 'identity' }
  | { rule: 'sum' }
  | { rule: 'concat'; sizes: number[] }
  | { rule: 'averagePool'; window: number; stride: number }
  | { rule: 'maxPool'; window: number; stride: number }
  | { rule: 'unknown' };

/** The name the input data goes by in `inputs`. */
export const INPUT_NODE = 'input';

/** One node of a traced pass, with the live tensors the probe reads. */
export interface TracedNode {
  /** Unique in the pass: what `inputs` refer to. A tf.layers layer's name; `layer3` in nn models. */
  id: string;
  /** What charts and verdicts call it: a tf.layers layer's name, or a module's ("Linear(784→100)"). */
  name: string;
  /** e.g. 'dense', 'conv2d', 'batchNormalization', 'add', 'linear'. */
  kind: string;
  /** The nodes this one reads from, by id; INPUT_NODE for the model's input. */
  inputs: string[];
  /** The activation the node applies ('relu', 'sigmoid', ...), or 'none'. */
  activation: string;
  /** Its weights are not trained (`trainable: false`): measured, but given no gradient. */
  frozen?: boolean;
  tensors: Partial<Record<TensorKind, tfjs.Tensor>>;
  /** The node's input (its first), for the forward gain. */
  input?: tfjs.Tensor;
  saturation?: SaturationKind;
  theory: NodeTheory;
}

/** One forward and backward pass, traced. */
export interface TracedPass {
  nodes: TracedNode[];
  /** The data, for the theory's starting moments. */
  input: tfjs.Tensor;
  /** The ids of the nodes whose outputs the loss reads: where the backward theory starts. */
  outputNodes: string[];
  loss: tfjs.Tensor | null;
}

/**
 * A node whose statistics were taken while the pass ran. The tf.layers adapter measures each
 * tensor as soon as it exists and frees it once nothing later needs it, so a pass's memory is
 * its forward activations, not every tensor of the pass at once.
 */
export interface MeasuredNode extends Omit<TracedNode, 'tensors' | 'input'> {
  stats: Partial<Record<TensorKind, TensorStats>>;
  /** Moments of the node's first input, for the forward gain. */
  inputStats?: TensorStats;
}

/** One forward and backward pass, measured: what the probe's report is made from. */
export interface MeasuredPass {
  nodes: MeasuredNode[];
  /** The data's statistics, for the theory's starting moments. */
  inputStats: TensorStats;
  outputNodes: string[];
  loss: number | null;
}
