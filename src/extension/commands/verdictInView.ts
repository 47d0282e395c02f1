/**
 * A comparison's answer on screen: its verdict cell scrolled to the top of the editor and kept
 * there while the outputs above it finish drawing, and its first line in a notification whose
 * "Show verdict" action brings it back.
 *
 * Why the reveal is repeated: VS Code scrolls to a cell where it is at the moment of asking, but
 * the charts above the verdict are still being drawn in the output webview, and each one that
 * grows pushes the verdict down. With nine cells, one reveal left the verdict off screen, and it
 * still was 5 s later. So the reveal is asked again while the layout settles, and stops at once
 * when the user selects a cell or another editor.
 */
import * as vscode from 'vscode';

/** When the reveal is repeated, in ms after the first: chart outputs take up to ~2 s to draw. */
const REVEAL_AGAIN_AFTER_MS = [100, 300, 600, 1000, 1500, 2200, 3000];

/** Scrolls the cell at `index` to the top and holds it there while the outputs above it draw. */
export function holdCellInView(editor: vscode.NotebookEditor, index: number): void {
  const reveal = () => editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.AtTop);
  reveal();
  const timers = REVEAL_AGAIN_AFTER_MS.map((ms) => setTimeout(reveal, ms));
  const stop = () => {
    timers.forEach(clearTimeout);
    listeners.dispose();
  };
  const listeners = vscode.Disposable.from(
    vscode.window.onDidChangeNotebookEditorSelection((e) => e.notebookEditor === editor && stop()),
    vscode.window.onDidChangeActiveNotebookEditor((active) => active !== editor && stop()),
  );
  timers.push(setTimeout(stop, REVEAL_AGAIN_AFTER_MS[REVEAL_AGAIN_AFTER_MS.length - 1] + 1));
}

/** Shows the verdict cell with id `verdictId`, and says `summary` in a notification with a "Show verdict" action. */
export function showVerdict(editor: vscode.NotebookEditor, verdictId: string, summary: string | undefined): void {
  const find = () => editor.notebook.getCells().findIndex((c) => c.metadata.id === verdictId);
  const index = find();
  if (index < 0) return;
  holdCellInView(editor, index);
  const line = summary;
  if (!line) return;
  const showAgain = vscode.l10n.t('Show verdict');
  void vscode.window.showInformationMessage(line, showAgain).then(async (choice) => {
    if (choice !== showAgain) return;
    // The notebook may have been edited or put behind another editor since.
    const now = find();
    if (now < 0) return;
    const shown = await vscode.window.showNotebookDocument(editor.notebook);
    holdCellInView(shown, now);
  });
}
