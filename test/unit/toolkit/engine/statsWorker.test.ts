// The probe's worker thread on its own: it runs a WebAssembly function on a shared memory in
// place, sees that memory after it grew, and a job that fails answers at once instead of hanging.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { StatsWorker } from '../../../../src/toolkit/engine/simd/statsWorker';
import { op, wasmModule, type WasmFunction } from '../../../../src/toolkit/engine/simd/wasmBinary';

/** fill(at, count, value): writes `value` as an int32 into `count` words from byte `at`. */
const fill: WasmFunction = {
  name: 'fill',
  params: ['i32', 'i32', 'i32'],
  results: [],
  locals: ['i32'],
  body: [
    op.get(0), op.get(1), op.i32Const(2), op.i32Shl(), op.i32Add(), op.set(3),
    op.block(),
    op.get(0), op.get(3), op.i32GeU(), op.brIf(0),
    op.loop(),
    op.get(0), op.get(2), op.i32Store(),
    op.get(0), op.i32Const(4), op.i32Add(), op.tee(0), op.get(3), op.i32LtU(), op.brIf(0),
    op.end(),
    op.end(),
  ],
};
const bytes = wasmModule([fill], { shared: true });

const workers: StatsWorker[] = [];
after(() => workers.forEach((w) => w.dispose()));

function newWorker(memory: unknown, moduleBytes = bytes): StatsWorker {
  const worker = new StatsWorker({ bytes: moduleBytes, memory, names: ['fill'] });
  workers.push(worker);
  return worker;
}

test('the worker runs a function on the shared memory in place, also after the memory grew', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  const worker = newWorker(memory);
  worker.call('fill', [64, 10, 7]).wait();
  const words = new Int32Array(memory.buffer);
  assert.deepEqual([words[15], ...words.slice(16, 26), words[26]], [0, ...Array(10).fill(7), 0]);
  // Grown by the main thread after the worker started: the worker writes into the new page.
  memory.grow(1);
  worker.call('fill', [65536 + 8, 3, -2]).wait();
  assert.deepEqual(Array.from(new Int32Array(memory.buffer, 65536, 6)), [0, 0, -2, -2, -2, 0]);
  assert.equal(worker.jobs, 2);
  assert.throws(() => worker.call('nothing', []), /no function nothing/);
});

test('a call that traps in the worker answers at once, and the worker is not used again', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  const worker = newWorker(memory);
  const started = performance.now();
  // Past the memory's end: a WebAssembly trap.
  assert.throws(() => worker.call('fill', [65536 - 8, 100, 1]).wait(), /statistics worker failed/);
  assert.ok(performance.now() - started < 5000, 'no minute-long wait');
  assert.equal(worker.usable, false);
});

test('bytes that do not compile in the worker fail the first call at once', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  const worker = newWorker(memory, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]));
  const started = performance.now();
  assert.throws(() => worker.call('fill', [0, 1, 1]).wait(), /statistics worker failed/);
  assert.ok(performance.now() - started < 5000, 'no minute-long wait');
  assert.equal(worker.usable, false);
});
