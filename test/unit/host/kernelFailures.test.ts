/**
 * What goes wrong with a kernel out of every cell's sight, as the extension logs it and shows it
 * in the status bar: a start that fails, startup code that throws, an engine without a backend.
 * The extension's side (the log channel, the status bar item) is VS Code glue over these.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ErrorOutput } from '../../../src/shared/notebookFormat';
import { KernelClient } from '../../../src/host/kernelClient';
import { failureAfter, failureFromError, readEngineInfo, startupCodeFailure } from '../../../src/host/kernelFailures';
import { kernelEntry } from '../support/kernelBuild';
import { tempDir } from '../support/tempDirs';

let entry: string;
const clients: KernelClient[] = [];

before(async () => {
  entry = await kernelEntry();
});
after(() => clients.forEach((c) => c.dispose()));

function newClient(options: ConstructorParameters<typeof KernelClient>[0] = {}) {
  const client = new KernelClient({ entry, ...options });
  clients.push(client);
  return client;
}

test('startup code that throws is told to the client, with the traceback mapped to its code; the cells run on', async () => {
  const failures: ErrorOutput[] = [];
  const client = newClient({ onStartupCodeError: (error) => failures.push(error) });
  await client.start();
  client.runStartupCode('const ready = 1;');
  client.runStartupCode("function prepare(): void {\n  throw new RangeError('no MNIST here');\n}\nprepare();");
  const outputs: string[] = [];
  const result = await client.execute('c', 'ready + 1', { onOutput: (o) => outputs.push(o.output_type === 'execute_result' ? String(o.data['text/plain']) : o.output_type) });
  assert.equal(result.status, 'ok');
  assert.deepEqual(outputs, ['2'], 'the cell shows none of the startup code’s error');
  assert.equal(failures.length, 1, 'one failure: the code that succeeded is not one');
  assert.equal(failures[0].ename, 'RangeError');
  assert.equal(failures[0].evalue, 'no MNIST here');
  const failure = startupCodeFailure(failures[0]);
  assert.equal(failure.kind, 'startupCode');
  assert.equal(failure.summary, 'RangeError: no MNIST here');
  assert.match(failure.detail, /^RangeError: no MNIST here\n\s+at prepare \(.*:2:9\)/);
});

test('a kernel that does not start rejects start() with why; one stopped on purpose while starting does not', async () => {
  const missing = path.join(tempDir('kernel-failures'), 'no-kernel.js');
  const broken = newClient({ entry: missing });
  const error = await broken.start().then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(error instanceof Error);
  const failure = failureFromError('start', error);
  assert.equal(failure.summary, `The kernel's script is missing: ${missing}`);
  assert.match(failure.detail, /^Error: The kernel's script is missing/);

  // Disposed (a spare kernel nobody took, a notebook closed) or restarted while starting: no failure.
  const disposed = newClient();
  const starting = disposed.start();
  disposed.dispose();
  await starting;
  const restarted = newClient();
  const first = restarted.start();
  const again = restarted.restart();
  await first;
  await again;
  assert.ok(restarted.pid);
});

test('the engine’s answer: its label and warnings, or a failure when it has no backend', () => {
  assert.deepEqual(readEngineInfo({ backend: 'wasm', tfjsVersion: '4.22.0', threads: 4, warnings: [] }), { label: 'wasm 4.22.0', warnings: [] });
  const fallback = readEngineInfo({ backend: 'wasm', tfjsVersion: '4.22.0', warnings: ['The threaded WASM backend did not start; using one thread.'] });
  assert.deepEqual(fallback, { label: 'wasm 4.22.0', warnings: ['The threaded WASM backend did not start; using one thread.'] });
  // What the kernel answers when initEngine() rejected (kernelMain.ts).
  const none = readEngineInfo({ backend: 'none', warnings: ['No tensor backend could start: wasm: out of memory'] });
  assert.ok('failure' in none);
  assert.deepEqual(none.failure, { kind: 'engine', summary: 'No tensor backend could start: wasm: out of memory', detail: 'No tensor backend could start: wasm: out of memory' });
  const silent = readEngineInfo({});
  assert.ok('failure' in silent && /did not start and gave no reason/.test(silent.failure.summary));
});

test('a thrown non-Error still says what it was', () => {
  assert.deepEqual(failureFromError('engine', 'gone'), { kind: 'engine', summary: 'gone', detail: 'gone' });
  assert.equal(failureFromError('start', { code: 7 }).summary, '{"code":7}');
});

test('the status bar keeps a failure until a new process starts; startup code’s until a cell runs', () => {
  const start = failureFromError('start', new Error('exited while starting'));
  const startup = startupCodeFailure({ output_type: 'error', ename: 'Error', evalue: 'x', traceback: [] });
  assert.equal(startup.detail, 'Error: x');
  for (const failure of [start, startup]) {
    assert.equal(failureAfter(failure, 'dead'), failure);
    assert.equal(failureAfter(failure, 'idle'), failure);
    assert.equal(failureAfter(failure, 'starting'), undefined);
    assert.equal(failureAfter(failure, 'disposed'), undefined);
  }
  assert.equal(failureAfter(start, 'busy'), start);
  assert.equal(failureAfter(startup, 'busy'), undefined);
});
