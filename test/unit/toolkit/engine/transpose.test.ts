// Transpose on the WASM engine by SIMD blocks (kernels/transpose.ts, kernels/heapSimd.ts), against
// the CPU backend: first and last axes swapped around a middle one, 2-D transposes, two outer
// groups swapped, with sizes that leave rows and columns past the last block of four, int32
// values; and how a permutation is reduced before it is matched.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { assertSameAsCpu, values } from './sameAsCpu';
import { reducePermutation, transposePattern } from '../../../../src/toolkit/engine/kernels/transpose';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

test('a permutation is reduced (size-1 axes dropped, adjacent axes merged) to the pattern it moves', () => {
  assert.deepEqual(reducePermutation([128, 28, 28, 16], [3, 1, 2, 0]), { shape: [128, 784, 16], perm: [2, 1, 0] });
  assert.deepEqual(reducePermutation([128, 14, 14, 32], [1, 2, 0, 3]), { shape: [128, 196, 32], perm: [1, 0, 2] });
  assert.deepEqual(reducePermutation([1, 70, 67], [0, 2, 1]), { shape: [70, 67], perm: [1, 0] });
  assert.deepEqual(transposePattern([16, 3, 3, 32], [1, 2, 0, 3]), { kind: 'swapOuter', a: 16, b: 9, r: 32 });
  assert.deepEqual(transposePattern([517, 9], [1, 0]), { kind: 'swapEnds', a: 517, m: 1, c: 9 });
  assert.deepEqual(transposePattern([4, 5, 6], [2, 0, 1]), { kind: 'swapEnds', a: 20, m: 1, c: 6 }, 'axes 0 and 1 stay together: a 2-D transpose');
  assert.equal(transposePattern([4, 5, 6], [0, 2, 1]), undefined, 'a batch of 2-D transposes');
  assert.equal(transposePattern([4, 5, 6], [1, 0, 2]), undefined, 'an innermost run not in fours');
});

test('transposes match the CPU backend, whole blocks of four and the rows and columns past them', async () => {
  const cases: [number[], number[]][] = [
    [[12, 9, 7, 12], [3, 1, 2, 0]],
    [[10, 9, 11, 6], [3, 1, 2, 0]],
    [[7, 9, 13, 8], [3, 1, 2, 0]],
    [[6, 9, 11, 12], [1, 2, 0, 3]],
    [[517, 9], [1, 0]],
    [[101, 64], [1, 0]],
    [[1, 70, 67], [0, 2, 1]],
    [[3, 40, 50], [2, 1, 0]],
    [[20, 30, 10], [2, 0, 1]],
    [[20, 30, 10], [0, 2, 1]], // not a pattern: the package's kernel
  ];
  for (const [shape, perm] of cases) await assertSameAsCpu(`transpose ${shape} by ${perm}`, [values(shape, 3)], ([x]) => tf.transpose(x, perm), 0);
  const ints = { shape: [9, 30, 20], data: Int32Array.from({ length: 5400 }, (_, i) => i - 2700), dtype: 'int32' as const };
  await assertSameAsCpu('int32', [ints], ([x]) => tf.tidy(() => tf.cast(tf.transpose(x, [2, 1, 0]), 'float32')), 0);
});
