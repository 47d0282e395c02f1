/**
 * Writes a notebook as deterministic nbformat 4.5 JSON: the same notebook always gives the same
 * bytes (sorted keys, one-space indent, `\n`, trailing newline), and text is stored as lists of
 * lines the way Jupyter does, so diffs stay line-sized.
 */
import { createHash } from 'node:crypto';
import {
  defaultNotebookMetadata,
  NBFORMAT_MINOR,
  type JsonObject,
  type MimeBundle,
  type MultilineString,
  type NbCell,
  type NbOutput,
  type Notebook,
} from '../shared/notebookFormat';
import { isValidCellId } from './cellIds';
import { isJsonMime } from './readNotebook';
import { stableStringify } from './stableJson';

export function serializeNotebook(nb: Notebook): string {
  const usedIds = new Set<string>();
  const cells = nb.cells.map((cell, index) => normalizeCell(cell, index, usedIds));
  return stableStringify({
    nbformat: 4,
    nbformat_minor: Math.max(nb.nbformat_minor, NBFORMAT_MINOR),
    metadata: withKernelMetadata(nb.metadata),
    cells,
  });
}

/** The fields nbformat's schema requires in each; the rest of InitLab's defaults are optional. */
const REQUIRED_FIELDS: Record<string, readonly string[]> = { kernelspec: ['name', 'display_name'], language_info: ['name'] };

/**
 * `kernelspec` and `language_info` as the file has them: InitLab's TypeScript defaults fill in only
 * an entry that is absent or not an object, and a required field that is absent. A user who points
 * `kernelspec` at another kernel to open the file in Jupyter keeps that choice, byte for byte.
 */
function withKernelMetadata(metadata: JsonObject): JsonObject {
  const out: JsonObject = { ...metadata };
  for (const [key, required] of Object.entries(REQUIRED_FIELDS)) {
    const fallback = defaultNotebookMetadata[key] as JsonObject;
    const given = metadata[key];
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      out[key] = fallback;
      continue;
    }
    const missing = required.filter((field) => given[field] === undefined);
    if (missing.length > 0) out[key] = { ...given, ...Object.fromEntries(missing.map((field) => [field, fallback[field]])) };
  }
  return out;
}

function normalizeCell(cell: NbCell, index: number, usedIds: Set<string>): NbCell {
  const id = uniqueId(cell, index, usedIds);
  const source = toLines(cell.source);
  if (cell.cell_type === 'code') {
    return { ...cell, id, source, outputs: cell.outputs.map(normalizeOutput) };
  }
  return { ...cell, id, source };
}

/**
 * nbformat 4.5 requires unique, well-formed cell ids. A cell without one (new in the editor), or
 * with a repeated or malformed one (a cell copied in the editor keeps its id; cell metadata can be
 * edited by hand), gets an id derived from its position and text, not a random one, so that saving
 * the same notebook twice writes the same bytes. Ids in a file are already repaired by the reader,
 * which tells the user.
 */
function uniqueId(cell: NbCell, index: number, usedIds: Set<string>): string {
  let id: string | undefined = isValidCellId(cell.id) ? cell.id : undefined;
  if (id === undefined || usedIds.has(id)) {
    const text = typeof cell.source === 'string' ? cell.source : cell.source.join('');
    const seed = `${index}\u0000${cell.cell_type}\u0000${text}`;
    for (let attempt = 0; id === undefined || usedIds.has(id); attempt++) {
      id = createHash('sha256').update(`${seed}\u0000${attempt}`).digest('hex').slice(0, 12);
    }
  }
  usedIds.add(id);
  return id;
}

function normalizeOutput(output: NbOutput): NbOutput {
  switch (output.output_type) {
    case 'stream':
      return { ...output, text: toLines(output.text) };
    case 'display_data':
    case 'execute_result':
      return { ...output, data: normalizeBundle(output.data) };
    case 'error':
      return output;
    default:
      throw new Error(`Unknown output type ${(output as { output_type: string }).output_type}`);
  }
}

function normalizeBundle(bundle: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    // Binary payloads (base64) stay one string; text is split into lines like Jupyter does.
    const isText = !isJsonMime(mime) && (mime.startsWith('text/') || mime === 'image/svg+xml');
    out[mime] = isText ? toLines(value as MultilineString) : value;
  }
  return out;
}

/** "a\nb" -> ["a\n", "b"]: each line keeps its newline, as nbformat stores it. */
export function toLines(text: MultilineString): string[] {
  const joined = typeof text === 'string' ? text : text.join('');
  return joined.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The inverse of toLines. */
export function joinLines(text: MultilineString): string {
  return typeof text === 'string' ? text : text.join('');
}
