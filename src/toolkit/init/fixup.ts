/**
 * Fixup (Zhang, Dauphin and Ma, ICLR 2019, "Fixup Initialization: Residual Learning Without
 * Normalization"), in place, on a residual network drawn with a standard initialization:
 *
 *   1. the classification layer (the last weight layer) and the last weight layer of each
 *      residual branch: zero (weights and bias);
 *   2. every other layer keeps its standard (He) draw, and the weight layers inside residual
 *      branches are scaled by L^(−1/(2m−2)), L the number of branches, m the weight layers in
 *      the branch (a branch of one layer has only its zeroed one);
 *   3. the paper adds a scalar multiplier (1) in every branch and scalar biases (0) before each
 *      weight layer and activation. They are identities at initialization, so the network's
 *      function at the start is the paper's without them; they matter to training only, as
 *      extra parameters. InitLab's nn modules and tf.layers have no such layer, and InitLab
 *      does not add layers to a model (a copy keeps the model's layers, so that the probe and
 *      the comparison see the user's architecture): they are left out, and the report says so.
 *
 * At initialization every branch then outputs zero, so the network is its shortcuts: the output
 * scale no longer grows with depth (with He draws it doubles per block), and the L^(−1/(2m−2))
 * scaling keeps the change of the function after an SGD step about the same at any depth. A
 * model without residual branches is refused: Fixup does not apply.
 *
 * BatchNorm layers, which Fixup exists to remove, are kept: inside a branch they renormalize
 * what the scaling shrank (a zero branch stays zero).
 * Example: `const net = nn.cnn({ ..., residual: true }); init.fixup(net)`, or `nn.reinit(net, 'fixup')`
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { argumentError, checkArgumentCount } from '../args';
import { Model } from '../nn/model';
import { Linear } from '../nn/layers';
import type { Conv2d } from '../nn/conv';
import { isLayersModel, shortName, type Step } from '../probe/layersGraph';
import { layersResidualStructure, nnResidualStructure, type ResidualStructure } from './residualBranches';

export interface FixupBranchReport {
  /** The branch's weight layers, in forward order. */
  layers: string[];
  /** The factor L^(−1/(2m−2)) its other layers took (1 for a branch of one layer). */
  scale: number;
}

export interface FixupReport {
  /** L: the residual branches found. */
  branches: FixupBranchReport[];
  /** Set to zero: the classification layer and each branch's last layer. */
  zeroed: string[];
  /** What of the paper's recipe the model has no place for. */
  notAdded: string;
}

const KERNELS = ['kernel', 'depthwise_kernel', 'pointwise_kernel'];

const NOT_ADDED =
  "Fixup's scalar multipliers (1) and biases (0) are not added: they are identities at initialization, and InitLab keeps the model's own layers.";

export function fixup(model: Model | tfjs.LayersModel): FixupReport;
export function fixup(model: unknown, ...extra: unknown[]): FixupReport {
  const fn = 'init.fixup';
  checkArgumentCount(fn, [model, ...extra], 1);
  if (isLayersModel(model)) return fixupLayers(fn, model);
  if (model instanceof Model) return fixupNn(fn, model);
  throw argumentError(fn, 'model', 'a residual network: an nn.Model with nn.Residual blocks, or a tf.LayersModel whose graph adds a branch of weight layers to a shortcut', model);
}

function noBranches(fn: string): TypeError {
  return new TypeError(
    `${fn}: Fixup applies to residual networks, and this model has no residual branch (an nn.Residual block, or in a tf.layers model an Add merge with weight layers on one side). For a plain network use a variance-preserving scheme such as 'kaimingNormal', or 'deltaOrthogonal' or 'zerO'.`,
  );
}

/** Which layer is zeroed and which scaled by what, from the structure. */
function plan<L>(structure: ResidualStructure<L>): { zero: Set<L>; scale: Map<L, number>; branchScales: number[] } {
  const count = structure.branches.length;
  const zero = new Set<L>([structure.all[structure.all.length - 1]]);
  const scale = new Map<L, number>();
  const branchScales = structure.branches.map((branch) => {
    const m = branch.length;
    const factor = m > 1 ? count ** (-1 / (2 * m - 2)) : 1;
    branch.forEach((layer, k) => (k === m - 1 ? zero.add(layer) : scale.set(layer, factor)));
    return factor;
  });
  return { zero, scale, branchScales };
}

function fixupNn(fn: string, model: Model): FixupReport {
  const structure = nnResidualStructure(model.layers);
  if (structure.branches.length === 0) throw noBranches(fn);
  const { zero, scale, branchScales } = plan(structure);
  const replace = (layer: Linear | Conv2d, w: tfjs.Tensor, b: tfjs.Tensor) => {
    if (layer instanceof Linear) return layer.setParameters(w, b);
    tf.dispose([layer.w, layer.b]);
    layer.w = w;
    layer.b = b;
  };
  for (const layer of structure.all) {
    if (zero.has(layer)) replace(layer, tf.zerosLike(layer.w), tf.zerosLike(layer.b));
    else if (scale.has(layer)) replace(layer, tf.mul(layer.w, scale.get(layer)!), tf.clone(layer.b));
  }
  return {
    branches: structure.branches.map((branch, i) => ({ layers: branch.map((l) => l.name), scale: branchScales[i] })),
    zeroed: structure.all.filter((l) => zero.has(l)).map((l) => l.name),
    notAdded: NOT_ADDED,
  };
}

function fixupLayers(fn: string, model: tfjs.LayersModel): FixupReport {
  const structure = layersResidualStructure(model, fn);
  if (structure.branches.length === 0) throw noBranches(fn);
  const { zero, scale, branchScales } = plan(structure);
  const write = (variable: tfjs.LayerVariable, value: tfjs.Tensor) => {
    variable.write(value);
    value.dispose();
  };
  const done = new Set<tfjs.layers.Layer>();
  for (const step of structure.all) {
    if (done.has(step.layer)) continue;
    done.add(step.layer);
    const kernels = step.layer.weights.filter((v) => KERNELS.includes(shortName(v)));
    if (zero.has(step)) for (const v of step.layer.weights.filter((w) => KERNELS.includes(shortName(w)) || shortName(w) === 'bias')) write(v, tf.zerosLike(v.read()));
    // One factor per layer: a separable convolution's depthwise and pointwise kernels multiply, so only the last is scaled.
    else if (scale.has(step)) write(kernels[kernels.length - 1], tf.mul(kernels[kernels.length - 1].read(), scale.get(step)!));
  }
  const name = (step: Step) => step.id;
  return {
    branches: structure.branches.map((branch, i) => ({ layers: branch.map(name), scale: branchScales[i] })),
    zeroed: structure.all.filter((s) => zero.has(s)).map(name),
    notAdded: NOT_ADDED,
  };
}
