/**
 * The notebook renderer for InitLab charts and plain Vega-Lite specs (package.json
 * `notebookRenderer`). Runs in the notebook's webview: browser code only.
 *
 * Safety: specs come from notebook files, which may come from anyone. Vega's expressions are run
 * by vega-interpreter (no eval, no new Function, so it also works under VS Code's CSP), and the
 * loader refuses every URL, so a spec can neither run code nor reach the network.
 */
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { isChartPayload } from '../common/chartPayload';
import { MimeTypes } from '../common/mimeTypes';
import { currentThemeKind, vegaConfig } from './vegaTheme';

interface LiveChart {
  result?: Result;
  element: HTMLElement;
  spec: Record<string, unknown>;
  disposed: boolean;
}

/** A loader that loads nothing: data must be inline in the spec. */
const offlineLoader = {
  load: async (uri: string) => {
    throw new Error(`InitLab charts load nothing from outside the notebook (refused: ${uri})`);
  },
  sanitize: async (uri: string) => {
    throw new Error(`InitLab charts load nothing from outside the notebook (refused: ${uri})`);
  },
  http: async (uri: string) => {
    throw new Error(`refused: ${uri}`);
  },
  file: async (uri: string) => {
    throw new Error(`refused: ${uri}`);
  },
};

export function specOf(item: OutputItem): Record<string, unknown> {
  const value = item.json() as unknown;
  if (item.mime === MimeTypes.chart) {
    if (!isChartPayload(value)) throw new Error('This InitLab chart output has no spec.');
    return value.spec;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('A Vega-Lite spec must be a JSON object.');
  return value as Record<string, unknown>;
}

export const activate: ActivationFunction = () => {
  const charts = new Map<string, LiveChart>();

  async function draw(chart: LiveChart): Promise<void> {
    chart.result?.finalize();
    chart.result = undefined;
    chart.element.replaceChildren();
    const host = document.createElement('div');
    host.className = 'initlab-chart';
    chart.element.appendChild(host);
    const result = await embed(host, chart.spec as never, {
      mode: 'vega-lite',
      renderer: 'svg',
      ast: true,
      expr: expressionInterpreter,
      loader: offlineLoader as never,
      config: vegaConfig() as never,
      actions: { export: true, source: false, compiled: false, editor: false },
      tooltip: true,
      // Errors only: Jupyter and our kernel write v5 specs, and Vega-Lite 6 warns about each one.
      logLevel: 1,
    });
    if (chart.disposed) result.finalize();
    else chart.result = result;
  }

  function showError(element: HTMLElement, err: unknown): void {
    element.replaceChildren();
    const box = document.createElement('div');
    box.className = 'initlab-chart-error';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'border:1px solid var(--vscode-errorForeground,#f14c4c);color:var(--vscode-errorForeground,#f14c4c);padding:6px 8px;font-family:var(--vscode-editor-font-family,monospace);white-space:pre-wrap';
    box.textContent = `Cannot draw this chart: ${err instanceof Error ? err.message : String(err)}`;
    element.appendChild(box);
  }

  // Re-theme every live chart when VS Code's theme changes (it switches classes on <body>).
  let lastTheme = currentThemeKind();
  new MutationObserver(() => {
    const theme = currentThemeKind();
    if (theme === lastTheme) return;
    lastTheme = theme;
    for (const chart of charts.values()) void draw(chart).catch((err) => showError(chart.element, err));
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  return {
    async renderOutputItem(item, element, signal) {
      charts.get(item.id)?.result?.finalize();
      charts.delete(item.id);
      let spec: Record<string, unknown>;
      try {
        spec = specOf(item);
      } catch (err) {
        showError(element, err);
        return;
      }
      const chart: LiveChart = { element, spec, disposed: false };
      charts.set(item.id, chart);
      signal.addEventListener('abort', () => {
        chart.disposed = true;
        chart.result?.finalize();
      });
      try {
        await draw(chart);
      } catch (err) {
        showError(element, err);
      }
    },
    disposeOutputItem(id) {
      const disposeOne = (key: string) => {
        const chart = charts.get(key);
        if (!chart) return;
        chart.disposed = true;
        chart.result?.finalize();
        charts.delete(key);
      };
      if (id === undefined) [...charts.keys()].forEach(disposeOne);
      else disposeOne(id);
    },
  };
};
