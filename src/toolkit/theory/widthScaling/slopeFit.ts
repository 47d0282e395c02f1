/**
 * The slope of log size against log width, by least squares: size ≈ c · width^slope. This is the
 * number a coordinate check reads off its log-log plot (microsoft/mup's plot_coord_data draws the
 * points; it fits nothing). Written here rather than taken from a library: it is three sums, and
 * the toolkit's dependencies (tfjs, vega) have no fit that gives its standard error.
 */

export interface PowerFit {
  /** The exponent: size ∝ width^slope. */
  slope: number;
  /** log(c): the fitted size at width 1, in natural log. */
  intercept: number;
  /**
   * The slope's standard error from the residuals, σ̂ / √Σ(log w − mean)², with σ̂² the residuals'
   * sum of squares over n − 2; null with two widths, where a line fits exactly.
   */
  standardError: number | null;
}

/** Why a slope could not be fitted: a size that is 0 (a zero-initialized layer) or not finite (a run that diverged). */
export type NoFit = { reason: 'zero' | 'notFinite' };

/**
 * Fits size = c · width^slope to one layer's sizes at one step. Widths must be distinct and
 * positive (coordCheck checks them). A size of 0 or one that is not finite has no logarithm:
 * the fit is refused with the reason rather than made on the rest.
 */
export function fitPowerLaw(widths: readonly number[], sizes: readonly number[]): PowerFit | NoFit {
  if (widths.length !== sizes.length || widths.length < 2) throw new RangeError(`fitPowerLaw: needs as many sizes as widths, at least 2; got ${sizes.length} sizes for ${widths.length} widths`);
  if (sizes.some((s) => !Number.isFinite(s))) return { reason: 'notFinite' };
  if (sizes.some((s) => s <= 0)) return { reason: 'zero' };
  const x = widths.map(Math.log);
  const y = sizes.map(Math.log);
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n === 2) return { slope, intercept, standardError: null };
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  return { slope, intercept, standardError: Math.sqrt(rss / (n - 2) / sxx) };
}

export function isFit(fit: PowerFit | NoFit): fit is PowerFit {
  return 'slope' in fit;
}
