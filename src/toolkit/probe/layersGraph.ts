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

/** The model's layers as steps in the graph's order (a layer shared by two calls gives two steps). */
export function stepsOf(model: tfjs.LayersModel, fn = 'probe'): { steps: Step[]; producer: Map<number, string>; container: Container } {
  const container = containerOf(model, fn);
  if (container.inputs.length !== 1 || container.outputs.length !== 1) {
    throw new Error(`${fn}: the model has ${container.inputs.length} inputs and ${container.outputs.length} outputs; ${fn} reads models with one input and one output`);
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
