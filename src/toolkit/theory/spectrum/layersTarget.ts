/**
 * A TensorFlow.js `tf.LayersModel` (sequential or functional, nested models opened into their
 * layers, loaded from a file or built in a cell) as a Jacobian target (jacobianTarget.ts).
 *
 * The layers are the probe's steps (probe/layersGraph.ts): every layer call in the graph's order,
 * a nested model's layers named by path. Only the steps the target depends on run, each on its
 * inputs with `training: false` (dropout off), so a tap can be added to each one's output.
 *
 * One input is needed; a model with several outputs needs `to` to say which layer's output to
 * take. BatchNormalization layers normalize with the batch statistics of the examples given,
 * held fixed (jacobianTarget.ts says why): their moving statistics are set to those for the
 * spectrum and put back afterwards.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { keepingMovingStatistics } from '../../probe/layersAdapter';
import { shortName, stepsOf, type Step } from '../../probe/layersGraph';
import { pickLayer, sizeOf, type JacobianTarget } from './jacobianTarget';

export function withLayersTarget<T>(fn: string, model: tfjs.LayersModel, examples: tfjs.Tensor, to: unknown, pass: (target: JacobianTarget) => T): T {
  const { steps, inputIds, outputIds, producer } = stepsOf(model, fn);
  if (inputIds.length !== 1) throw new RangeError(`${fn}: the model has ${inputIds.length} inputs; the spectrum is of a model with one input (the Jacobian of one tensor's output with respect to one tensor)`);
  if (outputIds.length !== 1 && to === undefined) {
    const outputs = outputIds.map((id) => producer.get(id)).join(', ');
    throw new RangeError(`${fn}: the model has ${outputIds.length} outputs (${outputs}); give options.to, the name of the layer whose output to take`);
  }
  if (steps.length === 0) throw new RangeError(`${fn}: the model has no layers`);
  const inputDtype = model.inputs[0]?.dtype;
  if (inputDtype !== undefined && inputDtype !== 'float32') throw new RangeError(`${fn}: the model's input is ${inputDtype} (token ids, for an Embedding); the Jacobian needs a real-valued input`);
  const names = steps.map((s) => s.id);
  const targetIndex = to === undefined ? steps.findIndex((s) => s.outputId === outputIds[0]) : pickLayer(fn, to, names);
  const chain = ancestors(steps, targetIndex);
  const inputId = inputIds[0];
  const expected = model.inputs[0].shape.slice(1);
  const given = examples.shape.slice(1);
  if (given.length !== expected.length || expected.some((d, i) => d !== null && d !== given[i])) {
    throw new RangeError(`${fn}: x must be [examples, ${expected.map((d) => d ?? 'any').join(', ')}] for this model's input, got a tensor of shape [${examples.shape.join(', ')}]`);
  }

  const run = (x: tfjs.Tensor, taps?: readonly tfjs.Tensor[], before?: (step: Step, inputs: tfjs.Tensor[]) => void, after?: (step: Step, out: tfjs.Tensor) => void): tfjs.Tensor => {
    const values = new Map<number, tfjs.Tensor>([[inputId, x]]);
    chain.forEach((step, l) => {
      const inputs = step.inputIds.map((id) => values.get(id)!);
      before?.(step, inputs);
      let out = step.layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tfjs.Tensor;
      after?.(step, out);
      if (taps) out = tf.add(out, taps[l]);
      values.set(step.outputId, out);
    });
    return values.get(steps[targetIndex].outputId)!;
  };

  return keepingMovingStatistics(steps, () => {
    const shapes = fixBatchStatistics(chain, examples, run);
    const target: JacobianTarget = {
      model: `tf.LayersModel "${model.name}"`,
      inputShape: examples.shape.slice(1),
      outputShape: shapes[shapes.length - 1],
      layers: chain.map((step, l) => ({ layer: steps.indexOf(step) + 1, name: step.id, shape: shapes[l], size: sizeOf(shapes[l]) })),
      to: to === undefined ? 'output' : `layer ${targetIndex + 1} (${names[targetIndex]})`,
      // A layer may hand back its input as is (dropout when off, an identity): the result is
      // always a tensor the caller owns.
      run: (x, taps) => tf.tidy(() => tf.clone(run(x, taps))),
    };
    return pass(target);
  });
}

/** The steps up to `index` that its output depends on, in forward order. */
function ancestors(steps: readonly Step[], index: number): Step[] {
  const byOutput = new Map(steps.map((s) => [s.outputId, s]));
  const needed = new Set<Step>();
  const visit = (id: number) => {
    const step = byOutput.get(id);
    if (!step || needed.has(step)) return;
    needed.add(step);
    step.inputIds.forEach(visit);
  };
  visit(steps[index].outputId);
  return steps.filter((s) => needed.has(s));
}

/**
 * One pass over the examples in which each BatchNormalization's moving statistics are set to the
 * batch statistics of its input just before it runs (its later passes, in inference mode, then
 * normalize as training mode would on this batch); returns one example's output shape for each
 * step of the chain, as the pass made them.
 */
function fixBatchStatistics(chain: readonly Step[], examples: tfjs.Tensor, run: RunWithHook): number[][] {
  const shapes = new Map<Step, number[]>();
  tf.tidy(() => {
    run(examples, undefined, (step, inputs) => {
      if (step.kind === 'batchNormalization') setBatchStatistics(step, inputs[0]);
    }, (step, out) => shapes.set(step, out.shape.slice(1)));
  });
  return chain.map((s) => shapes.get(s)!);
}

type RunWithHook = (x: tfjs.Tensor, taps: undefined, before: (step: Step, inputs: tfjs.Tensor[]) => void, after: (step: Step, out: tfjs.Tensor) => void) => tfjs.Tensor;

function setBatchStatistics(step: Step, input: tfjs.Tensor): void {
  const config = step.layer.getConfig() as { axis?: number | number[] };
  const axis = typeof config.axis === 'number' ? config.axis : -1;
  const channelAxis = axis < 0 ? input.rank + axis : axis;
  const reduce = input.shape.map((_, i) => i).filter((i) => i !== channelAxis);
  const { mean, variance } = tf.moments(input, reduce);
  for (const v of step.layer.nonTrainableWeights) {
    if (shortName(v) === 'moving_mean') v.write(mean);
    else if (shortName(v) === 'moving_variance') v.write(variance);
  }
}
