/**
 * Opens and saves `.initnb` files. The decisions (what is valid, how cells and outputs map) live
 * in src/format and are tested in plain Node; this file only converts plain objects to
 * VS Code's classes and back.
 *
 * A file that cannot be read makes deserializeNotebook throw: VS Code then shows the error in
 * place of the editor and never offers to save an empty notebook over the user's file. A file the
 * reader repaired (cell ids) opens, and the user is told what changed (repairNotices.ts).
 */
import * as vscode from 'vscode';
import {
  cellToData,
  dataToNotebook,
  notebookToData,
  readNotebook,
  serializeNotebook,
  type PlainCell,
  type PlainNotebookData,
  type PlainOutput,
} from '../format/initnbFormat';
import type { NbCell, Notebook } from '../shared/notebookFormat';
import { RepairNotices } from './repairNotices';

export const NOTEBOOK_TYPE = 'initnb';

const encoder = new TextEncoder();

/**
 * VS Code creates an untitled notebook from data by first deserializing zero bytes, then filling
 * in the cells. Zero bytes from a file on disk stay an error (an empty file is not a notebook),
 * so they are accepted only while one of our commands is creating an untitled notebook.
 */
let untitledOpenings = 0;

/** Opens `data` as a new untitled .initnb notebook (New Notebook, comparisons, lessons). */
export async function openUntitledNotebook(data: vscode.NotebookData): Promise<vscode.NotebookDocument> {
  untitledOpenings++;
  try {
    return await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  } finally {
    untitledOpenings--;
  }
}

export class InitnbSerializer implements vscode.NotebookSerializer {
  constructor(private readonly repairNotices: RepairNotices) {}

  deserializeNotebook(content: Uint8Array, _token: vscode.CancellationToken): vscode.NotebookData {
    if (content.byteLength === 0 && untitledOpenings > 0) return new vscode.NotebookData([]);
    // The bytes go to the reader undecoded: it refuses invalid UTF-8 rather than replace it.
    const { notebook, repairs } = readNotebook(content);
    if (repairs.length > 0) this.repairNotices.expect(notebook, repairs);
    return toVsCodeData(notebookToData(notebook));
  }

  serializeNotebook(data: vscode.NotebookData, _token: vscode.CancellationToken): Uint8Array {
    return encoder.encode(serializeNotebook(dataToNotebook(fromVsCodeData(data))));
  }
}

export function registerInitnbSerializer(): vscode.Disposable {
  const repairNotices = new RepairNotices(NOTEBOOK_TYPE);
  // transientOutputs: false keeps outputs in the file, so charts show again on reopen.
  const registration = vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new InitnbSerializer(repairNotices), {
    transientOutputs: false,
    transientCellMetadata: { inputCollapsed: true, outputCollapsed: true },
  });
  return vscode.Disposable.from(registration, repairNotices);
}

/** A notebook built in code (a comparison, a lesson) as VS Code's NotebookData. */
export function notebookToVsCodeData(notebook: Notebook): vscode.NotebookData {
  return toVsCodeData(notebookToData(notebook));
}

/** Cells built in code (a comparison added to an open notebook) as VS Code's cell data. */
export function cellsToVsCodeData(cells: readonly NbCell[]): vscode.NotebookCellData[] {
  return cells.map((cell) => toVsCodeCell(cellToData(cell)));
}

function toVsCodeData(plain: PlainNotebookData): vscode.NotebookData {
  const data = new vscode.NotebookData(plain.cells.map(toVsCodeCell));
  data.metadata = plain.metadata;
  return data;
}

function toVsCodeCell(plain: PlainCell): vscode.NotebookCellData {
  const cell = new vscode.NotebookCellData(plain.kind as number as vscode.NotebookCellKind, plain.value, plain.languageId);
  cell.metadata = plain.metadata;
  cell.outputs = plain.outputs?.map(toVsCodeOutput);
  cell.executionSummary = plain.executionSummary;
  return cell;
}

export function toVsCodeOutput(plain: PlainOutput): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    plain.items.map((item) => new vscode.NotebookCellOutputItem(item.data, item.mime)),
    plain.metadata,
  );
}

function fromVsCodeData(data: vscode.NotebookData): PlainNotebookData {
  return {
    metadata: data.metadata,
    cells: data.cells.map((cell) => ({
      kind: cell.kind as number as PlainCell['kind'],
      value: cell.value,
      languageId: cell.languageId,
      metadata: cell.metadata,
      executionSummary: cell.executionSummary,
      outputs: cell.outputs?.map((output) => ({ items: output.items.map((i) => ({ mime: i.mime, data: i.data })), metadata: output.metadata })),
    })),
  };
}
