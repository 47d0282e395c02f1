/**
 * How the probe reads a TensorFlow.js `tf.LayersModel`, sequential or functional: its layers as
 * steps in the order of the model's graph, each with the tensors it reads and writes. The
 * tracer (layersAdapter.ts) runs these steps; the theory (layersTheory.ts) reads their configs.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { INPUT_NODE } from './graph';

type Layer = tfjs.layers.Layer;
type SymbolicTensor = tfjs.SymbolicTensor;

/** The parts of tfjs-layers' graph that it keeps public in JavaScript but not in its typings. */
interface GraphNode {
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
}
export interface Container {
  layers: Layer[];
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  containerNodes: Set<string>;
  lossFunctions?: ((yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor)[];
}
export type LayerInternals = Layer & { inboundNodes: GraphNode[]; activation?: { getClassName(): string; apply(t: tfjs.Tensor): tfjs.Tensor } };

export interface Step {
  id: string;
  layer: LayerInternals;
  kind: string;
  inputIds: number[];
  outputId: number;
  /** The weights a backward differentiates: none for a frozen layer (`trainable: false`, or inside a frozen model). */
  trainableWeights: tfjs.LayerVariable[];
  /** The layer has weights and training leaves them as they are. */
  frozen: boolean;
}

/** A layer variable's own name, without its layer's prefix or tfjs's numbering: 'kernel', 'bias', 'moving_mean'. */
export function shortName(variable: tfjs.LayerVariable): string {
  return variable.name.split('/').pop()!.replace(/_\d+$/, '');
}

export function isLayersModel(model: unknown): model is tfjs.LayersModel {
  return model instanceof tf.LayersModel;
}

/** 'BatchNormalization' → 'batchNormalization', 'Conv2D' → 'conv2d', 'MaxPooling2D' → 'maxPooling2d'. */
export function kindOf(layer: Layer): string {
  const name = layer.getClassName().replace(/(\d)D(?=[A-Z]|$)/g, '$1d');
  return name === name.toUpperCase() ? name.toLowerCase() : name.replace(/^[A-Z]+(?=[A-Z][a-z]|\d|$)|^[A-Z]/, (c) => c.toLowerCase());
}

/** The functional graph inside a model: a Sequential keeps one as `.model`. `fn` names the caller in errors. */
function containerOf(model: tfjs.LayersModel, fn: string): Container {
  // A Sequential makes its graph on its first compile, fit or predict; build it now if it can be.
  const sequential = model as unknown as { model?: Container; inputs?: unknown[]; build(): void };
  if (model instanceof tf.Sequential && !sequential.model && sequential.inputs?.length) sequential.build();
  const inner = model instanceof tf.Sequential ? (model as unknown as { model?: Container }).model : (model as unknown as Container);
  if (!inner || !inner.layers) throw new Error(`${fn}: the model is not built yet; give its first layer an inputShape (or call model.build(shape))`);
  return inner;
}

/** The steps of a model's graph, every nested model opened into its own layers. */
export interface ModelSteps {
  steps: Step[];
  /** Which node writes each tensor: a step's id, or the input's name (INPUT_NODE for the first). */
  producer: Map<number, string>;
  container: Container;
  /** The model's inputs and outputs, in order. */
  inputIds: number[];
  outputIds: number[];
}

/**
 * The model's layers as steps in the graph's order (a layer shared by two calls gives two
 * steps). A model used as a layer inside another (a transfer-learning base, Teachable Machine's
 * truncated MobileNet, a head) is opened into its own layers, named by path (`head/dense_1`):
 * its layers run and are measured one by one like the outer model's. A layer inside a model
 * whose `trainable` is false is frozen whatever its own flag says, as tf.layers trains it.
 */
export function stepsOf(model: tfjs.LayersModel, fn = 'probe'): ModelSteps {
  const container = containerOf(model, fn);
  const inputIds = container.inputs.map((t) => t.id);
  const outputIds = container.outputs.map((t) => t.id);
  const producer = new Map<number, string>(container.inputs.map((t, k) => [t.id, k === 0 ? INPUT_NODE : `input:${t.name}`]));
  const steps: Step[] = [];
  // A Sequential whose first layer is a model takes that model's graph in as its own: its layers
  // then sit in the Sequential's graph directly, and its build() even marks their variables
  // trainable again. They are still named by the model they came from, and frozen with it, as
  // the Sequential's own trainableWeights (which walks its layer list) leaves them out.
  const absorbed = new Map<Layer, { prefix: string; trainable: boolean }>();
  if (model instanceof tf.Sequential) {
    for (const layer of model.layers) {
      if (!(layer instanceof tf.LayersModel) || container.layers.includes(layer)) continue;
      for (const inner of containerOf(layer, fn).layers) absorbed.set(inner, { prefix: `${layer.name}/`, trainable: layer.trainable });
    }
  }
  let fresh = -1;
  const open = (inner: Container, prefix: string, trainable: boolean, rename: (id: number) => number) => {
    for (const layer of inner.layers as LayerInternals[]) {
      if (layer.getClassName() === 'InputLayer') continue;
      const nodes = layer.inboundNodes.filter((_, k) => inner.containerNodes.has(`${layer.name}_ib-${k}`));
      nodes.forEach((node, k) => {
        const from = absorbed.get(layer);
        const id = `${prefix || (from?.prefix ?? '')}${nodes.length === 1 ? layer.name : `${layer.name}:${k}`}`;
        const inputs = node.inputTensors.map((t) => rename(t.id));
        if (node.outputTensors.length !== 1) throw new Error(`${fn}: layer "${id}" (${layer.getClassName()}) gives ${node.outputTensors.length} outputs; ${fn} reads layers with one output (an RNN with returnState does not fit)`);
        const output = rename(node.outputTensors[0].id);
        const layerTrainable = trainable && layer.trainable && (from?.trainable ?? true);
        if (layer instanceof tf.LayersModel) {
          const nested = containerOf(layer, fn);
          if (nested.inputs.length !== inputs.length) throw new Error(`${fn}: nested model "${id}" takes ${nested.inputs.length} inputs but is called on ${inputs.length}`);
          // Inside this call, the nested model's inputs are the tensors it was called on and its
          // output is the call's output; its other tensors get ids of their own for this call.
          const ids = new Map<number, number>(nested.inputs.map((t, j) => [t.id, inputs[j]]));
          ids.set(nested.outputs[0].id, output);
          open(nested, `${id}/`, layerTrainable, (inner) => ids.get(inner) ?? ids.set(inner, fresh--).get(inner)!);
          return;
        }
        // A frozen container marks its layers' variables, not the layers: trainableWeights reads both.
        const trainableWeights = layerTrainable ? layer.trainableWeights : [];
        steps.push({ id, layer, kind: kindOf(layer), inputIds: inputs, outputId: output, trainableWeights, frozen: layer.weights.length > 0 && trainableWeights.length === 0 });
        producer.set(output, id);
      });
    }
  };
  open(container, '', model.trainable, (id) => id);
  return { steps, producer, container, inputIds, outputIds };
}
