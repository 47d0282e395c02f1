/**
 * A Vega config that follows VS Code's theme, read from the CSS variables VS Code sets on the
 * webview. Called again whenever the theme changes.
 */
export type ThemeKind = 'light' | 'dark' | 'high-contrast';

export function currentThemeKind(doc: Document = document): ThemeKind {
  const classes = doc.body.classList;
  if (classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light')) return 'high-contrast';
  return classes.contains('vscode-dark') ? 'dark' : 'light';
}

function cssVar(doc: Document, name: string, fallback: string): string {
  const value = doc.defaultView?.getComputedStyle(doc.body).getPropertyValue(name).trim();
  return value ? value : fallback;
}

/** The editor's background colour: what a chart saved in the editor's theme is drawn on. */
export function editorBackground(doc: Document = document): string {
  const fallback = currentThemeKind(doc) === 'light' ? '#ffffff' : '#1e1e1e';
  return cssVar(doc, '--vscode-editor-background', fallback);
}

/** Light-theme colours for charts exported to documents, whatever the editor's theme. */
export const EXPORT_COLORS = { foreground: '#1f1f1f', background: '#ffffff', grid: '#e5e5e5' };

export function vegaConfig(doc: Document = document, forExport = false): Record<string, unknown> {
  const kind = currentThemeKind(doc);
  const fallback = kind === 'light' ? EXPORT_COLORS : { foreground: '#cccccc', background: '#1e1e1e', grid: '#3c3c3c' };
  const foreground = forExport ? EXPORT_COLORS.foreground : cssVar(doc, '--vscode-editor-foreground', fallback.foreground);
  const background = forExport ? EXPORT_COLORS.background : 'transparent';
  const grid = forExport ? EXPORT_COLORS.grid : cssVar(doc, '--vscode-editorWidget-border', fallback.grid);
  const font = cssVar(doc, '--vscode-font-family', 'sans-serif');
  const strokeWidth = kind === 'high-contrast' ? 2 : 1;
  return {
    background,
    font,
    title: { color: foreground },
    style: { 'guide-label': { fill: foreground }, 'guide-title': { fill: foreground } },
    axis: { domainColor: foreground, tickColor: foreground, gridColor: grid, labelColor: foreground, titleColor: foreground, domainWidth: strokeWidth },
    legend: { labelColor: foreground, titleColor: foreground },
    header: { labelColor: foreground, titleColor: foreground },
    view: { stroke: grid },
    line: { strokeWidth: strokeWidth + 1 },
  };
}
