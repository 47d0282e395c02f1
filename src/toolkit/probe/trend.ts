/**
 * What a report's per-layer gains say about a deeper net of the same kind. A shallow net can sit
 * inside the healthy band while each of its layers scales the signal by a steady factor: four
 * layers at ×1.41 move it only 2.8×, twenty move it 1000×. The verdict reads the trend here.
 *
 * A layer "repeats" when its input is the same kind of signal as its output: its activation is
 * the previous layer's (every hidden layer after the first; not the first, whose input is the
 * data, nor an output layer without the hidden layers' activation, nor a sigmoid output after
 * sigmoid layers: its output is a probability). A deeper net of the same kind adds repeating
 * layers, so their gains are what depth multiplies.
 *
 * Two factors per direction: the measured one (the geometric mean of the repeating layers'
 * forwardGain or backwardGain) and theory's (the same ratio of the std theory predicts for
 * those layers from their measured weight variance). On correlated data such as MNIST a
 * width-100 layer's measured std gain wanders by 10-20% from draw to draw, and He's init reads
 * ×0.88 on one draw of lesson A, while theory's factor, which depends only on the weights and
 * the activation, reads 1.00. So a drift is steady when theory's factor is at least
 * DRIFT_FACTOR away from 1 and the measured factor lies on the same side of 1; the depth is
 * projected with theory's factor. Without a theory figure (NaN) the measured factor stands in,
 * and then every measured gain must lie on its side of 1. (A factor under 1.1 needs over 24
 * layers to move the signal 10×.)
 *
 * Where the drift leaves the band, continued geometrically from the last measurement:
 *
 *   forward    the activation std of the last repeating layer, × factor per added layer, leaves
 *              HEALTHY_ACTIVATION_STD: the first layer whose activation is out of the band.
 *   backward   the gradient reaching the first repeating layer's input, relative to the gradient
 *              entering the hidden layers from the top (the output layer's input gradient),
 *              × factor per added layer, leaves [0.1, 10]× (within 10× of where it started, as
 *              the forward band is for unit-std input): the depth of the first net whose
 *              gradient at its first hidden layer is out of the band. The reference is not the
 *              loss's own gradient: with one output its mean can rival its std and varies by
 *              draw, while the gradient it sends into the hidden layers has mean ~0.
 *
 * For ReLU and linear layers the factor is exact for any depth (they are positively
 * homogeneous: scaling the input scales the output); for tanh and sigmoid it is a first-order
 * continuation, because their gain changes with the scale of the signal.
 */
import { fromStatNumber, type StatNumber } from '../charts/finite';
import type { LayerProbe, ProbeReport } from './probe';

export const HEALTHY_ACTIVATION_STD: readonly [number, number] = [0.1, 10];
/** The backward band: the gradient within 10× of the gradient entering the hidden layers. */
export const HEALTHY_GRADIENT_RATIO: readonly [number, number] = [0.1, 10];
export const DRIFT_FACTOR = 1.1;
export const MIN_REPEATING_LAYERS = 2;

interface TrendBase {
  /** The factor per layer depth multiplies: theory's where it has one, else the measured one. */
  factor: number;
  /** Geometric mean of the repeating layers' measured gains. */
  measuredFactor: number;
  /** Geometric mean of the gains theory predicts for the same layers (NaN without theory). */
  theoryFactor: number;
  /** The repeating layers whose gains were read, and those gains. */
  layers: number[];
  gains: number[];
  /** A steady drift (see the header). */
  drifts: boolean;
}

export interface ForwardTrend extends TrendBase {
  direction: 'forward';
  /** The last repeating layer and its activation std: where the continuation starts. */
  from: { layer: number; std: number };
  /** The first layer whose activation std the factor takes out of the band; null if it does not drift. */
  leavesBandAtLayer: number | null;
}

export interface BackwardTrend extends TrendBase {
  direction: 'backward';
  /** The first repeating layer and the std of its input gradient over the output layer's input gradient std. */
  from: { layer: number; ratio: number };
  /** The depth of the first net whose gradient leaves the band; null if it does not drift. */
  leavesBandAtDepth: number | null;
}

export type Trend = ForwardTrend | BackwardTrend;

/**
 * The weighted layers with no weighted layer after them: the model's output layers, wherever
 * they sit in the graph (a nested model's head, a branch of a multi-output model), and the
 * layers that feed an output only through weightless ones (a softmax activation layer, a reshape).
 */
export function outputLayers(report: ProbeReport): Set<LayerProbe> {
  const readers = new Map<string, LayerProbe[]>();
  for (const layer of report.layers) for (const id of layer.inputs) readers.set(id, [...(readers.get(id) ?? []), layer]);
  // The layers are in the graph's order: walk back, each layer knowing its readers' answers.
  const feedsWeighted = new Map<string, boolean>();
  for (let i = report.layers.length - 1; i >= 0; i--) {
    const layer = report.layers[i];
    feedsWeighted.set(layer.id, (readers.get(layer.id) ?? []).some((r) => r.tensors.weights !== undefined || feedsWeighted.get(r.id) === true));
  }
  return new Set(report.layers.filter((l) => l.tensors.weights && !feedsWeighted.get(l.id)));
}

/** A layer whose output is a probability (a softmax, or a sigmoid), not a signal. */
export const isProbability = (layer: LayerProbe) => layer.activation === 'softmax' || layer.activation === 'sigmoid' || layer.kind === 'softmax';

/** The layers whose gains depth multiplies (see the header). */
export function repeatingLayers(report: ProbeReport): LayerProbe[] {
  // Same kind and same activation as the layer before: a CNN's conv, BatchNorm and pooling
  // layers alternate, and only like follows like when a net grows deeper. A sigmoid output
  // after sigmoid layers is not one more of them: its probabilities are not what a deeper net
  // repeats.
  const outputs = outputLayers(report);
  return report.layers.filter((layer, i) => i > 0 && layer.activation === report.layers[i - 1].activation && layer.kind === report.layers[i - 1].kind && !(outputs.has(layer) && isProbability(layer)));
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** The factor to project with, and whether it is a steady drift (see the header). */
function judgeFactors(gains: readonly number[], theoryGains: readonly number[]): { factor: number; measuredFactor: number; theoryFactor: number; drifts: boolean } {
  const measuredFactor = geometricMean(gains);
  const theoryFactor = theoryGains.every(usable) ? geometricMean(theoryGains) : NaN;
  const far = (f: number) => Math.abs(Math.log(f)) >= Math.log(DRIFT_FACTOR);
  const side = (f: number) => Math.sign(Math.log(f));
  if (usable(theoryFactor)) return { factor: theoryFactor, measuredFactor, theoryFactor, drifts: far(theoryFactor) && side(measuredFactor) === side(theoryFactor) };
  return { factor: measuredFactor, measuredFactor, theoryFactor, drifts: far(measuredFactor) && gains.every((g) => side(g) === side(measuredFactor)) };
}

/**
 * How many steps of ×factor take `start` out of band: the smallest k ≥ 1 with start·factorᵏ
 * outside it. null when the factor is 1 (it never leaves).
 */
export function stepsToLeave(start: number, factor: number, band: readonly [number, number]): number | null {
  if (!(start > 0) || !(factor > 0) || factor === 1 || !Number.isFinite(start) || !Number.isFinite(factor)) return null;
  const edge = factor > 1 ? band[1] : band[0];
  return Math.max(1, Math.floor(Math.log(edge / start) / Math.log(factor)) + 1);
}

const usable = (x: number) => Number.isFinite(x) && x > 0;
/** A theory figure, NaN where theory has no prediction (which leaves no trend to read). */
const predictedStd = (x: StatNumber | null) => (x === null ? NaN : fromStatNumber(x));

export function forwardTrend(report: ProbeReport): ForwardTrend | null {
  const layers = repeatingLayers(report).filter((l) => usable(fromStatNumber(l.forwardGain)));
  if (layers.length < MIN_REPEATING_LAYERS) return null;
  const last = layers[layers.length - 1];
  const output = last.tensors.activation ?? last.tensors.preActivation;
  const std = output ? fromStatNumber(output.std) : NaN;
  if (!usable(std)) return null;
  const gains = layers.map((l) => fromStatNumber(l.forwardGain));
  const predicted = (l: LayerProbe) => predictedStd(l.theory.activationStd);
  const theoryGains = layers.map((l) => predicted(l) / predicted(report.layers[l.layer - 2]));
  const judged = judgeFactors(gains, theoryGains);
  const steps = judged.drifts ? stepsToLeave(std, judged.factor, HEALTHY_ACTIVATION_STD) : null;
  return { direction: 'forward', ...judged, layers: layers.map((l) => l.layer), gains, from: { layer: last.layer, std }, leavesBandAtLayer: steps === null ? null : last.layer + steps };
}

export function backwardTrend(report: ProbeReport): BackwardTrend | null {
  // The last layer has no layer after it to compare with (it repeats in a net with no output head).
  const layers = repeatingLayers(report).filter((l) => l.layer < report.layers.length && usable(fromStatNumber(l.backwardGain)));
  if (layers.length < MIN_REPEATING_LAYERS) return null;
  const top = report.layers[report.layers.length - 1];
  const entering = top.tensors.inputGrad ? fromStatNumber(top.tensors.inputGrad.std) : NaN;
  const first = layers[0];
  const reaching = first.tensors.inputGrad ? fromStatNumber(first.tensors.inputGrad.std) : NaN;
  const ratio = reaching / entering;
  if (!usable(ratio)) return null;
  const gains = layers.map((l) => fromStatNumber(l.backwardGain));
  // Theory's backward gain of layer l: its predicted input gradient over the next layer's.
  const predicted = (l: LayerProbe) => predictedStd(l.theory.inputGradStd);
  const theoryGains = layers.map((l) => predicted(l) / predicted(report.layers[l.layer]));
  const judged = judgeFactors(gains, theoryGains);
  const steps = judged.drifts ? stepsToLeave(ratio, judged.factor, HEALTHY_GRADIENT_RATIO) : null;
  return { direction: 'backward', ...judged, layers: layers.map((l) => l.layer), gains, from: { layer: first.layer, ratio }, leavesBandAtDepth: steps === null ? null : report.layers.length + steps };
}
