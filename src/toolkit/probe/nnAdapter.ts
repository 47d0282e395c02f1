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
import { BatchNorm } from '../nn/batchNorm';
import { Conv2d, Flatten, GlobalAvgPool } from '../nn/conv';
import { Residual } from '../nn/residual';
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

const isWeighted = (module: Module): module is Linear | Conv2d => module instanceof Linear || module instanceof Conv2d;

/** A Linear or Conv2d takes the activation after it; every other module stands alone. */
function groupModules(layers: readonly Module[]): ModuleGroup[] {
  const groups: ModuleGroup[] = [];
  for (const module of layers) {
    const last = groups[groups.length - 1];
    if (last && isWeighted(last.main) && !last.activation && isActivation(module)) last.activation = module;
    else groups.push({ main: module });
  }
  return groups;
}

function theoryOf(group: ModuleGroup): NodeTheory {
  const { main, activation } = group;
  if (main instanceof Linear) return { rule: 'weighted', fanIn: main.w.shape[0], backwardFan: main.w.shape[1]!, activation: theoryFunction(activation) };
  if (main instanceof Conv2d) {
    const [kh, kw, cin, cout] = main.w.shape;
    return { rule: 'weighted', fanIn: kh * kw * cin, backwardFan: (kh * kw * cout) / main.stride ** 2, activation: theoryFunction(activation) };
  }
  if (main instanceof BatchNorm) return { rule: 'normalize' };
  if (main instanceof Flatten) return { rule: 'identity' };
  if (main instanceof GlobalAvgPool && main.inp) {
    const window = main.inp.shape[1]! * main.inp.shape[2]!;
    return { rule: 'averagePool', window, stride: window };
  }
  if (isActivation(main)) return { rule: 'activation', activation: theoryFunction(main) };
  return { rule: 'unknown' };
}

const KINDS: [new (...args: never[]) => Module, string][] = [
  [Linear, 'linear'],
  [Conv2d, 'conv2d'],
  [BatchNorm, 'batchNorm'],
  [Flatten, 'flatten'],
  [GlobalAvgPool, 'globalAvgPool'],
];

function nodeOf(group: ModuleGroup, id: string, input: string): TracedNode {
  const { main, activation } = group;
  const last = activation ?? main;
  const live = (t?: tfjs.Tensor) => (t && !t.isDisposed ? t : undefined);
  const tensors: TracedNode['tensors'] = {};
  if (isWeighted(main)) {
    Object.assign(tensors, { weights: main.w, bias: main.b, preActivation: live(main.out), activation: live(activation?.out), weightGrad: live(main.w.g), biasGrad: live(main.b.g) });
  } else if (main instanceof BatchNorm) {
    Object.assign(tensors, { gamma: main.gamma, beta: main.beta, movingMean: main.runningMean, movingVariance: main.runningVar, activation: live(main.out), gammaGrad: live(main.gamma.g), betaGrad: live(main.beta.g) });
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
    id,
    name: main.name,
    kind: KINDS.find(([cls]) => main instanceof cls)?.[1] ?? (isActivation(main) ? 'activation' : main.constructor.name.replace(/^./, (c) => c.toLowerCase())),
    inputs: [input],
    activation: activation?.name ?? (isActivation(main) ? main.name : 'none'),
    tensors,
    input: live(main.inp),
    saturation: saturationOf(activation ?? (isActivation(main) ? main : undefined)),
    theory: theoryOf(group),
  };
}

/**
 * Nodes for a chain of modules read from `input`, numbered on from `next`; a Residual becomes
 * its body's nodes, its shortcut's, and an `add` node that reads both.
 */
function chainNodes(layers: readonly Module[], input: string, next: { n: number }): TracedNode[] {
  const nodes: TracedNode[] = [];
  let from = input;
  for (const group of groupModules(layers)) {
    const { main } = group;
    if (main instanceof Residual) {
      const body = chainNodes(main.body, from, next);
      const shortcut = main.shortcut ? chainNodes([main.shortcut], from, next) : [];
      nodes.push(...body, ...shortcut);
      const id = `layer${next.n++}`;
      const live = (t?: tfjs.Tensor) => (t && !t.isDisposed ? t : undefined);
      nodes.push({
        id,
        name: 'add',
        kind: 'add',
        inputs: [body[body.length - 1].id, shortcut.length ? shortcut[shortcut.length - 1].id : from],
        activation: 'none',
        tensors: { activation: live(main.out), outputGrad: live(main.out?.g) },
        input: live(main.inp),
        theory: { rule: 'sum' },
      });
      from = id;
      continue;
    }
    const node = nodeOf(group, `layer${next.n++}`, from);
    nodes.push(node);
    from = node.id;
  }
  return nodes;
}

/** The nodes of the model's last pass, read from its modules. */
export function nnNodes(model: Sequential): TracedNode[] {
  if (model.layers.length === 0) throw new Error('probe: the model has no layers');
  return chainNodes(model.layers, INPUT_NODE, { n: 1 });
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
  return { nodes, input: first.inp, outputNodes: [nodes[nodes.length - 1].id], loss: lossTensor && !lossTensor.isDisposed ? lossTensor : null };
}
