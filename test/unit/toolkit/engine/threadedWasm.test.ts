// The threaded WASM engine: that it computes on every core, and that the files its pthread
// workers load are made correctly from the package's own.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { threadsSupported, wantedThreads } from '../../../../src/toolkit/engine/threadedWasm';
import { prepareThreadedWasmFiles, scriptWithPoolOption } from '../../../../src/toolkit/engine/threadedWasmFiles';

before(async () => {
  await initEngine();
});

test('the WASM engine computes on every core this machine has, or on as many threads as INITLAB_WASM_THREADS says', (t) => {
  if (engineInfo().backend !== 'wasm') return t.skip(`the engine is ${engineInfo().backend}`);
  assert.equal(threadsSupported(), true, 'Node 20 has shared WebAssembly memory');
  assert.equal(engineInfo().threads, wantedThreads());
  if (!process.env.INITLAB_WASM_THREADS) assert.equal(engineInfo().threads, os.availableParallelism());
  // A product big enough for XNNPACK to split over the pool, checked against its exact value.
  const ones = tf.ones([300, 400]);
  const product = tf.matMul(ones, tf.ones([400, 200]));
  assert.deepEqual([...new Set(product.dataSync())], [400]);
  tf.dispose([ones, product]);
});

test('INITLAB_WASM_THREADS chooses the thread count; anything but a positive whole number is ignored', () => {
  assert.equal(wantedThreads({ INITLAB_WASM_THREADS: '1' }), 1);
  assert.equal(wantedThreads({ INITLAB_WASM_THREADS: '3' }), 3);
  for (const bad of ['0', '-2', '1.5', 'many', '']) assert.equal(wantedThreads({ INITLAB_WASM_THREADS: bad }), os.availableParallelism(), bad);
});

test('the pool size becomes a module option; a script without exactly one pool line is refused', () => {
  const patched = scriptWithPoolOption('a();var pthreadPoolSize=8;while(pthreadPoolSize--){b()}');
  assert.equal(patched, 'a();var pthreadPoolSize=Module["initlabPthreadPoolSize"]??8;while(pthreadPoolSize--){b()}');
  assert.throws(() => scriptWithPoolOption('var pthreadPoolSize=4;'), /exactly one "var pthreadPoolSize=8;" \(a new tfjs version\?\)/);
  assert.throws(() => scriptWithPoolOption('var pthreadPoolSize=8;var pthreadPoolSize=8;'), /exactly one/);
});

test('the worker and the module script are written once per content, in a folder of this user, as valid JavaScript', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-threads-'));
  try {
    const first = prepareThreadedWasmFiles(path.join(root, 'not-bundled'), root);
    const written = fs.statSync(first.worker).mtimeMs;
    const second = prepareThreadedWasmFiles(path.join(root, 'not-bundled'), root);
    assert.deepEqual(second, first);
    assert.equal(fs.statSync(second.worker).mtimeMs, written, 'not rewritten');
    assert.ok(first.worker.startsWith(path.join(root, `initlab-${process.getuid?.() ?? os.userInfo().username}`)));
    assert.equal(fs.statSync(path.dirname(first.worker)).mode & 0o077, 0, 'private to this user');
    for (const file of [first.script, first.worker]) assert.doesNotThrow(() => new vm.Script(fs.readFileSync(file, 'utf8'), { filename: file }), file);
    assert.match(fs.readFileSync(first.script, 'utf8'), /initlabPthreadPoolSize/);
    assert.ok(fs.existsSync(first.binary) && first.binary.endsWith('tfjs-backend-wasm-threaded-simd.wasm'));
    assert.deepEqual(fs.readdirSync(path.dirname(first.worker)).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');
    // A folder others can write to is not trusted with code the kernel will run.
    fs.chmodSync(path.dirname(path.dirname(first.worker)), 0o777);
    assert.throws(() => prepareThreadedWasmFiles(path.join(root, 'not-bundled'), root), /writable by others/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
