/**
 * What a width sweep does to each model it builds: train it a few steps with per-parameter
 * learning rates, and read the size of each layer's output on the way. One interface, two
 * kinds of model (nnTrainee.ts, layersTrainee.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';

export interface MeasuredLayer {
  /** "Linear 2", "dense_1": the same layer at every width. */
  label: string;
  /** The layer's kind: 'Linear', 'dense', 'conv2d'... */
  kind: string;
}

export interface Trainee {
  /** The layers whose outputs are measured: every layer that has weights, in the model's order. */
  readonly layers: readonly MeasuredLayer[];
  /** The parameters the learning-rate multipliers follow, in order: an nn model's parameters(), a tf.LayersModel's trainableWeights. */
  readonly parameterCount: number;
  /**
   * One training step on the batch: the forward's layer sizes (mean |x| over every coordinate
   * of each measured layer's output, microsoft/mup's 'l1'), the loss, then one update.
   */
  step(x: tfjs.Tensor | tfjs.Tensor[], y: tfjs.Tensor | tfjs.Tensor[]): { sizes: number[]; loss: number };
  /** The layer sizes on a forward alone (after the last update). */
  sizes(x: tfjs.Tensor | tfjs.Tensor[]): number[];
  /** What to tell the user about how the model is trained, if anything (a tf.LayersModel with no loss compiled). */
  readonly note?: string;
  /** Frees the optimizers; the model is the caller's. */
  dispose(): void;
}
