/**
 * A Trainee (trainee.ts) for a tf.LayersModel. The forward runs the model's own layers one by
 * one in its graph's order (probe/layersGraph.ts, as the probe does), so each layer's output is
 * at hand to measure, inside tf.variableGrads: the sizes come from the very forward the step
 * differentiates, as in mup's get_coord_data. A layer that carries an activation (dense,
 * conv2d...) is measured before it, so an output layer's size is its logits, not its softmax
 * (whose mean |x| is 1/classes at every width); an nn model's Linear is measured the same way.
 *
 * Dropout is off (the layers run as in inference); BatchNorm normalizes with the batch.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { runLayer } from '../../probe/layersAdapter';
import { kindOf, stepsOf } from '../../probe/layersGraph';
import { lossFunctions } from '../../probe/layersLoss';
import { LayerwiseOptimizer, type OptimizerName } from './layerwiseOptimizer';
import type { MeasuredLayer, Trainee } from './trainee';

export function layersTrainee(fn: string, model: tfjs.LayersModel, optimizer: OptimizerName, lr: number, multipliers: readonly number[] | undefined): Trainee {
  const { steps, container, inputIds, outputIds } = stepsOf(model, fn);
  const measured = new Set(steps.filter((s) => s.layer.weights.length > 0));
  if (measured.size === 0) throw new TypeError(`${fn}: the model has no layer with weights, so there is nothing to measure`);
  const compiled = (container.lossFunctions?.length ?? 0) > 0;
  const losses = lossFunctions(container, compiled ? undefined : 'meanSquaredError');
  const variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const updates = new LayerwiseOptimizer(variables, multipliers ?? variables.map(() => 1), optimizer, lr);
  const ordered = [...measured];
  const layers: MeasuredLayer[] = ordered.map((s, k) => ({ label: `${s.id}${k === ordered.length - 1 ? ' (output)' : ''}`, kind: kindOf(s.layer) }));
  /** One tensor per input (or output), as the model takes them. */
  const tensors = (t: tfjs.Tensor | tfjs.Tensor[], name: 'x' | 'y'): tfjs.Tensor[] => {
    const ts = Array.isArray(t) ? t : [t];
    const [count, what] = name === 'x' ? [inputIds.length, 'input'] : [outputIds.length, 'output'];
    if (ts.length !== count) throw new RangeError(`${fn}: the model has ${count} ${what}${count === 1 ? '' : 's'}, so ${name} must be ${count === 1 ? 'one tensor' : `an array of ${count} tensors`}; got ${ts.length}`);
    return ts;
  };
  /** The model's outputs and each measured layer's mean |x|, as scalars. */
  const forward = (xs: tfjs.Tensor[]): { outputs: tfjs.Tensor[]; sizes: tfjs.Tensor[] } => {
    const values = new Map<number, tfjs.Tensor>(inputIds.map((id, k) => [id, xs[k]]));
    const sizes: tfjs.Tensor[] = [];
    for (const step of steps) {
      const { pre, out } = runLayer(step, step.inputIds.map((id) => values.get(id)!));
      if (measured.has(step)) sizes.push(tf.mean(tf.abs(pre ?? out)));
      values.set(step.outputId, out);
    }
    return { outputs: outputIds.map((id) => values.get(id)!), sizes };
  };
  return {
    layers,
    parameterCount: variables.length,
    ...(compiled ? {} : { note: 'The tf.LayersModel has no loss compiled: it was trained on mean squared error.' }),
    step(x, y) {
      const xs = tensors(x, 'x');
      const ys = tensors(y, 'y');
      let sizes: tfjs.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const pass = forward(xs);
        // Kept past variableGrads' own tidy: the sizes of this very forward.
        sizes = tf.keep(tf.stack(pass.sizes));
        return tf.addN(pass.outputs.map((out, k) => tf.mean(losses[k](ys[k], out)))) as tfjs.Scalar;
      }, variables);
      try {
        updates.apply(variables.map((v) => grads[v.name]));
        return { sizes: Array.from(sizes!.dataSync()), loss: value.dataSync()[0] };
      } finally {
        tf.dispose([value, sizes!, ...Object.values(grads)]);
      }
    },
    sizes(x) {
      const xs = tensors(x, 'x');
      return tf.tidy(() => Array.from(tf.stack(forward(xs).sizes).dataSync()));
    },
    dispose() {
      updates.dispose();
    },
  };
}
