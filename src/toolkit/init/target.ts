/**
 * What every initializer takes first and gives back. TensorFlow.js tensors are immutable, so
 * where torch fills a tensor in place, an initializer takes a shape (or a tensor whose shape to
 * use) and returns a new tensor; given a `tf.Variable`, it assigns into it and returns it, the
 * closest thing to torch's trailing underscore.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { checkShapeOrTensor, type ShapeRule } from '../args';
import type { Shape } from './fans';

export type ShapeOrTensor = Shape | tfjs.Tensor;

export interface SeedOption {
  /** Draws the same values every time; without it, the next seed of the `manualSeed` stream. */
  seed?: number;
}

/** The target's shape, checked: positive integer sizes, and the rank the initializer needs. */
export function targetShape(fn: string, target: unknown, rule: ShapeRule = {}): number[] {
  return checkShapeOrTensor(fn, 'shape', target, rule);
}

/** Puts the values into a Variable target (disposing them), or returns them. */
export function deliver(target: ShapeOrTensor, values: tfjs.Tensor): tfjs.Tensor {
  if (target instanceof tf.Variable) {
    target.assign(values);
    values.dispose();
    return target;
  }
  return values;
}
