/**
 * Charts with sliders: Vega-Lite params bound to range inputs, as the mean-field phase diagram
 * has. Drives the real renderer bundle (dist/renderer.js) in jsdom, as chartRenderer.test.ts
 * does: the sliders are drawn, moving one redraws what depends on it, and a redraw of the whole
 * chart (the Light toggle, a change of theme) keeps where the user left them.
 */
import { before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { JSDOM, VirtualConsole } from 'jsdom';
import { repoRoot } from '../support/paths';
import { MimeTypes } from '../../../src/shared/mimeTypes';
import { meanField, phaseDiagramOf } from '../../../src/toolkit/theory/meanField';

type Renderer = {
  renderOutputItem(item: unknown, element: HTMLElement, signal: AbortSignal): Promise<void> | void;
  disposeOutputItem?(id?: string): void;
};

let dom: JSDOM;
let renderer: Renderer;

function outputItem(id: string, mime: string, value: unknown) {
  const text = JSON.stringify(value);
  return { id, mime, metadata: {}, text: () => text, json: () => JSON.parse(text), data: () => new TextEncoder().encode(text), blob: () => new Blob([text]) };
}

async function waitFor<T>(check: () => T | undefined | null | false, what: string, ms = 10000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { stdio: 'ignore' });
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (err) => {
    if (!/Not implemented: HTMLCanvasElement/.test(err.message)) console.error(err);
  });
  dom = new JSDOM('<!doctype html><html><body class="vscode-light"></body></html>', { pretendToBeVisual: true, url: 'http://localhost/', virtualConsole });
  const g = globalThis as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(win)) {
    if (!(key in globalThis) && !key.startsWith('_')) g[key] = win[key];
  }
  g.window = dom.window;
  g.fetch = async () => {
    throw new Error('network refused in test');
  };
  // A copy of its own: chartRenderer.test.ts loads dist/renderer.js under another name, perhaps at the same time.
  const bundle = path.join(repoRoot, 'out', 'renderer-bound-params.mjs');
  fs.copyFileSync(path.join(repoRoot, 'dist/renderer.js'), bundle);
  const mod = await import(pathToFileURL(bundle).href);
  renderer = await mod.activate({ getState: () => undefined, setState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true }, settings: {} });
});

after(() => dom?.window.close());

/** A tanh chain at σ_w = 1.5, σ_b = 0.1, depth 50, on a small grid: what display(meanField(...)) sends. */
function phaseDiagramPayload() {
  const report = meanField({ activation: 'tanh', sigmaW: 1.5, sigmaB: 0.1, depth: 50, grid: { size: 12 } });
  const chart = phaseDiagramOf(report);
  return { kind: chart.chart, spec: chart.spec, title: chart.spec.title };
}

const sliders = (el: HTMLElement) => [...el.querySelectorAll('input[type="range"]')] as HTMLInputElement[];
/** The readout's three lines under the chart: the point and its phase, its ξ, the depth's verdict. */
const readout = (el: HTMLElement) => [...el.querySelectorAll('svg text')].map((t) => t.textContent ?? '').filter((t) => /^(σ_w = |χ₁ ≈ |depth \d+: )/.test(t));

/** Sets a slider as a user's drag does: the value, then the input event Vega listens to. */
function slide(input: HTMLInputElement, value: number): void {
  input.value = String(value);
  input.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
}

test('the phase diagram draws three sliders (σ_w, σ_b, depth) that start at the point given, and moving σ_w moves the readout to another cell', async () => {
  const el = dom.window.document.createElement('div');
  dom.window.document.body.appendChild(el);
  await renderer.renderOutputItem(outputItem('pd', MimeTypes.chart, phaseDiagramPayload()), el, new AbortController().signal);
  await waitFor(() => el.querySelector('svg') && sliders(el).length === 3, 'the chart and three range inputs');
  const [sigmaW, sigmaB, depth] = sliders(el);
  assert.deepEqual([Number(sigmaW.value), Number(sigmaB.value), Number(depth.value)], [1.5, 0.1, 50]);
  const labels = [...el.querySelectorAll('.vega-bind-name')].map((l) => l.textContent?.trim());
  assert.deepEqual(labels, ['σ_w', 'σ_b', 'depth']);
  const before = readout(el);
  assert.equal(before.length, 3, `three readout lines, got ${JSON.stringify(before)}`);
  assert.match(before[0], /^σ_w = 1\.500 \(σ_w² = 2\.25\), σ_b = 0\.100 .*chaotic/);
  assert.match(before[2], /^depth 50: within reach$/);
  slide(sigmaW, 0.8);
  await waitFor(() => readout(el)[0]?.startsWith('σ_w = 0.800'), 'the readout at σ_w = 0.8');
  assert.match(readout(el)[0], /σ_w² = 0\.64.*ordered/, 'σ_w² = 0.64 is in the ordered phase');
  slide(depth, 3);
  await waitFor(() => readout(el)[2] === 'depth 3: within reach', 'the depth verdict at depth 3');
  renderer.disposeOutputItem?.('pd');
});

test('the Light toggle redraws the chart with the sliders where the user left them', async () => {
  const el = dom.window.document.createElement('div');
  dom.window.document.body.appendChild(el);
  await renderer.renderOutputItem(outputItem('pd-light', MimeTypes.chart, phaseDiagramPayload()), el, new AbortController().signal);
  await waitFor(() => sliders(el).length === 3, 'three range inputs');
  slide(sliders(el)[0], 1.9);
  slide(sliders(el)[2], 120);
  await waitFor(() => readout(el)[0]?.startsWith('σ_w = 1.900'), 'the readout at σ_w = 1.9');
  const toggle = [...el.querySelectorAll('.initlab-toolbar button')].find((b) => b.textContent === 'Light') as HTMLButtonElement;
  toggle.click();
  await waitFor(() => el.querySelector('.initlab-chart.initlab-light svg') && sliders(el).length === 3, 'the light chart and its sliders');
  assert.deepEqual(sliders(el).map((s) => Number(s.value)), [1.9, 0.1, 120], 'the sliders keep their values');
  await waitFor(() => readout(el)[0]?.startsWith('σ_w = 1.900') && /^depth 120: /.test(readout(el)[2] ?? ''), 'the readout at the kept values');
  renderer.disposeOutputItem?.('pd-light');
});
