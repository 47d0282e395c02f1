// The least-squares slope of log size against log width (slopeFit.ts), against power laws whose
// exponent is known, and its standard error against the textbook formula.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fitPowerLaw, isFit, type PowerFit } from '../../../../../src/toolkit/theory/widthScaling/slopeFit';

const widths = [64, 128, 256, 512, 1024];

function fitted(sizes: number[], at = widths): PowerFit {
  const fit = fitPowerLaw(at, sizes);
  assert.ok(isFit(fit), `a fit, got ${JSON.stringify(fit)}`);
  return fit;
}

test('an exact power law c · width^s gives back s and log c, with no residual', () => {
  for (const [c, s] of [
    [0.7, 1],
    [3, 0.5],
    [1.2, -0.5],
    [0.05, 0],
    [2, 1.98],
  ]) {
    const fit = fitted(widths.map((w) => c * w ** s));
    assert.ok(Math.abs(fit.slope - s) < 1e-12, `slope ${fit.slope}, expected ${s}`);
    assert.ok(Math.abs(fit.intercept - Math.log(c)) < 1e-10, `intercept ${fit.intercept}, expected ${Math.log(c)}`);
    assert.ok(fit.standardError !== null && fit.standardError < 1e-12, `standard error ${fit.standardError}`);
  }
});

test('the slope of noisy sizes and its standard error match the closed forms of simple regression', () => {
  // log sizes off a line by known residuals e: slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², SE² = Σê²/(n−2)/Σ(x−x̄)².
  const e = [0.05, -0.03, 0.02, -0.06, 0.02];
  const sizes = widths.map((w, i) => 0.9 * w ** 0.8 * Math.exp(e[i]));
  const x = widths.map(Math.log);
  const y = sizes.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / 5;
  const my = y.reduce((a, b) => a + b) / 5;
  const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
  const slope = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0) / sxx;
  const residuals = y.map((v, i) => v - (my + slope * (x[i] - mx)));
  const se = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / 3 / sxx);
  const fit = fitted(sizes);
  assert.ok(Math.abs(fit.slope - slope) < 1e-12 && Math.abs(fit.standardError! - se) < 1e-12, `fit ${fit.slope} ± ${fit.standardError}, closed form ${slope} ± ${se}`);
  // The noise moves the slope off 0.8 by less than a tenth: the threshold coordCheck uses.
  assert.ok(Math.abs(fit.slope - 0.8) < 0.1);
});

test('two widths give the line through them and no standard error', () => {
  // Width ×4, size ×2: size ∝ width^(log 2 / log 4) = width^0.5.
  const fit = fitted([10, 20], [2, 8]);
  assert.ok(Math.abs(fit.slope - 0.5) < 1e-12, `slope ${fit.slope}`);
  assert.equal(fit.standardError, null);
});

test('a size of 0 or one that is not finite is refused with its reason, never fitted on the rest', () => {
  assert.deepEqual(fitPowerLaw(widths, [0, 0, 0, 0, 0]), { reason: 'zero' });
  assert.deepEqual(fitPowerLaw(widths, [1, 2, 0, 8, 16]), { reason: 'zero' });
  assert.deepEqual(fitPowerLaw(widths, [1, 2, Infinity, 8, 16]), { reason: 'notFinite' });
  assert.deepEqual(fitPowerLaw(widths, [1, NaN, 4, 8, 16]), { reason: 'notFinite' });
  assert.throws(() => fitPowerLaw([64], [1]), /at least 2/);
  assert.throws(() => fitPowerLaw(widths, [1, 2]), /as many sizes as widths/);
});
