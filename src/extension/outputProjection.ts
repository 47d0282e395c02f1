/**
 * The kernel's outputs as VS Code shows them: each change of a notebook's OutputAccumulator
 * (src/host/outputAccumulator.ts) applied to a cell's execution, output for output.
 * The accumulator decides what the outputs are (streams merged, displays updated); this file
 * only mirrors it onto VS Code's output objects.
 */
import * as vscode from 'vscode';
import type { NbOutput } from '../shared/notebookFormat';
import { joinLines, outputToData } from '../format/initnbFormat';
import type { OutputChange } from '../host/outputAccumulator';
import { toVsCodeOutput } from './initnbSerializer';

function streamItem(name: string, text: string): vscode.NotebookCellOutputItem {
  return name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
}

function toShownOutput(output: NbOutput): vscode.NotebookCellOutput {
  if (output.output_type === 'stream') return new vscode.NotebookCellOutput([streamItem(output.name, joinLines(output.text))], { outputType: 'stream' });
  return toVsCodeOutput(outputToData(output));
}

/**
 * Applies one change to a cell through `execution`; `shown` is that cell's VS Code outputs, in
 * the accumulator's order. A stream that grows gets only its new text appended, as Jupyter's
 * front ends do, so a long training log is not sent again with every line.
 */
export function applyOutputChange(execution: vscode.NotebookCellExecution, shown: vscode.NotebookCellOutput[], change: OutputChange): void {
  // An output the user cleared meanwhile can no longer be changed: nothing to do then.
  const ignoreGone = () => undefined;
  switch (change.kind) {
    case 'append': {
      const output = toShownOutput(change.output);
      shown[change.index] = output;
      void execution.appendOutput(output).then(undefined, ignoreGone);
      return;
    }
    case 'extend': {
      const target = shown[change.index];
      if (target && change.output.output_type === 'stream') void execution.appendOutputItems(streamItem(change.output.name, change.text), target).then(undefined, ignoreGone);
      return;
    }
    case 'replace': {
      const target = shown[change.index];
      if (target) void execution.replaceOutputItems(toShownOutput(change.output).items, target).then(undefined, ignoreGone);
      return;
    }
  }
}
