/**
 * `coordCheck(build, { widths, steps, optimizer, lr })`: μP's coordinate check (microsoft/mup's
 * get_coord_data), measured on the user's own model and read for them.
 *
 * For each width, `build(width, seed)` makes a fresh model, which trains `steps` steps on one
 * fixed batch; at every step each layer's output size is measured as mup measures it, the mean
 * of |x| over every coordinate. A slope of log size against log width is fitted per layer and
 * step (slopeFit.ts), and the verdict says which layers grow with width from which step
 * (coordVerdict.ts). Under standard parametrization with Adam the hidden and output layers grow
 * with width from the first update on (∝ width^0.5 to width^1.5 in docs/width-scaling.md); under
 * μP every layer stays flat.
 *
 * Example:
 *   coordCheck((w, seed) => nn.mlp([16, w, w, 10], { seed }), { widths: [64, 128, 256, 512, 1024] })
 *   coordCheck((w, seed) => muP.mlp({ inputs: 16, width: w, outputs: 10, baseWidth: 64, seed }), { widths: [64, 128, 256, 512, 1024] })
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { argumentError, checkArgumentCount, checkFiniteNumber, checkFunction, checkOneOf, checkOptions, checkPositiveInteger, isPlainObject } from '../../args';
import { toStatNumber } from '../../charts/finite';
import { forModel } from '../../data/forModel';
import { Model, Sequential } from '../../nn/model';
import { isLayersModel } from '../../probe/layersGraph';
import { manualSeed } from '../../random';
import { checkBatch } from './batchArgs';
import type { CoordCheckFit, CoordCheckReport, CoordCheckSize } from './coordCheckReport';
import { DEFAULT_THRESHOLD, judge } from './coordVerdict';
import { layersTrainee } from './layersTrainee';
import { OPTIMIZER_NAMES, type OptimizerName } from './layerwiseOptimizer';
import { checkMultipliers } from './muP';
import { nnTrainee } from './nnTrainee';
import { fitPowerLaw, isFit } from './slopeFit';
import type { MeasuredLayer, Trainee } from './trainee';

type AnyModel = Model | tfjs.LayersModel;

/** What build may return: a model, or a model with its learning-rate multipliers (what muP.parametrize returns). */
export type CoordCheckModel = AnyModel | { model: AnyModel; lrMultipliers?: readonly number[]; optimizer?: OptimizerName };

export interface CoordCheckOptions {
  /** At least two distinct widths, e.g. [64, 128, 256, 512, 1024]. */
  widths: readonly number[];
  /** Updates to make; sizes are measured at steps 0 (the initialization) to `steps`. Default 5. */
  steps?: number;
  /** Default 'adam'. */
  optimizer?: OptimizerName;
  /** The base learning rate. Default 0.1 for SGD and 0.01 for Adam. */
  lr?: number;
  /** The batch trained on at every step and width. Default: synthetic N(0, 1) inputs and targets that fit the model, drawn from `seed`. */
  data?: { x: tfjs.Tensor | tfjs.Tensor[]; y: tfjs.Tensor | tfjs.Tensor[] };
  /** Examples in the synthetic batch. Default 64. */
  batch?: number;
  /** The first seed; build gets seed, seed + 1, ... for each repeat. Default 0. */
  seed?: number;
  /** How many seeds to average the sizes over (mup's nseeds). Default 2. */
  repeats?: number;
  /** |slope| above which a layer counts as growing or shrinking with width. Default 0.1. */
  threshold?: number;
}

const OPTIONS = ['widths', 'steps', 'optimizer', 'lr', 'data', 'batch', 'seed', 'repeats', 'threshold'];
const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.1, adam: 0.01 };

interface Built {
  model: AnyModel;
  multipliers: number[] | undefined;
  optimizer: OptimizerName | undefined;
  notes: string[];
}

/** What build(width) returned, checked. */
function unpack(fn: string, width: number, value: unknown): Built {
  const name = `build(${width})`;
  const expected = 'an nn.Model (with a loss), a tf.LayersModel, or { model, lrMultipliers } (what muP.parametrize returns)';
  const wrapped = isPlainObject(value) && 'model' in value ? value : undefined;
  const model = wrapped ? wrapped.model : value;
  if (model instanceof Sequential && !(model instanceof Model)) throw new TypeError(`${fn}: ${name} must return ${expected}; an nn.Sequential has no loss to train with`);
  if (!(model instanceof Model) && !isLayersModel(model)) throw argumentError(fn, name, expected, value);
  if (wrapped) checkOptions(fn, wrapped, ['model', 'lrMultipliers', 'optimizer', 'baseWidth', 'readout', 'layers', 'notes'], name);
  const count = model instanceof Model ? model.parameters().length : model.trainableWeights.length;
  const multipliers = checkMultipliers(fn, `${name}.lrMultipliers`, wrapped?.lrMultipliers, count);
  const optimizer = wrapped?.optimizer === undefined ? undefined : checkOneOf(fn, `${name}.optimizer`, wrapped.optimizer, OPTIMIZER_NAMES);
  const notes = Array.isArray(wrapped?.notes) ? wrapped.notes.filter((n): n is string => typeof n === 'string') : [];
  return { model, multipliers, optimizer, notes };
}

/** unpack, and a value refused is freed: build made it for this run, and nothing else holds it. */
function unpackOrFree(fn: string, width: number, value: unknown): Built {
  try {
    return unpack(fn, width, value);
  } catch (err) {
    const holder = isPlainObject(value) && 'model' in value ? value.model : value;
    const dispose = (holder as { dispose?: unknown } | null)?.dispose;
    if (typeof dispose === 'function') dispose.call(holder);
    throw err;
  }
}

function checkWidths(fn: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length < 2) throw argumentError(fn, 'options.widths', 'an array of at least two widths, e.g. [64, 128, 256, 512, 1024]', value);
  value.forEach((w, i) => checkPositiveInteger(fn, `options.widths[${i}]`, w));
  const widths = [...(value as number[])].sort((a, b) => a - b);
  const repeated = widths.find((w, i) => i > 0 && w === widths[i - 1]);
  if (repeated !== undefined) throw new RangeError(`${fn}: options.widths must be distinct; ${repeated} is there twice`);
  return widths;
}

function checkData(fn: string, value: unknown): CoordCheckOptions['data'] {
  if (value === undefined) return undefined;
  const o = checkOptions(fn, value, ['x', 'y'], 'options.data');
  checkBatch(fn, { x: 'options.data.x', y: 'options.data.y' }, o.x, o.y);
  return o as CoordCheckOptions['data'];
}

const parameterCount = (model: AnyModel) => (model instanceof Model ? model.parameters() : model.trainableWeights.map((w) => w.read())).reduce((n, p) => n + p.size, 0);

export function coordCheck(build: (width: number, seed: number) => CoordCheckModel, options: CoordCheckOptions, ...extra: unknown[]): CoordCheckReport {
  const fn = 'coordCheck';
  checkArgumentCount(fn, [build, options, ...extra], 2);
  checkFunction(fn, 'build', build, 'a function (width, seed) => model');
  if (options === undefined) throw new TypeError(`${fn}: options.widths is required, e.g. coordCheck(build, { widths: [64, 128, 256, 512, 1024] })`);
  const o = checkOptions(fn, options, OPTIONS);
  const widths = checkWidths(fn, o.widths);
  const steps = o.steps === undefined ? 5 : checkFiniteNumber(fn, 'options.steps', o.steps, { integer: true, min: 1, max: 1000 });
  const optimizer = o.optimizer === undefined ? 'adam' : checkOneOf(fn, 'options.optimizer', o.optimizer, OPTIMIZER_NAMES);
  const lr = o.lr === undefined ? DEFAULT_LR[optimizer] : checkFiniteNumber(fn, 'options.lr', o.lr, { above: 0 });
  const given = checkData(fn, o.data);
  const batch = o.batch === undefined ? 64 : checkPositiveInteger(fn, 'options.batch', o.batch);
  if (given && o.batch !== undefined) throw new TypeError(`${fn}: options.batch sizes the synthetic batch; with options.data given, leave it out`);
  const seed = o.seed === undefined ? 0 : checkFiniteNumber(fn, 'options.seed', o.seed, { integer: true, min: 0 });
  const repeats = o.repeats === undefined ? 2 : checkFiniteNumber(fn, 'options.repeats', o.repeats, { integer: true, min: 1, max: 100 });
  const threshold = o.threshold === undefined ? DEFAULT_THRESHOLD : checkFiniteNumber(fn, 'options.threshold', o.threshold, { above: 0 });

  const seeds = Array.from({ length: repeats }, (_, r) => seed + r);
  // sizes[r][w][step][layer] and losses[r][w][step]
  const sizes: number[][][][] = [];
  const losses: number[][][] = [];
  const labels: MeasuredLayer[][] = [];
  const notes = new Set<string>();
  let layerwiseLr = false;
  let data = given;
  let drawn: { x: tfjs.Tensor | tfjs.Tensor[]; y: tfjs.Tensor | tfjs.Tensor[] } | undefined;
  let dataWords = 'the batch given';
  const counts = new Map<number, number>();
  try {
    for (const s of seeds) {
      const perWidth: number[][][] = [];
      const lossPerWidth: number[][] = [];
      for (const width of widths) {
        // As mup's get_coord_data seeds torch before each model: a build that draws from the
        // global stream (no seed of its own) gets a reproducible model too.
        manualSeed(s);
        const built = unpackOrFree(fn, width, build(width, s));
        try {
          const count = parameterCount(built.model);
          const same = [...counts].find(([w, c]) => c === count && w !== width);
          if (same) throw new RangeError(`${fn}: build(${same[0]}) and build(${width}) give models of the same size (${count.toLocaleString('en-US')} parameters); build must use its width`);
          counts.set(width, count);
          if (!data) {
            const made = forModel(built.model, { data: 'synthetic', examples: batch, seed });
            drawn = { x: made.x, y: made.y };
            data = drawn;
            dataWords = `${made.description}, one batch for every step and width`;
          }
          if (built.multipliers) layerwiseLr = true;
          // muP.parametrize's notes on the model's own init, once: later widths repeat them with other figures.
          if (counts.size === 1) for (const note of built.notes) notes.add(`${note}.`);
          if (built.optimizer && built.optimizer !== optimizer) notes.add(`The learning-rate multipliers were made for ${built.optimizer} and trained with ${optimizer}: parametrize with { optimizer: '${optimizer}' } for ${optimizer}'s.`);
          const run = atWidth(width, () => trainAtWidth(fn, built, data!, optimizer, lr, steps, labels.length ? { width: widths[0], count: labels[0].length } : undefined));
          if (run.note) notes.add(run.note);
          labels.push(run.layers);
          perWidth.push(run.sizes);
          lossPerWidth.push(run.losses);
        } finally {
          built.model.dispose();
        }
      }
      sizes.push(perWidth);
      losses.push(lossPerWidth);
    }
  } finally {
    if (drawn) tf.dispose([drawn.x, drawn.y].flat());
  }

  const layers = sharedLabels(labels);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const sizeRows: CoordCheckSize[] = [];
  const fits: CoordCheckFit[] = [];
  for (let step = 0; step <= steps; step++) {
    layers.forEach((layer, l) => {
      const averaged = widths.map((_, w) => mean(seeds.map((_s, r) => sizes[r][w][step][l])));
      averaged.forEach((size, w) => sizeRows.push({ layer: layer.label, step, width: widths[w], size: toStatNumber(size) }));
      const fit = fitPowerLaw(widths, averaged);
      fits.push(isFit(fit) ? { layer: layer.label, step, slope: fit.slope, standardError: fit.standardError, intercept: fit.intercept } : { layer: layer.label, step, slope: null, standardError: null, intercept: null, reason: fit.reason });
    });
  }
  const lossRows = widths.flatMap((width, w) => Array.from({ length: steps }, (_, step) => ({ step, width, loss: toStatNumber(mean(seeds.map((_s, r) => losses[r][w][step]))) })));
  const unjudged = { kind: 'initlab.coordCheck' as const, widths, steps, optimizer, lr, seeds, threshold, layerwiseLr, layers, sizes: sizeRows, fits, losses: lossRows, data: dataWords, notes: [...notes] };
  return { ...unjudged, ...judge(unjudged) };
}

/**
 * One model's run: `steps` updates on the batch, each layer's size measured on every step's
 * forward and once more after the last update. `first` is the first width's layer count, which
 * every width must match.
 */
function trainAtWidth(fn: string, built: Built, data: NonNullable<CoordCheckOptions['data']>, optimizer: OptimizerName, lr: number, steps: number, first: { width: number; count: number } | undefined): { layers: MeasuredLayer[]; sizes: number[][]; losses: number[]; note?: string } {
  const { model, multipliers } = built;
  const trainee: Trainee = model instanceof Model ? nnTrainee(fn, model, optimizer, lr, multipliers) : layersTrainee(fn, model, optimizer, lr, multipliers);
  try {
    if (first && first.count !== trainee.layers.length) throw new RangeError(`build(${first.width}) has ${first.count} layers with weights, this one ${trainee.layers.length}; every width needs the same layers`);
    const sizes: number[][] = [];
    const losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      const measured = trainee.step(data.x, data.y);
      sizes.push(measured.sizes);
      losses.push(measured.loss);
    }
    sizes.push(trainee.sizes(data.x));
    return { layers: [...trainee.layers], sizes, losses, ...(trainee.note ? { note: trainee.note } : {}) };
  } finally {
    trainee.dispose();
  }
}

/** An error inside one width's run says which width. */
function atWidth<T>(width: number, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof Error && !/^coordCheck: at width /.test(err.message)) err.message = `coordCheck: at width ${width}: ${err.message.replace(/^coordCheck: /, '')}`;
    throw err;
  }
}

/**
 * One label per layer for every width: the models' own when they agree (an nn model's "Linear
 * 2", a tf.layers layer named by the user), else kind and place ("dense 2"), since tf.layers
 * numbers the layers of each new model on ("dense_Dense7").
 */
function sharedLabels(perModel: readonly MeasuredLayer[][]): MeasuredLayer[] {
  const first = perModel[0];
  if (perModel.every((layers) => layers.every((l, k) => l.label === first[k].label))) return first;
  return first.map((l, k) => ({ label: `${l.kind} ${k + 1}${k === first.length - 1 ? ' (output)' : ''}`, kind: l.kind }));
}

