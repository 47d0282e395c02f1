/** Pieces every InitLab chart spec shares. */
import type { NonFinite, StatNumber } from './finite';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export type VegaLiteSpec = { [key: string]: unknown };

/** Exact values in tooltips: scientific notation keeps 1e-7 and 1e7 readable side by side. */
export const EXACT = '.4~e';

/**
 * Splits a value for a log axis. A positive finite value is plotted; 0, a negative value, NaN or
 * Infinity cannot be, so it becomes a `flag` that a text layer marks at the axis' edge.
 */
export function forLogAxis(value: StatNumber): { plotted: number | null; flag: '0' | 'NaN' | '∞' | '-∞' | '<0' | null } {
  if (typeof value !== 'number') return { plotted: null, flag: nonFiniteLabel(value) };
  if (value === 0) return { plotted: null, flag: '0' };
  if (value < 0) return { plotted: null, flag: '<0' };
  return { plotted: value, flag: null };
}

function nonFiniteLabel(value: NonFinite): 'NaN' | '∞' | '-∞' {
  return value === 'NaN' ? 'NaN' : value === 'Infinity' ? '∞' : '-∞';
}

/**
 * Text layers that write each flagged value at the plot's edge: zeros (and negatives, on a log
 * axis) at the bottom, NaN and Infinity at the top, in the error colour, so nothing that went
 * wrong is hidden.
 */
export function flagLayers(x: { field: string; type: string; title?: string }, height: number): VegaLiteSpec[] {
  const layer = (filter: string, y: number): VegaLiteSpec => ({
    transform: [{ filter }],
    mark: { type: 'text', fontWeight: 'bold', color: '#e5484d', baseline: 'middle' },
    encoding: { x, y: { value: y }, text: { field: 'flag' }, tooltip: [{ field: 'flag', title: 'value' }] },
  });
  return [layer("datum.flag == '0' || datum.flag == '<0'", height - 8), layer("datum.flag == 'NaN' || datum.flag == '∞' || datum.flag == '-∞'", 8)];
}

/**
 * A log y axis with gridlines only at powers of ten. Left to itself, Vega draws a line at every
 * 2…9 multiple of each decade, which over a range like 1e-7 to 1e7 merges into grey bands. The
 * scale's domain is widened to whole decades so the end ticks sit on the frame.
 */
export function logYEncoding(plotted: Iterable<number | null>, title: string): VegaLiteSpec {
  let min = Infinity;
  let max = -Infinity;
  // A loop, not Math.min(...values): a training record can hold 100,000 points.
  for (const v of plotted) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const base = { field: 'plotted', type: 'quantitative', title };
  if (min > max) return { ...base, scale: { type: 'log' }, axis: { format: '~e' } };
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(Math.ceil(Math.log10(max)), lo + 1);
  // Within two decades the powers of ten alone are too few: let Vega choose 1-2-5 steps.
  if (hi - lo <= 2) return { ...base, scale: { type: 'log' }, axis: { format: '~e', tickCount: 5 } };
  const step = Math.ceil((hi - lo) / 7);
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += step) ticks.push(Number(`1e${e}`));
  return { ...base, scale: { type: 'log', domain: [Number(`1e${lo}`), Number(`1e${hi}`)] }, axis: { format: '~e', values: ticks } };
}
