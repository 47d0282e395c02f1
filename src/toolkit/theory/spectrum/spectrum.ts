/**
 * `spectrum(model, x, options?)`: the singular values of each example's input–output Jacobian at
 * the model's current weights (dynamical isometry, Pennington, Schoenholz & Ganguli 2017: a deep
 * network trains fast when all of them sit near 1, not only their mean square), and each
 * layer's averaged partial Jacobian norm (partialJacobianNorms.ts).
 *
 *   display(spectrum(model, x));                     // histogram of σ, mean and variance of σ², per-layer norms
 *   compareReports([spectrum(a, x, { label: 'He' }), spectrum(b, x, { label: 'orthogonal' })])
 *
 * The model is an nn model or a tf.LayersModel with one input (jacobianTarget.ts: the model in
 * inference, BatchNorm with the batch's statistics held fixed). J has m rows (the target's output
 * values) and n columns (one example's input values).
 *
 * Method, stated in the report:
 *   exact     when min(m, n) ≤ 256 and the Gram matrix costs at most 4e8 multiply-adds per
 *             example: J whole from m VJPs (or n JVPs when n < m), then its singular values in
 *             float64 (exactSpectrum.ts);
 *   estimate  otherwise: stochastic Lanczos quadrature with 8 Rademacher probes and 24 Lanczos
 *             steps per example (lanczosSpectrum.ts); the layer norms then by Hutchinson's trick
 *             with as many probes.
 * `method: 'exact'` or `'estimate'` forces one. docs/spectrum.md has the definitions, the
 * measured accuracy and the limits.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { argumentError, checkArgumentCount, checkOneOf, checkOptions, checkSeed, checkString, checkTensor, optionalNumber } from '../../args';
import { Sequential } from '../../nn/model';
import { isLayersModel } from '../../probe/layersGraph';
import { nextSeed } from '../../random';
import { exactSpectra } from './exactSpectrum';
import { JacobianProducts } from './jacobianProducts';
import type { JacobianTarget } from './jacobianTarget';
import { lanczosSpectra } from './lanczosSpectrum';
import { withLayersTarget } from './layersTarget';
import { withNnTarget } from './nnTarget';
import { hutchinsonSquaredNorms } from './partialJacobianNorms';
import { layerNorms, summarize, type SpectrumReport } from './spectrumReport';

export type { SpectrumReport, SpectrumSummary, PartialJacobianNorm } from './spectrumReport';

export const SPECTRUM_METHODS = ['auto', 'exact', 'estimate'] as const;

export interface SpectrumOptions {
  /** How many examples (the first rows of x). Default 8, or all of x if it has fewer. */
  examples?: number;
  /** 'auto' (default): exact when the Jacobian is small enough, else the estimate. */
  method?: (typeof SPECTRUM_METHODS)[number];
  /** Rademacher probes per example for the estimate (and the estimated layer norms). Default 8. */
  probes?: number;
  /** Lanczos steps per probe for the estimate, at least 2 (the variance of σ² needs two). Default 24. */
  steps?: number;
  /**
   * The layer whose output the Jacobian ends at: its number (1-based, negative from the end) or
   * its name; default the model's output. A one-output network's spectrum is one σ per example:
   * `to: -2` takes the last hidden layer instead.
   */
  to?: number | string;
  /** Seeds the probes. Default: the next seed of the toolkit's stream (manualSeed). */
  seed?: number;
  /** The column title in comparisons. Default: the model's kind. */
  label?: string;
}

/** The largest min(m, n) the exact route takes on its own: 256 products per example. */
export const EXACT_MAX_SIZE = 256;
/** The most multiply-adds of the Gram matrix per example the exact route takes on its own (≈ 0.5 s in JavaScript). */
export const EXACT_MAX_WORK = 4e8;
const DEFAULT_EXAMPLES = 8;
const DEFAULT_PROBES = 8;
const DEFAULT_STEPS = 24;

const FN = 'spectrum';

export function spectrum(model: unknown, x: unknown, options: SpectrumOptions = {}, ...rest: unknown[]): SpectrumReport {
  checkArgumentCount(FN, [model, x, options, ...rest], 3);
  const nnModel = model instanceof Sequential;
  if (!nnModel && !isLayersModel(model)) throw argumentError(FN, 'model', 'an nn model (nn.mlp(...), new nn.Model([...])) or a tf.LayersModel', model);
  checkTensor(FN, 'x', x);
  const input = x as tfjs.Tensor;
  if (input.rank < 2) throw argumentError(FN, 'x', 'a batch of examples: a tensor of rank 2 or more, examples first', x);
  if (input.dtype !== 'float32') throw new TypeError(`${FN}: x must be float32 (the Jacobian needs a real-valued input), got ${input.dtype}`);
  const o = checkOptions(FN, options, ['examples', 'method', 'probes', 'steps', 'to', 'seed', 'label']);
  const examples = Math.min(input.shape[0], optionalNumber(FN, 'options.examples', o.examples, DEFAULT_EXAMPLES, { integer: true, min: 1 }));
  const method = o.method === undefined ? 'auto' : checkOneOf(FN, 'options.method', o.method, SPECTRUM_METHODS);
  const probes = optionalNumber(FN, 'options.probes', o.probes, DEFAULT_PROBES, { integer: true, min: 1 });
  // One step's quadrature is exact for σ² but not σ⁴: its variance of σ² would be the probes' spread.
  const steps = optionalNumber(FN, 'options.steps', o.steps, DEFAULT_STEPS, { integer: true, min: 2 });
  if (o.to !== undefined && typeof o.to !== 'number' && typeof o.to !== 'string') throw argumentError(FN, 'options.to', "a layer's number or name", o.to);
  const seed = checkSeed(FN, 'options.seed', o.seed) ?? nextSeed();
  const label = o.label === undefined ? undefined : checkString(FN, 'options.label', o.label);
  if (input.shape[0] === 0) throw argumentError(FN, 'x', 'at least one example', x);

  const firstRows = tf.slice(input, 0, examples);
  try {
    // A NaN in x would come out as a Jacobian "not finite", read as the network overflowing.
    if (!(firstRows.dataSync() as Float32Array).every(Number.isFinite)) throw new RangeError(`${FN}: x has NaN or ±Infinity values in its first ${examples} example${examples === 1 ? '' : 's'}; the Jacobian needs finite inputs`);
    const measure = (target: JacobianTarget) => measureSpectrum(target, firstRows, { examples, method, probes, steps, seed, label });
    return nnModel ? withNnTarget(FN, model, firstRows, o.to, measure) : withLayersTarget(FN, model as tfjs.LayersModel, firstRows, o.to, measure);
  } finally {
    firstRows.dispose();
  }
}

interface Settings {
  examples: number;
  method: (typeof SPECTRUM_METHODS)[number];
  probes: number;
  steps: number;
  seed: number;
  label?: string;
}

function measureSpectrum(target: JacobianTarget, examples: tfjs.Tensor, s: Settings): SpectrumReport {
  const products = new JacobianProducts(target, examples);
  const { m, n } = products;
  const k = Math.min(m, n);
  const exact = s.method === 'exact' || (s.method === 'auto' && k <= EXACT_MAX_SIZE && k * k * Math.max(m, n) <= EXACT_MAX_WORK);
  const layerNames = [{ layer: 0, name: 'input', size: n }, ...target.layers.map(({ layer, name, size }) => ({ layer, name, size }))];
  const base = { kind: 'initlab.spectrum' as const, label: s.label ?? target.model, model: target.model, to: target.to, inputSize: n, outputSize: m, examples: s.examples, seed: s.seed };
  const sizes = `${m} × ${n}`;
  if (exact) {
    // Rows by reverse mode unless the input is the smaller side; a VJP works for every model.
    const route = m <= n ? 'rows' : 'columns';
    const result = exactSpectra(products, s.examples, route);
    const perExample = result.singularValues.map((v, e) => ({ values: Array.from(v), weights: null, nonFinite: result.nonFinite[e] }));
    const squaredNorms = result.squaredNorms ?? hutchinsonSquaredNorms(products, s.examples, s.probes, s.seed);
    const products_ = route === 'rows' ? `${m} vector-Jacobian products (reverse mode)` : `${n} Jacobian-vector products (${jvpWords(products)})`;
    return {
      ...base,
      method: 'exact',
      methodText: `exact: each example's ${sizes} Jacobian from ${products_}, its ${k} singular values from the eigenvalues of its ${k} × ${k} Gram matrix in float64`,
      probes: route === 'rows' ? null : s.probes,
      steps: null,
      perExample,
      summary: summarize(perExample, k, true),
      layers: layerNorms(squaredNorms, layerNames, m, result.nonFinite),
      layerNormMethod: route === 'rows' ? 'exact' : 'estimate',
      layerNormText: route === 'rows' ? `exact: from the ${m} rows of each example's Jacobian` : hutchinsonWords(s.probes),
    };
  }
  const result = lanczosSpectra(products, s.examples, s.probes, s.steps, s.seed);
  const perExample = result.nodes.map((v, e) => ({ values: Array.from(v), weights: Array.from(result.weights[e]), nonFinite: result.nonFinite[e] }));
  const squaredNorms = hutchinsonSquaredNorms(products, s.examples, s.probes, s.seed + 1);
  return {
    ...base,
    method: 'estimate',
    methodText:
      `estimate: stochastic Lanczos quadrature on ${result.operator} (${result.dimension} × ${result.dimension}) of each example's ${sizes} Jacobian, ` +
      `${s.probes} Rademacher probes × ${result.steps} Lanczos steps, each step one vector-Jacobian and one Jacobian-vector product (${jvpWords(products)}); ` +
      `the mean of σ² is an unbiased estimate (± its standard error), the variance of σ² low by about that error squared, the histogram an estimate of the density, the largest σ the largest Ritz value; ` +
      `small σ are not resolved, nor told from 0: zero singular values weigh on the lowest Ritz values, up to about 1% of the largest σ`,
    probes: s.probes,
    steps: result.steps,
    perExample,
    summary: summarize(perExample, k, false, result.probeMeans),
    layers: layerNorms(squaredNorms, layerNames, m, result.nonFinite),
    layerNormMethod: 'estimate',
    layerNormText: hutchinsonWords(s.probes),
  };
}

function jvpWords(products: JacobianProducts): string {
  const { kind, missing } = products.jvpMethod;
  return kind === 'double backward' ? 'as the gradient of a gradient' : `by central differences, about 1e-3 relative: TensorFlow.js has no second derivative for ${missing}`;
}

function hutchinsonWords(probes: number): string {
  return `estimated by Hutchinson's trick, ${probes} Rademacher probes in the output space per example`;
}
