/**
 * The notebook renderer for InitLab charts and plain Vega-Lite specs (package.json
 * `notebookRenderer`). Runs in the notebook's webview: browser code only.
 *
 * Safety: specs come from notebook files, which may come from anyone. Vega's expressions are run
 * by vega-interpreter (no eval, no new Function, so it also works under VS Code's CSP), and the
 * loader refuses every URL, so a spec can neither run code nor reach the network.
 *
 * Lifecycle: every Vega view is finalized when its output is replaced, cleared or disposed. The
 * number of live views is kept on `<html data-initlab-live-views>` so tests (and anyone curious
 * in the webview's devtools) can see that re-running a cell leaks none.
 *
 * Language: its words are in VS Code's display language, which it asks the extension for at
 * activation (rendererStrings.ts); charts drawn before the answer are relabelled when it comes.
 */
import type { ActivationFunction, OutputItem, RendererContext } from 'vscode-notebook-renderer';
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { isChartPayload } from '../shared/chartPayload';
import { MimeTypes } from '../shared/mimeTypes';
import { chartFileStem, type ChartFormat } from '../shared/chartExportMessages';
import { currentThemeKind, editorBackground, EXPORT_COLORS, vegaConfig } from './vegaTheme';
import { offlineLoader } from './offlineLoader';
import { createToolbar, type ChartToolbar } from './chartToolbar';
import { download, listenForSaveReplies, renderChartFile, saveThroughExtension } from './chartExport';
import { languageOf, rendererStrings, type RendererStrings } from './rendererStrings';
import { isLanguageReply, type LanguageRequest } from '../shared/rendererLanguage';

interface LiveChart {
  element: HTMLElement;
  spec: Record<string, unknown>;
  /** Stem of the file name a save suggests. */
  fileStem: string;
  /** The payload's kind ("layerStats", "training"...) or "vega-lite", on the chart's element for tests and styling. */
  kind: string;
  toolbar: ChartToolbar;
  host?: HTMLElement;
  result?: Result;
  /** Drawn in light colours on white, for export. */
  light: boolean;
  disposed: boolean;
}

export interface ChartSource {
  spec: Record<string, unknown>;
  title?: string;
  kind: string;
}

export function chartSourceOf(item: OutputItem, strings: RendererStrings = rendererStrings('en')): ChartSource {
  const value = item.json() as unknown;
  if (item.mime === MimeTypes.chart) {
    if (!isChartPayload(value)) throw new Error(strings.noSpec);
    return { spec: value.spec, title: value.title, kind: value.kind };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(strings.notAnObject);
  const spec = value as Record<string, unknown>;
  const title = typeof spec.title === 'string' ? spec.title : (spec.title as { text?: unknown } | undefined)?.text;
  return { spec, title: typeof title === 'string' ? title : undefined, kind: 'vega-lite' };
}

/** Live Vega views in this webview, and the count tests read. */
const liveViews = new Set<Result>();

function finalizeView(chart: LiveChart): void {
  if (!chart.result) return;
  chart.result.finalize();
  liveViews.delete(chart.result);
  chart.result = undefined;
  document.documentElement.dataset.initlabLiveViews = String(liveViews.size);
}

/**
 * The spec with each variable param bound to an input (a slider) starting at its value in
 * `previous`, the view being replaced: a new view would start every slider over at the spec's own value.
 */
function withBoundValues(spec: Record<string, unknown>, previous: Result | undefined): Record<string, unknown> {
  const params = spec.params;
  if (!previous || !Array.isArray(params)) return spec;
  const kept = params.map((param: unknown) => {
    const p = param as { name?: unknown; bind?: unknown; select?: unknown };
    // A selection's bind (to a legend, to the scales) keeps no slider: it starts over.
    if (typeof p !== 'object' || p === null || !p.bind || p.select !== undefined || typeof p.name !== 'string') return param;
    try {
      return { ...p, value: previous.view.signal(p.name) };
    } catch {
      return param;
    }
  });
  return { ...spec, params: kept };
}

function showError(element: HTMLElement, err: unknown, strings: RendererStrings): void {
  element.replaceChildren();
  const box = document.createElement('div');
  box.className = 'initlab-chart-error';
  box.setAttribute('role', 'alert');
  box.style.cssText = 'border:1px solid var(--vscode-errorForeground,#f14c4c);color:var(--vscode-errorForeground,#f14c4c);padding:6px 8px;font-family:var(--vscode-editor-font-family,monospace);white-space:pre-wrap';
  box.textContent = strings.cannotDraw(err instanceof Error ? err.message : String(err));
  element.appendChild(box);
}

export const activate: ActivationFunction = (context: RendererContext<unknown>) => {
  const charts = new Map<string, LiveChart>();
  const canMessage = typeof context.postMessage === 'function';
  if (canMessage) listenForSaveReplies(context);
  // The webview's language until the extension says VS Code's (the same on Windows and Linux).
  let strings = rendererStrings(languageOf(globalThis.navigator?.language));
  if (canMessage) {
    context.onDidReceiveMessage?.((message) => {
      if (!isLanguageReply(message)) return;
      strings = rendererStrings(languageOf(message.language));
      for (const chart of charts.values()) chart.toolbar.setStrings(strings);
    });
    context.postMessage!({ type: 'initlab.askLanguage' } satisfies LanguageRequest);
  }

  /** Draws (or redraws) a chart; `started` is when its output arrived, for the render time. */
  async function draw(chart: LiveChart, started = performance.now()): Promise<void> {
    // A redraw (the Light toggle, a change of theme) starts the sliders where the user left them.
    const spec = withBoundValues(chart.spec, chart.result);
    finalizeView(chart);
    chart.host?.remove();
    const host = document.createElement('div');
    host.className = chart.light ? 'initlab-chart initlab-light' : 'initlab-chart';
    host.dataset.chartKind = chart.kind;
    chart.host = host;
    chart.element.appendChild(host);
    const result = await embed(host, spec as never, {
      mode: 'vega-lite',
      renderer: 'svg',
      ast: true,
      expr: expressionInterpreter,
      loader: offlineLoader(strings.refused) as never,
      config: vegaConfig(document, chart.light) as never,
      // Our toolbar saves through the extension; vega-embed's menu would offer downloads that
      // VS Code's webview blocks.
      actions: false,
      tooltip: true,
      // Errors only: Jupyter and our kernel write v5 specs, and Vega-Lite 6 warns about each one.
      logLevel: 1,
    });
    if (chart.disposed || chart.host !== host) {
      result.finalize();
      return;
    }
    chart.result = result;
    liveViews.add(result);
    document.documentElement.dataset.initlabLiveViews = String(liveViews.size);
    // Milliseconds from the output's arrival to the drawn chart, for the UI tests' speed figure.
    host.dataset.renderMs = String(Math.round(performance.now() - started));
  }

  async function save(chart: LiveChart, format: ChartFormat): Promise<void> {
    if (!chart.result) return;
    const name = `${chart.fileStem}.${format}`;
    try {
      const data = await renderChartFile(chart.result.view, format, chart.light ? EXPORT_COLORS.background : editorBackground(document));
      if (!canMessage) {
        download(document, format, name, data);
        return;
      }
      chart.toolbar.setStatus(strings.saving);
      const reply = await saveThroughExtension(context, { format, suggestedName: name, data });
      if (reply.type === 'initlab.chartSaved') chart.toolbar.setStatus(strings.saved(reply.path));
      else if (reply.type === 'initlab.chartSaveCancelled') chart.toolbar.setStatus('');
      else chart.toolbar.setStatus(strings.notSaved(reply.message), true);
    } catch (err) {
      chart.toolbar.setStatus(strings.notSaved(err instanceof Error ? err.message : String(err)), true);
    }
  }

  function redraw(chart: LiveChart): void {
    draw(chart).catch((err) => showError(chart.element, err, strings));
  }

  // Re-theme every live chart when VS Code's theme changes (it switches classes on <body>).
  let lastTheme = currentThemeKind();
  new MutationObserver(() => {
    const theme = currentThemeKind();
    if (theme === lastTheme) return;
    lastTheme = theme;
    for (const chart of charts.values()) if (!chart.light) redraw(chart);
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  function disposeChart(id: string): void {
    const chart = charts.get(id);
    if (!chart) return;
    chart.disposed = true;
    finalizeView(chart);
    charts.delete(id);
  }

  return {
    async renderOutputItem(item, element, signal) {
      // From here, parsing the output included: the render time a user waits for.
      const started = performance.now();
      disposeChart(item.id);
      element.replaceChildren();
      let source: ChartSource;
      try {
        source = chartSourceOf(item, strings);
      } catch (err) {
        showError(element, err, strings);
        return;
      }
      const chart: LiveChart = {
        element,
        spec: source.spec,
        fileStem: chartFileStem(source.title, source.kind),
        kind: source.kind,
        light: false,
        disposed: false,
        toolbar: createToolbar(
          document,
          {
            save: (format) => void save(chart, format),
            setLight: (light) => {
              chart.light = light;
              redraw(chart);
            },
          },
          false,
          strings,
        ),
      };
      element.appendChild(chart.toolbar.element);
      charts.set(item.id, chart);
      signal.addEventListener('abort', () => {
        if (charts.get(item.id) === chart) disposeChart(item.id);
      });
      try {
        await draw(chart, started);
      } catch (err) {
        showError(element, err, strings);
      }
    },
    disposeOutputItem(id) {
      if (id === undefined) [...charts.keys()].forEach(disposeChart);
      else disposeChart(id);
    },
  };
};
