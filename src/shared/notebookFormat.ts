/**
 * The `.initnb` file format: nbformat 4 JSON (https://nbformat.readthedocs.io), so a renamed
 * copy opens in Jupyter tools. These types describe the file; src/format reads and
 * writes it, and the extension maps it to VS Code's NotebookData.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** nbformat stores multi-line text either as one string or as a list of lines. */
export type MultilineString = string | string[];

export interface MimeBundle {
  [mimeType: string]: JsonValue;
}

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: JsonObject;
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  data: MimeBundle;
  metadata: JsonObject;
  execution_count: number | null;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type NbOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: 'code';
  id?: string;
  source: MultilineString;
  metadata: JsonObject;
  outputs: NbOutput[];
  execution_count: number | null;
}

export interface MarkdownCell {
  cell_type: 'markdown';
  id?: string;
  source: MultilineString;
  metadata: JsonObject;
  attachments?: JsonObject;
}

export interface RawCell {
  cell_type: 'raw';
  id?: string;
  source: MultilineString;
  metadata: JsonObject;
  attachments?: JsonObject;
}

export type NbCell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: NbCell[];
}

/** What `kernelspec` and `language_info` say in every file InitLab writes. */
export const defaultNotebookMetadata: JsonObject = {
  kernelspec: { name: 'initlab-typescript', display_name: 'InitLab TypeScript', language: 'typescript' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
};

/** The nbformat minor version we write; 4.5 introduced cell ids. */
export const NBFORMAT_MINOR = 5;
