/**
 * A TensorFlow.js `tf.LayersModel`, sequential or functional, as a graph of nodes (graph.ts),
 * traced through one forward and backward pass.
 *
 * The forward runs the model's own layers one by one on real tensors, in the order of the
 * model's graph, so every layer's output is at hand, and a layer that carries an activation
 * (`dense`, `conv2d`, ...) is run without it first, so its pre-activation and activation show
 * apart. Each output passes through an identity whose custom gradient keeps the gradient that
 * reaches it, the one thing Keras and TF.js offer no hook for (PyTorch's full-backward hooks do
 * it by hand). The backward is TensorFlow.js's own autodiff (`engine().gradients`) of the
 * model's compiled loss, or the one given, so the gradients are exactly `tf.grads`'.
 *
 * Modes, as a probe of a network at its initialization should see it: dropout is off (as in
 * inference), BatchNorm normalizes with the batch's statistics (as in training: at
 * initialization its moving statistics are 0 and 1, which would hide what BatchNorm does), and
 * its moving statistics are put back afterwards, so probing never changes the model.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { INPUT_NODE, type NodeTheory, type TensorKind, type TracedNode, type TracedPass } from './graph';
import type { SaturationKind } from './tensorStats';
import { activationFunctions, type ActivationFunction } from './theory';

type Layer = tfjs.layers.Layer;
type LayerVariable = tfjs.LayerVariable;
type SymbolicTensor = tfjs.SymbolicTensor;

/** The parts of tfjs-layers' graph that it keeps public in JavaScript but not in its typings. */
interface GraphNode {
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
}
interface Container {
  layers: Layer[];
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  containerNodes: Set<string>;
  lossFunctions?: ((yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor)[];
}
type LayerInternals = Layer & { inboundNodes: GraphNode[]; activation?: { getClassName(): string; apply(t: tfjs.Tensor): tfjs.Tensor } };

export type LossFunction = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;
/** A loss by its tf.layers name, or a function of (yTrue, yPred) whose mean is the loss. */
export type LossSpec = 'meanSquaredError' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy' | LossFunction;

export function isLayersModel(model: unknown): model is tfjs.LayersModel {
  return model instanceof tf.LayersModel;
}

interface Step {
  id: string;
  layer: LayerInternals;
  kind: string;
  inputIds: number[];
  outputId: number;
}

/** 'BatchNormalization' → 'batchNormalization', 'Conv2D' → 'conv2d', 'MaxPooling2D' → 'maxPooling2d'. */
export function kindOf(layer: Layer): string {
  const name = layer.getClassName().replace(/(\d)D(?=[A-Z]|$)/g, '$1d');
  return name === name.toUpperCase() ? name.toLowerCase() : name.replace(/^[A-Z]+(?=[A-Z][a-z]|\d|$)|^[A-Z]/, (c) => c.toLowerCase());
}

/** The functional graph inside a model: a Sequential keeps one as `.model`. */
function containerOf(model: tfjs.LayersModel): Container {
  // A Sequential makes its graph on its first compile, fit or predict; build it now if it can be.
  const sequential = model as unknown as { model?: Container; inputs?: unknown[]; build(): void };
  if (model instanceof tf.Sequential && !sequential.model && sequential.inputs?.length) sequential.build();
  const inner = model instanceof tf.Sequential ? (model as unknown as { model?: Container }).model : (model as unknown as Container);
  if (!inner || !inner.layers) throw new Error('probe: the model is not built yet; give its first layer an inputShape (or call model.build(shape))');
  return inner;
}

/** The model's layers as steps in the graph's order (a layer shared by two calls gives two steps). */
export function stepsOf(model: tfjs.LayersModel): { steps: Step[]; producer: Map<number, string>; container: Container } {
  const container = containerOf(model);
  if (container.inputs.length !== 1 || container.outputs.length !== 1) {
    throw new Error(`probe: the model has ${container.inputs.length} inputs and ${container.outputs.length} outputs; probe reads models with one input and one output`);
  }
  const producer = new Map<number, string>([[container.inputs[0].id, INPUT_NODE]]);
  const steps: Step[] = [];
  for (const layer of container.layers as LayerInternals[]) {
    if (layer.getClassName() === 'InputLayer') continue;
    const nodes = layer.inboundNodes.filter((_, k) => container.containerNodes.has(`${layer.name}_ib-${k}`));
    nodes.forEach((node, k) => {
      const id = nodes.length === 1 ? layer.name : `${layer.name}:${k}`;
      steps.push({ id, layer, kind: kindOf(layer), inputIds: node.inputTensors.map((t) => t.id), outputId: node.outputTensors[0].id });
      producer.set(node.outputTensors[0].id, id);
    });
  }
  return { steps, producer, container };
}

const CARRIES_ACTIVATION = new Set(['dense', 'conv1d', 'conv2d', 'conv3d', 'depthwiseConv2d', 'separableConv2d', 'conv2dTranspose']);

function ownActivation(step: Step): string {
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

function saturationOf(activation: string): SaturationKind | undefined {
  return activation === 'sigmoid' || activation === 'tanh' ? activation : undefined;
}

const stride = (layer: Layer, key = 'strides'): number => {
  const s = (layer as unknown as Record<string, number | number[] | undefined>)[key];
  return Array.isArray(s) ? s.reduce((a, b) => a * b, 1) : (s ?? 1);
};

function theoryOf(step: Step, weights: Partial<Record<string, number[]>>, inputShapes: number[][]): NodeTheory {
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

function ownActivationOfActivationLayer(layer: Layer): string {
  return (layer as LayerInternals).activation?.getClassName().toLowerCase() ?? 'linear';
}

/** Which TensorKind a layer variable shows as, and its gradient's. */
const WEIGHT_KINDS: Record<string, [TensorKind, TensorKind | undefined]> = {
  kernel: ['weights', 'weightGrad'],
  depthwise_kernel: ['weights', 'weightGrad'],
  embeddings: ['weights', 'weightGrad'],
  pointwise_kernel: ['pointwiseWeights', 'pointwiseGrad'],
  bias: ['bias', 'biasGrad'],
  gamma: ['gamma', 'gammaGrad'],
  beta: ['beta', 'betaGrad'],
  moving_mean: ['movingMean', undefined],
  moving_variance: ['movingVariance', undefined],
};

const shortName = (v: LayerVariable) => v.name.split('/').pop()!.replace(/_\d+$/, '');

const LOSSES: Record<string, LossFunction> = {
  meanSquaredError: (y, p) => tf.metrics.meanSquaredError(y, p),
  mse: (y, p) => tf.metrics.meanSquaredError(y, p),
  categoricalCrossentropy: (y, p) => tf.metrics.categoricalCrossentropy(y, p),
  sparseCategoricalCrossentropy: sparseCategoricalCrossentropy,
  binaryCrossentropy: (y, p) => tf.metrics.binaryCrossentropy(y, p),
};

/** −log p[label], as tf.layers computes it on probabilities (its metrics module does not export it). */
function sparseCategoricalCrossentropy(labels: tfjs.Tensor, probabilities: tfjs.Tensor): tfjs.Tensor {
  return tf.tidy(() => {
    const classes = probabilities.shape[probabilities.shape.length - 1]!;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes);
    const p = tf.clipByValue(tf.reshape(probabilities, [-1, classes]), 1e-7, 1 - 1e-7);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1));
  });
}

function lossFunction(container: Container, spec: LossSpec | undefined): LossFunction {
  if (typeof spec === 'function') return spec;
  if (typeof spec === 'string') {
    const fn = LOSSES[spec];
    if (!fn) throw new Error(`probe: unknown loss "${spec}"; use one of ${Object.keys(LOSSES).join(', ')} or a function (yTrue, yPred) => tensor`);
    return fn;
  }
  const compiled = container.lossFunctions?.[0];
  if (!compiled) throw new Error("probe: the model has no loss; compile it (model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' })) or give one: probe(model, { loss: 'meanSquaredError' })");
  return compiled;
}

/**
 * One forward and backward pass of a tf.LayersModel, with every layer's tensors. The caller
 * reads them and then calls `release()`, which frees everything the trace made.
 */
export function traceLayersModel(model: tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor, options: { loss?: LossSpec; dataGrad: boolean }): TracedPass {
  const { steps, producer, container } = stepsOf(model);
  const loss = lossFunction(container, options.loss);
  const kept: tfjs.Tensor[] = [];
  const keep = <T extends tfjs.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  const gradOf = new Map<string, tfjs.Tensor>();
  const taps = new Map(
    steps.map((step) => [
      step.id,
      // A reshape to the same shape is a new tensor on the same memory (the WASM engine's
      // clone copies), so the taps cost no activation-sized copies on a 4 GiB heap.
      tf.customGrad(((t: tfjs.Tensor) => ({
        value: tf.reshape(t, t.shape),
        gradFunc: (dy: tfjs.Tensor) => {
          gradOf.set(step.id, keep(tf.reshape(dy, dy.shape)));
          return dy;
        },
      })) as Parameters<typeof tf.customGrad>[0]),
    ]),
  );
  const outputs = new Map<string, { pre?: tfjs.Tensor; out: tfjs.Tensor; inputs: tfjs.Tensor[] }>();
  const normalizers = steps.filter((s) => s.kind === 'batchNormalization').flatMap((s) => s.layer.nonTrainableWeights);
  const savedStatistics = normalizers.map((v) => tf.clone(v.read()));

  const forward = (): tfjs.Scalar => {
    const value = new Map<number, tfjs.Tensor>([[container.inputs[0].id, x]]);
    for (const step of steps) {
      const inputs = step.inputIds.map((id) => value.get(id)!);
      const arg = inputs.length === 1 ? inputs[0] : inputs;
      const training = step.kind === 'batchNormalization';
      let pre: tfjs.Tensor | undefined;
      let out: tfjs.Tensor;
      const activation = step.layer.activation;
      if (ownActivation(step) !== 'linear' && activation) {
        step.layer.activation = linearActivation();
        try {
          pre = keep(step.layer.apply(arg, { training }) as tfjs.Tensor);
        } finally {
          step.layer.activation = activation;
        }
        out = activation.apply(pre);
      } else {
        out = step.layer.apply(arg, { training }) as tfjs.Tensor;
      }
      out = keep(taps.get(step.id)!(out) as tfjs.Tensor);
      outputs.set(step.id, { pre, out, inputs });
      value.set(step.outputId, out);
    }
    return tf.mean(loss(y, value.get(container.outputs[0].id)!)) as tfjs.Scalar;
  };

  const variables = steps.flatMap((s) => s.layer.trainableWeights.map((w) => ({ step: s.id, w, tensor: w.read() })));
  const xs = [...(options.dataGrad ? [x] : []), ...variables.map((v) => v.tensor)];
  let result: { value: tfjs.Scalar; grads: tfjs.Tensor[] };
  try {
    result = tf.engine().gradients(forward, xs, undefined, true) as { value: tfjs.Scalar; grads: tfjs.Tensor[] };
  } catch (error) {
    tf.dispose(kept);
    throw error;
  } finally {
    normalizers.forEach((v, i) => v.write(savedStatistics[i]));
    tf.dispose(savedStatistics);
  }
  const grads = result.grads;
  const dataGrad = options.dataGrad ? grads[0] : undefined;
  const variableGrads = grads.slice(options.dataGrad ? 1 : 0);
  const gradOfTensor = (id: string | undefined) => (id === INPUT_NODE ? dataGrad : id ? gradOf.get(id) : undefined);

  const nodes: TracedNode[] = steps.map((step) => {
    const traced = outputs.get(step.id)!;
    const tensors: TracedNode['tensors'] = {};
    const weightShapes: Partial<Record<string, number[]>> = {};
    for (const w of step.layer.weights) {
      const kinds = WEIGHT_KINDS[shortName(w)];
      weightShapes[shortName(w)] = w.shape as number[];
      if (!kinds) continue;
      tensors[kinds[0]] = w.read();
      const k = variables.findIndex((v) => v.w === w);
      if (kinds[1] && k >= 0 && variableGrads[k]) tensors[kinds[1]] = variableGrads[k];
    }
    const activation = step.kind === 'activation' ? ownActivationOfActivationLayer(step.layer) : ownActivation(step);
    const isActivationLayer = ['activation', 'reLU', 'leakyReLU'].includes(step.kind);
    if (traced.pre) Object.assign(tensors, { preActivation: traced.pre, activation: traced.out });
    else if (CARRIES_ACTIVATION.has(step.kind)) tensors.preActivation = traced.out;
    else if (isActivationLayer) Object.assign(tensors, { preActivation: traced.inputs[0], activation: traced.out });
    else tensors.activation = traced.out;
    tensors.outputGrad = gradOf.get(step.id);
    const sources = step.inputIds.map((id) => producer.get(id)!);
    if (sources.length === 1) tensors.inputGrad = gradOfTensor(sources[0]);
    return {
      id: step.id,
      name: step.id,
      kind: step.kind,
      inputs: sources,
      activation: activation === 'linear' ? 'none' : activation,
      tensors,
      input: traced.inputs[0],
      saturation: saturationOf(activation),
      theory: theoryOf(step, weightShapes, traced.inputs.map((t) => t.shape as number[])),
    };
  });
  const lossValue = result.value;
  return {
    nodes,
    input: x,
    outputNodes: [producer.get(container.outputs[0].id)!],
    loss: lossValue,
    release: () => {
      tf.dispose([...kept, ...grads, lossValue]);
    },
  };
}

let linear: LayerInternals['activation'];
/** tf.layers' linear activation, borrowed from an Activation layer: the library exports no constructor for it. */
function linearActivation(): NonNullable<LayerInternals['activation']> {
  linear ??= (tf.layers.activation({ activation: 'linear' }) as LayerInternals).activation!;
  return linear!;
}
