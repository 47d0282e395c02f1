/**
 * Types in cells, in the real VS Code: its TypeScript server loads InitLab's plugin, and a cell
 * of an .initnb notebook gets completions and hovers for the names the kernel gives it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateInitLab, openCodeNotebook } from './helpers';

/** Asks until the TypeScript server answers with what `accept` wants: it starts lazily. */
async function until<T>(ask: () => Thenable<T>, accept: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await ask();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(last)?.slice(0, 400)}`);
}

describe('types in .initnb cells', () => {
  before(activateInitLab);

  it('completes init.* and tf.*, and hovers probe with its signature', async () => {
    const editor = await openCodeNotebook('cell-types.initnb', ['const w = init.kai', 'const x = tf.rand', 'const report = probe']);
    const [initCell, tfCell, probeCell] = editor.notebook.getCells().map((c) => c.document);
    const labels = (list: vscode.CompletionList) => list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    const complete = (doc: vscode.TextDocument) => () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(doc.getText().length));
    const initNames = labels(await until(complete(initCell), (list) => labels(list).includes('kaimingNormal'), 'init.kaimingNormal in the completions'));
    for (const name of ['kaimingUniform', 'xavierNormal', 'orthogonal', 'lsuv']) assert.ok(initNames.includes(name), `init.${name} completes`);
    await until(complete(tfCell), (list) => labels(list).includes('randomNormal'), 'tf.randomNormal in the completions');
    const hovers = await until(
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', probeCell.uri, probeCell.positionAt(probeCell.getText().length - 2)),
      (list) => list.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('Probe'))),
      'a hover on probe naming its Probe type',
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /probe: \(model: Probeable, options\?: ProbeOptions\) => Probe/);
  });
});
