/**
 * The small toolbar above each chart: save as SVG, save as PNG, and a toggle that draws the chart
 * in light colours on white (what papers and slides want, whatever the editor's theme is).
 * Renderers have no localization API, so the labels are short and universal.
 */
import type { ChartFormat } from '../shared/chartExportMessages';

export interface ToolbarActions {
  save(format: ChartFormat): void;
  setLight(light: boolean): void;
}

export interface ChartToolbar {
  element: HTMLElement;
  /** Shows how the last save ended, next to the buttons. */
  setStatus(text: string, isError?: boolean): void;
}

const STYLE_ID = 'initlab-chart-toolbar-style';

const CSS = `
.initlab-toolbar { display: flex; gap: 4px; align-items: center; margin: 0 0 4px; font-family: var(--vscode-font-family, sans-serif); font-size: 11px; opacity: 0.75; }
.initlab-toolbar:hover, .initlab-toolbar:focus-within { opacity: 1; }
.initlab-toolbar button { font: inherit; padding: 1px 8px; border-radius: 2px; cursor: pointer;
  color: var(--vscode-button-secondaryForeground, #fff); background: var(--vscode-button-secondaryBackground, #3a3d41);
  border: 1px solid var(--vscode-button-border, transparent); }
.initlab-toolbar button:hover { background: var(--vscode-button-secondaryHoverBackground, #45494e); }
.initlab-toolbar button[aria-pressed="true"] { color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0e639c); }
.initlab-toolbar .initlab-status { margin-left: 6px; color: var(--vscode-descriptionForeground, inherit); }
.initlab-toolbar .initlab-status.error { color: var(--vscode-errorForeground, #f14c4c); }
.initlab-chart.initlab-light { background: #ffffff; padding: 4px; }
`;

function ensureStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  doc.head.appendChild(style);
}

export function createToolbar(doc: Document, actions: ToolbarActions, light: boolean): ChartToolbar {
  ensureStyle(doc);
  const bar = doc.createElement('div');
  bar.className = 'initlab-toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Chart');
  const button = (label: string, title: string, onClick: (b: HTMLButtonElement) => void) => {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.title = title;
    b.addEventListener('click', () => onClick(b));
    bar.appendChild(b);
    return b;
  };
  button('SVG', 'Save this chart as an SVG file', () => actions.save('svg'));
  button('PNG', 'Save this chart as a PNG image', () => actions.save('png'));
  const toggle = button('Light', 'Draw in light colours on white, for export', (b) => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    actions.setLight(on);
  });
  toggle.setAttribute('aria-pressed', String(light));
  const status = doc.createElement('span');
  status.className = 'initlab-status';
  status.setAttribute('role', 'status');
  bar.appendChild(status);
  return {
    element: bar,
    setStatus(text, isError = false) {
      status.textContent = text;
      status.classList.toggle('error', isError);
    },
  };
}
