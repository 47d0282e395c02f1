/**
 * The WASM engine at the end of its 4 GiB heap, in the real kernel process (engine/heapGuard.ts):
 * a clear error, a kernel that goes on (or restarts when the engine broke), and a next cell
 * that runs and is right. Each test has a bounded time, so a stalled engine fails it.
 *
 * Without the guard, measured on tfjs-backend-wasm 4.22 with threads: tf.zeros([1200, 1000, 1000])
 * failed with "RangeError: Invalid typed array length: 4800000000" and left 505 MB of the heap
 * allocated; tf.add of [40000, 1] and [1, 40000] trapped ("RuntimeError: memory access out of
 * bounds"), the pthread worker trapped too, and the second op after it waited forever; a 2.2 GB
 * tf.fill into a heap that had no room for it succeeded, writing over the whole heap from address
 * 0 (another tensor's [1, 2, 3] read [2, 2, 2]) and every later op ended in "RuntimeError:
 * Aborted()"; a matMul whose weights XNNPACK could not pack returned uninitialized numbers.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ExecutionResult, KernelClient } from '../../../src/host/kernelClient';
import { kernelClients, runAnyCell, runCell } from '../support/kernelCells';

const newClient = kernelClients();

/** Runs a cell that must succeed, and gives its text. */
async function value(client: KernelClient, code: string): Promise<string> {
  return (await runCell(client, code)).text;
}

/** Runs a cell that must fail, and gives its error. */
async function failure(client: KernelClient, code: string) {
  const { result, outputs } = await runAnyCell(client, code);
  assert.equal(result.status, 'error', `the cell should have failed: ${code}`);
  return { ...(result as Extract<ExecutionResult, { status: 'error' }>), outputs };
}

/** The advice every out-of-memory message ends with. */
function assertAdvice(message: string): void {
  assert.match(message, /^The tensor engine ran out of memory: /);
  assert.match(message, /WASM heap/);
  assert.match(message, /at most 4 GiB/);
  assert.match(message, /data\.forModel\(model, \{ examples: … \}\) or slice x/);
  assert.match(message, /dispose tensors you no longer need \(tf\.dispose, tf\.tidy\)/);
  assert.match(message, /restart the kernel/);
}

const HEAP_BYTES = '((tf.backend() as any).wasm.wasmMemory?.buffer.byteLength ?? (tf.backend() as any).wasm.HEAPU8.length)';

test('a tensor, or an op’s output, larger than the whole WASM heap fails with a clear error; the kernel keeps its variables and computes right', { timeout: 60_000 }, async () => {
  const client = newClient();
  assert.equal(await value(client, "const keep = tf.ones([25, 1000, 1000]);\nconst small = tf.tensor([1, 2, 3]);\nengineInfo().backend"), "'wasm'");

  const zeros = await failure(client, 'const big = tf.zeros([1200, 1000, 1000]);');
  assert.equal(zeros.error.ename, 'EngineOutOfMemory');
  assert.equal(zeros.kernelDied, undefined);
  assertAdvice(zeros.error.evalue);
  assert.match(zeros.error.evalue, /a new tensor needs 4,800 MB, more than its whole WASM heap/);
  assert.match(zeros.error.evalue, /\(100 MB in tensors when this cell started, 100 MB now; the heap has grown to \d[\d,]* MB\)/);
  assert.match(zeros.error.traceback.join('\n'), /Cell \[2\]:1:/, 'the error points at the cell’s line');

  const add = await failure(client, 'tf.add(tf.ones([40000, 1]), tf.ones([1, 40000]))');
  assert.equal(add.error.ename, 'EngineOutOfMemory');
  assertAdvice(add.error.evalue);
  assert.match(add.error.evalue, /the Add operation needs 6,400 MB, more than its whole WASM heap/);

  assert.equal(await value(client, 'tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]'), '3');
  assert.equal(await value(client, '[tf.min(keep).dataSync()[0], tf.max(keep).dataSync()[0], ...small.dataSync()]'), '[ 1, 1, 1, 2, 3 ]');
  // Nothing was allocated for the refused tensors (tfjs alone left 505 MB of the heap taken).
  assert.ok(Number(await value(client, HEAP_BYTES)) < 300e6, 'the heap did not grow for the refused tensors');
  assert.equal(await value(client, 'tf.sum(tf.matMul(tf.ones([300, 200]), tf.ones([200, 100]))).dataSync()[0]'), '6000000');
});

test('in a full heap, a tensor that does not fit and XNNPACK’s working memory fail clearly, never corrupting the engine or returning wrong numbers', { timeout: 120_000 }, async () => {
  const client = newClient();
  // 2.2 GB: a second one cannot fit beside it, nor can XNNPACK's packed copy of it for a matMul.
  await value(client, 'const small = tf.tensor([1, 2, 3]);\nconst w = tf.fill([23500, 23500], 0.5);\nconst x = tf.ones([2, 23500]);');

  const fill = await failure(client, 'const w2 = tf.fill([23500, 23500], 2);');
  assert.equal(fill.error.ename, 'EngineOutOfMemory');
  assert.equal(fill.kernelDied, undefined);
  assertAdvice(fill.error.evalue);
  assert.match(fill.error.evalue, /the Fill operation needs 2,209 MB more, and its WASM heap holds at most 4 GiB \(2,209 MB in tensors when this cell started, 2,209 MB now/);
  assert.equal(await value(client, 'Array.from(small.dataSync())'), '[ 1, 2, 3 ]', 'the other tensors are intact');

  const matMul = await failure(client, 'const y = tf.matMul(x, w);');
  assert.equal(matMul.error.ename, 'EngineOutOfMemory');
  assertAdvice(matMul.error.evalue);
  assert.match(matMul.error.evalue, /the working memory of the \w+ operation \(XNNPACK's\) did not fit in its WASM heap/);
  assert.match(matMul.error.evalue, /XNNPACK said: XNN status for xnn_create_fully_connected_nc_f32 is not successful\. Got status 6/);
  assert.deepEqual(
    matMul.outputs.map((o) => o.output_type),
    ['error'],
    'XNNPACK’s own line is in the error, not printed beside it',
  );
  assert.equal(await value(client, 'tf.memory().numTensors'), '3', 'the failed op’s output was freed');

  // Room again: the same ops give the right numbers.
  assert.equal(await value(client, 'tf.dispose(w);\nArray.from(tf.sum(tf.matMul(x.slice([0, 0], [2, 2000]), tf.fill([2000, 2000], 0.5)), 1).dataSync())'), '[ 2000000, 2000000 ]');
  assert.equal(await value(client, 'tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]'), '3');
});

/** A cell line that makes the engine trap: a tensor whose values lie past the heap's end, as an op that overran the heap leaves them. */
const TRAP =
  "const bogus = tf.engine().makeTensorFromTensorInfo((tf.backend() as any).makeOutput([1024], 'float32', 0xfff00000));\n" + 'tf.abs(bogus).dataSync();';

test('a trap inside the engine restarts the kernel and says why; the next cell runs in a fresh kernel and is right', { timeout: 60_000 }, async () => {
  const client = newClient();
  await value(client, 'const before = 1;');
  const trap = await failure(client, TRAP);
  assert.equal(trap.error.ename, 'KernelRestarted');
  assert.equal(trap.kernelDied, true);
  assert.match(trap.error.evalue, /^The tensor engine failed inside the Abs operation \(RuntimeError: memory access out of bounds\)\./);
  assert.match(trap.error.evalue, /WASM heap holds \(at most 4 GiB; 0 MB in tensors when this cell started\)/);
  assert.match(trap.error.evalue, /so the kernel restarts: its variables are lost/);
  assert.match(trap.error.evalue, /data\.forModel\(model, \{ examples: … \}\)/);
  assert.equal(await value(client, 'typeof before'), "'undefined'", 'a fresh kernel');
  assert.equal(await value(client, 'tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]'), '3');
});

test('a trap the cell catches, or a stray write into the engine’s null page, restarts the kernel too', { timeout: 60_000 }, async () => {
  const client = newClient();
  const caught = await failure(client, `try {\n  ${TRAP.replace('\n', '\n  ')}\n} catch {\n  // ignored\n}\n'went on'`);
  assert.equal(caught.error.ename, 'KernelRestarted');
  assert.equal(caught.kernelDied, true);
  assert.match(caught.error.evalue, /^The tensor engine failed inside the Abs operation/);
  assert.equal(caught.outputs.at(-1)?.output_type, 'error');
  assert.equal(await value(client, 'tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]'), '3');

  // Emscripten keeps its first 1024 bytes unused: only a write through a null pointer lands there.
  const stray = await failure(client, '(tf.backend() as any).wasm.HEAPU8[64] = 7;');
  assert.equal(stray.kernelDied, true);
  assert.match(stray.error.evalue, /^The tensor engine failed by a write through a null pointer into its memory\./);
  assert.equal(await value(client, 'tf.sum(tf.ones([4])).dataSync()[0]'), '4');
});
