/**
 * Routes tf.layers' BatchNormalization in training mode through batchNormTraining.ts on the WASM
 * engine. tfjs computes it as moments + FusedBatchNorm and differentiates every op of that chain;
 * no kernel registration can change the chain (the gradients of Mean, Sub and Square would still
 * run at full size), so the layer's `call` is wrapped instead, the one place tf.layers decides how
 * to normalize.
 *
 * The wrapper does what the original does in training mode (normalizeBatchInTraining, then the
 * moving mean and variance updated with the layer's momentum, by the same ops), with the
 * normalization and its gradient as one op. Everything else runs the original `call`: inference,
 * another backend, a normalized axis other than the last, a layer without center or scale, a
 * non-float32 input, and gradients of gradients (the fused gradient is not itself
 * differentiable), so the original's behaviour, errors included, is kept there.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tfjsInternalProblem } from '../tfjsInternals';
import { batchNormTraining } from './batchNormTraining';

interface LayerVariableLike {
  read(): tfjs.Tensor;
  write(value: tfjs.Tensor): void;
}

interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: LayerVariableLike;
  beta?: LayerVariableLike;
  movingMean?: LayerVariableLike;
  movingVariance?: LayerVariableLike;
}

type Call = (this: BatchNormLayer, inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>) => tfjs.Tensor | tfjs.Tensor[];

/** The class tf.layers.batchNormalization() makes, as tfjs-layers registers it for deserialization. */
export function batchNormalizationClass(tf: typeof tfjs): { prototype: { call: Call } } | undefined {
  if (tfjsInternalProblem('layers.BatchNormalization', { tf })) return undefined;
  const entry = (tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown] | undefined>).BatchNormalization;
  const cls = entry?.[0] as { prototype?: { call?: unknown } } | undefined;
  return typeof cls?.prototype?.call === 'function' ? (cls as { prototype: { call: Call } }) : undefined;
}

let patched = false;

/** A layer's fields as tfjs-layers 4.22 has them (tfjsInternals.ts 'layers.BatchNormalization'). */
function hasExpectedFields(layer: BatchNormLayer): boolean {
  const variable = (v: LayerVariableLike | undefined) => typeof v?.read === 'function' && typeof v.write === 'function';
  return (
    typeof layer.axis === 'number' &&
    typeof layer.momentum === 'number' &&
    typeof layer.epsilon === 'number' &&
    layer.center === true &&
    layer.scale === true &&
    variable(layer.gamma) &&
    variable(layer.beta) &&
    variable(layer.movingMean) &&
    variable(layer.movingVariance)
  );
}

/**
 * Wraps BatchNormalization's `call` once. `backendName` is the engine the fused op runs on; any
 * other active backend runs the original. Returns whether the layer is (now) wrapped.
 */
export function patchBatchNormalizationLayer(tf: typeof tfjs, backendName: string): boolean {
  if (patched) return true;
  const cls = batchNormalizationClass(tf);
  if (!cls) return false;
  const original = cls.prototype.call;
  if (tfjsInternalProblem('engine.gradientDepth', { tf })) return false;
  const gradientDepth = () => (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth;
  cls.prototype.call = function (this: BatchNormLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) && inputs.length === 1 ? inputs[0] : inputs;
    const fusable =
      !!kwargs?.training &&
      tf.getBackend() === backendName &&
      !Array.isArray(input) &&
      input.dtype === 'float32' &&
      input.rank >= 2 &&
      input.size > 0 &&
      hasExpectedFields(this) &&
      (this.axis === -1 || this.axis === input.rank - 1) &&
      // Inside a second tf.grads the gradient must itself be differentiable: the original's is.
      gradientDepth() <= 1;
    if (!fusable) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(tf, input, this.gamma!.read(), this.beta!.read(), this.epsilon);
      // As tfjs-layers' doMovingAverage: v − (v − value)·(1 − momentum), op for op.
      for (const [variable, value] of [
        [this.movingMean!, mean],
        [this.movingVariance!, variance],
      ] as const) {
        tf.tidy(() => {
          const current = variable.read();
          variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - this.momentum)));
        });
      }
      return y;
    });
  };
  patched = true;
  return true;
}
