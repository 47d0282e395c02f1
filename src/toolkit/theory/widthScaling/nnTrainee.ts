/**
 * A Trainee (trainee.ts) for an nn.Model: its own forward and hand-written backward, and a
 * LayerwiseOptimizer over its parameters.
 *
 * tf.train optimizers update tf.Variables in place, while an nn module keeps its parameters as
 * plain tensors in its fields (nn/sgdUpdate.ts replaces them on each step). So the model's
 * parameters are turned into variables first, in their own fields: the module computes with
 * them as before, and model.dispose() frees them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import type { Model } from '../../nn/model';
import { Module } from '../../nn/module';
import { LayerwiseOptimizer, type OptimizerName } from './layerwiseOptimizer';
import type { MeasuredLayer, Trainee } from './trainee';

/**
 * Replaces each parameter a module keeps in a field of its own (Linear's w and b, Conv2d's,
 * BatchNorm's γ and β, a user's module alike) with a tf.Variable of the same values; modules in
 * fields or arrays (a Residual's body) are walked too. Returns the model's parameters, now
 * variables; a parameter kept anywhere else cannot be updated in place and is refused.
 */
export function parametersAsVariables(fn: string, model: Model): tfjs.Variable[] {
  const walk = (module: Module) => {
    const own = new Set<unknown>(module.parameters());
    const fields = module as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (value instanceof Module) walk(value);
      else if (Array.isArray(value)) value.forEach((m) => m instanceof Module && walk(m));
      else if (value instanceof tf.Tensor && own.has(value) && !(value instanceof tf.Variable)) {
        // The variable shares the tensor's data (tfjs counts the reference), so freeing the tensor keeps it.
        fields[key] = tf.variable(value);
        value.dispose();
      }
    }
  };
  model.layers.forEach(walk);
  const params = model.parameters();
  const stray = params.findIndex((p) => !(p instanceof tf.Variable));
  if (stray >= 0) throw new TypeError(`${fn}: parameter ${stray} [${params[stray].shape.join(', ')}] is not kept in a field of its module, so it cannot be trained in place`);
  return params as tfjs.Variable[];
}

/** "Linear(784→100)" → "Linear": a module's kind, the same at every width. */
function kindOf(module: Module): string {
  return module.name.replace(/\(.*$/, '');
}

export function nnTrainee(fn: string, model: Model, optimizer: OptimizerName, lr: number, multipliers: readonly number[] | undefined): Trainee {
  const params = parametersAsVariables(fn, model);
  const measured = model.layers.filter((m) => m.parameters().length > 0);
  const layers: MeasuredLayer[] = measured.map((m, k) => ({ label: `${kindOf(m)} ${k + 1}${k === measured.length - 1 ? ' (output)' : ''}`, kind: kindOf(m) }));
  const updates = new LayerwiseOptimizer(params, multipliers ?? params.map(() => 1), optimizer, lr);
  const read = (): number[] => tf.tidy(() => Array.from(tf.stack(measured.map((m) => tf.mean(tf.abs(m.out!)))).dataSync()));
  const single = (x: tfjs.Tensor | tfjs.Tensor[], name: string): tfjs.Tensor => {
    if (Array.isArray(x)) throw new TypeError(`${fn}: an nn model takes one tensor each for x and y, so ${name} must be one tensor, not an array of ${x.length}`);
    return x;
  };
  return {
    layers,
    parameterCount: params.length,
    step(x, y) {
      try {
        const loss = model.forward(single(x, 'x'), single(y, 'y'));
        const sizes = read();
        const lossValue = loss.dataSync()[0];
        model.backward({ dataGrad: false });
        updates.apply(params.map((p) => (p as tfjs.Tensor & { g?: tfjs.Tensor }).g));
        return { sizes, loss: lossValue };
      } finally {
        model.release();
      }
    },
    sizes(x) {
      try {
        model.predict(single(x, 'x'));
        return read();
      } finally {
        model.release();
      }
    },
    dispose() {
      updates.dispose();
    },
  };
}
