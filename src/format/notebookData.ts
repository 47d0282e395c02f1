/**
 * Converts between the `.initnb` file (nbformat 4) and the shape of VS Code's NotebookData.
 *
 * The shapes here are structural copies of VS Code's classes, so this mapping, the part with the
 * decisions in it, runs and is tested in plain Node. src/extension/initnbSerializer.ts only turns
 * these plain objects into `vscode` class instances and back.
 */
import { MimeTypes } from '../shared/mimeTypes';
import type { ErrorOutput, JsonObject, JsonValue, MimeBundle, NbCell, NbOutput, Notebook } from '../shared/notebookFormat';
import { NBFORMAT_MINOR } from '../shared/notebookFormat';
import { isJsonMime } from './readNotebook';
import { joinLines } from './writeNotebook';

/** VS Code's NotebookCellKind values. */
export const CellKind = { Markup: 1, Code: 2 } as const;

export interface PlainOutputItem {
  mime: string;
  data: Uint8Array;
}

/** What InitLab keeps in a VS Code output's metadata to write the nbformat output back. */
export interface OutputMetadata {
  outputType: NbOutput['output_type'];
  /** nbformat's per-output metadata (display_data and execute_result). */
  metadata?: JsonObject;
  executionCount?: number | null;
  /** The nbformat error as read, so a traceback survives a round trip unchanged. */
  originalError?: ErrorOutput;
  [key: string]: unknown;
}

export interface PlainOutput {
  items: PlainOutputItem[];
  metadata?: OutputMetadata | Record<string, unknown>;
}

export interface PlainCellMetadata {
  id?: string;
  /** nbformat's cell metadata, kept verbatim (unknown keys included). */
  metadata?: JsonObject;
  attachments?: JsonObject;
  /** Set for nbformat raw cells, which VS Code shows as code cells in the "raw" language. */
  cellType?: 'raw';
  [key: string]: unknown;
}

export interface PlainCell {
  kind: (typeof CellKind)[keyof typeof CellKind];
  value: string;
  languageId: string;
  outputs?: PlainOutput[];
  metadata?: PlainCellMetadata;
  executionSummary?: { executionOrder?: number; success?: boolean };
}

export interface PlainNotebookData {
  cells: PlainCell[];
  metadata?: { [key: string]: unknown };
}

export const CODE_LANGUAGE = 'typescript';

/**
 * The order VS Code should prefer when an output has several representations: our charts first,
 * then the richest standard types, then text.
 */
const MIME_PREFERENCE: readonly string[] = [
  MimeTypes.chart,
  MimeTypes.vegaLite,
  MimeTypes.tensor,
  MimeTypes.html,
  MimeTypes.svg,
  MimeTypes.png,
  'image/jpeg',
  MimeTypes.markdown,
  MimeTypes.json,
  MimeTypes.plain,
];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function notebookToData(nb: Notebook): PlainNotebookData {
  return {
    metadata: { ...nb.metadata, nbformat_minor: nb.nbformat_minor },
    cells: nb.cells.map(cellToData),
  };
}

export function cellToData(cell: NbCell): PlainCell {
  const metadata: PlainCellMetadata = { metadata: cell.metadata };
  if (cell.id !== undefined) metadata.id = cell.id;
  const value = joinLines(cell.source);
  if (cell.cell_type === 'markdown') {
    if (cell.attachments) metadata.attachments = cell.attachments;
    return { kind: CellKind.Markup, value, languageId: 'markdown', metadata };
  }
  if (cell.cell_type === 'raw') {
    if (cell.attachments) metadata.attachments = cell.attachments;
    return { kind: CellKind.Code, value, languageId: 'raw', metadata: { ...metadata, cellType: 'raw' } };
  }
  const data: PlainCell = { kind: CellKind.Code, value, languageId: CODE_LANGUAGE, metadata, outputs: cell.outputs.map(outputToData) };
  if (cell.execution_count !== null) data.executionSummary = { executionOrder: cell.execution_count };
  return data;
}

export function outputToData(output: NbOutput): PlainOutput {
  switch (output.output_type) {
    case 'stream':
      return {
        items: [{ mime: output.name === 'stdout' ? MimeTypes.stdout : MimeTypes.stderr, data: encoder.encode(joinLines(output.text)) }],
        metadata: { outputType: 'stream' },
      };
    case 'error': {
      const error = { name: output.ename, message: output.evalue, stack: output.traceback.join('\n') };
      return { items: [{ mime: MimeTypes.error, data: encoder.encode(JSON.stringify(error)) }], metadata: { outputType: 'error', originalError: output } };
    }
    case 'display_data':
    case 'execute_result': {
      const items = Object.entries(output.data)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([mime, value]) => ({ mime, data: encodeMimeValue(mime, value) }));
      const metadata: OutputMetadata = { outputType: output.output_type, metadata: output.metadata };
      if (output.output_type === 'execute_result') metadata.executionCount = output.execution_count;
      return { items, metadata };
    }
    default:
      throw new Error(`Unknown output type ${(output as { output_type: string }).output_type}`);
  }
}

export function dataToNotebook(data: PlainNotebookData): Notebook {
  const { nbformat_minor: minor, ...metadata } = (data.metadata ?? {}) as { nbformat_minor?: unknown };
  return {
    nbformat: 4,
    nbformat_minor: typeof minor === 'number' ? minor : NBFORMAT_MINOR,
    metadata: metadata as JsonObject,
    cells: data.cells.map(dataToCell),
  };
}

function dataToCell(cell: PlainCell): NbCell {
  const meta = cell.metadata ?? {};
  const base = { ...(meta.id ? { id: meta.id } : {}), source: cell.value, metadata: meta.metadata ?? {} };
  const attachments = meta.attachments ? { attachments: meta.attachments } : {};
  if (cell.kind === CellKind.Markup) return { cell_type: 'markdown', ...base, ...attachments };
  if (meta.cellType === 'raw' || cell.languageId === 'raw') return { cell_type: 'raw', ...base, ...attachments };
  return {
    cell_type: 'code',
    ...base,
    outputs: (cell.outputs ?? []).flatMap(dataToOutputs),
    execution_count: cell.executionSummary?.executionOrder ?? null,
  };
}

/** One VS Code output may hold stdout and stderr items together; nbformat needs one output per stream. */
export function dataToOutputs(output: PlainOutput): NbOutput[] {
  const meta = (output.metadata ?? {}) as Partial<OutputMetadata>;
  const streamItems = output.items.filter((i) => i.mime === MimeTypes.stdout || i.mime === MimeTypes.stderr);
  const errorItem = output.items.find((i) => i.mime === MimeTypes.error);
  if (meta.outputType === 'stream' || (meta.outputType === undefined && streamItems.length > 0)) {
    return mergeStreams(streamItems);
  }
  if (meta.outputType === 'error' || (meta.outputType === undefined && errorItem)) {
    return [errorFromItem(errorItem, meta.originalError)];
  }
  const data: MimeBundle = {};
  for (const item of output.items) data[item.mime] = decodeMimeValue(item.mime, item.data);
  const metadata = meta.metadata ?? {};
  if (meta.outputType === 'execute_result') {
    return [{ output_type: 'execute_result', data, metadata, execution_count: meta.executionCount ?? null }];
  }
  return [{ output_type: 'display_data', data, metadata }];
}

function mergeStreams(items: PlainOutputItem[]): NbOutput[] {
  const outputs: NbOutput[] = [];
  for (const item of items) {
    const name = item.mime === MimeTypes.stdout ? 'stdout' : 'stderr';
    const text = decoder.decode(item.data);
    const last = outputs[outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text = joinLines(last.text) + text;
    else outputs.push({ output_type: 'stream', name, text });
  }
  return outputs;
}

function errorFromItem(item: PlainOutputItem | undefined, original: ErrorOutput | undefined): ErrorOutput {
  if (!item) return original ?? { output_type: 'error', ename: 'Error', evalue: '', traceback: [] };
  const parsed = JSON.parse(decoder.decode(item.data)) as { name?: string; message?: string; stack?: string };
  const ename = parsed.name ?? 'Error';
  const evalue = parsed.message ?? '';
  // Keep the traceback exactly as read when the error is the one we read.
  if (original && original.ename === ename && original.evalue === evalue) return original;
  return { output_type: 'error', ename, evalue, traceback: parsed.stack ? parsed.stack.split('\n') : [] };
}

function rank(mime: string): number {
  const i = MIME_PREFERENCE.indexOf(mime);
  return i === -1 ? MIME_PREFERENCE.length : i;
}

/** Binary image types are base64 text in nbformat and raw bytes in VS Code. */
function isBase64Mime(mime: string): boolean {
  return mime.startsWith('image/') && mime !== MimeTypes.svg;
}

function encodeMimeValue(mime: string, value: JsonValue): Uint8Array {
  if (isJsonMime(mime)) return encoder.encode(JSON.stringify(value));
  const text = joinLines(value as string | string[]);
  if (isBase64Mime(mime)) return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  return encoder.encode(text);
}

function decodeMimeValue(mime: string, data: Uint8Array): JsonValue {
  if (isJsonMime(mime)) return JSON.parse(decoder.decode(data)) as JsonValue;
  if (isBase64Mime(mime)) return Buffer.from(data).toString('base64');
  return decoder.decode(data);
}
