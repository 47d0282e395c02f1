// The coordinate check's chart (charts/coordCheckChart.ts): plain figures in, a Vega-Lite spec
// out, compiled and drawn to SVG by Vega in Node, as every chart's static picture is.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { coordCheckChart, type CoordCheckChartInput } from '../../../../../src/toolkit/charts';
import { renderSvg } from '../../../../../src/toolkit/charts/renderSvg';

const widths = [64, 128, 256, 512];
const layers = ['Linear 1', 'Linear 2', 'Linear 3 (output)'];

/** Sizes ∝ width^slope per layer and step: flat at step 0, growing after for the later layers. */
function input(): CoordCheckChartInput {
  const slope = (layer: number, step: number) => (step === 0 ? 0 : [0, 0.6, 1][layer]);
  const sizes = layers.flatMap((layer, l) =>
    [0, 1, 2].flatMap((step) => widths.map((width) => ({ layer, step, width, size: l === 2 && step === 0 ? 0 : (width / 64) ** slope(l, step) }))),
  );
  const fits = layers.flatMap((layer, l) => [0, 1, 2].map((step) => ({ layer, step, slope: l === 2 && step === 0 ? null : slope(l, step), standardError: 0.01 })));
  return { layers, widths, sizes, fits, threshold: 0.1, title: 'Coordinate check' };
}

test('one panel per step on log-log axes, the slopes below with the flat band, drawn to SVG', async () => {
  const spec = coordCheckChart(input());
  const svg = await renderSvg(spec);
  for (const step of ['step 0', 'step 1', 'step 2']) assert.ok(svg.includes(`>${step}<`), `a panel headed ${step}`);
  assert.ok(svg.includes('mean |x| (log scale)') && svg.includes('width (log scale)'));
  assert.ok(svg.includes('slope (exponent of width)'));
  assert.ok(svg.includes('|slope| ≤ 0.1, flat'), 'the band is named with its threshold');
  for (const layer of layers) assert.ok(svg.includes(`>${layer}<`), `the legend names ${layer}`);
  for (const width of widths) assert.ok(svg.includes(`>${width}<`), `the width axis is labelled at ${width}`);
});

test('a size of 0 (a zero readout) is written at the foot of its panel, and its step has no slope point', () => {
  const spec = coordCheckChart(input());
  const panels = (spec.vconcat as { data: { values: { flag: string | null; layer: string; step: number }[] } }[])[0];
  const zeros = panels.data.values.filter((v) => v.flag === '0');
  assert.equal(zeros.length, widths.length);
  assert.ok(zeros.every((v) => v.layer === 'Linear 3 (output)' && v.step === 0));
  const slopeLayer = ((spec.vconcat as { layer: { data?: { values: { layer: string; step: number }[] } }[] }[])[1].layer[1]).data!.values;
  assert.ok(!slopeLayer.some((v) => v.layer === 'Linear 3 (output)' && v.step === 0));
  assert.equal(slopeLayer.length, layers.length * 3 - 1);
});

test('clicking a layer in the legend picks it out in both views', () => {
  const spec = coordCheckChart(input());
  const json = JSON.stringify(spec);
  assert.match(json, /"params":\[\{"name":"pick","select":\{"type":"point","fields":\["layer"\]\},"bind":"legend"\}\]/);
  assert.equal(json.match(/"condition":\{"param":"pick"/g)?.length, 2, 'the size panels and the slope view both fade the other layers');
});

test('more steps than fit in a row wrap onto further rows', async () => {
  const many = input();
  const steps = Array.from({ length: 9 }, (_, s) => s);
  many.sizes = layers.flatMap((layer) => steps.flatMap((step) => widths.map((width) => ({ layer, step, width, size: 1 + step / 10 }))));
  many.fits = layers.flatMap((layer) => steps.map((step) => ({ layer, step, slope: 0, standardError: null })));
  const spec = coordCheckChart(many);
  assert.equal((spec.vconcat as { columns?: number }[])[0].columns, 6);
  const svg = await renderSvg(spec);
  assert.ok(svg.includes('>step 8<'));
});
