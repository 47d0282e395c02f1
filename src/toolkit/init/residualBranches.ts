/**
 * The residual branches of a model, for Fixup (fixup.ts): which weight layers sit on a branch
 * that is added to a shortcut, in the order a forward pass reaches them.
 *
 *   nn models: each nn.Residual's body is a branch; its shortcut module (a projection), if it
 *     has one, is not.
 *   tf.LayersModels: each Add merge. Its inputs go back to a common tensor, the fork (the block's
 *     input); the layers between the fork and each input are that input's path. The path with
 *     the most weight layers is the branch; the others are shortcuts (the identity, or a
 *     projection with fewer layers). An Add whose paths hold no weight layer (two inputs summed)
 *     is no residual branch; one whose longest paths tie is refused (no way to tell which is the branch).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { Linear } from '../nn/layers';
import { Conv2d } from '../nn/conv';
import { Residual, leafModules } from '../nn/residual';
import type { Module } from '../nn/module';
import { shortName, stepsOf, type Step } from '../probe/layersGraph';

/** A layer that carries a weight matrix or kernel: an nn Linear or Conv2d, or a tf.layers step. */
export type WeightLayer = Linear | Conv2d | Step;

export interface ResidualStructure<L> {
  /** Each branch's weight layers, in forward order. */
  branches: L[][];
  /** Every weight layer, in forward order; the last is the output (classification) layer. */
  all: L[];
}

const isWeightModule = (m: Module): m is Linear | Conv2d => m instanceof Linear || m instanceof Conv2d;

export function nnResidualStructure(modules: readonly Module[]): ResidualStructure<Linear | Conv2d> {
  const branches: (Linear | Conv2d)[][] = [];
  const visit = (list: readonly Module[]) => {
    for (const m of list) {
      if (!(m instanceof Residual)) continue;
      branches.push(leafModules(m.body).filter(isWeightModule));
      visit(m.body);
    }
  };
  visit(modules);
  return { branches: branches.filter((b) => b.length > 0), all: leafModules(modules).filter(isWeightModule) };
}

const KERNELS = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

/** A step whose layer has a kernel of its own. */
export function carriesKernel(step: Step): boolean {
  return step.layer.weights.some((v) => KERNELS.has(shortName(v)));
}

export function layersResidualStructure(model: tfjs.LayersModel, fn: string): ResidualStructure<Step> {
  const { steps } = stepsOf(model, fn);
  const producer = new Map<number, number>(steps.map((s, i) => [s.outputId, i]));
  // The tensors each tensor is computed from, itself included.
  const ancestors = new Map<number, Set<number>>();
  const ancestorsOf = (id: number): Set<number> => {
    const known = ancestors.get(id);
    if (known) return known;
    const set = new Set<number>([id]);
    const at = producer.get(id);
    if (at !== undefined) for (const input of steps[at].inputIds) for (const a of ancestorsOf(input)) set.add(a);
    ancestors.set(id, set);
    return set;
  };
  const order = (id: number) => producer.get(id) ?? -1;
  const branches: Step[][] = [];
  for (const step of steps) {
    if (step.kind !== 'add' || step.inputIds.length < 2) continue;
    const lines = step.inputIds.map(ancestorsOf);
    const common = [...lines[0]].filter((id) => lines.every((l) => l.has(id)));
    if (common.length === 0) continue;
    const fork = common.reduce((a, b) => (order(b) > order(a) ? b : a));
    const before = ancestorsOf(fork);
    const paths = lines.map((line) =>
      [...line]
        .filter((id) => !before.has(id) && producer.has(id))
        .map((id) => steps[producer.get(id)!])
        .filter(carriesKernel)
        .sort((a, b) => steps.indexOf(a) - steps.indexOf(b)),
    );
    const longest = paths.reduce((a, b) => (b.length > a.length ? b : a));
    // Two paths as long as each other: either could be the branch, and zeroing the shortcut's
    // last layer would leave the branch alone where Fixup means the block to be its shortcut.
    if (longest.length > 0 && paths.filter((p) => p.length === longest.length).length > 1) {
      throw new TypeError(`${fn}: the Add '${step.id}' sums ${paths.length} paths of ${longest.length} weight layer${longest.length === 1 ? '' : 's'} each, so Fixup cannot tell its residual branch from its shortcut (a branch must have more weight layers than the shortcut beside it: the identity, or a projection)`);
    }
    if (longest.length > 0) branches.push(longest);
  }
  return { branches, all: steps.filter(carriesKernel) };
}
