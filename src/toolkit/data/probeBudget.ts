/**
 * How many examples one probe pass of a tf.LayersModel can take: what data.forModel draws when
 * it is not told. A fixed count fits no real model: 2,000 MNIST images are a second's work for a
 * small CNN, while 2,000 images of 224 × 224 × 3 through a MobileNet hold about 80 GB of
 * activations and would run for minutes before the engine's 4 GiB heap gave out.
 *
 * So the model runs once on one example, layer by layer as the probe runs it, and that trace
 * gives two figures per example: the bytes of every layer's output (the probe keeps the forward
 * activations until the backward reaches them, layersAdapter.ts), and the multiply-adds of the
 * forward, counted from each layer's weights and output shape. The count is the smallest of the
 * caller's default and what fits each budget:
 *
 *   memory   ACTIVATION_BUDGET_BYTES of activations. The probe also holds each layer's gradient
 *            and the temporaries of one layer's backward at a time (sliced to 64 MB), and the
 *            data themselves sit in the heap as well: a third of the heap leaves them room. And
 *            never more than the pass the probe would run fits in the heap as it is now
 *            (probe/passMemory.ts: the probe refuses a pass that does not, naming the count).
 *   work     about PASS_SECONDS of probing, from a cost per multiply-add and a cost per value
 *            of every layer's output (BatchNorm, ReLU and the statistics touch each value
 *            several times), both measured on real models (the constants below).
 *
 * Counted, not timed: a timed budget would draw a different number of examples on a busy
 * machine than on an idle one, and the same comparison would give other figures from run to
 * run. The counts are estimates (a convolution's multiply-adds, not its memory traffic), stated
 * as such in what data.forModel says.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { stepsOf, shortName, type Step } from '../probe/layersGraph';
import { keepingMovingStatistics, runLayer } from '../probe/layersAdapter';
import { planPassMemory, ProbeTooLargeError, type PassSizes } from '../probe/passMemory';

/** A third of the WASM engine's 4 GiB heap. */
export const ACTIVATION_BUDGET_BYTES = 1.25 * 2 ** 30;
/** One probe pass of about this long: a comparison of three schemes then ends inside a minute. */
export const PASS_SECONDS = 4;
/**
 * Seconds of a whole probe pass per forward multiply-add and per value of the layers' outputs,
 * fitted to probes of real models from the test corpus on 8 examples (AMD EPYC, 2 cores, WASM
 * with threads, 2026-12-07): a converter's MobileNetV2 at 224 × 224 × 3 (315 M multiply-adds and
 * 21.8 M values per image: 0.81 s), a Go network of residual blocks (4.5 G, 7.0 M: 2.8 s), a
 * YOLOv3-tiny (2.8 G, 13.9 M: 1.9 s) and a 256 × 256 CNN (202 M, 8.1 M: 0.45 s) fit within 20%.
 * A Teachable Machine MobileNet (alpha 0.35: 65 M, 9.5 M) probes three times slower than the
 * fit says (1.0 s): its narrow depthwise layers cost more per value; the lower PASS_SECONDS
 * leaves room for such models.
 */
export const SECONDS_PER_MULTIPLY_ADD = 5.8e-10;
export const SECONDS_PER_VALUE = 2.9e-8;

export interface ProbeBudget {
  /** How many examples fit both budgets (at least 1). */
  examples: number;
  /** Bytes of layer outputs per example. */
  bytesPerExample: number;
  /** Multiply-adds of one example's forward, estimated from the layers' shapes. */
  multiplyAddsPerExample: number;
  /** The estimated seconds of a probe pass per example. */
  secondsPerExample: number;
  /** Which budget set the count. */
  limitedBy: 'memory' | 'work' | 'none';
}

/**
 * The probe budget of `model` given one example of each input (a batch of one), capped at
 * `atMost`. The example's values do not matter, only its shapes and dtypes.
 */
export function probeBudget(model: tfjs.LayersModel, oneExample: readonly tfjs.Tensor[], atMost: number): ProbeBudget {
  const { steps, inputIds } = stepsOf(model, 'data.forModel');
  // BatchNorm runs on the batch's statistics, as in the probe, and its moving statistics are put back.
  // tf.tidy returns only tensor containers, so the figures leave the scope through this variable.
  let traced: { bytes: number; multiplyAdds: number; sizes: PassSizes } | undefined;
  keepingMovingStatistics(steps, () =>
    tf.tidy(() => {
      const values = new Map<number, tfjs.Tensor>(inputIds.map((id, k) => [id, oneExample[k]]));
      const sizes: PassSizes = { outputs: [], largest: Math.max(...oneExample.map((t) => 4 * t.size)), data: oneExample.reduce((sum, t) => sum + 4 * t.size, 0) };
      let bytes = 0;
      let multiplyAdds = 0;
      for (const step of steps) {
        const inputs = step.inputIds.map((id) => values.get(id)!);
        const { pre, out } = runLayer(step, inputs);
        values.set(step.outputId, out);
        bytes += 4 * (out.size + (pre ? pre.size : 0)) + recurrentStateBytes(step, inputs);
        multiplyAdds += multiplyAddsOf(step, inputs, out);
        sizes.outputs.push(4 * out.size);
        sizes.largest = Math.max(sizes.largest, 4 * out.size);
      }
      traced = { bytes, multiplyAdds, sizes };
    }),
  );
  const { bytes, multiplyAdds, sizes } = traced!;
  // The activation budget, and no more than the engine's heap can take now (passMemory.ts), as
  // the probe itself would refuse more.
  const byMemory = Math.min(Math.floor(ACTIVATION_BUDGET_BYTES / Math.max(bytes, 1)), fittingExamples(sizes, atMost));
  const secondsPerExample = multiplyAdds * SECONDS_PER_MULTIPLY_ADD + (bytes / 4) * SECONDS_PER_VALUE;
  const byWork = Math.floor(PASS_SECONDS / Math.max(secondsPerExample, 1e-12));
  const examples = Math.max(1, Math.min(atMost, byMemory, byWork));
  const limitedBy = examples === atMost ? 'none' : byMemory <= byWork ? 'memory' : 'work';
  return { examples, bytesPerExample: bytes, multiplyAddsPerExample: multiplyAdds, secondsPerExample, limitedBy };
}

/** How many of `atMost` examples a probe pass of these sizes can take in the engine's heap now (at least 1). */
function fittingExamples(sizes: PassSizes, atMost: number): number {
  try {
    planPassMemory(sizes, atMost, 16 * 2 ** 20, 'data.forModel');
    return atMost;
  } catch (err) {
    if (err instanceof ProbeTooLargeError) return Math.max(1, err.examplesThatFit);
    throw err;
  }
}

const RECURRENT = new Set(['lstm', 'gru', 'simpleRNN']);
const RECURRENT_COST = 5;

/**
 * What an RNN's backward holds besides its output: tf unrolls it over the time steps and keeps
 * each step's gate values and their temporaries (about 8 values per gate unit and step). A
 * BiGRU over 100 steps ran out of the 4 GiB heap at 5,289 examples when only its output was
 * counted (2026-12-07): about 800 KB per example, against 36 KB of output.
 */
const RECURRENT_TEMPORARIES = 8;

function recurrentStateBytes(step: Step, inputs: tfjs.Tensor[]): number {
  const gates = step.layer.weights.filter((w) => shortName(w) === 'recurrent_kernel').reduce((sum, w) => sum + Number(w.shape[w.shape.length - 1]), 0);
  return gates === 0 ? 0 : 4 * RECURRENT_TEMPORARIES * Number(inputs[0].shape[1] ?? 1) * gates;
}

/**
 * One example's forward multiply-adds in a layer: each kernel is used once per output position
 * (a dense layer's once, a convolution's once per pixel: the output's size over its channels,
 * whichever axis holds them; a transposed convolution's once per input pixel), and an RNN's
 * kernels once per time step; a layer without kernels does about one operation per output value.
 */
function multiplyAddsOf(step: Step, inputs: tfjs.Tensor[], out: tfjs.Tensor): number {
  const kernels = step.layer.weights.filter((w) => shortName(w).endsWith('kernel'));
  if (kernels.length === 0) return out.size;
  const size = (w: tfjs.LayerVariable) => (w.shape as number[]).reduce((a, b) => a * b, 1);
  const total = kernels.reduce((sum, w) => sum + size(w), 0);
  const inner = (step.layer as unknown as { layer?: tfjs.layers.Layer }).layer;
  const innerKind = inner?.getClassName().toLowerCase();
  // An RNN's steps run one after another, each a small product whose backward tf unrolls: a
  // BiLSTM over 100 steps probed 5 times slower than its multiply-adds said (20 s against 3.5 s,
  // 619 examples, 2026-12-07), so they count 5 times.
  if (RECURRENT.has(step.kind) || (innerKind !== undefined && ['lstm', 'gru', 'simplernn'].includes(innerKind))) return RECURRENT_COST * Number(inputs[0].shape[1] ?? 1) * total;
  const last = (w: tfjs.LayerVariable, k = 1) => Number(w.shape[w.shape.length - k]);
  const kernel = kernels[kernels.length - 1];
  if (step.kind === 'conv2dTranspose') return (inputs[0].size / last(kernel)) * total;
  // The output's channels: a kernel's last axis, a depthwise kernel's channels × multiplier.
  const channels = shortName(kernel) === 'depthwise_kernel' ? last(kernel) * last(kernel, 2) : last(kernel);
  return (out.size / channels) * total;
}
