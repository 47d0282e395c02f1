/**
 * The extension's type-check worker client (src/extension/typeCheck/typeCheckWorkerClient.ts)
 * and the bound a cell run puts on it (typeCheckRunWait.ts), in plain Node: the real worker
 * (dist/typeCheckWorker.js), and stand-ins that die or hang, as a broken worker would.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TypeCheckUnavailable, TypeCheckWorkerClient } from '../../../src/extension/typeCheck/typeCheckWorkerClient';
import { checkForRun } from '../../../src/extension/typeCheck/typeCheckRunWait';
import { repoRoot } from '../support/paths';
import { tempDir } from '../support/tempDirs';

before(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist/typescript-lib'))) execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { stdio: 'ignore' });
});

/**
 * A stand-in worker: its first instance does `first` with the first request (dies, hangs), every
 * later instance answers each check with no errors, as a healthy worker does.
 */
function standIn(first: 'exit' | 'spin' | 'silent'): string {
  const dir = tempDir('type-check-worker');
  const flag = path.join(dir, 'started-once');
  const misbehave = { exit: 'process.exit(3);', spin: 'for (;;) {}', silent: 'return;' }[first];
  const file = path.join(dir, 'worker.js');
  fs.writeFileSync(
    file,
    `const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');
const healthy = fs.existsSync(${JSON.stringify(flag)});
fs.writeFileSync(${JSON.stringify(flag)}, '');
parentPort.on('message', (request) => {
  if (request.type !== 'check') return;
  if (!healthy) { ${misbehave} }
  parentPort.postMessage({ type: 'checked', id: request.id, cells: request.cells.map(() => []), ms: 1 });
});
`,
  );
  return file;
}

function client(options: ConstructorParameters<typeof TypeCheckWorkerClient>[2] = {}) {
  const log: string[] = [];
  return { client: new TypeCheckWorkerClient(repoRoot, (m) => log.push(m), options), log };
}

test('the real worker answers a check with each cell’s errors, a new worker’s first check included', async () => {
  const { client: checker } = client();
  try {
    const started = Date.now();
    const result = await checker.check('nb', ["const n: number = 'x';", 'n + 1']);
    const firstMs = Date.now() - started;
    console.log(`figure: a new type-check worker's first check: ${firstMs} ms (${result.ms.toFixed(0)} ms checking)`);
    assert.deepEqual(result.cells.map((errors) => errors.map((e) => e.code)), [[2322], []]);
    const again = await checker.check('nb', ["const n: number = 'x';", 'n + 1']);
    assert.deepEqual(again.cells.map((errors) => errors.length), [1, 0]);
  } finally {
    checker.dispose();
  }
});

test('a worker that dies before answering rejects the check, saying so; the next check starts a new worker', async () => {
  const { client: checker, log } = client({ workerFile: standIn('exit') });
  try {
    await assert.rejects(checker.check('nb', ['1']), (err: Error) => err instanceof TypeCheckUnavailable && /stopped before it answered \(it exited with code 3\)/.test(err.message));
    assert.match(log.join('\n'), /type-check worker stopped: it exited with code 3/);
    assert.deepEqual((await checker.check('nb', ['1'])).cells, [[]]);
  } finally {
    checker.dispose();
  }
});

test('a worker that hangs (a busy loop, or no answer at all) is stopped after stallMs: its checks reject, and the next check gets a new worker', async () => {
  for (const how of ['spin', 'silent'] as const) {
    const { client: checker, log } = client({ workerFile: standIn(how), stallMs: 400 });
    try {
      const started = Date.now();
      const waiting = [checker.check('a', ['1']), checker.check('b', ['2'])];
      for (const check of waiting) await assert.rejects(check, (err: Error) => err instanceof TypeCheckUnavailable && /no answer in 400 ms, so it was stopped as hung/.test(err.message), how);
      const waited = Date.now() - started;
      assert.ok(waited >= 390 && waited < 5000, `${how}: rejected after ${waited} ms`);
      assert.match(log.join('\n'), /stopped as hung/);
      assert.deepEqual((await checker.check('a', ['1'])).cells, [[]], `${how}: a new worker answers`);
    } finally {
      checker.dispose();
    }
  }
});

test('dispose rejects the checks still waiting', async () => {
  const { client: checker } = client({ workerFile: standIn('silent') });
  const waiting = checker.check('nb', ['1']);
  checker.dispose();
  await assert.rejects(waiting, /shut down/);
});

test('a run waits for its check a bounded time: the answer, or a timeout or failure to note, never a run that does not start', async () => {
  const { client: checker } = client({ workerFile: standIn('spin'), stallMs: 10_000 });
  try {
    // A hung worker: the run goes ahead after its wait, long before the worker counts as hung.
    const started = Date.now();
    const hung = await checkForRun(() => checker.check('nb', ['1']), 300);
    const waited = Date.now() - started;
    assert.equal(hung.status, 'timeout');
    assert.ok(hung.status === 'timeout' && hung.waitedMs >= 290, `waited ${waited} ms`);
    assert.ok(waited < 2000, `the run went ahead after ${waited} ms`);
  } finally {
    // The check the run gave up on rejects now: checkForRun has caught it, nothing is unhandled.
    checker.dispose();
  }
  const dead = client({ workerFile: standIn('exit') }).client;
  try {
    const failed = await checkForRun(() => dead.check('nb', ['1']), 5000);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.status === 'failed' && failed.error instanceof TypeCheckUnavailable);
  } finally {
    dead.dispose();
  }
  assert.deepEqual(await checkForRun(async () => 'errors', 300), { status: 'checked', errors: 'errors' });
  assert.deepEqual(await checkForRun(() => Promise.reject(new Error('no')), 300), { status: 'failed', error: new Error('no') });
});

test('a run’s wait lasts until its kernel has started when that is later: the check has that long too, and a kernel that fails to start ends the wait', async () => {
  const after = (ms: number, value?: unknown) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
  const never = () => new Promise<never>(() => undefined);
  let started = Date.now();
  const slowKernel = await checkForRun(never, 100, after(700));
  assert.equal(slowKernel.status, 'timeout');
  assert.ok(Date.now() - started >= 690, `waited for the kernel: ${Date.now() - started} ms`);
  assert.ok(slowKernel.status === 'timeout' && slowKernel.waitedMs >= 690, 'the note says how long');
  // A check that answers after the wait but before the kernel is up is used.
  assert.deepEqual(await checkForRun(() => after(400, 'errors') as Promise<string>, 100, after(700)), { status: 'checked', errors: 'errors' });
  // A kernel already up, or one that failed to start, leaves the plain wait.
  started = Date.now();
  assert.equal((await checkForRun(never, 300, Promise.reject(new Error('no kernel')))).status, 'timeout');
  const waited = Date.now() - started;
  assert.ok(waited >= 290 && waited < 2000, `waited ${waited} ms`);
});
