/**
 * Turns a live chart into a file's contents and hands it over: to the extension, which asks
 * where to save it, when the renderer can message it; otherwise as a browser download (in tools
 * that host our renderer without VS Code's extension host).
 */
import type { Result } from 'vega-embed';

type View = Result['view'];
import type { ChartFormat, SaveChartReply, SaveChartRequest } from '../shared/chartExportMessages';

export interface RendererMessaging {
  postMessage?(message: unknown): void;
  onDidReceiveMessage?(listener: (message: unknown) => void): { dispose(): void };
}

/** The file's contents: SVG text, or PNG bytes in base64 (PNG at twice the screen resolution). */
export async function renderChartFile(view: View, format: ChartFormat, background: string): Promise<string> {
  // A chart drawn on the editor's background is transparent; a file needs an opaque one.
  const previous = view.background();
  view.background(background);
  try {
    if (format === 'svg') return await view.toSVG();
    const url = await view.toImageURL('png', 2);
    return url.slice(url.indexOf(',') + 1);
  } finally {
    view.background(previous);
  }
}

let nextRequest = 0;
const pending = new Map<string, (reply: SaveChartReply) => void>();

/** Routes the extension's replies to the saves waiting for them. Call once per renderer. */
export function listenForSaveReplies(messaging: RendererMessaging): void {
  messaging.onDidReceiveMessage?.((message) => {
    const reply = message as SaveChartReply;
    const resolve = typeof reply?.requestId === 'string' ? pending.get(reply.requestId) : undefined;
    if (!resolve) return;
    pending.delete(reply.requestId);
    resolve(reply);
  });
}

/** Sends the file to the extension and waits for how the save ended. */
export function saveThroughExtension(messaging: RendererMessaging, request: Omit<SaveChartRequest, 'type' | 'requestId'>): Promise<SaveChartReply> {
  const requestId = `save-${++nextRequest}`;
  return new Promise((resolve) => {
    pending.set(requestId, resolve);
    messaging.postMessage!({ type: 'initlab.saveChart', requestId, ...request } satisfies SaveChartRequest);
  });
}

/** Without the extension: a download, as vega-embed's own export does. */
export function download(doc: Document, format: ChartFormat, name: string, data: string): void {
  const link = doc.createElement('a');
  link.href = format === 'svg' ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data)}` : `data:image/png;base64,${data}`;
  link.download = name;
  link.click();
}
