/**
 * Second derivatives on every backend: what a Hessian-vector product (a `tf.grad` of a gradient)
 * and a gradient through an SGD step (MetaInit, GradInit) need, and tfjs-core 4.22 gets wrong or
 * lacks. Registered once at start (engine.ts).
 *
 * 1. Gradients that read their kernel's output came out wrong when differentiated again, on
 *    every backend: tfjs saves that output by a clone whose tape node it records before the
 *    node that makes the output, so a nested gradient never finds the path from the input
 *    through the saved output, and drops it without an error. The Hessian-vector product of a
 *    two-layer tanh network was 0.27 (relative) from finite differences, all of it in the first
 *    layer's block. Tanh, Sigmoid, Exp (inside logSumExp, hence nn's cross-entropy), Softmax
 *    and Elu save their output; their gradients are re-registered so that an op run inside a
 *    gradient of a gradient saves its inputs too, and its gradient runs the kernel again on them,
 *    a recomputation the tape sees. A plain first gradient saves and runs as before. (Max and Min save theirs only to find where the maximum is, a choice
 *    whose derivative is 0; Pow reads its output for the exponent's gradient only.) Not
 *    fixable here: `tf.logSoftmax` and `tf.losses.softmaxCrossEntropy` are custom-gradient ops
 *    that compute what they save off the tape, so they still differentiate once only; none of
 *    InitLab's losses uses them (tf.layers' cross-entropies take the log of a softmax).
 *
 * 2. A first gradient of a convolution, a pooling or an ELU runs kernels of their own
 *    (`Conv2DBackpropFilter`, `MaxPoolGrad`, ...). tfjs-core registers gradients for some
 *    (`Conv2DBackpropInput`) but not for these, so differentiating a gradient through them threw
 *    "Cannot compute gradient: gradient function not found for Conv2DBackpropFilter". Each
 *    gradient below is the adjoint of its kernel, written with kernels every backend has (the
 *    WASM engine's missing ones are InitLab's, kernels/registerWasmKernels.ts), so they
 *    differentiate again in turn: MetaInit differentiates a Hessian-vector product once more.
 *
 *   Conv2DBackpropFilter(x, dy) = dW, linear in x and in dy:
 *     ∂/∂x  = the input gradient of a convolution by the upstream ∂W   (Conv2DBackpropInput)
 *     ∂/∂dy = the convolution of x by the upstream ∂W                   (Conv2D)
 *   DepthwiseConv2dNativeBackpropFilter and ...BackpropInput: the same with depthwise kernels.
 *   MaxPoolGrad(dy, x, y) puts each dy at its window's maximum: ∂/∂dy reads the upstream
 *     gradient back at those maxima (MaxPoolWithArgmax, then a gather); x and y only choose
 *     where, a piecewise-constant choice whose derivative is 0.
 *   AvgPoolGrad(dy, x) spreads each dy over its window times 1/(window area), the backends'
 *     rule even where 'same' padding cuts the window: ∂/∂dy sums the upstream gradient over
 *     each window times the same 1/area (a depthwise convolution by a kernel of ones), the
 *     exact adjoint.
 *   EluGrad(dy, y) = dy · (y > 0 ? 1 : y + 1): ∂/∂dy = that factor, ∂/∂y = dy where y ≤ 0.
 *
 * 3. Comparisons and logical ops (Equal, NotEqual, Greater, Less, LessEqual, LogicalAnd,
 *    LogicalOr, LogicalNot) had no gradient either: a max's gradient (inside every logSumExp, so
 *    nn's cross-entropy) masks with `equal(x, max)`, a clip's (tf.layers' cross-entropies clip
 *    their probabilities) with a logicalAnd of two comparisons, and differentiating them again
 *    threw "gradient function not found for Equal". They are piecewise constant: their gradient
 *    is 0, as tfjs already says of GreaterEqual.
 *
 * test/unit/toolkit/engine/secondOrderGradients.test.ts checks Hessian-vector products through
 * each against finite differences of first gradients, on the WASM and the CPU backends.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GradConfig, GradSaveFunc, NamedAttrMap, NamedTensorMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { gradientDepth, recordingGradients, tfjsInternalProblem } from './tfjsInternals';

type TF = typeof tfjs;

interface ConvAttrs {
  strides: number | [number, number];
  pad: unknown;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
  filterShape?: number[];
  inputShape?: number[];
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * `dx` read at the maximum of each pooling window of `input`. The maxima's positions are found
 * inside a custom gradient, where no tape records them: on the tape, MaxPoolWithArgmax's integer
 * indices would count as depending on the weights, and the gather's gradient would then have to
 * give them one. The adjoint, for the next order, adds each value back at its position.
 */
function readAtMaxima(tf: TF, dx: Tensor, input: Tensor4D, pool: Pick<PoolAttrs, 'filterSize' | 'strides' | 'pad'>): Tensor {
  // customGrad's typing passes inputs and `save` as one rest list.
  const read = tf.customGrad(((source: Tensor, save: GradSaveFunc) => {
    // Flat indices into the whole batch (includeBatchInIndex): one gather reads every window's maximum.
    const { result, indexes } = tf.maxPoolWithArgmax(input, pool.filterSize, pool.strides, pool.pad, true);
    result.dispose();
    // int32 by its dtype, but the CPU backend writes it as floats: a cast makes the gather's indices sure.
    const flat = tf.cast(tf.reshape(indexes, [-1]), 'int32');
    save([flat]);
    return {
      value: tf.reshape(tf.gather(tf.reshape(source, [-1]), flat), indexes.shape),
      gradFunc: (dy: Tensor, [positions]: Tensor[]) => tf.reshape(tf.unsortedSegmentSum(tf.reshape(dy, [-1]), positions as tfjs.Tensor1D, source.size), source.shape),
    };
  }) as unknown as Parameters<TF['customGrad']>[0]);
  return read(dx);
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

function gradientConfigs(tf: TF): GradConfig[] {
  const run = <T extends Tensor>(kernel: string, inputs: NamedTensorMap, attrs: object) => tf.engine().runKernel<T>(kernel, inputs, attrs as NamedAttrMap);
  return [
    {
      kernelName: 'Conv2DBackpropFilter',
      inputsToSave: ['x', 'dy'],
      gradFunc: (dw, saved, attrs) => {
        const [x, dy] = saved as Tensor4D[];
        const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as ConvAttrs;
        const common = { strides, pad, dataFormat: dataFormat ?? 'NHWC', dimRoundingMode };
        return {
          x: () => run('Conv2DBackpropInput', { dy, filter: dw as Tensor }, { ...common, inputShape: x.shape }),
          dy: () => run('Conv2D', { x, filter: dw as Tensor }, { ...common, dilations: 1 }),
        };
      },
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      inputsToSave: ['x', 'dy'],
      gradFunc: (dw, saved, attrs) => {
        const [x, dy] = saved as Tensor4D[];
        const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as ConvAttrs;
        const common = { strides, pad, dilations: dilations ?? 1, dimRoundingMode };
        return {
          x: () => run('DepthwiseConv2dNativeBackpropInput', { dy, filter: dw as Tensor }, { ...common, inputShape: x.shape }),
          dy: () => run('DepthwiseConv2dNative', { x, filter: dw as Tensor }, { ...common, dataFormat: 'NHWC' }),
        };
      },
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      inputsToSave: ['dy', 'filter'],
      gradFunc: (dx, saved, attrs) => {
        const [dy, filter] = saved as Tensor4D[];
        const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as ConvAttrs;
        const common = { strides, pad, dilations: dilations ?? 1, dimRoundingMode };
        return {
          dy: () => run('DepthwiseConv2dNative', { x: dx as Tensor, filter }, { ...common, dataFormat: 'NHWC' }),
          filter: () => run('DepthwiseConv2dNativeBackpropFilter', { x: dx as Tensor, dy }, { ...common, filterShape: filter.shape }),
        };
      },
    },
    {
      kernelName: 'MaxPoolGrad',
      inputsToSave: ['dy', 'input'],
      gradFunc: (dx, saved, attrs) => {
        const [dy, input] = saved as Tensor4D[];
        const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as PoolAttrs;
        // MaxPoolWithArgmax takes no rounding mode; a pool that asks for one is not differentiated twice.
        if (dimRoundingMode) throw new Error(`The second derivative of a max pooling with dimRoundingMode '${dimRoundingMode}' is not available`);
        return {
          dy: () => readAtMaxima(tf, dx as Tensor, input, { filterSize, strides, pad }),
          input: () => tf.zerosLike(input),
          // The pooled output has dy's shape.
          output: () => tf.zerosLike(dy),
        };
      },
    },
    {
      kernelName: 'AvgPoolGrad',
      inputsToSave: ['input'],
      gradFunc: (dx, saved, attrs) => {
        const [input] = saved as Tensor4D[];
        const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as PoolAttrs;
        const [fh, fw] = pair(filterSize);
        const channels = input.shape[3];
        return {
          dy: () =>
            tf.tidy(() => {
              const ones = tf.fill([fh, fw, channels, 1], 1 / (fh * fw)) as tfjs.Tensor4D;
              return tf.depthwiseConv2d(dx as Tensor4D, ones, pair(strides), pad, 'NHWC', 1, dimRoundingMode);
            }),
          input: () => tf.zerosLike(input),
        };
      },
    },
    {
      kernelName: 'EluGrad',
      inputsToSave: ['dy', 'y'],
      gradFunc: (ddx, saved) => {
        const [dy, y] = saved;
        return {
          dy: () => tf.tidy(() => tf.mul(ddx as Tensor, tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1)))),
          y: () => tf.tidy(() => tf.mul(ddx as Tensor, tf.where(tf.greater(y, 0), tf.zerosLike(y), dy))),
        };
      },
    },
    ...['Equal', 'NotEqual', 'Greater', 'Less', 'LessEqual', 'LogicalAnd', 'LogicalOr'].map(
      (kernelName): GradConfig => ({
        kernelName,
        inputsToSave: ['a', 'b'],
        gradFunc: (_dy, [a, b]) => ({ a: () => tf.zerosLike(a).toFloat(), b: () => tf.zerosLike(b).toFloat() }),
      }),
    ),
    { kernelName: 'LogicalNot', inputsToSave: ['x'], gradFunc: (_dy, [x]) => ({ x: () => tf.zerosLike(x).toFloat() }) },
  ];
}

/** The kernels whose package gradient reads their output, with the names of their inputs. */
const OUTPUT_SAVING: Readonly<Record<string, readonly string[]>> = {
  Tanh: ['x'],
  Sigmoid: ['x'],
  Exp: ['x'],
  Elu: ['x'],
  Softmax: ['logits'],
};

/**
 * `original`'s gradient, which, for an op run inside two or more recording tf.grads (whose
 * gradient will be differentiated), also saves the op's inputs, and then reads the output the
 * kernel gives again on them: a recomputation the tape sees (part 1 above). An op under one
 * tf.grads saves and runs as the package has it, so a first gradient keeps its memory: saving the
 * input would keep every pre-activation alive until the backward pass.
 */
function recomputingOutput(tf: TF, original: GradConfig, inputNames: readonly string[]): GradConfig {
  const outputCount = (original.outputsToSave ?? []).filter(Boolean).length;
  return {
    kernelName: original.kernelName,
    // Read when the op runs forward (tfjs's getTensorsForGradient), so it sees the depth then.
    get inputsToSave() {
      return gradientDepth(tf) >= 2 ? [...inputNames] : original.inputsToSave;
    },
    outputsToSave: original.outputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const withInputs = saved.length === inputNames.length + outputCount;
      const outputs = saved.slice(saved.length - outputCount);
      if (!withInputs) return original.gradFunc(dy, saved, attrs);
      const inputs: NamedTensorMap = Object.fromEntries(inputNames.map((name, k) => [name, saved[k]]));
      const originalInputs = (original.inputsToSave ?? []).map((name) => inputs[name]);
      // Not recording: the outer pass differentiating this op itself, as a first gradient would.
      if (!recordingGradients(tf)) return original.gradFunc(dy, [...originalInputs, ...outputs], attrs);
      const fresh = ([] as Tensor[]).concat(tf.engine().runKernel(original.kernelName, inputs, attrs) as Tensor | Tensor[]);
      return original.gradFunc(dy, [...originalInputs, ...fresh.filter((_, k) => original.outputsToSave?.[k])], attrs);
    },
  };
}

const registered = new WeakSet<object>();

/**
 * Registers the gradients above in `tf`'s registry, once per tfjs-core instance: part 1 over the
 * package's own, parts 2 and 3 where the package has none (a later tfjs that ships one keeps its own).
 */
export function registerSecondOrderGradients(tf: TF): void {
  if (registered.has(tf)) return;
  registered.add(tf);
  // The recomputation is chosen by the gradient depth (tfjsInternals.ts); unreadable, the package's stay.
  for (const [kernelName, inputNames] of tfjsInternalProblem('engine.gradientDepth', { tf }) ? [] : Object.entries(OUTPUT_SAVING)) {
    const original = tf.getGradient(kernelName);
    if (original?.outputsToSave?.some(Boolean)) tf.registerGradient(recomputingOutput(tf, original, inputNames));
  }
  for (const config of gradientConfigs(tf)) {
    if (tf.getGradient(config.kernelName)) continue;
    tf.registerGradient(config);
  }
}

