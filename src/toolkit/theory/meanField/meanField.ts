/**
 * `meanField(options)`: what mean-field theory (Schoenholz et al., ICLR 2017) says about a deep
 * chain of dense or convolutional layers with activation φ, weights W ~ N(0, σ_w²/fanIn) and
 * biases b ~ N(0, σ_b²): q*, χ₁, c*, the depth scales ξ_q and ξ_c, the phase, and the depth that
 * trains (about 6ξ_c). Displays as the phase diagram with sliders, and the summary in words.
 * Example: `meanField({ activation: 'tanh', sigmaW: 1.5, sigmaB: 0.1, depth: 50 })`
 *
 * `meanField.ofModel(model)` reads the same from a model's own weights; `meanField.correlationMap`
 * gives the predicted path of two inputs' correlation layer by layer; `meanField.criticalPoint`
 * the σ_w² of the order-to-chaos boundary.
 */
import { argumentError, checkArgumentCount, checkFiniteNumber, checkOneOf, checkOptions, checkPositiveInteger, isPlainObject } from '../../args';
import { MEAN_FIELD_ACTIVATIONS, namedActivation, userActivation, type Activation, type MeanFieldActivationName } from './activations';
import { analyzeChain, criticalSigmaW2, type ChainParameters } from './chain';
import { propagateCorrelation, type CorrelationStep } from './correlationMap';
import { defaultRange, phaseGrid, type GridRange } from './phaseGrid';
import { modelChain, type ChainLayer } from './modelChain';
import { figure, summaryText, type MeanFieldReport, type ModelPoint } from './meanFieldReport';

export type MeanFieldActivation = MeanFieldActivationName | ((x: number) => number);

export interface GridOptions {
  /** The σ_w² axis; default from the activation's critical point (tanh: [0.5, 4]). */
  sigmaW2?: [number, number];
  /** The σ_b² axis; default [0, 0.3 × the critical σ_w² at σ_b = 0] (tanh: [0, 0.3]). */
  sigmaB2?: [number, number];
  /** Points per axis, 2 to 100; default 40. */
  size?: number;
}

export interface MeanFieldOptions {
  /** One of the named activations, or your own φ as (x: number) => number. */
  activation: MeanFieldActivation;
  /** σ_w: weights are N(0, σ_w²/fanIn). */
  sigmaW: number;
  /** σ_b: biases are N(0, σ_b²). Default 0. */
  sigmaB?: number;
  /** A depth to judge against the trainable depth. */
  depth?: number;
  /** leakyRelu's negative slope. Default 0.01. */
  slope?: number;
  /** The first layer's pre-activation variance, where the chain starts. Default 1. */
  q0?: number;
  /** The phase diagram's grid, or false for none (the report is then quicker). Default true. */
  grid?: boolean | GridOptions;
}

export interface CorrelationMapOptions {
  activation: MeanFieldActivation;
  sigmaW: number;
  sigmaB?: number;
  slope?: number;
  /** The first layer's pre-activation variance of both inputs, or of each: [q₁, q₂]. */
  q: number | [number, number];
  /** The first layer's correlation between the two inputs, in [−1, 1]. */
  c: number;
  /** Layers to predict, the first included (1 to 10,000). */
  depth: number;
}

export interface CorrelationMapResult {
  activation: string;
  sigmaW2: number;
  sigmaB2: number;
  /** q₁, q₂ and c at layers 1 … depth. */
  layers: CorrelationStep[];
}

export interface OfModelOptions {
  /** The first layer's pre-activation variance; default what unit-variance inputs give it, its σ_w² + σ_b². */
  q0?: number;
  /** The depth judged; default the model's own count of dense and convolutional layers. */
  depth?: number;
  grid?: boolean | GridOptions;
}

const ACTIVATION_EXPECTED = `one of ${MEAN_FIELD_ACTIVATIONS.map((n) => `'${n}'`).join(', ')}, or a function (x: number) => number`;

function checkActivation(fn: string, o: Record<string, unknown>): Activation {
  const { activation, slope } = o;
  if (activation === undefined) throw argumentError(fn, 'options.activation', ACTIVATION_EXPECTED, activation);
  if (slope !== undefined && activation !== 'leakyRelu') throw new TypeError(`${fn}: options.slope is leakyRelu's negative slope, but options.activation is ${typeof activation === 'string' ? `'${activation}'` : 'a function'}`);
  if (typeof activation === 'function') return userActivation(fn, activation as (x: number) => unknown);
  if (typeof activation !== 'string') throw argumentError(fn, 'options.activation', ACTIVATION_EXPECTED, activation);
  const name = checkOneOf(fn, 'options.activation', activation, MEAN_FIELD_ACTIVATIONS);
  return namedActivation(name, slope === undefined ? 0.01 : checkFiniteNumber(fn, 'options.slope', slope));
}

/**
 * σ_w and σ_b above 30 (σ² = 900) are refused. Past q ≈ 1000 a saturating φ′ (tanh, sigmoid) is a
 * spike narrower than the quadrature's nodes: E[tanh′²] is 5e−5 off at q = 1e3, 2% at 1e4, and at
 * σ_w = 1e6 χ₁ came out 0 (ordered) where it is about 4e5 (chaotic). σ_w = 1e200 squared to
 * Infinity, and every figure after it was NaN. 30 is past any network's scale (sigmoid's edge is 10.1).
 */
const SIGMA_MAX = 30;

function checkSigmas(fn: string, o: Record<string, unknown>): { sigmaW: number; sigmaB: number } {
  if (o.sigmaW === undefined) throw argumentError(fn, 'options.sigmaW', 'a finite number > 0 (weights are N(0, σ_w²/fanIn))', o.sigmaW);
  const sigmaW = checkFiniteNumber(fn, 'options.sigmaW', o.sigmaW, { above: 0, max: SIGMA_MAX });
  const sigmaB = o.sigmaB === undefined ? 0 : checkFiniteNumber(fn, 'options.sigmaB', o.sigmaB, { min: 0, max: SIGMA_MAX });
  return { sigmaW, sigmaB };
}

function checkRange(fn: string, name: string, value: unknown): [number, number] {
  // Up to SIGMA_MAX², for the same reason as σ_w and σ_b.
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= SIGMA_MAX ** 2) && value[0] < value[1];
  if (!ok) throw argumentError(fn, name, `an array [low, high] of finite numbers with 0 ≤ low < high ≤ ${SIGMA_MAX ** 2}`, value);
  return [value[0], value[1]];
}

interface GridRequest {
  range?: Partial<GridRange>;
  size: number;
}

function checkGrid(fn: string, value: unknown): GridRequest | null {
  if (value === undefined || value === true) return { size: 40 };
  if (value === false) return null;
  if (!isPlainObject(value)) throw argumentError(fn, 'options.grid', 'true, false, or { sigmaW2?, sigmaB2?, size? }', value);
  const g = checkOptions(fn, value, ['sigmaW2', 'sigmaB2', 'size'], 'options.grid');
  const size = g.size === undefined ? 40 : checkFiniteNumber(fn, 'options.grid.size', g.size, { integer: true, min: 2, max: 100 });
  const range: Partial<GridRange> = {};
  if (g.sigmaW2 !== undefined) {
    range.sigmaW2 = checkRange(fn, 'options.grid.sigmaW2', g.sigmaW2);
    if (range.sigmaW2[0] === 0) throw argumentError(fn, 'options.grid.sigmaW2', 'a range of σ_w² > 0 (σ_w² = 0 is no network)', g.sigmaW2);
  }
  if (g.sigmaB2 !== undefined) range.sigmaB2 = checkRange(fn, 'options.grid.sigmaB2', g.sigmaB2);
  return { range, size };
}

function checkQ0(fn: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkFiniteNumber(fn, 'options.q0', value, { above: 0 });
}

/** The report for one point of a chain; `model` when it was read from one. */
function report(p: ChainParameters, sigmas: { sigmaW: number; sigmaB: number }, q0: number, depth: number | null, grid: GridRequest | null, model: ModelPoint | null): MeanFieldReport {
  const a = analyzeChain(p, q0);
  const point = { sigmaW2: p.sigmaW2, sigmaB2: p.sigmaB2 };
  const range = grid && { ...defaultRange(p.activation, q0, point), ...grid.range };
  const notes = [...(model?.notes ?? [])];
  if (range && (p.sigmaW2 < range.sigmaW2[0] || p.sigmaW2 > range.sigmaW2[1] || p.sigmaB2 < range.sigmaB2[0] || p.sigmaB2 > range.sigmaB2[1])) {
    notes.push(`the point (σ_w² = ${figure(p.sigmaW2)}, σ_b² = ${figure(p.sigmaB2)}) lies outside the diagram's grid`);
  }
  const body: Omit<MeanFieldReport, 'text'> = {
    kind: 'initlab.meanField',
    activation: p.activation.name,
    sigmaW: sigmas.sigmaW,
    sigmaB: sigmas.sigmaB,
    sigmaW2: p.sigmaW2,
    sigmaB2: p.sigmaB2,
    q0,
    depth,
    qStar: a.qStar,
    fixedPoint: a.fixedPoint.kind,
    qGrowth: a.fixedPoint.kind === 'unbounded' ? a.fixedPoint.growth : null,
    chi1: a.chi1,
    cStar: a.cStar,
    chiC: a.chiC,
    xiQ: a.xiQ,
    xiC: a.xiC,
    depthScale: a.depthScale,
    trainableDepth: a.trainableDepth,
    phase: a.phase,
    trainable: depth === null ? null : depth <= a.trainableDepth,
    model,
    grid: range ? phaseGrid(p.activation, range, grid!.size, q0) : null,
    notes,
  };
  return { ...body, text: summaryText(body, a) };
}

function pointReport(options: MeanFieldOptions, ...rest: unknown[]): MeanFieldReport {
  const fn = 'meanField';
  checkArgumentCount(fn, [options, ...rest], 1);
  if (options === undefined) throw argumentError(fn, 'options', "an object { activation, sigmaW, sigmaB?, depth? }, e.g. { activation: 'tanh', sigmaW: 1.5, sigmaB: 0.1 }", options);
  const o = checkOptions(fn, options, ['activation', 'sigmaW', 'sigmaB', 'depth', 'slope', 'q0', 'grid']);
  const activation = checkActivation(fn, o);
  const sigmas = checkSigmas(fn, o);
  const depth = o.depth === undefined ? null : checkPositiveInteger(fn, 'options.depth', o.depth);
  const q0 = checkQ0(fn, o.q0, 1);
  const grid = checkGrid(fn, o.grid);
  return report({ activation, sigmaW2: sigmas.sigmaW ** 2, sigmaB2: sigmas.sigmaB ** 2 }, sigmas, q0, depth, grid, null);
}

/** The activation most of the chain's layers have, the output layer's own left aside. */
function chainActivation(layers: readonly ChainLayer[]): { activation: Activation; members: ChainLayer[] } {
  const hidden = layers.length > 1 ? layers.slice(0, -1) : layers;
  const counts = new Map<string, ChainLayer[]>();
  for (const l of hidden) counts.set(l.activation.name, [...(counts.get(l.activation.name) ?? []), l]);
  const [, members] = [...counts].sort((x, y) => y[1].length - x[1].length)[0];
  // The output layer belongs to the chain when it has the same activation.
  const last = layers[layers.length - 1];
  if (layers.length > 1 && last.activation.name === members[0].activation.name) members.push(last);
  return { activation: members[0].activation, members };
}

function ofModel(model: unknown, options: OfModelOptions = {}, ...rest: unknown[]): MeanFieldReport {
  const fn = 'meanField.ofModel';
  checkArgumentCount(fn, [model, options, ...rest], 2);
  const o = checkOptions(fn, options, ['q0', 'depth', 'grid']);
  const chain = modelChain(fn, model);
  const { activation, members } = chainActivation(chain.layers);
  const mean = (key: 'sigmaW2' | 'sigmaB2') => members.reduce((s, l) => s + l[key], 0) / members.length;
  const sigmaW2 = mean('sigmaW2');
  const sigmaB2 = mean('sigmaB2');
  // The same bound as σ_w and σ_b given by hand (SIGMA_MAX): past it the quadrature stops
  // resolving a saturating φ′ and would name the wrong phase.
  for (const [name, key, value] of [
    ['σ_w²', 'sigmaW2', sigmaW2],
    ['σ_b²', 'sigmaB2', sigmaB2],
  ] as const) {
    if (!(value <= SIGMA_MAX ** 2)) {
      const worst = members.reduce((a, l) => (l[key] > a[key] ? l : a));
      throw new RangeError(
        `${fn}: the model's weights give ${name} = ${figure(value)} (layer "${worst.name}" the largest), above ${SIGMA_MAX ** 2}, where mean-field theory's figures are no longer accurate; a network with weights this large is far into the chaotic (or exploding) phase`,
      );
    }
  }
  const notes = [...chain.notes];
  const spread = members.map((l) => l.sigmaW2);
  if (Math.max(...spread) > 1.1 * Math.min(...spread)) notes.push(`σ_w² differs across the layers (${figure(Math.min(...spread))} to ${figure(Math.max(...spread))}): the point is their mean, and theory describes a chain of equal layers`);
  const others = chain.layers.filter((l) => !members.includes(l));
  if (others.length) notes.push(`left out of the mean: ${others.map((l) => `${l.name} (${l.activation.name})`).join(', ')}`);
  const first = chain.layers[0];
  const q0 = checkQ0(fn, o.q0, first.sigmaW2 + first.sigmaB2);
  const depth = o.depth === undefined ? chain.layers.length : checkPositiveInteger(fn, 'options.depth', o.depth);
  const point: ModelPoint = {
    label: chain.label,
    layers: chain.layers.map((l) => ({ name: l.name, kind: l.kind, fanIn: l.fanIn, sigmaW2: l.sigmaW2, sigmaB2: l.sigmaB2, activation: l.activation.name })),
    chainLayers: members.length,
    notes,
  };
  return report({ activation, sigmaW2, sigmaB2 }, { sigmaW: Math.sqrt(sigmaW2), sigmaB: Math.sqrt(sigmaB2) }, q0, depth, checkGrid(fn, o.grid), point);
}

function correlationMap(options: CorrelationMapOptions, ...rest: unknown[]): CorrelationMapResult {
  const fn = 'meanField.correlationMap';
  checkArgumentCount(fn, [options, ...rest], 1);
  if (options === undefined) throw argumentError(fn, 'options', 'an object { activation, sigmaW, sigmaB?, q, c, depth }', options);
  const o = checkOptions(fn, options, ['activation', 'sigmaW', 'sigmaB', 'slope', 'q', 'c', 'depth']);
  const activation = checkActivation(fn, o);
  const { sigmaW, sigmaB } = checkSigmas(fn, o);
  const qs = Array.isArray(o.q) ? o.q : [o.q, o.q];
  if (qs.length !== 2 || qs.some((q) => typeof q !== 'number' || !Number.isFinite(q) || q <= 0)) throw argumentError(fn, 'options.q', 'a variance > 0, or [q₁, q₂] of two', o.q);
  if (o.c === undefined) throw argumentError(fn, 'options.c', 'a correlation in [-1, 1]', o.c);
  const c = checkFiniteNumber(fn, 'options.c', o.c, { min: -1, max: 1 });
  if (o.depth === undefined) throw argumentError(fn, 'options.depth', 'an integer in [1, 10000]', o.depth);
  const depth = checkFiniteNumber(fn, 'options.depth', o.depth, { integer: true, min: 1, max: 10000 });
  const p = { activation, sigmaW2: sigmaW ** 2, sigmaB2: sigmaB ** 2 };
  return { activation: activation.name, sigmaW2: p.sigmaW2, sigmaB2: p.sigmaB2, layers: propagateCorrelation(p, qs[0] as number, qs[1] as number, c, depth) };
}

/** The σ_w² (and σ_w) where χ₁ = 1 for the given σ_b, or null if χ₁ never reaches 1. */
function criticalPoint(options: { activation: MeanFieldActivation; sigmaB?: number; slope?: number; q0?: number }, ...rest: unknown[]): { sigmaW2: number; sigmaW: number } | null {
  const fn = 'meanField.criticalPoint';
  checkArgumentCount(fn, [options, ...rest], 1);
  if (options === undefined) throw argumentError(fn, 'options', 'an object { activation, sigmaB? }', options);
  const o = checkOptions(fn, options, ['activation', 'sigmaB', 'slope', 'q0']);
  const activation = checkActivation(fn, o);
  const sigmaB = o.sigmaB === undefined ? 0 : checkFiniteNumber(fn, 'options.sigmaB', o.sigmaB, { min: 0, max: SIGMA_MAX });
  const sigmaW2 = criticalSigmaW2(activation, sigmaB ** 2, checkQ0(fn, o.q0, 1));
  return sigmaW2 === null ? null : { sigmaW2, sigmaW: Math.sqrt(sigmaW2) };
}

// A named function expression: a cell that displays `meanField` sees its own name, not pointReport.
export const meanField = Object.assign((options: MeanFieldOptions, ...rest: unknown[]) => pointReport(options, ...rest), { ofModel, correlationMap, criticalPoint });
Object.defineProperty(meanField, 'name', { value: 'meanField' });
