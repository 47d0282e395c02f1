/**
 * The options `watch` and `record` share, checked at run time: cells are not type-checked
 * before they run, so a wrong option is a clear error here, never a chart of NaN.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError, checkBoolean, checkFiniteNumber, checkOptions, checkPositiveInteger, checkString, checkTensor } from '../args';
import { checkProbeArguments } from '../probe/probeArgs';
import type { Probeable } from '../probe/probe';
import { isLayersModel } from '../probe/layersGraph';
import type { LossSpec } from '../probe/layersLoss';
import type { RecorderOptions } from './recorder';

export interface WatchOptions {
  /** A batch to measure on, the same at every recording: inputs and targets (its first `probeRows` rows are used). */
  x: tfjs.Tensor;
  y: tfjs.Tensor;
  /** Steps between recordings, or 'auto' (default): as often as keeps recording under `maxOverhead` of training time. */
  every?: number | 'auto';
  /** With every: 'auto', the share of training time recording may take. Default 0.1. */
  maxOverhead?: number;
  /** Rows of x measured. Default 256. */
  probeRows?: number;
  /** Histogram bins. Default 30. */
  bins?: number;
  label?: string;
  /** Draw the chart under the cell while training runs. Default true (in a notebook). */
  live?: boolean;
  /** A tf.LayersModel's loss, when not its compiled one. */
  loss?: LossSpec;
}

export const WATCH_OPTION_NAMES = ['x', 'y', 'every', 'maxOverhead', 'probeRows', 'bins', 'label', 'live', 'loss'];

export function checkWatchOptions(fn: string, model: unknown, options: unknown, extra: readonly string[] = []): RecorderOptions & Record<string, unknown> {
  if (options === undefined) throw new TypeError(`${fn}: options { x, y } are required: a batch to measure the layers on, e.g. ${fn}(model, { x: xTrain, y: yTrain })`);
  const o = checkOptions(fn, options, [...WATCH_OPTION_NAMES, ...extra]);
  const hasPasses = typeof model === 'object' && model !== null && typeof (model as { forward?: unknown }).forward === 'function' && typeof (model as { backward?: unknown }).backward === 'function';
  if (!hasPasses && !isLayersModel(model)) throw argumentError(fn, 'model', 'a tf.LayersModel or an nn model with forward and backward (nn.mlp, nn.Model)', model);
  checkProbeArguments(model as Probeable, o.loss === undefined ? {} : { loss: o.loss });
  const x = checkTensor(fn, 'options.x', o.x);
  const y = checkTensor(fn, 'options.y', o.y);
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) throw new RangeError(`${fn}: options.y must have one target per row of options.x (${x.shape[0] ?? 0}), got shape [${y.shape.join(', ')}]`);
  let every: number | 'auto' = 'auto';
  if (typeof o.every === 'string' && o.every !== 'auto') throw argumentError(fn, 'options.every', "a positive integer or 'auto'", o.every);
  if (o.every !== undefined && o.every !== 'auto') every = checkPositiveInteger(fn, 'options.every', o.every);
  return {
    ...o,
    x,
    y,
    every,
    maxOverhead: o.maxOverhead === undefined ? 0.1 : checkFiniteNumber(fn, 'options.maxOverhead', o.maxOverhead, { above: 0 }),
    probeRows: o.probeRows === undefined ? 256 : checkPositiveInteger(fn, 'options.probeRows', o.probeRows),
    bins: o.bins === undefined ? 30 : checkPositiveInteger(fn, 'options.bins', o.bins),
    label: o.label === undefined ? defaultLabel(model) : checkString(fn, 'options.label', o.label),
    live: o.live === undefined ? true : checkBoolean(fn, 'options.live', o.live),
    loss: o.loss as LossSpec | undefined,
  };
}

function defaultLabel(model: unknown): string {
  const name = (model as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : 'model';
}
