/** Cells run in the real kernel process by the unit tests that drive a notebook's cells as VS Code does. */
import * as assert from 'node:assert/strict';
import type { KernelClient } from '../../../src/host/kernelClient';
import type { NbOutput } from '../../../src/shared/notebookFormat';

/** Runs `code` as a cell, asserts it succeeded, and gives its outputs and their text (streams, errors, text/plain) a line each. */
export async function runCell(client: KernelClient, code: string): Promise<{ text: string; outputs: NbOutput[] }> {
  const outputs: NbOutput[] = [];
  const result = await client.execute('cell', code, { onOutput: (o) => outputs.push(o) });
  const text = outputs.map((o) => (o.output_type === 'stream' ? String(o.text) : o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : String(o.data['text/plain'] ?? ''))).join('\n');
  assert.equal(result.status, 'ok', text);
  return { text, outputs };
}
