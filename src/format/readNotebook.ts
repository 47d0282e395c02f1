/**
 * Reads a `.initnb` file strictly. Anything it cannot read raises a NotebookFormatError that
 * names the problem and where, so VS Code shows that error instead of opening an empty notebook
 * that one save would write over the user's file.
 *
 * Why a hand-written reader rather than ajv with nbformat's JSON schema: the checks are few,
 * the schema would have to be vendored, and a learner needs messages like
 * "cells[2].source: expected a string or a list of strings, got a number", not schema paths.
 */
import type {
  CodeCell,
  JsonObject,
  JsonValue,
  MarkdownCell,
  MimeBundle,
  MultilineString,
  NbCell,
  NbOutput,
  Notebook,
  RawCell,
} from '../shared/notebookFormat';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { repairCellIds, type NotebookRepair } from './cellIds';
import { findNestingPast, MAX_JSON_DEPTH } from './jsonDepth';
import { NotebookFormatError } from './notebookFormatError';
import { lineAndColumn } from './textPosition';
import { decodeUtf8 } from './utf8';

/** Refuse files past this size: reading one would stall the editor for nothing. */
export const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

const CELL_KEYS: Record<NbCell['cell_type'], readonly string[]> = {
  code: ['cell_type', 'id', 'source', 'metadata', 'outputs', 'execution_count'],
  markdown: ['cell_type', 'id', 'source', 'metadata', 'attachments'],
  raw: ['cell_type', 'id', 'source', 'metadata', 'attachments'],
};

export interface ReadNotebookResult {
  notebook: Notebook;
  /** What the reader changed so the notebook is valid nbformat 4.5; the user must be told. */
  repairs: NotebookRepair[];
}

/**
 * Reads a notebook file's bytes (or text already decoded). Throws a NotebookFormatError for what
 * it cannot read; returns the repairs it made, which the caller shows the user.
 */
export function readNotebook(content: Uint8Array | string, fileName?: string): ReadNotebookResult {
  const fail = (problem: string, where = ''): never => {
    throw new NotebookFormatError(problem, where, fileName);
  };
  const size = typeof content === 'string' ? content.length : content.byteLength;
  if (size > MAX_NOTEBOOK_BYTES) {
    fail(`the file is ${(size / 1e6).toFixed(0)} MB, more than the ${MAX_NOTEBOOK_BYTES / 1e6} MB InitLab reads`);
  }
  // A NUL byte says "binary file" better than the invalid UTF-8 such files also hold.
  if (typeof content !== 'string' && content.includes(0)) fail('the file holds binary data (a NUL byte), not notebook JSON');
  const text = typeof content === 'string' ? content : decodeUtf8(content, fileName);
  if (text.trim() === '') {
    fail('the file is empty, so it is not a notebook. Create notebooks with "InitLab: New Notebook".');
  }
  if (text.includes('\u0000')) fail('the file holds binary data (a NUL byte), not notebook JSON');
  // Before anything that walks the JSON recursively (the error locator below included).
  const tooDeep = findNestingPast(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    fail(
      `the JSON nests lists and objects more than ${MAX_JSON_DEPTH} levels deep; InitLab refuses that (no notebook needs it, and Jupyter could not read it either)`,
      lineAndColumn(text, tooDeep),
    );
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    fail(`invalid JSON: ${describeJsonError(text, err as Error)}`);
  }
  const notebook = readRoot(raw, fail);
  return { notebook, repairs: repairCellIds(notebook.cells) };
}

/**
 * The notebook alone, its repairs dropped: for tests and for notebooks InitLab itself wrote.
 * Where a person opens a file, use readNotebook and show the repairs.
 */
export function parseNotebook(content: Uint8Array | string, fileName?: string): Notebook {
  return readNotebook(content, fileName).notebook;
}

type Fail = (problem: string, where?: string) => never;

function readRoot(raw: unknown, fail: Fail): Notebook {
  const root = expectObject(raw, 'the notebook', fail);
  if (!('nbformat' in root)) fail('missing "nbformat": this is not an nbformat 4 notebook', 'nbformat');
  if (root.nbformat !== 4) {
    fail(`nbformat ${JSON.stringify(root.nbformat)} is not supported; InitLab reads nbformat 4`, 'nbformat');
  }
  const minor = root.nbformat_minor;
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) {
    fail(`expected a whole number, got ${describe(minor)}`, 'nbformat_minor');
  }
  const metadata = expectObject(root.metadata, 'metadata', fail);
  if (!Array.isArray(root.cells)) fail(`expected a list of cells, got ${describe(root.cells)}`, 'cells');
  for (const key of Object.keys(root)) {
    if (!['nbformat', 'nbformat_minor', 'metadata', 'cells'].includes(key)) fail(`unknown top-level field "${key}"`, key);
  }
  const cells = (root.cells as unknown[]).map((cell, i) => readCell(cell, `cells[${i}]`, fail));
  return { nbformat: 4, nbformat_minor: minor as number, metadata, cells };
}

function readCell(raw: unknown, where: string, fail: Fail): NbCell {
  const cell = expectObject(raw, where, fail);
  const type = cell.cell_type;
  if (type !== 'code' && type !== 'markdown' && type !== 'raw') {
    fail(`expected cell_type "code", "markdown" or "raw", got ${describe(type)}`, `${where}.cell_type`);
  }
  for (const key of Object.keys(cell)) {
    if (!CELL_KEYS[type].includes(key)) fail(`unknown field "${key}" in a ${type} cell`, `${where}.${key}`);
  }
  const source = expectMultiline(cell.source, `${where}.source`, fail);
  const metadata = expectObject(cell.metadata ?? {}, `${where}.metadata`, fail);
  const id = cell.id;
  // Any string is read; repairCellIds then replaces ids that break nbformat's rule, and says so.
  if (id !== undefined && typeof id !== 'string') fail(`expected a string, got ${describe(id)}`, `${where}.id`);
  const base = { ...(id === undefined ? {} : { id }), source, metadata };
  if (type === 'code') {
    const count = cell.execution_count ?? null;
    if (count !== null && (typeof count !== 'number' || !Number.isInteger(count))) {
      fail(`expected a whole number or null, got ${describe(count)}`, `${where}.execution_count`);
    }
    const outputs = cell.outputs ?? [];
    if (!Array.isArray(outputs)) fail(`expected a list of outputs, got ${describe(outputs)}`, `${where}.outputs`);
    const code: CodeCell = {
      cell_type: 'code',
      ...base,
      outputs: (outputs as unknown[]).map((o, i) => readOutput(o, `${where}.outputs[${i}]`, fail)),
      execution_count: count as number | null,
    };
    return code;
  }
  const attachments = cell.attachments === undefined ? undefined : expectObject(cell.attachments, `${where}.attachments`, fail);
  const text: MarkdownCell | RawCell = { cell_type: type, ...base, ...(attachments ? { attachments } : {}) };
  return text;
}

function readOutput(raw: unknown, where: string, fail: Fail): NbOutput {
  const out = expectObject(raw, where, fail);
  switch (out.output_type) {
    case 'stream': {
      if (out.name !== 'stdout' && out.name !== 'stderr') {
        fail(`expected "stdout" or "stderr", got ${describe(out.name)}`, `${where}.name`);
      }
      return { output_type: 'stream', name: out.name, text: expectMultiline(out.text, `${where}.text`, fail) };
    }
    case 'display_data':
    case 'execute_result': {
      const data = readMimeBundle(out.data, `${where}.data`, fail);
      const metadata = expectObject(out.metadata ?? {}, `${where}.metadata`, fail);
      if (out.output_type === 'display_data') return { output_type: 'display_data', data, metadata };
      const count = out.execution_count ?? null;
      if (count !== null && (typeof count !== 'number' || !Number.isInteger(count))) {
        fail(`expected a whole number or null, got ${describe(count)}`, `${where}.execution_count`);
      }
      return { output_type: 'execute_result', data, metadata, execution_count: count as number | null };
    }
    case 'error': {
      const strings = (value: unknown, at: string) => (typeof value === 'string' ? value : fail(`expected a string, got ${describe(value)}`, at));
      const traceback = out.traceback ?? [];
      if (!Array.isArray(traceback)) fail(`expected a list of strings, got ${describe(traceback)}`, `${where}.traceback`);
      return {
        output_type: 'error',
        ename: strings(out.ename, `${where}.ename`),
        evalue: strings(out.evalue, `${where}.evalue`),
        traceback: (traceback as unknown[]).map((line, i) => strings(line, `${where}.traceback[${i}]`)),
      };
    }
    default:
      return fail(
        `expected output_type "stream", "display_data", "execute_result" or "error", got ${describe(out.output_type)}`,
        `${where}.output_type`,
      );
  }
}

function readMimeBundle(raw: unknown, where: string, fail: Fail): MimeBundle {
  const bundle = expectObject(raw, where, fail);
  for (const [mime, value] of Object.entries(bundle)) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) fail(`"${mime}" is not a mime type`, where);
    // JSON mime types hold any JSON value; every other type holds text (base64 for binary).
    if (!isJsonMime(mime)) expectMultiline(value, `${where}["${mime}"]`, fail);
  }
  return bundle as MimeBundle;
}

/** True for mime types whose nbformat value is a JSON value rather than text. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

function expectObject(value: unknown, where: string, fail: Fail): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`expected an object, got ${describe(value)}`, where);
  }
  return value as JsonObject;
}

function expectMultiline(value: unknown, where: string, fail: Fail): MultilineString {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    value.forEach((line, i) => {
      if (typeof line !== 'string') fail(`expected a string, got ${describe(line)}`, `${where}[${i}]`);
    });
    return value as string[];
  }
  return fail(`expected a string or a list of strings, got ${describe(value)}`, where);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `the ${typeof value} ${String(value as JsonValue)}`;
}

/**
 * Locates a JSON syntax error by line and column. V8's own message names no position in Node 20,
 * so on failure (never on the fast path) the text is re-scanned with jsonc-parser, VS Code's own
 * JSON scanner, in strict mode.
 */
function describeJsonError(text: string, err: Error): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return err.message;
  const code = printParseErrorCode(first.error);
  const cutShort = /^(UnexpectedEndOf|CloseBraceExpected|CloseBracketExpected)/.test(code) && errors.some((e) => e.offset + e.length >= text.trimEnd().length);
  return `${JSON_ERRORS[code] ?? code} at ${lineAndColumn(text, first.offset)}${cutShort ? ' (the file is cut short)' : ''}`;
}

/** jsonc-parser's error codes, in words. */
const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a quoted field name',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the notebook',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfComment: 'unclosed comment',
  UnexpectedEndOfString: 'unclosed string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};
