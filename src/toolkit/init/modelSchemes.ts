/**
 * The schemes that set a whole model, in nn.reinit: Fixup, MetaInit and GradInit. Each starts
 * from a copy drawn by a standard scheme (Kaiming normal with the model's activation, what all
 * three papers start from; `start` picks another), then applies itself to the copy in place:
 *
 *   nn.reinit(model, 'fixup', { seed })
 *   nn.reinit(model, 'metaInit', { x, y, seed })     x, y: a batch the model takes
 *   nn.reinit(model, 'gradInit', { x, y, seed })
 *
 * The data-dependent ones take their batch as init.lsuv does, here by name. The tuning options
 * (steps, learning rates) are init.metaInit's and init.gradInit's: call those on a copy for them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError, checkBoolean, checkOneOf, checkOptions, checkSeed, checkTensor } from '../args';
import { INIT_NAMES, MODEL_SCHEME_NAMES, type InitName, type ModelSchemeName } from '../../shared/names';
import { isLayersModel } from '../probe/layersGraph';
import type { Model } from '../nn/model';
import { fixup } from './fixup';
import { metaInit } from './metaInit';
import { gradInit } from './gradInit';

export interface SchemeReinitOptions {
  seed?: number;
  /** A tf.LayersModel's frozen layers are drawn too (nn.reinit's option). */
  frozen?: boolean;
  /** The standard scheme the copy is drawn with first. Default 'kaimingNormal'. */
  start?: InitName;
  /** MetaInit's and GradInit's batch: inputs, and the targets the model's loss takes. */
  x?: tfjs.Tensor;
  y?: tfjs.Tensor;
}

export function isModelSchemeName(value: unknown): value is ModelSchemeName {
  return typeof value === 'string' && (MODEL_SCHEME_NAMES as readonly string[]).includes(value);
}

type Reinit<M> = (model: M, init: InitName, options: { seed?: number; frozen?: boolean }) => M;

/** A copy of `model` drawn by `options.start`, then set by `scheme`. */
export function reinitWithScheme<M extends Model | tfjs.LayersModel>(model: M, scheme: ModelSchemeName, options: SchemeReinitOptions, reinit: Reinit<M>): M {
  const fn = 'nn.reinit';
  const o = checkOptions(fn, options, ['seed', 'frozen', 'start', 'x', 'y']);
  const seed = checkSeed(fn, 'options.seed', o.seed);
  const start = o.start === undefined ? 'kaimingNormal' : checkOneOf(fn, 'options.start', o.start, INIT_NAMES);
  const needsData = scheme !== 'fixup';
  if (needsData && (o.x === undefined || o.y === undefined)) {
    throw argumentError(fn, `options.${o.x === undefined ? 'x' : 'y'}`, `a tf.Tensor: ${scheme} tunes the copy on a batch, e.g. nn.reinit(model, '${scheme}', { x: xBatch, y: yBatch })`, o.x === undefined ? o.x : o.y);
  }
  if (!needsData && (o.x !== undefined || o.y !== undefined)) throw new TypeError(`${fn}: Fixup reads no data; options.x and options.y are for 'metaInit' and 'gradInit'`);
  const x = needsData ? checkTensor(fn, 'options.x', o.x) : undefined;
  const y = needsData ? checkTensor(fn, 'options.y', o.y) : undefined;
  const drawOptions: { seed?: number; frozen?: boolean } = seed === undefined ? {} : { seed };
  if (o.frozen !== undefined) {
    if (!isLayersModel(model)) throw new TypeError(`${fn}: options.frozen is for tf.LayersModels; an nn model has no frozen layers`);
    drawOptions.frozen = checkBoolean(fn, 'options.frozen', o.frozen);
  }
  const copy = reinit(model, start, drawOptions);
  try {
    if (scheme === 'fixup') fixup(copy);
    else if (scheme === 'metaInit') metaInit(copy, x!, y!);
    else gradInit(copy, x!, y!);
    return copy;
  } catch (err) {
    copy.dispose();
    throw err;
  }
}
