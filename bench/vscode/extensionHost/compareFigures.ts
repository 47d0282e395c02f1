/** Figures of "Compare initializations" as VS Code runs it (npm run bench:vscode). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, outputText } from '../../../test/vscode/extensionHost/helpers';
import { MimeTypes } from '../../../src/shared/mimeTypes';

type Outcome = { status: string; notebook?: vscode.NotebookDocument };

/** How long the bench waits between its two comparisons, as a user reading the first verdict. */
const READING_MS = 10_000;

const cellById = (notebook: vscode.NotebookDocument, id: string) => notebook.getCells().find((c) => c.metadata.id === id);

describe('Compare initializations in VS Code', () => {
  before(activateInitLab);

  it('the default comparison (3 schemes, MNIST 50k), command to verdict, with each cell’s time, beside VS Code’s own share', async () => {
    /** Runs the command with these options and says how long it took, where the time went, and its outcome. */
    const timed = async (options: Record<string, unknown>) => {
      // Nothing left open by earlier tests: their notebooks' kernels and TypeScript projects stop.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const started = Date.now();
      const outcome = (await vscode.commands.executeCommand('initlab.compareInitializations', options)) as Outcome;
      const total = Date.now() - started;
      assert.equal(outcome.status, 'done');
      const cells = outcome.notebook!.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      const times = cells.map((c) => `${c.metadata.id} ${((c.executionSummary?.timing?.endTime ?? 0) - (c.executionSummary?.timing?.startTime ?? 0)).toFixed(0)} ms`);
      // Before the first cell starts: the notebook opens and its editor shows, the kernel starts.
      const firstStart = (cells[0].executionSummary?.timing?.startTime ?? started) - started;
      return { outcome, total, detail: `first cell started after ${firstStart} ms; ${times.join(', ')}` };
    };
    // VS Code's own share: the same command, notebook and charts with next to nothing to compute.
    const floor = await timed({ data: 'synthetic', depth: 2, width: 8, schemes: ['normal', 'xavierNormal', 'kaimingNormal'] });
    // A user reads a verdict before comparing again; meanwhile the next comparison's kernel starts and prepares.
    await new Promise((resolve) => setTimeout(resolve, READING_MS));
    const main = await timed({});
    console.log(`initlab-mocha:     Compare initializations on the defaults, ${READING_MS / 1000} s after the comparison below: ${(main.total / 1000).toFixed(1)} s from command to verdict (${main.detail})`);
    console.log(`initlab-mocha:     the same command with next to nothing to compute (synthetic 10,000 rows, depth 2, width 8), run just before: ${(floor.total / 1000).toFixed(1)} s (${floor.detail})`);
    assert.match(outputText(cellById(main.outcome.notebook!, 'compare-verdict')!, MimeTypes.plain), /Healthy at every layer: Xavier normal, Kaiming normal \(fan_in\)\./);
  });
});
