/**
 * The small toolbar above each chart: save as SVG, save as PNG, and a toggle that draws the chart
 * in light colours on white (what papers and slides want, whatever the editor's theme is).
 * Its words are in the UI's language (rendererStrings.ts), relabelled when that is known late;
 * SVG and PNG are the formats' names in every language.
 */
import type { ChartFormat } from '../shared/chartExportMessages';
import type { RendererStrings } from './rendererStrings';

export interface ToolbarActions {
  save(format: ChartFormat): void;
  setLight(light: boolean): void;
}

export interface ChartToolbar {
  element: HTMLElement;
  /** Shows how the last save ended, next to the buttons. */
  setStatus(text: string, isError?: boolean): void;
  /** Words the toolbar in another language (its status stays as it was said). */
  setStrings(strings: RendererStrings): void;
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

export function createToolbar(doc: Document, actions: ToolbarActions, light: boolean, strings: RendererStrings): ChartToolbar {
  ensureStyle(doc);
  const bar = doc.createElement('div');
  bar.className = 'initlab-toolbar';
  bar.setAttribute('role', 'toolbar');
  const button = (label: string, onClick: (b: HTMLButtonElement) => void) => {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', () => onClick(b));
    bar.appendChild(b);
    return b;
  };
  const svg = button('SVG', () => actions.save('svg'));
  const png = button('PNG', () => actions.save('png'));
  const toggle = button('', (b) => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    actions.setLight(on);
  });
  toggle.setAttribute('aria-pressed', String(light));
  const status = doc.createElement('span');
  status.className = 'initlab-status';
  status.setAttribute('role', 'status');
  bar.appendChild(status);
  const setStrings = (words: RendererStrings) => {
    bar.setAttribute('aria-label', words.toolbar);
    svg.title = words.svgTitle;
    png.title = words.pngTitle;
    toggle.textContent = words.light;
    toggle.title = words.lightTitle;
  };
  setStrings(strings);
  return {
    element: bar,
    setStatus(text, isError = false) {
      status.textContent = text;
      status.classList.toggle('error', isError);
    },
    setStrings,
  };
}
