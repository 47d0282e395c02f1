/**
 * The Jacobian spectrum (theory/spectrum): a column per scheme, on shared axes.
 *
 *   top     the histogram of singular values σ on a log axis, as shares of all of them (an
 *           estimate's Lanczos nodes weighted as estimated) on a square-root axis, a solid rule
 *           at the root of the mean of σ², a dashed one at σ = 1, where dynamical isometry puts
 *           every singular value; the mean and variance of σ² under the scheme's name, and the
 *           share of σ that are 0 (not drawable on a log axis).
 *   bottom  each layer's averaged partial Jacobian norm to the output, on a log axis, with a
 *           dashed rule at 1: flat at 1 at criticality, falling towards the input in the ordered
 *           phase, rising in the chaotic one.
 *
 * The bins are one set for every scheme (on log σ, over the range of all of them), so the
 * columns compare bar for bar.
 */
import { EXACT, VEGA_LITE_SCHEMA, logYEncoding, type VegaLiteSpec } from './specCommon';

export interface SpectrumChartInput {
  scheme: string;
  /** Nonzero singular values and their shares of all singular values. */
  values: readonly number[];
  weights: readonly number[];
  /**
   * The share at σ = 0 (to the Jacobian's precision), left out of `values`: not drawable on a log
   * axis. Exact, the share of σ that are 0; estimated, only the Ritz values at 0, since the
   * estimate does not resolve small σ (the header says so instead of a share).
   */
  zeroShare: number;
  meanSquared: number | null;
  varianceSquared: number | null;
  method: 'exact' | 'estimate';
  /** Averaged partial Jacobian norms; layer 0 is the input. */
  layers: readonly { layer: number; name: string; norm: number | null }[];
}

const BINS = 30;
const PANEL = { width: 220, height: 130 };
const ISOMETRY = { type: 'rule', strokeDash: [4, 3], color: '#8b8d98' } as const;

interface Bin {
  scheme: string;
  x0: number;
  x1: number;
  share: number;
}

/** Shared bins on log σ over every scheme's nonzero values; a range too narrow to bin (all σ equal) gets ±5%. */
function bins(inputs: readonly SpectrumChartInput[]): Bin[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const input of inputs) {
    for (const v of input.values) {
      if (!(v > 0) || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) return [];
  if (hi / lo < 1.1) {
    const mid = Math.sqrt(hi * lo);
    lo = Math.min(lo, mid / 1.05);
    hi = Math.max(hi, mid * 1.05);
  }
  const a = Math.log10(lo);
  const width = (Math.log10(hi) - a) / BINS;
  return inputs.flatMap((input) => {
    const shares = new Float64Array(BINS);
    input.values.forEach((v, i) => {
      if (!(v > 0) || !Number.isFinite(v)) return;
      shares[Math.min(BINS - 1, Math.max(0, Math.floor((Math.log10(v) - a) / width)))] += input.weights[i];
    });
    return Array.from(shares, (share, k) => ({ scheme: input.scheme, x0: 10 ** (a + k * width), x1: 10 ** (a + (k + 1) * width), share }));
  });
}

/** A panel's figures, a line each: "mean σ² 1.03 · var σ² 61.1", then "77% of σ are 0" (exact) or "estimated: small σ not resolved". */
function statsLines(input: SpectrumChartInput): string[] {
  const f = (x: number | null) => (x === null ? '–' : Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(3))));
  const notes =
    input.method === 'estimate' ? ['estimated: small σ not resolved'] : input.zeroShare > 0 ? [`${Number((input.zeroShare * 100).toPrecision(2))}% of σ are 0`] : [];
  return [`mean σ² ${f(input.meanSquared)} · var σ² ${f(input.varianceSquared)}`, ...(notes.length ? [notes.join(' · ')] : [])];
}

export function spectrumChart(inputs: readonly SpectrumChartInput[], options: { title?: string } = {}): VegaLiteSpec {
  // Each column's header is its scheme and, on a second line, its figures: a text mark in the
  // panel would widen the layout by the length of its text and misalign the two rows.
  const headerOf = new Map(inputs.map((i) => [i.scheme, [i.scheme, ...statsLines(i)].join('\n')]));
  const columns = inputs.map((i) => headerOf.get(i.scheme)!);
  const column = { field: 'column', type: 'nominal', sort: columns, title: null, header: { labelExpr: "split(datum.value, '\\n')", labelLimit: 300 } };
  const histogram = bins(inputs).map((b) => ({ ...b, column: headerOf.get(b.scheme)!, part: 'bin' }));
  const rms = inputs.map((i) => ({ scheme: i.scheme, column: headerOf.get(i.scheme)!, part: 'rms', rms: i.meanSquared !== null && i.meanSquared > 0 ? Math.sqrt(i.meanSquared) : null }));
  const norms = inputs.flatMap((i) =>
    i.layers.map((l) => ({ scheme: i.scheme, column: headerOf.get(i.scheme)!, layer: l.layer, name: l.layer === 0 ? 'input' : l.name, norm: l.norm, plotted: l.norm !== null && l.norm > 0 && Number.isFinite(l.norm) ? l.norm : null })),
  );
  const sigma = { field: 'x0', type: 'quantitative', title: 'singular value σ (log scale)', scale: { type: 'log' }, axis: { format: '~g' } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    vconcat: [
      {
        data: { values: [...histogram, ...rms] },
        facet: { column },
        spec: {
          ...PANEL,
          layer: [
            {
              transform: [{ filter: "datum.part == 'bin'" }],
              mark: { type: 'rect' },
              encoding: {
                x: sigma,
                x2: { field: 'x1' },
                // A square-root axis: a spike of 100% beside a spread of 1% bars leaves both readable.
                y: { field: 'share', type: 'quantitative', title: 'share of σ (√ scale)', scale: { type: 'sqrt' }, axis: { format: '.0%' } },
                tooltip: [
                  { field: 'scheme' },
                  { field: 'x0', title: 'σ from', format: EXACT },
                  { field: 'x1', title: 'σ to', format: EXACT },
                  { field: 'share', title: 'share', format: '.2%' },
                ],
              },
            },
            { transform: [{ filter: "datum.part == 'rms' && datum.rms != null" }], mark: { type: 'rule', color: '#e5484d' }, encoding: { x: { field: 'rms', type: 'quantitative' }, tooltip: [{ field: 'rms', title: '√(mean σ²)', format: EXACT }] } },
            { transform: [{ filter: "datum.part == 'rms'" }], mark: ISOMETRY, encoding: { x: { datum: 1, type: 'quantitative' } } },
          ],
        },
        resolve: { scale: { x: 'shared', y: 'shared' } },
      },
      {
        data: { values: norms },
        facet: { column: { ...column, header: { labels: false } } },
        spec: {
          ...PANEL,
          layer: [
            {
              transform: [{ filter: 'datum.plotted != null' }],
              mark: { type: 'line', point: { size: 30 } },
              encoding: {
                x: { field: 'layer', type: 'quantitative', title: 'layer (0 = input)', axis: { tickMinStep: 1 } },
                // 1 in the domain, so the criticality rule is always on the chart.
                y: logYEncoding([...norms.map((n) => n.plotted), 1], 'partial Jacobian norm to the output'),
                tooltip: [{ field: 'scheme' }, { field: 'layer' }, { field: 'name', title: 'layer name' }, { field: 'norm', title: '‖∂f/∂h‖²_F / m', format: EXACT }],
              },
            },
            { transform: [{ filter: 'datum.layer == 0' }], mark: ISOMETRY, encoding: { y: { datum: 1, type: 'quantitative' } } },
          ],
        },
        resolve: { scale: { x: 'shared', y: 'shared' } },
      },
    ],
  };
}
