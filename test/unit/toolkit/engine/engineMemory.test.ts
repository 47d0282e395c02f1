// The engine's memory helpers (engineMemory.ts): a tensor written in place holds the values a
// plain tensor would, on the WASM engine and on the CPU backend, and survives the ops after it;
// a reservation grows the heap once, and the tensors after it are unchanged.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { filledTensor, reserveEngineMemory } from '../../../../src/toolkit/engine/engineMemory';

let engineBackend = '';
before(async () => {
  await initEngine();
  engineBackend = tf.getBackend();
});
after(() => {
  tf.setBackend(engineBackend);
});

const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3 + (i % 7));

for (const backend of ['engine', 'cpu'] as const) {
  test(`filledTensor holds what tf.tensor holds, and ops on it agree (${backend})`, async () => {
    if (backend === 'cpu') await tf.setBackend('cpu');
    else await tf.setBackend(engineBackend);
    const expected = values(6 * 17);
    const before = tf.memory().numTensors;
    const filled = filledTensor<tfjs.Rank.R2>([6, 17], (v) => v.set(expected));
    const plain = tf.tensor2d(expected, [6, 17]);
    assert.deepEqual(filled.shape, [6, 17]);
    assert.equal(filled.dtype, 'float32');
    assert.deepEqual(filled.dataSync(), plain.dataSync());
    // A matmul and a sum read it as the engine's own tensor.
    tf.tidy(() => {
      assert.deepEqual(tf.matMul(filled, plain, false, true).dataSync(), tf.matMul(plain, plain, false, true).dataSync());
      assert.equal(tf.sum(filled).dataSync()[0], tf.sum(plain).dataSync()[0]);
    });
    tf.dispose([filled, plain]);
    assert.equal(tf.memory().numTensors, before, 'the filled tensor is disposed like any other');
    await tf.setBackend(engineBackend);
  });
}

test('filledTensor and reserveEngineMemory refuse bad arguments with the function’s name', () => {
  assert.throws(() => filledTensor([2, -1], () => undefined), /filledTensor: shape/);
  assert.throws(() => reserveEngineMemory(-5), /reserveEngineMemory: bytes/);
  assert.throws(() => reserveEngineMemory(Number.NaN), /reserveEngineMemory: bytes/);
});

test('reserveEngineMemory grows the WASM heap to at least the bytes asked, and later tensors are right (elsewhere it does nothing)', () => {
  const bytes = 64 * 2 ** 20;
  if (engineBackend !== 'wasm') {
    assert.equal(reserveEngineMemory(bytes), 0, `the ${engineBackend} engine has no heap to reserve`);
    return;
  }
  const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
  reserveEngineMemory(bytes);
  assert.ok(heap() >= bytes, `heap ${heap()} bytes after reserving ${bytes}`);
  const grown = heap();
  const expected = values(1_000_000);
  const t = filledTensor<tfjs.Rank.R1>([expected.length], (v) => v.set(expected));
  assert.deepEqual(t.dataSync(), expected);
  assert.equal(heap(), grown, 'a 4 MB tensor fits in the reserved memory: the heap did not grow again');
  t.dispose();
});
