/**
 * Turns a chart spec into the mime bundle a cell displays: InitLab's chart type (drawn live by
 * our renderer, themed, with tooltips), a static SVG (for Jupyter, GitHub previews and HTML
 * reports), and a line of text for terminals and the headless runner.
 */
import type { ChartPayload } from '../../shared/chartPayload';
import type { MimeBundle } from '../../shared/notebookFormat';
import { MimeTypes } from '../../shared/mimeTypes';
import { renderSvg } from './renderSvg';

export interface ChartBundleOptions {
  /** Text shown where no chart can be drawn; defaults to the title or kind. */
  text?: string;
  /** Skip the static SVG (e.g. for a progress chart updated many times a second). */
  staticSvg?: boolean;
  /** The figures behind the chart, kept in the payload (ChartPayload.data). */
  data?: unknown;
}

export async function chartBundle(kind: string, spec: Record<string, unknown>, options: ChartBundleOptions = {}): Promise<MimeBundle> {
  const title = typeof spec.title === 'string' ? spec.title : undefined;
  const payload: ChartPayload = { kind, spec, ...(title ? { title } : {}), ...(options.data !== undefined ? { data: options.data } : {}) };
  const bundle: MimeBundle = {
    [MimeTypes.chart]: payload as never,
    [MimeTypes.plain]: options.text ?? `<InitLab chart: ${title ?? kind}>`,
  };
  if (options.staticSvg ?? true) bundle[MimeTypes.svg] = await renderSvg(spec);
  return bundle;
}
