/**
 * Mime types that InitLab's kernel emits and its renderer draws. Declared once, here, so the
 * kernel, the extension and the renderer can never disagree on a spelling.
 */
export const MimeTypes = {
  /** A Vega-Lite spec, as Jupyter and vega-embed know it. */
  vegaLite: 'application/vnd.vegalite.v5+json',
  /**
   * InitLab's own chart payload: `{ kind, data, spec? }`. The renderer builds the Vega-Lite
   * spec from `kind` and `data`, so saved files carry data rather than one frozen rendering.
   */
  chart: 'application/vnd.initlab.chart+json',
  /** A tensor preview: shape, dtype and a few values. */
  tensor: 'application/vnd.initlab.tensor+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  html: 'text/html',
  markdown: 'text/markdown',
  json: 'application/json',
  plain: 'text/plain',
  /** VS Code's mime types for a cell's streams and errors. */
  stdout: 'application/vnd.code.notebook.stdout',
  stderr: 'application/vnd.code.notebook.stderr',
  error: 'application/vnd.code.notebook.error',
} as const;

export type MimeType = (typeof MimeTypes)[keyof typeof MimeTypes];

/** The mime types our renderer is registered for (package.json `notebookRenderer`). */
export const rendererMimeTypes: readonly string[] = [MimeTypes.chart, MimeTypes.vegaLite];
