// Sum and Mean over every axis but the last on the WASM engine, by XNNPACK's average pooling in
// levels of 16 rows (kernels/channelSums.ts): against the CPU backend at row counts that leave
// rows over at every level, at the level boundaries, for one row, and against a float64 sum; with
// channels in fours, by the SIMD passes' float64 column sums.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { simdWorkerJobs } from '../../../../src/toolkit/engine/simd/simdPasses';
import { assertSameAsCpu, values } from './sameAsCpu';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

test('sums and means over the leading axes match the CPU backend, whatever the rows left over at each level', async () => {
  const shapes = [
    [3, 37, 29, 5], // 3,219 rows: 201 averages (3 rows over), then 12 (9 over)
    [32, 3], // exactly two windows
    [31, 1, 2], // one row short of pooling
    [1, 1, 1, 7], // one row
    [128, 7, 7, 64], // a CNN's third layer, 6,272 rows
    [2, 513, 3], // 1,026 rows
  ];
  for (const shape of shapes) {
    await assertSameAsCpu(`sum of ${shape}`, [values(shape, 5, 2, 0.5)], ([x]) => tf.sum(x, shape.slice(0, -1).map((_, i) => i)));
    await assertSameAsCpu(`mean of ${shape}, keepDims`, [values(shape, 7, 2, -3)], ([x]) => tf.mean(x, shape.slice(0, -1).map((_, i) => i), true));
  }
});

test('a sum of a million values per channel is within 2 float32 roundings of the float64 sum (a sequential float32 sum of these drifts by 1.3e-6)', () => {
  const rows = 1_000_003;
  const spec = values([rows, 2], 11, 1, 3);
  const exact = [0, 0];
  for (let i = 0; i < spec.data.length; i++) exact[i % 2] += spec.data[i];
  const got = tf.tidy(() => tf.sum(tf.tensor(spec.data, spec.shape), 0).dataSync());
  for (const c of [0, 1]) assert.ok(Math.abs(got[c] - exact[c]) <= 2 * 2 ** -23 * Math.abs(exact[c]), `channel ${c}: ${got[c]} against ${exact[c]}`);
});

test('with channels in fours the SIMD pass sums in float64, split with the worker thread: within one float32 rounding of the exact sum', () => {
  const rows = 1_000_003;
  const spec = values([rows, 8], 13, 1, 3);
  const exact = new Float64Array(8);
  for (let i = 0; i < spec.data.length; i++) exact[i % 8] += spec.data[i];
  const jobs = simdWorkerJobs();
  const got = tf.tidy(() => tf.sum(tf.tensor(spec.data, spec.shape), 0).dataSync());
  // On one thread (INITLAB_WASM_THREADS=1) the heap is not shared and the main thread does it all.
  if ((engineInfo().threads ?? 1) > 1) assert.ok(simdWorkerJobs() > jobs, 'the worker took part');
  for (let c = 0; c < 8; c++) assert.ok(Math.abs(got[c] - exact[c]) <= 2 ** -24 * Math.abs(exact[c]), `channel ${c}: ${got[c]} against ${exact[c]}`);
});
