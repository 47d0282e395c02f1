// The kernel prepared for the next comparison (nextComparisonSteps): it must leave the
// comparison's notebook nothing but speed. No variable, no tensor, the same numbers, and room
// for the whole default comparison in the heap it faulted in. Driven through the real kernel.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { COMPARE_CELL_IDS, compareNotebook, compareStartupCode, DEFAULT_COMPARISON_HEAP_BYTES, nextComparisonSteps } from '../../../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS } from '../../../../src/host/compare/compareOptions';
import { KernelClient } from '../../../../src/host/kernelClient';
import { kernelEntry } from '../../support/kernelBuild';
import { runCell } from '../../support/kernelCells';

const clients: KernelClient[] = [];
after(() => clients.forEach((c) => c.dispose()));

const run = async (client: KernelClient, code: string) => (await runCell(client, code)).text;

/** The engine's heap, in bytes: the WASM memory the kernel has grown to. */
const HEAP = '(tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length';

/** Runs the default comparison's cells as Compare does (its startup code first); their texts by cell id. */
async function defaultComparison(client: KernelClient): Promise<Map<string, string>> {
  client.runStartupCode(compareStartupCode(DEFAULT_COMPARE_OPTIONS.data));
  const texts = new Map<string, string>();
  for (const cell of compareNotebook(DEFAULT_COMPARE_OPTIONS).cells) {
    if (cell.cell_type === 'code') texts.set(cell.id!, await run(client, String(cell.source)));
  }
  return texts;
}

test('a kernel prepared for the next comparison gives it no variable, no tensor and the same numbers, and the default comparison fits in the heap it faulted in', async () => {
  const fresh = new KernelClient({ entry: await kernelEntry() });
  const prepared = new KernelClient({ entry: await kernelEntry() });
  clients.push(fresh, prepared);
  await Promise.all([fresh.start(), prepared.start()]);
  // Every step, as a kernel that had the time runs them (the extension sends them `ifIdle`).
  for (const step of nextComparisonSteps()) prepared.runStartupCode(step);

  const probe = 'JSON.stringify([typeof xTrain, typeof model, tf.memory().numTensors])';
  assert.equal(await run(prepared, probe), await run(fresh, probe), 'the preparation declared nothing and left no tensor');
  const heapPrepared = Number(await run(prepared, HEAP));
  assert.ok(heapPrepared >= DEFAULT_COMPARISON_HEAP_BYTES, `the heap was grown to ${heapPrepared} bytes ahead`);

  const expected = await defaultComparison(fresh);
  const heapNeeded = Number(await run(fresh, HEAP));
  const got = await defaultComparison(prepared);
  assert.ok(heapNeeded <= DEFAULT_COMPARISON_HEAP_BYTES, `the default comparison grew a fresh kernel's heap to ${heapNeeded} bytes, more than the ${DEFAULT_COMPARISON_HEAP_BYTES} reserved for it`);
  assert.equal(Number(await run(prepared, HEAP)), heapPrepared, 'the prepared kernel ran the comparison without growing its heap');
  for (const id of [COMPARE_CELL_IDS.probe, COMPARE_CELL_IDS.verdict]) assert.equal(got.get(id), expected.get(id), `cell ${id}`);
  assert.match(got.get(COMPARE_CELL_IDS.verdict)!, /Healthy at every layer: Xavier normal, Kaiming normal \(fan_in\)\./);
});
