/**
 * Writes a notebook as deterministic nbformat 4.5 JSON: the same notebook always gives the same
 * bytes (sorted keys, one-space indent, `\n`, trailing newline), and text is stored as lists of
 * lines the way Jupyter does, so diffs stay line-sized.
 */
import { createHash } from 'node:crypto';
import {
  defaultNotebookMetadata,
  NBFORMAT_MINOR,
  type MimeBundle,
  type MultilineString,
  type NbCell,
  type NbOutput,
  type Notebook,
} from '../../common/notebookFormat';
import { isJsonMime } from './readNotebook';
import { stableStringify } from './stableJson';

export function serializeNotebook(nb: Notebook): string {
  const usedIds = new Set<string>();
  const cells = nb.cells.map((cell, index) => normalizeCell(cell, index, usedIds));
  return stableStringify({
    nbformat: 4,
    nbformat_minor: Math.max(nb.nbformat_minor, NBFORMAT_MINOR),
    metadata: { ...nb.metadata, ...defaultNotebookMetadata },
    cells,
  });
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
 * nbformat 4.5 requires unique cell ids. A cell without one (new in the editor) gets an id derived
 * from its position and text, not a random one, so that saving the same notebook twice writes
 * the same bytes.
 */
function uniqueId(cell: NbCell, index: number, usedIds: Set<string>): string {
  let id = cell.id;
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
