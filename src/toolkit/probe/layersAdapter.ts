/**
 * A TensorFlow.js `tf.LayersModel`, sequential or functional, as a graph of nodes (graph.ts),
 * measured through one forward and backward pass.
 *
 * The forward runs the model's own layers one by one on real tensors, in the order of the
 * model's graph (layersGraph.ts), so every layer's output is at hand, and a layer that carries
 * an activation (`dense`, `conv2d`, ...) is run without it first, so its pre-activation and
 * activation show apart. The backward walks the layers in reverse, each one's gradients by
 * TensorFlow.js autodiff of that layer seeded with the gradient of its output (layerGradient.ts):
 * by the chain rule, the gradients are `tf.grads`' of the same loss, and each layer's output
 * gradient is at hand, the one thing Keras and TF.js offer no hook for (PyTorch's full-backward
 * hooks do it by hand). The loss is the model's compiled one, or the one given (layersLoss.ts).
 *
 * Each tensor is measured as soon as it exists and freed once nothing later needs it, so the
 * pass holds the forward activations and little else: a 10,000-image CNN fits in the WASM
 * engine's 4 GiB.
 *
 * Modes, as a probe of a network at its initialization should see it: dropout is off (as in
 * inference), BatchNorm normalizes with the batch's statistics (as in training: at
 * initialization its moving statistics are 0 and 1, which would hide what BatchNorm does), and
 * its moving statistics are put back afterwards, so probing never changes the model.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { INPUT_NODE, type MeasuredNode, type MeasuredPass, type TensorKind } from './graph';
import { batchNormForward } from './batchNormForward';
import { layerGradients } from './layerGradient';
import { planPassMemory, type PassSizes } from './passMemory';
import { shortName, stepsOf, type LayerInternals, type Step } from './layersGraph';
import { lossFunctions, type LossSpec } from './layersLoss';
import { CARRIES_ACTIVATION, ownActivation, ownActivationOfActivationLayer, saturationOf, theoryOf } from './layersTheory';
import { tensorStats, type StatsRequest, type TensorStats } from './tensorStats';

export { isLayersModel, kindOf, stepsOf } from './layersGraph';
export type { LossFunction, LossSpec } from './layersLoss';

type Tensor = tfjs.Tensor;

/** Which TensorKind a layer variable shows as, and its gradient's. */
const WEIGHT_KINDS: Record<string, [TensorKind, TensorKind | undefined]> = {
  kernel: ['weights', 'weightGrad'],
  depthwise_kernel: ['weights', 'weightGrad'],
  embeddings: ['weights', 'weightGrad'],
  recurrent_kernel: ['recurrentWeights', 'recurrentGrad'],
  pointwise_kernel: ['pointwiseWeights', 'pointwiseGrad'],
  bias: ['bias', 'biasGrad'],
  gamma: ['gamma', 'gammaGrad'],
  beta: ['beta', 'betaGrad'],
  moving_mean: ['movingMean', undefined],
  moving_variance: ['movingVariance', undefined],
};

export interface LayersTraceOptions {
  loss?: LossSpec;
  /** Whether to take the gradient with respect to the data (layer 1's input gradient). */
  dataGrad: boolean;
  bins: number;
  /** The most input bytes one slice of a layer's backward works on (layerGradient.ts). */
  sliceBytes?: number;
  /** Outputs of at least this many bytes wait outside the engine's heap between forward and backward. */
  offloadBytes?: number;
  /** Counts each activation's dead units (TensorStats.deadUnitFraction). */
  deadUnits?: boolean;
  progress?: ProbeProgress;
}

/** Told of each layer as the pass reaches it: its number (1-based), how many there are, its name, and the phase. */
export type ProbeProgress = (layer: number, layers: number, name: string, phase: 'forward' | 'backward') => void;

/** 16 MB: smaller outputs stay in the engine's heap (a copy out and back costs more than it saves). */
const DEFAULT_OFFLOAD_BYTES = 16 * 1024 * 1024;

/** 64 MB: a convolution's backward makes about four temporaries of its input's size per slice. */
const DEFAULT_SLICE_BYTES = 64 * 1024 * 1024;

/**
 * One forward and backward pass of a tf.LayersModel, every layer's tensors measured on the way.
 * `x` and `y` are arrays for a model with several inputs or outputs, in the model's order.
 */
export function traceLayersModel(model: tfjs.LayersModel, x: Tensor | Tensor[], y: Tensor | Tensor[], options: LayersTraceOptions): MeasuredPass {
  const { inputIds, outputIds } = stepsOf(model);
  const xs = Array.isArray(x) ? x : [x];
  const ys = Array.isArray(y) ? y : [y];
  if (xs.length !== inputIds.length) throw new RangeError(`probe.step: the model has ${inputIds.length} inputs, so x must be ${inputIds.length === 1 ? 'one tensor' : `an array of ${inputIds.length} tensors`}; got ${xs.length}`);
  if (ys.length !== outputIds.length) throw new RangeError(`probe.step: the model has ${outputIds.length} outputs, so y must be ${outputIds.length === 1 ? 'one tensor' : `an array of ${outputIds.length} tensors`}; got ${ys.length}`);
  const sizes = placeEnginePins(model, xs, ys, options);
  // Outputs stay in the heap when the whole pass fits that way; the pass is refused before it starts when it cannot fit at all (passMemory.ts).
  const plan = sizes && planPassMemory(sizes, xs[0].shape[0]!, options.offloadBytes ?? DEFAULT_OFFLOAD_BYTES);
  const offloadBytes = options.offloadBytes ?? (plan && !plan.copyOut ? Infinity : DEFAULT_OFFLOAD_BYTES);
  return tracePass(model, xs, ys, { ...options, offloadBytes });
}

/** From this many examples on, a pass first runs on one example (placeEnginePins). */
const PLACEMENT_MIN_EXAMPLES = 16;

/**
 * Runs the pass once on one example, untimed and unmeasured by anyone, before the real one.
 *
 * Why: the WASM engine keeps some small allocations for good the first time it meets an op or a
 * weight: XNNPACK's operator for each convolution and matrix product, with its packed weights
 * and indirection buffer, and tfjs-backend-wasm's cache entries for them. Its allocator
 * (emmalloc) carves each from the first free region of the smallest fitting size class, which in
 * the middle of a pass is a hole between activations. When the pass ends those pins stay, and
 * they cut the free heap into pieces: after one 10,000-image CNN probe the 4 GiB heap had 2.3 GB
 * free but no 502 MB in one piece, and the second probe failed (with tfjs's unchecked malloc it
 * stalled instead). Run on one example first, in slices and with every output copied out, as
 * the real pass may, the pins are made while the heap holds only what outlives the pass, so they
 * sit below the space the pass then takes, and that space is one piece again when it ends. The
 * first 10,000-image probe's heap also grew to 2.6 GB instead of 3.7 GB.
 */
function placeEnginePins(model: tfjs.LayersModel, xs: Tensor[], ys: Tensor[], options: LayersTraceOptions): PassSizes | undefined {
  const examples = xs[0].shape[0] ?? 0;
  if (tf.getBackend() !== 'wasm' || examples < PLACEMENT_MIN_EXAMPLES || ![...xs, ...ys].every((t) => t.rank > 0 && t.shape[0] === examples)) return undefined;
  const first = (t: Tensor) => tf.slice(t, 0, 1);
  const one = { xs: xs.map(first), ys: ys.map(first) };
  // Its tensors' sizes, per example (it has one), for the memory plan.
  const sizes: PassSizes = { outputs: [], largest: Math.max(...one.xs.map((t) => 4 * t.size)), data: [...one.xs, ...one.ys].reduce((sum, t) => sum + 4 * t.size, 0) };
  try {
    tracePass(model, one.xs, one.ys, { ...options, progress: undefined, sliceBytes: 1, offloadBytes: 1 }, (bytes) => {
      sizes.outputs.push(bytes);
      sizes.largest = Math.max(sizes.largest, bytes);
    });
  } finally {
    tf.dispose([...one.xs, ...one.ys]);
  }
  return sizes;
}

/** The pass itself; `record` is told each step's output bytes as the forward makes them. */
function tracePass(model: tfjs.LayersModel, xs: Tensor[], ys: Tensor[], options: LayersTraceOptions, record?: (outputBytes: number) => void): MeasuredPass {
  const { steps, producer, container, inputIds, outputIds } = stepsOf(model);
  const losses = lossFunctions(container, options.loss);
  const measure = (tensor: Tensor, request: Omit<StatsRequest, 'tensor'> = {}): TensorStats => tensorStats([{ tensor, ...request }], options.bins)[0];
  const inputId = inputIds[0];
  // Forward outputs and accumulated gradients, by the symbolic tensor they stand for.
  const values = new Map<number, Tensor>(inputIds.map((id, k) => [id, xs[k]]));
  const grads = new Map<number, Tensor>();
  const free = (map: Map<number, Tensor>, id: number) => release(map, id, xs);
  const readers = readerCounts(steps);
  // Integer inputs (an Embedding's token ids) have no gradient, as in PyTorch, where only
  // floating-point tensors can require grad.
  const flows = gradientFlow(steps, options.dataGrad && xs[0].dtype === 'float32' ? [inputId] : []);
  // When the whole pass would not fit in the heap otherwise (passMemory.ts), a large output is
  // copied out of the engine's heap once the forward has passed it, and back when a backward
  // needs it: the heap then holds a few layers' tensors, not the whole forward.
  const offloaded = new Map<number, { data: tfjs.TypedArray; shape: number[]; dtype: tfjs.DataType }>();
  const valueOf = (id: number): Tensor => {
    const kept = values.get(id);
    if (kept) return kept;
    const { data, shape, dtype } = offloaded.get(id)!;
    offloaded.delete(id);
    const back = tf.tensor(data, shape, dtype);
    values.set(id, back);
    return back;
  };
  const offloadBytes = options.offloadBytes ?? DEFAULT_OFFLOAD_BYTES;
  return keepingMovingStatistics(steps, () => {
    try {
      const forwardReaders = new Map(readers);
      const nodes = steps.map((step, i) => {
        options.progress?.(i + 1, steps.length, step.id, 'forward');
        const node = atLayer(step, 'forward', () => forwardStep(step, values, producer, measure, options.deadUnits === true));
        record?.(4 * values.get(step.outputId)!.size);
        for (const id of new Set(step.inputIds)) {
          const left = forwardReaders.get(id)! - 1;
          forwardReaders.set(id, left);
          const t = values.get(id)!;
          if (left > 0 || outputIds.includes(id) || inputIds.includes(id) || t.size * 4 < offloadBytes) continue;
          offloaded.set(id, { data: t.dataSync(), shape: t.shape, dtype: t.dtype });
          free(values, id);
        }
        return node;
      });
      // The model's loss, as tf.layers sums it over the outputs (it has no loss weights).
      const outputs = outputIds.map((id) => values.get(id)!);
      const { value, grads: dOutputs } = tf.engine().gradients(() => tf.addN(outputs.map((out, k) => tf.mean(losses[k](ys[k], out)))) as tfjs.Scalar, outputs);
      dOutputs.forEach((g, k) => grads.set(outputIds[k], g));
      const lossValue = value.dataSync()[0];
      value.dispose();

      for (let i = steps.length - 1; i >= 0; i--) {
        const step = steps[i];
        const dy = grads.get(step.outputId);
        if (dy) options.progress?.(i + 1, steps.length, step.id, 'backward');
        if (dy) atLayer(step, 'backward', () => backwardStep(step, nodes[i], dy, step.inputIds.map(valueOf), grads, { flows, sliceBytes: options.sliceBytes ?? DEFAULT_SLICE_BYTES, measure }));
        free(grads, step.outputId);
        free(values, step.outputId);
        // An input whose every reader is done is needed no more: free it now, not at its own layer.
        for (const id of new Set(step.inputIds)) if (readers.set(id, readers.get(id)! - 1).get(id) === 0) free(values, id);
      }
      const dataGrad = grads.get(inputId);
      const dataGradStats = dataGrad && measure(dataGrad);
      const byId = new Map(nodes.map((n) => [n.id, n]));
      for (const node of nodes) {
        if (node.inputs.length !== 1) continue;
        const inputGrad = node.inputs[0] === INPUT_NODE ? dataGradStats : byId.get(node.inputs[0])?.stats.outputGrad;
        if (inputGrad) node.stats.inputGrad = inputGrad;
      }
      return { nodes, inputStats: measure(xs[0], { momentsOnly: true }), outputNodes: outputIds.map((id) => producer.get(id)!), loss: lossValue };
    } finally {
      for (const id of [...grads.keys()]) free(grads, id);
      for (const id of [...values.keys()]) free(values, id);
    }
  });
}

/**
 * Runs one layer's part of the pass; an error from inside TensorFlow.js gets the layer's name and
 * kind in front ("probe: layer "bn_1" (BatchNormalization), backward: ..."), its own class kept
 * (an engine out-of-memory error stays one).
 */
function atLayer<T>(step: Step, phase: 'forward' | 'backward', run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof Error && !err.message.startsWith('probe: layer ')) err.message = `probe: layer "${step.id}" (${step.layer.getClassName()}), ${phase}: ${err.message}`;
    throw err;
  }
}

/** How many steps read each symbolic tensor (a step reading one twice counts once): it is freed once the last is done. */
export function readerCounts(steps: readonly Step[]): Map<number, number> {
  const readers = new Map<number, number>();
  for (const step of steps) for (const id of new Set(step.inputIds)) readers.set(id, (readers.get(id) ?? 0) + 1);
  return readers;
}

/**
 * Takes `id`'s tensor out of `held` and frees it, unless it is one of the pass's inputs or another
 * entry still holds it: a layer may hand back its input as is (dropout when off).
 */
export function release(held: Map<number, Tensor>, id: number, inputs: Tensor | readonly Tensor[]): void {
  const t = held.get(id);
  held.delete(id);
  const kept = Array.isArray(inputs) ? inputs : [inputs];
  if (t && !kept.includes(t) && ![...held.values()].includes(t)) t.dispose();
}

/**
 * The tensors whose gradient the backward needs: those computed from a trainable weight, or
 * from an input that asks for its gradient. Below a frozen base, or below weightless first
 * layers (Flatten, ZeroPadding2D), nothing is differentiated, as autograd does with tensors
 * that do not require grad: a Teachable Machine model's backward runs through its head only.
 */
export function gradientFlow(steps: readonly Step[], gradInputs: readonly number[]): Set<number> {
  const flows = new Set(gradInputs);
  for (const step of steps) if (step.trainableWeights.length > 0 || step.inputIds.some((id) => flows.has(id))) flows.add(step.outputId);
  return flows;
}

/**
 * Runs `pass` and puts every BatchNorm's moving statistics back after it: layers run one by one
 * normalize with the batch's statistics (runLayer), which moves them, and a probe or LSUV must
 * leave the model as it was.
 */
export function keepingMovingStatistics<T>(steps: readonly Step[], pass: () => T): T {
  const normalizers = steps.filter((s) => s.kind === 'batchNormalization').flatMap((s) => s.layer.nonTrainableWeights);
  const saved = normalizers.map((v) => tf.clone(v.read()));
  try {
    return pass();
  } finally {
    normalizers.forEach((v, i) => v.write(saved[i]));
    tf.dispose(saved);
  }
}

type Measure = (tensor: Tensor, request?: Omit<StatsRequest, 'tensor'>) => TensorStats;

/** Runs one layer forward, keeps its output for the layers after it, and measures its weights and outputs. */
function forwardStep(step: Step, values: Map<number, Tensor>, producer: Map<number, string>, measure: Measure, deadUnits: boolean): MeasuredNode {
  const inputs = step.inputIds.map((id) => values.get(id)!);
  const stats: MeasuredNode['stats'] = {};
  const weightShapes: Partial<Record<string, number[]>> = {};
  for (const w of step.layer.weights) weightShapes[shortName(w)] ??= w.shape as number[];
  measureByKind(step.layer.weights.map((w) => w.read()), step.layer.weights, 0, measure, stats);
  const { pre, out } = tf.tidy(() => runLayer(step, inputs));
  values.set(step.outputId, out);
  const activation = step.kind === 'activation' ? ownActivationOfActivationLayer(step.layer) : ownActivation(step);
  const saturation = saturationOf(activation);
  if (pre) {
    stats.preActivation = measure(pre, { saturation });
    pre.dispose();
    stats.activation = measure(out, { deadUnits });
  } else if (CARRIES_ACTIVATION.has(step.kind)) {
    stats.preActivation = measure(out, { saturation, deadUnits });
  } else if (['activation', 'reLU', 'leakyReLU'].includes(step.kind)) {
    stats.preActivation = measure(inputs[0], { saturation });
    stats.activation = measure(out, { deadUnits });
  } else {
    stats.activation = measure(out, { deadUnits });
  }
  // Saturation is a property of the pre-activation; show it on the activation too.
  if (stats.activation && stats.preActivation) stats.activation = { ...stats.activation, saturatedFraction: stats.preActivation.saturatedFraction };
  return {
    id: step.id,
    name: step.id,
    ...(step.frozen ? { frozen: true } : {}),
    kind: step.kind,
    inputs: step.inputIds.map((id) => producer.get(id)!),
    activation: activation === 'linear' ? 'none' : activation,
    stats,
    inputStats: measure(inputs[0], { momentsOnly: true }),
    saturation,
    theory: theoryOf(step, weightShapes, inputs.map((t) => t.shape as number[])),
  };
}

/**
 * The layer on its inputs; a layer with its own activation runs without it first, so both show
 * (init.lsuv reads the first). BatchNorm normalizes with the batch's statistics, by its formula
 * where the SIMD passes can (batchNormForward.ts).
 */
export function runLayer(step: Step, inputs: Tensor[]): { pre?: Tensor; out: Tensor } {
  const arg = inputs.length === 1 ? inputs[0] : inputs;
  const training = step.kind === 'batchNormalization';
  const normalized = training && inputs.length === 1 ? batchNormForward(step, inputs[0]) : undefined;
  if (normalized) return { out: normalized };
  const activation = step.layer.activation;
  if (ownActivation(step) === 'linear' || !activation) return { out: step.layer.apply(arg, { training }) as Tensor };
  step.layer.activation = linearActivation();
  let pre: Tensor;
  try {
    pre = step.layer.apply(arg, { training }) as Tensor;
  } finally {
    step.layer.activation = activation;
  }
  return { pre, out: activation.apply(pre) };
}

/**
 * Measures each variable of a layer as the TensorKind its name says (`which` 0: the weight, 1: its
 * gradient). A layer with two variables of one kind (Bidirectional's forward and backward
 * kernels) shows them as one: the statistics of all their values together.
 */
function measureByKind(tensors: Tensor[], variables: readonly tfjs.LayerVariable[], which: 0 | 1, measure: Measure, stats: MeasuredNode['stats']): void {
  const byKind = new Map<TensorKind, Tensor[]>();
  variables.forEach((v, k) => {
    const kind = WEIGHT_KINDS[shortName(v)]?.[which];
    if (kind) byKind.set(kind, [...(byKind.get(kind) ?? []), tensors[k]]);
  });
  for (const [kind, parts] of byKind) {
    if (parts.length === 1) stats[kind] = measure(parts[0]);
    else {
      const all = tf.tidy(() => tf.concat(parts.map((t) => tf.reshape(t, [-1]))));
      stats[kind] = measure(all);
      all.dispose();
    }
  }
}

interface BackwardContext {
  /** The tensors whose gradient is needed (gradientFlow). */
  flows: Set<number>;
  sliceBytes: number;
  measure: Measure;
}

/** One layer's backward: measures its output and weight gradients, and passes the input gradients on. */
function backwardStep(step: Step, node: MeasuredNode, dy: Tensor, inputs: Tensor[], grads: Map<number, Tensor>, context: BackwardContext): void {
  node.stats.outputGrad = context.measure(dy);
  const wanted = step.inputIds.map((id) => context.flows.has(id));
  if (!wanted.includes(true) && step.trainableWeights.length === 0) return;
  const g = layerGradients(step, inputs, dy, wanted, context.sliceBytes);
  measureByKind(g.weights, step.trainableWeights, 1, context.measure, node.stats);
  tf.dispose(g.weights);
  g.inputs.forEach((dx, k) => {
    if (!dx) return;
    const id = step.inputIds[k];
    const earlier = grads.get(id);
    grads.set(id, earlier ? tf.add(earlier, dx) : dx);
    if (earlier) tf.dispose([earlier, dx]);
  });
}

let linear: LayerInternals['activation'];
/** tf.layers' linear activation, borrowed from an Activation layer: the library exports no constructor for it. */
function linearActivation(): NonNullable<LayerInternals['activation']> {
  linear ??= (tf.layers.activation({ activation: 'linear' }) as LayerInternals).activation!;
  return linear!;
}
