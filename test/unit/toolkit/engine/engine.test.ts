// The engine: which backend it picks and in what order, that the transposed-matmul patch keeps
// the numbers, and that blocked sums stay accurate where the backend's own do not.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { selectBackend, type BackendCandidate, type BackendName } from '../../../../src/toolkit/engine/backendSelection';
import { blockSum } from '../../../../src/toolkit/engine/blockSum';

before(async () => {
  await initEngine();
});

test('the engine picks the WASM backend when tfjs-node is absent, and engineInfo() says so', () => {
  const info = engineInfo();
  assert.equal(info.backend, tf.getBackend());
  assert.ok(['tensorflow', 'wasm'].includes(info.backend), `backend was ${info.backend}: ${info.warnings.join('; ')}`);
  assert.equal(info.tfjsVersion, tf.version.tfjs);
});

function candidate(name: BackendName, works: boolean | 'throws', tried: string[]): BackendCandidate<string> {
  return {
    name,
    activate: async () => {
      tried.push(name);
      if (works === 'throws') throw new Error(`${name} broke`);
      return works ? name : undefined;
    },
  };
}

test('backend order: native TensorFlow, then WASM, then CPU with a warning', async () => {
  const tried: string[] = [];
  const all = await selectBackend([candidate('cpu', true, tried), candidate('wasm', true, tried), candidate('tensorflow', true, tried)]);
  assert.equal(all.name, 'tensorflow');
  assert.deepEqual(tried, ['tensorflow']);

  tried.length = 0;
  const noNative = await selectBackend([candidate('tensorflow', false, tried), candidate('wasm', true, tried), candidate('cpu', true, tried)]);
  assert.equal(noNative.name, 'wasm');
  assert.deepEqual(tried, ['tensorflow', 'wasm']);

  tried.length = 0;
  const onlyCpu = await selectBackend([candidate('tensorflow', 'throws', tried), candidate('wasm', false, tried), candidate('cpu', true, tried)]);
  assert.equal(onlyCpu.name, 'cpu');
  assert.match(onlyCpu.warnings.join('\n'), /tensorflow broke/);
  assert.match(onlyCpu.warnings.join('\n'), /CPU backend, which is far slower/);
});

test('INITLAB_BACKEND forces a backend; an unknown name is reported and ignored; nothing working is an error', async () => {
  const tried: string[] = [];
  const forced = await selectBackend([candidate('tensorflow', true, tried), candidate('wasm', true, tried), candidate('cpu', true, tried)], 'cpu');
  assert.equal(forced.name, 'cpu');
  assert.deepEqual(tried, ['cpu']);
  const unknown = await selectBackend([candidate('wasm', true, tried)], 'gpu');
  assert.equal(unknown.name, 'wasm');
  assert.match(unknown.warnings[0], /INITLAB_BACKEND=gpu is not one of tensorflow, wasm, cpu/);
  await assert.rejects(selectBackend([candidate('wasm', 'throws', tried), candidate('cpu', false, tried)]), /No tensor backend could start:\n.*wasm broke/);
});

/** a @ b in float64 JavaScript, the reference for the engine's products. */
function referenceMatMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
}
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));

test('transposed matmuls, inside tf.grad too, give the same numbers as the untransposed product', () => {
  const a = tf.randomNormal([37, 23], 0, 1, 'float32', 1);
  const b = tf.randomNormal([37, 19], 0, 1, 'float32', 2);
  const aRows = a.arraySync() as number[][];
  const bRows = b.arraySync() as number[][];
  const expected = referenceMatMul(transpose(aRows), bRows);
  const close = (actual: number[][], wanted: number[][]) =>
    actual.every((row, i) => row.every((v, j) => Math.abs(v - wanted[i][j]) < 1e-4 * (1 + Math.abs(wanted[i][j]))));
  assert.ok(close(tf.matMul(a, b, true, false).arraySync() as number[][], expected), 'aᵀ b');
  assert.ok(close(tf.matMul(b, a, true, false).arraySync() as number[][], transpose(expected)), 'bᵀ a');
  assert.ok(close(tf.matMul(tf.transpose(b), tf.transpose(a), false, true).arraySync() as number[][], referenceMatMul(transpose(bRows), aRows)), 'bᵀ (aᵀ)ᵀ');
  // d/dw sum(x @ w) = xᵀ 1: tf.grad takes the transposed path.
  const w = tf.randomNormal([23, 5], 0, 1, 'float32', 3);
  const gradW = tf.grad((wv: typeof w) => tf.sum(tf.matMul(a, wv)))(w).arraySync() as number[][];
  const colSums = transpose(aRows).map((row) => row.reduce((s, v) => s + v, 0));
  assert.ok(gradW.every((row, i) => row.every((v) => Math.abs(v - colSums[i]) < 1e-4 * (1 + Math.abs(colSums[i])))), 'tf.grad');
});

test('the largest operand’s transpose is kept while it lives: the same numbers again, smaller ones do not evict it, and it is freed with it', () => {
  const backend = tf.backend();
  const dataIds = () => backend.numDataIds();
  const before = dataIds();
  // 1.2 million values: large enough to be kept.
  const x = tf.randomNormal([2000, 600], 0, 1, 'float32', 4);
  const g = tf.randomNormal([2000, 7], 0, 1, 'float32', 5);
  const reference = tf.tidy(() => tf.matMul(tf.transpose(x), g));
  const maxDiff = (t: typeof reference) => tf.tidy(() => tf.max(tf.abs(tf.sub(t, reference))).dataSync()[0]);
  const first = tf.matMul(x, g, true, false);
  const withKept = dataIds();
  const second = tf.matMul(x, g, true, false);
  assert.equal(dataIds(), withKept + 1, 'the second product reuses the kept transpose: only its result is new');
  assert.equal(maxDiff(first), 0);
  assert.equal(maxDiff(second), 0, 'the kept transpose gives exactly the same product');
  // A smaller operand transposed in between (a hidden layer's activations) does not push it out.
  const hidden = tf.randomNormal([2000, 550], 0, 1, 'float32', 6);
  const smallProduct = tf.matMul(hidden, g, true, false);
  const withHidden = dataIds();
  hidden.dispose();
  assert.equal(dataIds(), withHidden - 1, 'the smaller operand’s transpose was not kept: only the operand itself is freed');
  const afterHidden = dataIds();
  const again = tf.matMul(x, g, true, false);
  assert.equal(dataIds(), afterHidden + 1, 'x’s transpose is still kept: only the product is new');
  assert.equal(maxDiff(again), 0);
  // A reshaped view shares x's data: disposing it frees nothing, and the kept transpose stays right.
  const view = x.reshape([2000, 600]);
  view.dispose();
  const third = tf.matMul(x, g, true, false);
  assert.equal(maxDiff(third), 0);
  tf.dispose([x, g, reference, first, second, third, smallProduct, again]);
  assert.equal(dataIds(), before, 'disposing x freed its kept transpose too');
});

test('blocked sums stay exact where a single float32 accumulator stalls at 2^24', () => {
  const ones = tf.ones([20_000_000]);
  assert.equal(blockSum(ones).dataSync()[0], 20_000_000);
  ones.dispose();
});
