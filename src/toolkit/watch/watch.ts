/**
 * `watch(model, options)`: records a tf.layers model while `model.fit` trains it.
 *
 *   const w = watch(model, { x: xTrain, y: yTrain });
 *   await model.fit(xTrain, yTrain, { epochs: 2, batchSize: 64, callbacks: [w] });
 *   w.record   // the statistics over steps, also drawn live under the cell
 *
 * Every batch is a step. tf.layers calls the callbacks between batches, which is where
 * recording happens and where a stop lands: training ends after the batch under way
 * (`model.stopTraining`), the weights and the record stay, and the cell then ends as stopped.
 * A loss that is not finite ends training the same way, marked on the record.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError } from '../args';
import { deferStops, stopRequested } from '../engine/opGuard';
import { isLayersModel } from '../probe/layersAdapter';
import { Recorder } from './recorder';
import { checkWatchOptions, type WatchOptions } from './recordOptions';
import type { WatchRecord } from './watchRecord';

/** What `watch` returns: tf.layers' callback hooks (a CustomCallbackArgs) and the record. */
export interface Watcher {
  readonly record: WatchRecord;
  onTrainBegin(): Promise<void>;
  onBatchBegin(): Promise<void>;
  onBatchEnd(batch: number, logs?: tfjs.Logs): Promise<void>;
  onTrainEnd(): Promise<void>;
}

/** The model and label of each watcher `watch` made: what `display(w)` names (toolkit/objectDisplay.ts). */
const watchers = new WeakMap<object, { model: tfjs.LayersModel; label: string }>();

/** What a watcher watches, or undefined for any other value. */
export function watcherInfo(value: unknown): { model: tfjs.LayersModel; label: string } | undefined {
  return typeof value === 'object' && value !== null ? watchers.get(value) : undefined;
}

export function watch(model: tfjs.LayersModel, options: WatchOptions): Watcher {
  const fn = 'watch';
  if (!isLayersModel(model)) throw argumentError(fn, 'model', 'a tf.LayersModel (for nn models and hand-written loops, use record(model, stepFn, options))', model);
  const o = checkWatchOptions(fn, model, options);
  let recorder: Recorder | undefined;
  let record: WatchRecord | undefined;
  let step = 0;
  let endDeferral = () => {};
  const watcher: Watcher = {
    get record(): WatchRecord {
      if (!record && !recorder) throw new Error('watch: nothing recorded yet; pass the watcher to model.fit in its callbacks: model.fit(x, y, { callbacks: [w] })');
      return record ?? recorder!.record;
    },
    async onTrainBegin() {
      // A watcher passed to another fit records that one afresh.
      recorder = new Recorder(model, o);
      record = undefined;
      step = 0;
      await recorder.begin();
      // fit's ops run whole, between batches too; a stop is taken at a batch's end, so fit ends
      // normally and its own clean-up runs. If fit throws, the kernel ends the deferral with the cell.
      endDeferral = deferStops();
    },
    async onBatchBegin() {
      recorder!.beforeStep(step + 1);
    },
    async onBatchEnd(_batch, logs) {
      step++;
      const loss = typeof logs?.loss === 'number' ? logs.loss : NaN;
      const finite = await recorder!.afterStep(step, loss);
      if (!finite) model.stopTraining = true;
      else if (stopRequested()) {
        recorder!.stopped();
        model.stopTraining = true;
      }
    },
    async onTrainEnd() {
      endDeferral();
      record = await recorder!.finish();
      recorder = undefined;
    },
  };
  watchers.set(watcher, { model, label: o.label });
  return watcher;
}
