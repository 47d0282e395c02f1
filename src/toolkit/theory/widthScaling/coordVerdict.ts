/**
 * The coordinate check's verdict in words: which layers grow (or shrink) with width, from which
 * step, and what that says about the parametrization.
 *
 * Why |slope| > 0.1: across the sweep's widths a slope s changes a layer's size by
 * (max width / min width)^s; over 64 to 1,024 (16×), 0.1 is a 1.32× change, well above what
 * seeds and finite width move a flat layer (the μP checks in test/unit measure |slope| of a few
 * hundredths), and far below standard parametrization's growth under Adam, near 1 once training
 * starts. mup's own check is by eye ("the curves should be flat"); a number makes it a test.
 */
import { formatStat } from '../../charts/finite';
import type { CoordCheckFit, CoordCheckFlag, CoordCheckReport } from './coordCheckReport';

export const DEFAULT_THRESHOLD = 0.1;

type Unjudged = Omit<CoordCheckReport, 'flagged' | 'text'>;

const exponent = (s: number) => `width^${s.toFixed(2).replace('-', '−')}`;

/** Each layer's first step past the threshold, up or down (growth wins when both happen). */
export function flagsOf(report: Unjudged): CoordCheckFlag[] {
  return report.layers.flatMap(({ label }) => {
    const fits = report.fits.filter((f) => f.layer === label && f.slope !== null).sort((a, b) => a.step - b.step);
    const grow = fits.find((f) => f.slope! > report.threshold);
    const shrink = fits.find((f) => f.slope! < -report.threshold);
    const first = grow ?? shrink;
    return first ? [{ layer: label, direction: grow ? 'grows' : 'shrinks', from: first.step, slope: first.slope! } as CoordCheckFlag] : [];
  });
}

function names(labels: readonly string[]): string {
  return labels.length <= 2 ? labels.join(' and ') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

function layerLine(report: Unjudged, label: string, flag: CoordCheckFlag | undefined): string {
  const fits = report.fits.filter((f) => f.layer === label).sort((a, b) => a.step - b.step);
  const fitted = fits.filter((f): f is CoordCheckFit & { slope: number } => f.slope !== null);
  const unfit = fits.filter((f) => f.slope === null);
  const last = fitted[fitted.length - 1];
  const noFit = unfit.length ? `; no slope at step${unfit.length > 1 ? 's' : ''} ${unfit.map((f) => f.step).join(', ')} (${unfit.some((f) => f.reason === 'notFinite') ? 'a size was not finite: training diverged' : 'exactly 0 at some width: a zero-initialized layer'})` : '';
  if (!flag) {
    const worst = fitted.reduce((m, f) => Math.max(m, Math.abs(f.slope)), 0);
    return `${label}: flat, |slope| ≤ ${worst.toFixed(2)} at every step${noFit}`;
  }
  const then = last && last.step !== flag.from ? `, ${exponent(last.slope)} at step ${last.step}` : '';
  return `${label}: ${flag.direction} with width from step ${flag.from}, ∝ ${exponent(flag.slope)}${then}${noFit}`;
}

/** The first line: what the flags say about the parametrization. */
function headline(report: Unjudged, flags: readonly CoordCheckFlag[]): string {
  const growing = flags.filter((f) => f.direction === 'grows');
  const optimizer = report.optimizer === 'adam' ? 'Adam' : 'SGD';
  if (growing.some((f) => f.from === 0)) {
    const atInit = growing.filter((f) => f.from === 0).map((f) => f.layer);
    return `${names(atInit)} already grow${atInit.length === 1 ? 's' : ''} with width at initialization: the init does not scale with fan_in (a variance of order 1/fan_in keeps a layer flat)`;
  }
  if (growing.length) {
    const worst = growing.reduce((a, b) => (b.slope > a.slope ? b : a));
    const what = `${names(growing.map((f) => f.layer))} grow${growing.length === 1 ? 's' : ''} with width once training starts (${worst.layer} ∝ ${exponent(worst.slope)} from step ${worst.from})`;
    return report.layerwiseLr
      ? `${what}: the per-layer learning rates given do not keep the updates' size independent of width`
      : `${what}: standard parametrization with ${optimizer}, one learning rate for every layer, makes updates that grow with fan_in; use μP (muP.parametrize(model, { baseWidth, optimizer: '${report.optimizer}' }), trained with muP.trainer)`;
  }
  const stable = `No layer grows with width over ${report.steps} step${report.steps === 1 ? '' : 's'} of ${optimizer} at lr ${report.lr}`;
  return report.layerwiseLr ? `${stable}: the per-layer learning rates keep every layer's size independent of width, as μP should` : stable;
}

/**
 * What a layer that shrinks with width means, by where and when it starts: a readout scaled
 * by μP at initialization (expected), an init whose variance falls faster than 1/fan_in (the
 * layers after it then shrink too, so only the first is named), or updates too small.
 */
function shrinkNotes(report: Unjudged, flags: readonly CoordCheckFlag[]): string[] {
  const output = report.layers[report.layers.length - 1].label;
  const shrinking = flags.filter((f) => f.direction === 'shrinks');
  const notes: string[] = [];
  if (shrinking.some((f) => f.layer === output && f.from === 0)) notes.push(`${output} shrinks at initialization: what μP's scaled readout does (∝ width^−0.5, variance 1/fan_in²); its updates, of constant size, take over as training goes on.`);
  const atInit = shrinking.find((f) => f.layer !== output && f.from === 0);
  if (atInit) notes.push(`${atInit.layer} shrinks with width at initialization${shrinking.filter((f) => f.layer !== output && f.from === 0).length > 1 ? ', and the layers after it with it' : ''}: its init's variance falls faster than 1/fan_in. Glorot's 2/(fan_in + fan_out), tf.layers' default, does that in the input layer, whose fan_out is the width; both SP and μP want a variance ∝ 1/fan_in (heNormal, leCunNormal).`);
  const later = shrinking.filter((f) => f.from > 0);
  if (later.length) notes.push(`${names(later.map((f) => f.layer))} shrink${later.length === 1 ? 's' : ''} with width once training starts: the updates get smaller at larger width, so the wide model learns less in those layers (a learning rate scaled down more than μP's 1/fan_in).`);
  return notes;
}

export function judge(report: Unjudged): { flagged: CoordCheckFlag[]; text: string } {
  const flagged = flagsOf(report);
  const byLayer = new Map(flagged.map((f) => [f.layer, f]));
  const lines = report.layers.map(({ label }) => `- ${layerLine(report, label, byLayer.get(label))}`);
  const shrinkNote = shrinkNotes(report, flagged);
  const lo = report.widths[0];
  const hi = report.widths[report.widths.length - 1];
  const meaning = `A slope counts when |slope| > ${report.threshold}: across widths ${lo}–${hi} (${formatStat(hi / lo)}×) that is a ${formatStat((hi / lo) ** report.threshold)}× change in size. Step 0 is the initialization, step t after t updates (mup's t = step + 1).`;
  const text = [headline(report, flagged), ...lines, ...shrinkNote, ...report.notes, meaning].join('\n');
  return { flagged, text };
}
