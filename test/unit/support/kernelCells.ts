/** Cells run in the real kernel process by the unit tests that drive a notebook's cells as VS Code does. */
import * as assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { KernelClient, type ExecutionResult } from '../../../src/host/kernelClient';
import { kernelEntry } from './kernelBuild';
import type { NbOutput } from '../../../src/shared/notebookFormat';

/** Runs `code` as a cell, however it ends: its result, outputs and their text (streams, errors, text/plain) a line each. */
export async function runAnyCell(client: KernelClient, code: string): Promise<{ result: ExecutionResult; text: string; outputs: NbOutput[] }> {
  const outputs: NbOutput[] = [];
  const result = await client.execute('cell', code, { onOutput: (o) => outputs.push(o) });
  const text = outputs.map((o) => (o.output_type === 'stream' ? String(o.text) : o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : String(o.data['text/plain'] ?? ''))).join('\n');
  return { result, text, outputs };
}

/** Runs `code` as a cell, asserts it succeeded, and gives its outputs and their text. */
export async function runCell(client: KernelClient, code: string): Promise<{ text: string; outputs: NbOutput[] }> {
  const { result, text, outputs } = await runAnyCell(client, code);
  assert.equal(result.status, 'ok', text);
  return { text, outputs };
}

/**
 * For a test file that starts kernel processes of its own: builds the kernel before the file's
 * tests, disposes every client after them, and gives the function that starts one.
 */
export function kernelClients(): () => KernelClient {
  let entry: string;
  const clients: KernelClient[] = [];
  before(async () => {
    entry = await kernelEntry();
  });
  after(() => clients.forEach((c) => c.dispose()));
  return () => {
    const client = new KernelClient({ entry });
    clients.push(client);
    return client;
  };
}
