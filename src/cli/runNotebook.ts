/**
 * `initlab run`: executes a notebook's code cells in order with the same kernel VS Code uses,
 * prints their text output, and writes the executed notebook (same deterministic format).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeCell, NbOutput, Notebook } from '../shared/notebookFormat';
import { MimeTypes } from '../shared/mimeTypes';
import { describeRepairs, joinLines, readNotebook, serializeNotebook } from '../format/initnbFormat';
import { KernelClient } from '../host/kernelClient';
import { OutputAccumulator, type OutputChange } from '../host/outputAccumulator';

export interface RunOptions {
  file: string;
  out?: string;
  inplace?: boolean;
  /** Per-cell limit in seconds; a cell past it is interrupted and fails. */
  timeoutSeconds?: number;
  /** Where the kernel process script is (next to the CLI bundle by default). */
  kernelEntry?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface RunSummary {
  ok: boolean;
  cellsRun: number;
  failedCell?: number;
  written?: string;
  notebook: Notebook;
}

export async function runNotebook(options: RunOptions): Promise<RunSummary> {
  // Bytes, not text: the reader refuses invalid UTF-8 rather than let a save replace it.
  const fileName = path.basename(options.file);
  const { notebook, repairs } = readNotebook(fs.readFileSync(options.file), fileName);
  const stderr = options.stderr ?? process.stderr;
  for (const line of describeRepairs(repairs)) stderr.write(`${fileName}: repaired ${line}\n`);
  const summary = await executeNotebook(notebook, { ...options, cwd: path.dirname(path.resolve(options.file)) });
  const target = options.inplace ? options.file : options.out;
  if (target) fs.writeFileSync(target, serializeNotebook(notebook));
  return { ...summary, written: target };
}

export interface ExecuteOptions {
  /** The kernel's working folder: where the notebook is. */
  cwd: string;
  timeoutSeconds?: number;
  kernelEntry?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Called as each code cell starts, with its index among all cells. */
  onCell?: (index: number) => void;
  /** Called with each piece of text a cell prints (console.log, console.error), as it comes. */
  onStream?: (text: string) => void;
}

/** Runs a notebook's code cells in order, in place: each cell's outputs and count are replaced. */
export async function executeNotebook(notebook: Notebook, options: ExecuteOptions): Promise<RunSummary> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  // The notebook's outputs, by cell id: streams merged, displays updated in any cell, and an
  // output that comes after its cell ended (a timer's log) put in the cell that made it.
  const outputs = new OutputAccumulator();
  const cellsById = new Map<string, CodeCell>();
  const keep = (change: OutputChange | undefined) => {
    const cell = change && cellsById.get(change.cellId);
    if (cell) cell.outputs = [...outputs.outputs(change.cellId)];
  };
  const client = new KernelClient({
    entry: options.kernelEntry,
    cwd: options.cwd,
    onLateOutput: (cellId, output) => {
      keep(outputs.add(cellId, output));
      printOutput(output, stdout, stderr);
    },
    onDisplayUpdate: (displayId, output) => keep(outputs.update(displayId, output)),
  });
  let cellsRun = 0;
  let failedCell: number | undefined;
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code' || joinLines(cell.source).trim() === '') continue;
      cell.outputs = [];
      cell.execution_count = null;
      options.onCell?.(index);
      const id = cell.id ?? String(index);
      cellsById.set(id, cell);
      outputs.reset(id);
      // From the cell's start, not its queuing: the kernel's own start (a second or more) is not the cell's time.
      let timer: NodeJS.Timeout | undefined;
      const startTimer = () => {
        if (!options.timeoutSeconds) return;
        timer = setTimeout(() => {
          stderr.write(`Cell ${index + 1} ran past ${options.timeoutSeconds} s: interrupting it.\n`);
          void client.interrupt();
        }, options.timeoutSeconds * 1000);
      };
      const result = await client.execute(id, joinLines(cell.source), {
        onStart: (count) => {
          cell.execution_count = count;
          stdout.write(`--- cell ${index + 1} [${count}]\n`);
          startTimer();
        },
        onOutput: (output, displayId) => {
          keep(outputs.add(id, output, displayId));
          printOutput(output, stdout, stderr);
          if (output.output_type === 'stream') options.onStream?.(joinLines(output.text));
        },
      });
      clearTimeout(timer);
      cellsRun++;
      if (result.status === 'ok') {
        const resultIndex = cell.outputs.findIndex((o) => o.output_type === 'execute_result');
        const found = cell.outputs[resultIndex];
        if (found?.output_type === 'execute_result') found.execution_count = result.executionCount;
        continue;
      }
      failedCell = index + 1;
      break;
    }
  } finally {
    client.dispose();
  }
  return { ok: failedCell === undefined, cellsRun, failedCell, notebook };
}

function printOutput(output: NbOutput, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void {
  switch (output.output_type) {
    case 'stream':
      (output.name === 'stdout' ? stdout : stderr).write(joinLines(output.text));
      break;
    case 'error':
      stderr.write(`${output.traceback.join('\n')}\n`);
      break;
    default: {
      const text = output.data[MimeTypes.plain];
      if (text !== undefined) stdout.write(`${joinLines(text as string | string[])}\n`);
    }
  }
}
