// The probe's statistics worker on its own: it reads a shared buffer in place, follows a buffer
// that was replaced by a longer one, and a job that fails answers at once instead of hanging.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { StatsWorker, type Passes } from '../../../src/toolkit/probe/statsWorker';

// Self-contained functions, as the worker gets their source: a sum, and a count above `edge`.
const passes: Passes = {
  moments: function (values, out) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    out[0] = sum;
  },
  bins: function (values, _lo, _scale, counts, edge) {
    let above = 0;
    for (let i = 0; i < values.length; i++) if (values[i] > edge) above++;
    counts[0] = values.length;
    return above;
  },
};

function sharedFloats(values: number[]): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(values.length * 4);
  new Float32Array(buffer).set(values);
  return buffer;
}

const workers: StatsWorker[] = [];
after(() => workers.forEach((w) => w.dispose()));

/** The job throws at once (not after the minute-long timeout), and the worker is retired. */
function assertFailsAtOnce(worker: StatsWorker, job: () => { wait(): Float64Array }): void {
  const started = performance.now();
  assert.throws(() => job().wait(), /statistics worker failed/);
  assert.ok(performance.now() - started < 5000, 'no minute-long wait');
  assert.equal(worker.usable, false);
}

test('the worker reads a range of a shared buffer in place, and a longer buffer that replaced it', () => {
  const first = sharedFloats([1, 2, 3, 4, 5, 6]);
  const worker = new StatsWorker(first, passes);
  workers.push(worker);
  assert.equal(worker.moments(first, 8, 3).wait()[0], 3 + 4 + 5);
  const longer = sharedFloats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(worker.moments(longer, 24, 4).wait()[0], 7 + 8 + 9 + 10, 'the new buffer reached the worker');
  const bins = worker.bins(longer, 0, 10, 0, 1, 6.5, 1).wait();
  assert.deepEqual([bins[0], bins[1]], [4, 10], 'saturated count, then the counts');
  assert.equal(worker.jobs, 3);
  assert.equal(worker.usable, true);
});

test('a job that fails in the worker answers at once, and the worker is not used again', () => {
  const buffer = sharedFloats([1, 2, 3]);
  const worker = new StatsWorker(buffer, passes);
  workers.push(worker);
  // 1,000 floats from byte 4 of a 12-byte buffer: the worker's view throws.
  assertFailsAtOnce(worker, () => worker.moments(buffer, 4, 1000));
});

test('passes whose source does not compile in the worker (method shorthand) fail the first job at once', () => {
  const buffer = sharedFloats([1, 2, 3]);
  const shorthand: Passes = {
    moments(values, out) {
      out[0] = values.length;
    },
    bins() {
      return 0;
    },
  };
  const worker = new StatsWorker(buffer, shorthand);
  workers.push(worker);
  assertFailsAtOnce(worker, () => worker.moments(buffer, 0, 3));
});
