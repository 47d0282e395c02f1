/**
 * One notebook's outputs as its kernel sends them, in nbformat, kept by the kernel's host side:
 * streams merged as Jupyter merges them, display ids indexed across cells, and outputs that
 * arrive after their cell ended (a timer's log, a display updated by a background loop) routed
 * to the cell that made them. The VS Code controller and the CLI each keep one and only project
 * its changes (onto VS Code's output objects, or into the notebook file), so the two cannot
 * disagree about these rules.
 *
 * No vscode: tested in plain Node.
 */
import type { NbOutput } from '../shared/notebookFormat';
import { joinLines } from '../format/writeNotebook';

/** What one output message changed, for the projection to apply. */
export type OutputChange =
  /** A new output at `index` of the cell. */
  | { kind: 'append'; cellId: string; index: number; output: NbOutput }
  /** The stream output at `index` grew by `text` (`output` is the whole of it now). */
  | { kind: 'extend'; cellId: string; index: number; output: NbOutput; text: string }
  /** The output at `index` was replaced (a display updated through its handle). */
  | { kind: 'replace'; cellId: string; index: number; output: NbOutput };

export class OutputAccumulator {
  private readonly outputsByCell = new Map<string, NbOutput[]>();
  private readonly displays = new Map<string, { cellId: string; index: number }>();

  /** A cell starts running: its outputs, and the display ids drawn in it, start over. */
  reset(cellId: string): void {
    this.outputsByCell.set(cellId, []);
    for (const [id, at] of this.displays) if (at.cellId === cellId) this.displays.delete(id);
  }

  /** An output of cell `cellId`, running or finished; `displayId` names a display that can be updated later. */
  add(cellId: string, output: NbOutput, displayId?: string): OutputChange {
    const outputs = this.outputsOf(cellId);
    const last = outputs[outputs.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      const text = joinLines(output.text);
      const grown: NbOutput = { ...last, text: joinLines(last.text) + text };
      outputs[outputs.length - 1] = grown;
      return { kind: 'extend', cellId, index: outputs.length - 1, output: grown, text };
    }
    outputs.push(output);
    if (displayId) this.displays.set(displayId, { cellId, index: outputs.length - 1 });
    return { kind: 'append', cellId, index: outputs.length - 1, output };
  }

  /** A display's new content, wherever and whenever it was drawn; undefined for an unknown id (its cell ran again or was never run here). */
  update(displayId: string, output: NbOutput): OutputChange | undefined {
    const at = this.displays.get(displayId);
    if (!at) return undefined;
    this.outputsOf(at.cellId)[at.index] = output;
    return { kind: 'replace', cellId: at.cellId, index: at.index, output };
  }

  outputs(cellId: string): readonly NbOutput[] {
    return this.outputsByCell.get(cellId) ?? [];
  }

  private outputsOf(cellId: string): NbOutput[] {
    let outputs = this.outputsByCell.get(cellId);
    if (!outputs) this.outputsByCell.set(cellId, (outputs = []));
    return outputs;
  }
}
