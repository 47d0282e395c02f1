/**
 * Messages between the chart renderer and the extension for the UI's language: the webview has
 * no vscode.l10n, so the renderer asks once, at activation, and words its toolbar and messages
 * in the language the extension answers (src/renderers/rendererStrings.ts).
 */

/** Renderer → extension. */
export interface LanguageRequest {
  type: 'initlab.askLanguage';
}

/** Extension → renderer: vscode.env.language, e.g. "en", "th", "vi", "zh-cn". */
export interface LanguageReply {
  type: 'initlab.language';
  language: string;
}

export function isLanguageRequest(value: unknown): value is LanguageRequest {
  return typeof value === 'object' && value !== null && (value as LanguageRequest).type === 'initlab.askLanguage';
}

export function isLanguageReply(value: unknown): value is LanguageReply {
  const m = value as LanguageReply;
  return typeof m === 'object' && m !== null && m.type === 'initlab.language' && typeof m.language === 'string';
}
