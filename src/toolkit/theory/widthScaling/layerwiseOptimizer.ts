/**
 * One learning rate per parameter: lr × its multiplier, with SGD or Adam.
 *
 * TensorFlow.js optimizers have one learning rate for every variable they update. μP needs a
 * different one per layer (Tensor Programs V, Table 3), so the variables are grouped by
 * multiplier and each group gets its own tf.train optimizer at lr × multiplier. This is exact:
 * Adam's moments are kept per variable, and its bias correction counts the optimizer's own
 * steps, which are the same for every group since each is stepped once per training step.
 *
 * Why not scale the gradients instead: Adam divides the first moment by the root of the second,
 * so a gradient scaled by m gives the same update (up to ε); it would work for SGD only. Why not
 * an Adam of our own: tf.train.adam is what users train with, and keeping its ε (the backend's,
 * 1e-7 in float32) and its bias correction means a μP run differs from theirs only in the rates.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';

export type OptimizerName = 'sgd' | 'adam';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam'];

export class LayerwiseOptimizer {
  private readonly groups: { optimizer: tfjs.Optimizer; members: number[] }[] = [];

  /** `multipliers[i]` scales the learning rate of `variables[i]`. */
  constructor(
    private readonly variables: readonly tfjs.Variable[],
    multipliers: readonly number[],
    kind: OptimizerName,
    lr: number,
  ) {
    if (multipliers.length !== variables.length) throw new RangeError(`LayerwiseOptimizer: ${multipliers.length} multipliers for ${variables.length} variables`);
    const byMultiplier = new Map<number, number[]>();
    multipliers.forEach((m, i) => byMultiplier.set(m, [...(byMultiplier.get(m) ?? []), i]));
    for (const [m, members] of byMultiplier) {
      const rate = lr * m;
      this.groups.push({ optimizer: kind === 'adam' ? tf.train.adam(rate) : tf.train.sgd(rate), members });
    }
  }

  /** How many tf.train optimizers the multipliers took: one per distinct multiplier. */
  get optimizerCount(): number {
    return this.groups.length;
  }

  /**
   * One update. `grads[i]` is the gradient of `variables[i]`; a missing one counts as zero, so
   * every group's optimizer always sees its variables in the same order (tf.train.adam keeps
   * its moments by position in the list it is given).
   */
  apply(grads: readonly (tfjs.Tensor | undefined)[]): void {
    if (grads.length !== this.variables.length) throw new RangeError(`LayerwiseOptimizer: ${grads.length} gradients for ${this.variables.length} variables`);
    for (const { optimizer, members } of this.groups) {
      const zeros: tfjs.Tensor[] = [];
      const named = members.map((i) => {
        const given = grads[i];
        const tensor = given ?? zeros[zeros.push(tf.zerosLike(this.variables[i])) - 1];
        return { name: this.variables[i].name, tensor };
      });
      optimizer.applyGradients(named);
      tf.dispose(zeros);
    }
  }

  dispose(): void {
    for (const { optimizer } of this.groups) optimizer.dispose();
  }
}
