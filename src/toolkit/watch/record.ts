/**
 * `record(model, stepFn, options)`: records a hand-written training loop, for tf.train
 * optimizers (SGD, momentum, Adam) on a tf.LayersModel and for InitLab's nn models alike.
 *
 *   const rec = await record(model, () => optimizer.minimize(() => lossOf(model, x, y), true), { steps: 200, x, y });
 *
 * `stepFn(step)` runs one training step and returns its loss (a number, or a scalar tensor,
 * which record reads and frees). It stops cleanly at the first loss that is not finite, and
 * between two steps when the user presses stop: the steps run stay done, the record keeps
 * everything so far, and the cell then ends as stopped.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { argumentError, checkFunction, checkPositiveInteger } from '../args';
import { deferStops, stopRequested } from '../engine/opGuard';
import type { Probeable } from '../probe/probe';
import { Recorder } from './recorder';
import { checkWatchOptions, type WatchOptions } from './recordOptions';
import type { WatchRecord } from './watchRecord';

export interface RecordOptions extends WatchOptions {
  /** How many times to call stepFn. */
  steps: number;
}

export type StepFunction = (step: number) => number | tfjs.Scalar | null | void | Promise<number | tfjs.Scalar | null | void>;

/** Checks its arguments at once (a bad one throws before anything runs), then trains. */
export function record(model: Probeable, stepFn: StepFunction, options: RecordOptions): Promise<WatchRecord> {
  const fn = 'record';
  checkFunction(fn, 'stepFn', stepFn, 'a function that runs one training step and returns its loss');
  const o = checkWatchOptions(fn, model, options, ['steps']);
  if (o.steps === undefined) throw new TypeError(`${fn}: options.steps is required: how many times to call stepFn`);
  const steps = checkPositiveInteger(fn, 'options.steps', o.steps);
  return run(new Recorder(model, o), stepFn, steps);
}

async function run(recorder: Recorder, stepFn: StepFunction, steps: number): Promise<WatchRecord> {
  const fn = 'record';
  try {
    await recorder.begin();
    for (let step = 1; step <= steps; step++) {
      if (stopRequested()) {
        recorder.stopped();
        break;
      }
      recorder.beforeStep(step);
      // The step runs whole even if stop is pressed meanwhile: weights are never half-updated.
      const endDeferral = deferStops();
      let loss: number;
      try {
        loss = lossValue(fn, await stepFn(step));
      } finally {
        endDeferral();
      }
      if (!(await recorder.afterStep(step, loss))) break;
    }
  } finally {
    await recorder.finish();
  }
  return recorder.record;
}

function lossValue(fn: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof tf.Tensor && value.size === 1) {
    const loss = value.dataSync()[0];
    value.dispose();
    return loss;
  }
  throw argumentError(fn, "stepFn's result", 'the step\'s loss: a number or a scalar tensor (e.g. optimizer.minimize(f, true))', value);
}
