/**
 * Messages between the chart renderer (in the notebook's webview) and the extension, for saving a
 * chart as a file. A webview cannot download files (the sandbox blocks `<a download>`, which is
 * what breaks vscode-jupyter#5827), so the renderer sends the rendered bytes and the extension
 * asks where to save them.
 */
export type ChartFormat = 'svg' | 'png';

/** Renderer → extension. */
export interface SaveChartRequest {
  type: 'initlab.saveChart';
  requestId: string;
  format: ChartFormat;
  /** A file name without folder, e.g. "per-layer-std.svg". */
  suggestedName: string;
  /** SVG text, or PNG bytes in base64. */
  data: string;
}

/** Extension → renderer: how the save ended. */
export type SaveChartReply =
  | { type: 'initlab.chartSaved'; requestId: string; path: string }
  | { type: 'initlab.chartSaveCancelled'; requestId: string }
  | { type: 'initlab.chartSaveFailed'; requestId: string; message: string };

export function isSaveChartRequest(value: unknown): value is SaveChartRequest {
  const m = value as SaveChartRequest;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.type === 'initlab.saveChart' &&
    typeof m.requestId === 'string' &&
    (m.format === 'svg' || m.format === 'png') &&
    typeof m.suggestedName === 'string' &&
    typeof m.data === 'string'
  );
}

/** A safe file name from a chart's title: "Per-layer std: Kaiming" → "per-layer-std-kaiming". */
export function chartFileStem(title: string | undefined, fallback: string): string {
  const stem = (title ?? '')
    .toLowerCase()
    // Letters and their combining marks in any script: Thai and Vietnamese titles stay readable.
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || fallback;
}
