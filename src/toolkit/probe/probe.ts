/**
 * Gradient probes: per-layer statistics of weights, activations and gradients after a forward
 * and backward pass, without writing a hook, for InitLab's `nn` models and any TensorFlow.js
 * `tf.LayersModel`, sequential or functional:
 *
 *   display(probe(model).step(x, y));    // charts: std per layer, activations and gradients
 *
 * or, for an nn model, attach once and read after any pass of your own:
 *
 *   const p = probe(model);
 *   model.forward(x, y); model.backward();
 *   display(p.stats());
 *
 * The model is read through an adapter as a graph of nodes (graph.ts); a "layer" in the report
 * is one node: an nn Linear and the activation after it (so a 784-100-100-100-1 MLP has 4
 * layers), or one tf.layers layer with the activation it carries.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { toStatNumber, fromStatNumber, type StatNumber } from '../charts/finite';
import { Linear } from '../nn/layers';
import type { Model, Sequential } from '../nn/model';
import type { Module } from '../nn/module';
import { TENSOR_KINDS, TENSOR_KIND_LABELS, type MeasuredPass, type TensorKind, type TracedPass } from './graph';
import { predictGraph, type Moments, type TheoryNode } from './graphTheory';
import { isLayersModel, stepsOf, traceLayersModel, type LossSpec, type ProbeProgress } from './layersAdapter';
import { lossFunctions } from './layersLoss';
import { layersLossName, nnOutputError, observingLoss, outputLoss, type OutputError } from './lossTheory';
import { nnNodes, nnPass, traceNnModel } from './nnAdapter';
import { tensorStats, type StatsRequest, type TensorStats } from './tensorStats';
import { checkProbeArguments, checkStepArguments } from './probeArgs';

export { TENSOR_KINDS, TENSOR_KIND_LABELS, type TensorKind };

export interface LayerProbe {
  /** 1-based, in forward order. */
  layer: number;
  /** Unique in the report; what `inputs` refer to. */
  id: string;
  name: string;
  /** 'linear', 'dense', 'conv2d', 'batchNormalization', 'add', ... */
  kind: string;
  /** The ids of the layers this one reads from ('input' for the data). */
  inputs: string[];
  activation: string;
  /** Its weights are not trained (`trainable: false`, a transfer-learning base): measured, given no gradient. */
  frozen?: boolean;
  tensors: Partial<Record<TensorKind, TensorStats>>;
  /** std(layer output) / std(layer input). */
  forwardGain: StatNumber;
  /** std(∂L/∂input) / std(∂L/∂output). */
  backwardGain: StatNumber;
  /** What variance-propagation theory predicts (graphTheory.ts); null where it has no prediction. */
  theory: { preActivationStd: StatNumber | null; activationStd: StatNumber | null; inputGradStd: StatNumber | null };
}

export interface ProbeReport {
  kind: 'initlab.probe';
  /** The scheme or experiment, e.g. "Kaiming normal": the column title in comparisons. */
  label: string;
  loss: StatNumber | null;
  layers: LayerProbe[];
}

export interface ProbeOptions {
  label?: string;
  /** Histogram bins per tensor. Default 30. */
  bins?: number;
  /**
   * Whether step() computes the gradient with respect to the data, x.g: layer 1's input
   * gradient and backward gain. Default true, as the lesson's hand-written backward does.
   * false skips it as PyTorch does for data that does not require grad; on 50,000 MNIST rows
   * that saves a [50000, 784] product and the statistics of its 39 million values. Integer
   * inputs (token ids) never get one.
   */
  dataGrad?: boolean;
  /** The loss of a tf.LayersModel, when not its compiled one: a tf.layers loss name or (yTrue, yPred) => tensor. */
  loss?: LossSpec;
  /** Counts each layer's dead units (TensorStats.deadUnitFraction); the training recorder asks it. */
  deadUnits?: boolean;
  /** Called as a tf.LayersModel's pass reaches each layer, forward then backward: for progress on a large model. */
  progress?: ProbeProgress;
}

/** What can be probed: an nn model (Sequential, or Model with a loss) or a tf.LayersModel. */
export type Probeable = Sequential | tfjs.LayersModel;

interface LayerGroup {
  linear: Linear;
  activation?: Module;
}

/** An MLP's Linear layers, each with the activation after it (the SGD recorder reads these). */
export function groupLayers(model: Sequential): LayerGroup[] {
  const groups: LayerGroup[] = [];
  for (const module of model.layers) {
    if (module instanceof Linear) groups.push({ linear: module });
    else if (groups.length > 0 && !groups[groups.length - 1].activation) groups[groups.length - 1].activation = module;
    else throw new Error(`probe: ${module.name} does not follow a Linear layer; a layer is a Linear and one activation`);
  }
  if (groups.length === 0) throw new Error('probe: the model has no Linear layer');
  return groups;
}

export class Probe {
  constructor(
    readonly model: Probeable,
    /** As given to `probe(model, options)`; its display lists them. */
    readonly options: ProbeOptions = {},
  ) {
    // Fail early on a model we cannot read.
    if (isLayersModel(model)) stepsOf(model);
    else nnNodes(model);
  }

  /**
   * Runs forward and backward on (x, y) and returns the statistics. A tf.LayersModel with several
   * inputs or outputs takes arrays of tensors, in the model's order.
   */
  step(x: tfjs.Tensor | tfjs.Tensor[], y: tfjs.Tensor | tfjs.Tensor[]): ProbeReport {
    checkStepArguments(x, y);
    const dataGrad = this.options.dataGrad ?? true;
    if (isLayersModel(this.model)) {
      // The theory starts its backward walk from each loss's formula and its output's error,
      // which the loss measures as the pass calls it on the output (lossTheory.ts).
      const model = this.model;
      const losses = lossFunctions(stepsOf(model).container, this.options.loss);
      const errors: (OutputError | undefined)[] = [];
      const loss = observingLoss(losses, losses.map((_, k) => layersLossName(model, this.options.loss, k)), errors);
      const pass = traceLayersModel(model, x, y, { loss, dataGrad, bins: this.options.bins ?? 30, deadUnits: this.options.deadUnits, progress: this.options.progress });
      // The last pass's: a large one runs on one example first (layersAdapter.ts), which calls the loss too.
      return reportOf(pass, this.options.label ?? model.name, errors.slice(-losses.length));
    }
    if (Array.isArray(x) || Array.isArray(y)) throw new TypeError('probe.step: an nn model takes one tensor x and one tensor y, not arrays');
    const model = this.model as Model;
    if (typeof model.loss !== 'object') throw new Error('probe.step needs a Model with a loss; use nn.mlp or new nn.Model(layers, loss)');
    const pass = measureTracedPass(traceNnModel(model, x, y, dataGrad), this.options.bins ?? 30, this.options.deadUnits === true);
    return reportOf(pass, this.options.label ?? 'model', [nnOutputError(model)]);
  }

  /** The statistics of the last forward and backward pass of an nn model. */
  stats(label = this.options.label ?? 'model'): ProbeReport {
    if (isLayersModel(this.model)) throw new Error('probe.stats() reads the last pass of an nn model; for a tf.LayersModel use probe(model).step(x, y)');
    return reportOf(measureTracedPass(nnPass(this.model), this.options.bins ?? 30), label, [nnOutputError(this.model)]);
  }
}

/** Measures every tensor of a traced pass at once (the nn adapter's tensors live on its modules). */
function measureTracedPass(pass: TracedPass, bins: number, deadUnits = false): MeasuredPass {
  const { nodes } = pass;
  const requests: StatsRequest[] = [];
  const slots: { node: number; kind: TensorKind }[] = [];
  nodes.forEach((node, i) => {
    for (const kind of TENSOR_KINDS) {
      const tensor = node.tensors[kind];
      if (!tensor || tensor.isDisposed) continue;
      requests.push({ tensor, saturation: kind === 'preActivation' ? node.saturation : undefined, deadUnits: deadUnits && kind === 'activation' });
      slots.push({ node: i, kind });
    }
  });
  // The gains and the theory's starting point need each node's input, moments only.
  const inputsAt = requests.length;
  const inputs = [pass.input, ...nodes.map((n) => n.input)];
  inputs.forEach((tensor) => tensor && !tensor.isDisposed && requests.push({ tensor, momentsOnly: true }));
  const stats = tensorStats(requests, bins);
  const byNode = nodes.map(() => ({}) as Partial<Record<TensorKind, TensorStats>>);
  slots.forEach((slot, k) => (byNode[slot.node][slot.kind] = stats[k]));
  const inputStats = new Map<tfjs.Tensor, TensorStats>();
  let k = inputsAt;
  for (const tensor of inputs) if (tensor && !tensor.isDisposed) inputStats.set(tensor, stats[k++]);
  // Saturation is a property of the pre-activation; show it on the activation too.
  byNode.forEach((t) => {
    if (t.activation && t.preActivation) t.activation.saturatedFraction = t.preActivation.saturatedFraction;
  });
  const loss = pass.loss && !pass.loss.isDisposed ? pass.loss.dataSync()[0] : null;
  return {
    nodes: nodes.map(({ tensors: _tensors, input, ...node }, i) => ({ ...node, stats: byNode[i], inputStats: input && inputStats.get(input) })),
    inputStats: inputStats.get(pass.input)!,
    outputNodes: pass.outputNodes,
    loss,
  };
}

/** The report of a measured pass, with gains and theory per node; `errors` are the losses', one per output node. */
function reportOf(pass: MeasuredPass, label: string, errors: readonly (OutputError | undefined)[] = []): ProbeReport {
  const { nodes } = pass;
  const byNode = nodes.map((n) => n.stats);
  const outputs = new Set(pass.outputNodes);
  // Any other count than one per output leaves the theory without loss rules.
  const errorAt = new Map(errors.length === pass.outputNodes.length ? pass.outputNodes.map((id, k) => [id, errors[k]]) : []);
  const theory = predictGraph(
    nodes.map((node, i): TheoryNode => {
      const t = byNode[i];
      const output = t.activation ?? t.preActivation;
      return {
        name: node.id,
        inputs: node.inputs,
        theory: node.theory,
        weightVariance: t.weights && variance(t.weights),
        weightSecondMoment: t.weights && moments(t.weights).secondMoment,
        pointwiseVariance: t.pointwiseWeights && variance(t.pointwiseWeights),
        gammaSecondMoment: t.gamma && moments(t.gamma).secondMoment,
        betaMean: t.beta && moments(t.beta).mean,
        betaSecondMoment: t.beta && moments(t.beta).secondMoment,
        measuredOutput: output && moments(output),
        measuredOutputGrad: outputs.has(node.id) && t.outputGrad ? moments(t.outputGrad).secondMoment : undefined,
        loss: errorAt.get(node.id) && outputLoss(errorAt.get(node.id)!, node),
      };
    }),
    moments(pass.inputStats),
  );

  const layers: LayerProbe[] = nodes.map((node, i) => {
    const t = byNode[i];
    const input = node.inputStats;
    const output = t.activation ?? t.preActivation;
    const predicted = theory[i];
    return {
      layer: i + 1,
      id: node.id,
      name: node.name,
      kind: node.kind,
      inputs: node.inputs,
      activation: node.activation,
      ...(node.frozen ? { frozen: true } : {}),
      tensors: t,
      forwardGain: ratio(output?.std, input?.std),
      backwardGain: ratio(t.inputGrad?.std, t.outputGrad?.std),
      theory: {
        preActivationStd: orNull(predicted.preActivationStd),
        activationStd: orNull(predicted.activationStd),
        inputGradStd: orNull(predicted.inputGradStd),
      },
    };
  });
  return { kind: 'initlab.probe', label, loss: pass.loss === null ? null : toStatNumber(pass.loss), layers };
}

/** E[x] and E[x²] = std² + mean² (from the unbiased std; the difference is negligible at probe sizes). */
function moments(stats: TensorStats): Moments {
  const std = fromStatNumber(stats.std);
  const mean = fromStatNumber(stats.mean);
  return { mean, secondMoment: std * std + mean * mean };
}

function variance(stats: TensorStats): number {
  return fromStatNumber(stats.std) ** 2;
}

function orNull(x: number | null): StatNumber | null {
  return x === null ? null : toStatNumber(x);
}

function ratio(a?: StatNumber, b?: StatNumber): StatNumber {
  if (a === undefined || b === undefined) return 'NaN';
  return toStatNumber(fromStatNumber(a) / fromStatNumber(b));
}

/** Attaches a probe to an nn model or a tf.LayersModel. Example: `display(probe(model).step(x, y))` */
export function probe(model: Probeable, options: ProbeOptions = {}): Probe {
  checkProbeArguments(model, options);
  return new Probe(model, options);
}
