/**
 * InitLab's own `nn` models as a graph of nodes (graph.ts). Their hand-written backward leaves
 * every tensor on the modules (`inp`, `out`, `.g`), so tracing is running the pass and reading
 * the modules. A Linear and the activation module right after it make one node, as the lessons
 * count layers: a 784-100-100-100-1 MLP has 4. Any other module is a node of its own, showing
 * its output, its gradients and its parameters; one the theory has no rule for says "no
 * prediction".
 */
import type * as tfjs from '@tensorflow/tfjs';
import { Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh } from '../nn/layers';
import type { Model, Sequential } from '../nn/model';
import type { Module } from '../nn/module';
import { INPUT_NODE, type NodeTheory, type TracedNode, type TracedPass } from './graph';
import type { SaturationKind } from './tensorStats';
import { activationFunctions, type ActivationFunction } from './theory';

function isActivation(module: Module): boolean {
  return module instanceof ReLU || module instanceof LeakyReLU || module instanceof Sigmoid || module instanceof Tanh || module instanceof Identity;
}

export function saturationOf(module?: Module): SaturationKind | undefined {
  if (module instanceof Sigmoid) return 'sigmoid';
  if (module instanceof Tanh) return 'tanh';
  return undefined;
}

export function theoryFunction(module?: Module): ActivationFunction {
  if (module instanceof ReLU) return activationFunctions.relu(module.shift);
  if (module instanceof LeakyReLU) return activationFunctions.leakyRelu(module.slope);
  if (module instanceof Sigmoid) return activationFunctions.sigmoid;
  if (module instanceof Tanh) return activationFunctions.tanh;
  return activationFunctions.identity;
}

interface ModuleGroup {
  main: Module;
  activation?: Module;
}

/** A Linear takes the activation after it; every other module stands alone. */
function groupModules(layers: readonly Module[]): ModuleGroup[] {
  const groups: ModuleGroup[] = [];
  for (const module of layers) {
    const last = groups[groups.length - 1];
    if (last && last.main instanceof Linear && !last.activation && isActivation(module)) last.activation = module;
    else groups.push({ main: module });
  }
  return groups;
}

function theoryOf(group: ModuleGroup): NodeTheory {
  const { main, activation } = group;
  if (main instanceof Linear) return { rule: 'weighted', fanIn: main.w.shape[0], backwardFan: main.w.shape[1]!, activation: theoryFunction(activation) };
  if (isActivation(main)) return { rule: 'activation', activation: theoryFunction(main) };
  return { rule: 'unknown' };
}

function nodeOf(group: ModuleGroup, index: number, input: string): TracedNode {
  const { main, activation } = group;
  const last = activation ?? main;
  const live = (t?: tfjs.Tensor) => (t && !t.isDisposed ? t : undefined);
  const tensors: TracedNode['tensors'] = {};
  if (main instanceof Linear) {
    Object.assign(tensors, { weights: main.w, bias: main.b, preActivation: live(main.out), activation: live(activation?.out), weightGrad: live(main.w.g), biasGrad: live(main.b.g) });
  } else if (isActivation(main)) {
    Object.assign(tensors, { preActivation: live(main.inp), activation: live(main.out) });
  } else {
    tensors.activation = live(main.out);
    main.parameters().forEach((p, k) => {
      if (k === 0) Object.assign(tensors, { weights: p, weightGrad: live(p.g) });
      else if (k === 1) Object.assign(tensors, { bias: p, biasGrad: live(p.g) });
    });
  }
  tensors.outputGrad = live(last.out?.g);
  tensors.inputGrad = live(main.inp?.g);
  return {
    id: `layer${index + 1}`,
    name: main.name,
    kind: main instanceof Linear ? 'linear' : isActivation(main) ? 'activation' : main.constructor.name.replace(/^./, (c) => c.toLowerCase()),
    inputs: [input],
    activation: activation?.name ?? (isActivation(main) ? main.name : 'none'),
    tensors,
    input: live(main.inp),
    saturation: saturationOf(activation ?? (isActivation(main) ? main : undefined)),
    theory: theoryOf(group),
  };
}

/** The nodes of the model's last pass, read from its modules. */
export function nnNodes(model: Sequential): TracedNode[] {
  const groups = groupModules(model.layers);
  if (groups.length === 0) throw new Error('probe: the model has no layers');
  return groups.map((group, i) => nodeOf(group, i, i === 0 ? INPUT_NODE : `layer${i}`));
}

/** Runs forward and backward on an nn Model and reads the pass. */
export function traceNnModel(model: Model, x: tfjs.Tensor, y: tfjs.Tensor, dataGrad: boolean): TracedPass {
  model.forward(x, y);
  model.backward({ dataGrad });
  return nnPass(model);
}

/** The pass the model last ran (its tensors belong to the modules and stay). */
export function nnPass(model: Sequential): TracedPass {
  const nodes = nnNodes(model);
  const first = model.layers[0];
  if (!first.inp || !first.out) throw new Error('probe: run a forward pass first (model.forward(x, y))');
  const lossTensor = (model as Model).loss?.out;
  return { nodes, input: first.inp, outputNodes: [nodes[nodes.length - 1].id], loss: lossTensor && !lossTensor.isDisposed ? lossTensor : null, release: () => {} };
}
