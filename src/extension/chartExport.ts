/**
 * Saves charts that the renderer sends (see common/chartExportMessages.ts): asks where, next to
 * the notebook by default, writes the file, and tells the renderer how it ended. Also tells the
 * renderer VS Code's display language, which its webview has no API for (shared/rendererLanguage.ts).
 */
import * as vscode from 'vscode';
import { isSaveChartRequest, type SaveChartReply, type SaveChartRequest } from '../shared/chartExportMessages';
import { isLanguageRequest, type LanguageReply } from '../shared/rendererLanguage';

export const CHART_RENDERER_ID = 'initlab.charts';

export function registerChartExport(): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(CHART_RENDERER_ID);
  return messaging.onDidReceiveMessage(async ({ editor, message }) => {
    if (isLanguageRequest(message)) {
      await messaging.postMessage({ type: 'initlab.language', language: vscode.env.language } satisfies LanguageReply, editor);
      return;
    }
    if (!isSaveChartRequest(message)) return;
    const reply = await saveChart(editor.notebook.uri, message);
    await messaging.postMessage(reply, editor);
  });
}

async function saveChart(notebookUri: vscode.Uri, request: SaveChartRequest): Promise<SaveChartReply> {
  const { requestId, format } = request;
  const folder = notebookUri.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0]?.uri : vscode.Uri.joinPath(notebookUri, '..');
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, request.suggestedName) : undefined,
    filters: format === 'svg' ? { [vscode.l10n.t('SVG image')]: ['svg'] } : { [vscode.l10n.t('PNG image')]: ['png'] },
    title: vscode.l10n.t('Save chart'),
  });
  if (!target) return { type: 'initlab.chartSaveCancelled', requestId };
  try {
    const bytes = format === 'svg' ? new TextEncoder().encode(request.data) : Buffer.from(request.data, 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    return { type: 'initlab.chartSaved', requestId, path: target.scheme === 'file' ? target.fsPath : target.toString() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the chart: {0}', message));
    return { type: 'initlab.chartSaveFailed', requestId, message };
  }
}
