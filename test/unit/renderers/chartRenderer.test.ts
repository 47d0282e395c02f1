/**
 * Drives the real renderer bundle (dist/renderer.js, what VS Code loads) in jsdom with a
 * hand-made RendererContext, the way VS Code's own notebook-renderers tests do: no VS Code needed.
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

type Renderer = {
  renderOutputItem(item: unknown, element: HTMLElement, signal: AbortSignal): Promise<void> | void;
  disposeOutputItem?(id?: string): void;
};

let dom: JSDOM;
let renderer: Renderer;
const requests: string[] = [];
/** What the renderer posted to "the extension", which answers each save as saved. */
const posted: Record<string, string>[] = [];

/**
 * The extension's side of the renderer's messaging: it answers each save as saved, and the
 * language request with `language` (none: no answer, as from no extension). The renderer
 * listens more than once (saves, language), as VS Code's event allows.
 */
function fakeMessaging(language?: string, log: Record<string, string>[] = []) {
  const listeners = new Set<(message: unknown) => void>();
  const reply = (message: unknown) => setTimeout(() => listeners.forEach((l) => l(message)), 5);
  return {
    postMessage(message: Record<string, string>) {
      log.push(message);
      if (message.type === 'initlab.askLanguage') {
        if (language !== undefined) reply({ type: 'initlab.language', language });
      } else reply({ type: 'initlab.chartSaved', requestId: message.requestId, path: `/charts/${message.suggestedName}` });
    },
    onDidReceiveMessage(listener: (message: unknown) => void) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
}
const messaging = fakeMessaging(undefined, posted);

let activateRenderer: (context: Record<string, unknown>) => Promise<Renderer> | Renderer;
const baseContext = { getState: () => undefined, setState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true }, settings: {} };

const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { values: [{ layer: 'w1', std: 0.07 }, { layer: 'w2', std: 0.14 }, { layer: 'w3', std: 0.2 }] },
  mark: 'bar',
  encoding: { x: { field: 'layer', type: 'nominal' }, y: { field: 'std', type: 'quantitative' } },
};

function outputItem(id: string, mime: string, value: unknown) {
  const text = JSON.stringify(value);
  return { id, mime, metadata: {}, text: () => text, json: () => JSON.parse(text), data: () => new TextEncoder().encode(text), blob: () => new Blob([text]) };
}

function newCell(): HTMLElement {
  const el = dom.window.document.createElement('div');
  dom.window.document.body.appendChild(el);
  return el;
}

async function waitFor<T>(check: () => T | undefined | null | false, what: string, ms = 5000): Promise<T> {
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
  // jsdom has no canvas; Vega only uses one to measure text, and falls back to estimates.
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (err) => {
    if (!/Not implemented: HTMLCanvasElement/.test(err.message)) console.error(err);
  });
  dom = new JSDOM('<!doctype html><html><body class="vscode-light"></body></html>', { pretendToBeVisual: true, url: 'http://localhost/', virtualConsole });
  const g = globalThis as Record<string, unknown>;
  // The bundle expects a browser: give it jsdom's window names that Node lacks.
  const win = dom.window as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(win)) {
    if (!(key in globalThis) && !key.startsWith('_')) g[key] = win[key];
  }
  g.window = dom.window;
  // Any attempt to reach the network is recorded and refused.
  g.fetch = async (url: unknown) => {
    requests.push(String(url));
    throw new Error('network refused in test');
  };
  // Loaded as .mjs so Node treats the ESM bundle as what it is.
  const bundle = path.join(repoRoot, 'out', 'renderer-under-test.mjs');
  fs.copyFileSync(path.join(repoRoot, 'dist/renderer.js'), bundle);
  const mod = await import(pathToFileURL(bundle).href);
  activateRenderer = mod.activate;
  renderer = await activateRenderer({ ...baseContext, ...messaging });
});

after(() => dom?.window.close());

test('a Vega-Lite output renders as an SVG chart with its marks', async () => {
  const el = newCell();
  await renderer.renderOutputItem(outputItem('a', MimeTypes.vegaLite, spec), el, new AbortController().signal);
  const svg = await waitFor(() => el.querySelector('svg'), 'an svg');
  assert.equal(svg.querySelectorAll('path[aria-roledescription="bar"], .mark-rect path').length, 3, 'three bars');
  assert.ok(el.textContent?.includes('w2'), 'axis labels are drawn');
});

test("InitLab's chart mime type renders its spec", async () => {
  const el = newCell();
  await renderer.renderOutputItem(outputItem('b', MimeTypes.chart, { kind: 'test', spec }), el, new AbortController().signal);
  await waitFor(() => el.querySelector('svg'), 'an svg');
});

test('an invalid spec shows a clear error box, and the next output still renders', async () => {
  const bad = newCell();
  await renderer.renderOutputItem(outputItem('c', MimeTypes.vegaLite, { mark: 'no-such-mark', data: { values: [] } }), bad, new AbortController().signal);
  const box = await waitFor(() => bad.querySelector('.initlab-chart-error'), 'an error box');
  assert.match(box.textContent ?? '', /Cannot draw this chart/);
  const notAnObject = newCell();
  await renderer.renderOutputItem(outputItem('d', MimeTypes.vegaLite, [1, 2]), notAnObject, new AbortController().signal);
  assert.match(notAnObject.textContent ?? '', /must be a JSON object/);
  const good = newCell();
  await renderer.renderOutputItem(outputItem('e', MimeTypes.vegaLite, spec), good, new AbortController().signal);
  await waitFor(() => good.querySelector('svg'), 'an svg after the errors');
});

test('a hostile spec reaches no network and runs no code', async () => {
  const g = globalThis as Record<string, unknown>;
  g.__pwned = false;
  const hostile = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { url: 'http://127.0.0.1:9/steal.json' },
    mark: 'point',
    transform: [{ calculate: "constructor.constructor('globalThis.__pwned = true')()", as: 'x' }],
    encoding: { x: { field: 'x', type: 'quantitative' } },
  };
  const el = newCell();
  await renderer.renderOutputItem(outputItem('f', MimeTypes.vegaLite, hostile), el, new AbortController().signal);
  await waitFor(() => el.querySelector('.initlab-chart-error, svg'), 'an error or an empty chart');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(g.__pwned, false, 'the expression did not run');
  assert.deepEqual(requests, [], 'nothing was fetched');
});

const liveViews = () => Number(dom.window.document.documentElement.dataset.initlabLiveViews ?? 0);

test('disposing one output finalizes its view only (the live-view count drops by one); disposing all finalizes every view; the id then renders again', async () => {
  renderer.disposeOutputItem?.();
  assert.equal(liveViews(), 0, 'no view left from earlier tests');
  const first = newCell();
  const second = newCell();
  await renderer.renderOutputItem(outputItem('g', MimeTypes.vegaLite, spec), first, new AbortController().signal);
  await renderer.renderOutputItem(outputItem('g2', MimeTypes.vegaLite, spec), second, new AbortController().signal);
  await waitFor(() => first.querySelector('svg') && second.querySelector('svg'), 'two svgs');
  assert.equal(liveViews(), 2, 'one live view per output');
  renderer.disposeOutputItem?.('g');
  assert.equal(liveViews(), 1, "disposing 'g' finalizes its view");
  renderer.disposeOutputItem?.('g');
  assert.equal(liveViews(), 1, "disposing 'g' again finalizes nothing more: 'g2' keeps its view");
  renderer.disposeOutputItem?.();
  assert.equal(liveViews(), 0, 'disposing all finalizes the rest');
  // The same id renders again after disposal, with a live view of its own.
  await renderer.renderOutputItem(outputItem('g', MimeTypes.vegaLite, spec), first, new AbortController().signal);
  await waitFor(() => first.querySelector('svg'), 'an svg after re-render');
  assert.equal(liveViews(), 1, 'the re-rendered output has a live view');
  renderer.disposeOutputItem?.();
});

test('re-rendering one output 100 times keeps one live view; disposing all leaves none', async () => {
  const el = newCell();
  const before = liveViews();
  for (let i = 0; i < 100; i++) {
    await renderer.renderOutputItem(outputItem('rerun', MimeTypes.vegaLite, spec), el, new AbortController().signal);
  }
  await waitFor(() => el.querySelector('svg'), 'an svg');
  assert.equal(liveViews(), before + 1, 'one view for the output');
  assert.equal(el.querySelectorAll('.initlab-chart').length, 1, 'one chart in the output');
  assert.equal(el.querySelectorAll('.initlab-toolbar').length, 1, 'one toolbar in the output');
  renderer.disposeOutputItem?.();
  assert.equal(liveViews(), 0, 'clearing all outputs finalizes every view');
});

test('an aborted render (output replaced while drawing) leaves no live view', async () => {
  const el = newCell();
  const controller = new AbortController();
  const pending = renderer.renderOutputItem(outputItem('aborted', MimeTypes.vegaLite, spec), el, controller.signal);
  controller.abort();
  await pending;
  assert.equal(liveViews(), 0);
});

test('the SVG button sends the chart, drawn as SVG, to the extension and shows where it was saved', async () => {
  const el = newCell();
  const titled = { ...spec, title: 'Độ lệch chuẩn: Kaiming' };
  await renderer.renderOutputItem(outputItem('save', MimeTypes.vegaLite, titled), el, new AbortController().signal);
  await waitFor(() => el.querySelector('svg'), 'an svg');
  const svgButton = [...el.querySelectorAll('.initlab-toolbar button')].find((b) => b.textContent === 'SVG') as HTMLButtonElement;
  svgButton.click();
  const status = await waitFor(() => (el.querySelector('.initlab-status')?.textContent?.startsWith('Saved') ? el.querySelector('.initlab-status') : null), 'the saved status');
  const message = posted[posted.length - 1];
  assert.equal(message.type, 'initlab.saveChart');
  assert.equal(message.format, 'svg');
  assert.equal(message.suggestedName, 'độ-lệch-chuẩn-kaiming.svg', 'named after the title, diacritics kept');
  assert.match(message.data, /^<svg[\s\S]*w2[\s\S]*<\/svg>$/, 'a whole SVG with the chart\'s labels');
  assert.equal(status.textContent, 'Saved /charts/độ-lệch-chuẩn-kaiming.svg');
});

test('the Light toggle redraws the chart in light colours on white, and back', async () => {
  dom.window.document.body.className = 'vscode-dark';
  const el = newCell();
  await renderer.renderOutputItem(outputItem('light', MimeTypes.vegaLite, spec), el, new AbortController().signal);
  await waitFor(() => el.querySelector('svg'), 'an svg');
  const labelFill = () => el.querySelector('.initlab-chart svg .role-axis-label text')?.getAttribute('fill');
  const darkFill = labelFill();
  const toggle = [...el.querySelectorAll('.initlab-toolbar button')].find((b) => b.textContent === 'Light') as HTMLButtonElement;
  toggle.click();
  await waitFor(() => el.querySelector('.initlab-chart.initlab-light svg'), 'the light chart');
  assert.equal(toggle.getAttribute('aria-pressed'), 'true');
  assert.equal(labelFill(), '#1f1f1f', 'dark text for a white page');
  assert.notEqual(darkFill, '#1f1f1f', 'the dark theme had light text');
  toggle.click();
  await waitFor(() => el.querySelector('.initlab-chart:not(.initlab-light) svg'), 'the themed chart again');
  assert.equal(labelFill(), darkFill);
  dom.window.document.body.className = 'vscode-light';
});

test('a change of VS Code theme redraws the charts in the new colours', async () => {
  dom.window.document.body.className = 'vscode-light';
  const el = newCell();
  await renderer.renderOutputItem(outputItem('theme', MimeTypes.vegaLite, spec), el, new AbortController().signal);
  await waitFor(() => el.querySelector('svg'), 'an svg');
  const fill = () => el.querySelector('.initlab-chart svg .role-axis-label text')?.getAttribute('fill');
  const lightFill = fill();
  dom.window.document.body.className = 'vscode-dark';
  await waitFor(() => fill() && fill() !== lightFill, 'the re-themed labels');
  dom.window.document.body.className = 'vscode-light';
  await waitFor(() => fill() === lightFill, 'the light labels again');
});

/** The toolbar's words in a chart's output: its name, the buttons' labels and tooltips. */
function toolbarWords(el: HTMLElement) {
  const bar = el.querySelector('.initlab-toolbar');
  const buttons = [...(bar?.querySelectorAll('button') ?? [])] as HTMLButtonElement[];
  return { name: bar?.getAttribute('aria-label'), labels: buttons.map((b) => b.textContent), titles: buttons.map((b) => b.title) };
}

const WORDS = {
  en: {
    name: 'Chart',
    labels: ['SVG', 'PNG', 'Light'],
    titles: ['Save this chart as an SVG file', 'Save this chart as a PNG image', 'Draw in light colours on white, for export'],
    saved: 'Saved /charts/per-layer-std.svg',
    cannotDraw: 'Cannot draw this chart: A Vega-Lite spec must be a JSON object.',
  },
  th: {
    name: 'แผนภูมิ',
    labels: ['SVG', 'PNG', 'สีอ่อน'],
    titles: ['บันทึกแผนภูมินี้เป็นไฟล์ SVG', 'บันทึกแผนภูมินี้เป็นภาพ PNG', 'วาดด้วยสีอ่อนบนพื้นขาว สำหรับส่งออก'],
    saved: 'บันทึกแล้วที่ /charts/per-layer-std.svg',
    cannotDraw: 'วาดแผนภูมินี้ไม่ได้: spec ของ Vega-Lite ต้องเป็นออบเจกต์ JSON',
  },
  vi: {
    name: 'Biểu đồ',
    labels: ['SVG', 'PNG', 'Sáng'],
    titles: ['Lưu biểu đồ này thành tệp SVG', 'Lưu biểu đồ này thành ảnh PNG', 'Vẽ bằng màu sáng trên nền trắng, để xuất ra'],
    saved: 'Đã lưu /charts/per-layer-std.svg',
    cannotDraw: 'Không vẽ được biểu đồ này: Spec Vega-Lite phải là một object JSON.',
  },
};

for (const [language, vscodeLanguage] of [
  ['en', 'en'],
  ['th', 'th'],
  ['vi', 'vi'],
  // Any other display language: English.
  ['en', 'zh-cn'],
] as const) {
  test(`VS Code's display language "${vscodeLanguage}": the toolbar, the save status and the error box are in ${language === 'en' ? 'English' : language === 'th' ? 'Thai' : 'Vietnamese'}`, async () => {
    const words = WORDS[language];
    const own = await activateRenderer({ ...baseContext, ...fakeMessaging(vscodeLanguage) });
    const el = newCell();
    await own.renderOutputItem(outputItem(`lang-${vscodeLanguage}`, MimeTypes.vegaLite, { ...spec, title: 'Per-layer std' }), el, new AbortController().signal);
    await waitFor(() => el.querySelector('svg'), 'an svg');
    await waitFor(() => toolbarWords(el).name === words.name, `the toolbar named "${words.name}"`);
    assert.deepEqual(toolbarWords(el), { name: words.name, labels: words.labels, titles: words.titles });
    (el.querySelector('.initlab-toolbar button') as HTMLButtonElement).click();
    await waitFor(() => el.querySelector('.initlab-status')?.textContent === words.saved, `the status "${words.saved}"`);
    const bad = newCell();
    await own.renderOutputItem(outputItem(`lang-bad-${vscodeLanguage}`, MimeTypes.vegaLite, [1, 2]), bad, new AbortController().signal);
    assert.equal(bad.querySelector('.initlab-chart-error')?.textContent, words.cannotDraw);
    own.disposeOutputItem?.();
  });
}

test('without an extension to ask, the webview’s own language (navigator.language)', async () => {
  const nav = globalThis.navigator as unknown as Record<string, unknown>;
  Object.defineProperty(nav, 'language', { value: 'th-TH', configurable: true });
  try {
    const own = await activateRenderer({ ...baseContext });
    const el = newCell();
    await own.renderOutputItem(outputItem('no-extension', MimeTypes.vegaLite, spec), el, new AbortController().signal);
    await waitFor(() => el.querySelector('svg'), 'an svg');
    assert.deepEqual(toolbarWords(el), { name: WORDS.th.name, labels: WORDS.th.labels, titles: WORDS.th.titles });
    own.disposeOutputItem?.();
  } finally {
    delete nav.language;
  }
});

test('an answer that comes after the first charts relabels their toolbars', async () => {
  let answer: ((message: unknown) => void) | undefined;
  const late = {
    postMessage: () => undefined,
    onDidReceiveMessage(listener: (message: unknown) => void) {
      answer = listener;
      return { dispose() {} };
    },
  };
  const own = await activateRenderer({ ...baseContext, ...late });
  const el = newCell();
  await own.renderOutputItem(outputItem('late-answer', MimeTypes.vegaLite, spec), el, new AbortController().signal);
  await waitFor(() => el.querySelector('svg'), 'an svg');
  assert.equal(toolbarWords(el).name, WORDS.en.name, 'the webview’s en-US until the extension answers');
  answer?.({ type: 'initlab.language', language: 'vi' });
  assert.deepEqual(toolbarWords(el), { name: WORDS.vi.name, labels: WORDS.vi.labels, titles: WORDS.vi.titles });
  own.disposeOutputItem?.();
});
