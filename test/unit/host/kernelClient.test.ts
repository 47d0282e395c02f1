/** The real kernel process, driven by KernelClient as VS Code and the CLI drive it. */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NbOutput } from '../../../src/shared/notebookFormat';
import { KernelClient, type ExecutionResult } from '../../../src/host/kernelClient';
import { kernelEntry } from '../support/kernelBuild';

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

async function run(client: KernelClient, code: string, cellId = 'cell') {
  const outputs: NbOutput[] = [];
  const result = await client.execute(cellId, code, { onOutput: (o) => outputs.push(o) });
  return { result, outputs, text: outputs.map(textOf).join('') };
}

function textOf(o: NbOutput): string {
  if (o.output_type === 'stream') return typeof o.text === 'string' ? o.text : o.text.join('');
  if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
  return String(o.data['text/plain'] ?? '');
}

test('errors point at the line and column of the cell’s TypeScript, without kernel frames', async () => {
  const client = newClient();
  const { result } = await run(client, 'interface T { a: number }\nconst t: T = { a: 1 };\nfunction f(): void {\n  throw new TypeError(`bad ${t.a}`);\n}\nf();');
  assert.equal(result.status, 'error');
  const error = result.status === 'error' ? result.error : undefined;
  assert.equal(error?.ename, 'TypeError');
  assert.deepEqual(error?.traceback, ['TypeError: bad 1', '    at f (Cell [1]:4:9)', '    at Cell [1]:6:1']);
});

test('console output streams while the cell runs, stdout and stderr apart', async () => {
  const client = newClient();
  const seen: { at: number; output: NbOutput }[] = [];
  const started = Date.now();
  await client.execute('c', "console.log('first');\nconsole.warn('careful');\nawait new Promise((r) => setTimeout(r, 400));\nconsole.log('second');", {
    onOutput: (output) => seen.push({ at: Date.now() - started, output }),
  });
  assert.deepEqual(seen.map((s) => [s.output.output_type === 'stream' && s.output.name, textOf(s.output)]), [
    ['stdout', 'first\n'],
    ['stderr', 'careful\n'],
    ['stdout', 'second\n'],
  ]);
  assert.ok(seen[2].at - seen[0].at >= 350, 'the first line arrived before the cell finished');
});

test('interrupting a synchronous infinite loop keeps the kernel’s variables', async () => {
  const client = newClient();
  await run(client, 'const kept = 41;');
  const looping = run(client, 'let n = 0;\nwhile (true) { n++; }');
  await new Promise((r) => setTimeout(r, 300));
  const stopAt = Date.now();
  assert.equal(await client.interrupt(), 'interrupted');
  const { result } = await looping;
  assert.ok(Date.now() - stopAt < 1000, 'stopped within a second');
  assert.equal(result.status, 'error');
  assert.equal(result.status === 'error' && result.interrupted, true);
  assert.equal((await run(client, 'kept + 1')).text, '42');
  assert.ok(Number((await run(client, 'n')).text) > 0, 'the loop’s own variable is there too');
});

test('interrupting a loop of tensor ops stops it between two ops: variables, engine and tidy scopes all survive', async () => {
  // No SIGINT for 10 s: the stop can only come from the check between ops.
  const client = newClient({ safeStopMs: 10_000, interruptTimeoutMs: 15_000 });
  await run(client, 'const w = tf.randomNormal([256, 256]);\nconst before = tf.memory().numTensors;\nlet steps = 0;');
  // A training loop's shape: synchronous, inside tf.tidy, every step a few ops on the engine.
  const looping = run(client, 'tf.tidy(() => {\n  while (true) { tf.relu(tf.matMul(w, w)); steps++; }\n});');
  await new Promise((r) => setTimeout(r, 500));
  const stopAt = Date.now();
  assert.equal(await client.interrupt(), 'interrupted');
  const { result, text } = await looping;
  const stoppedMs = Date.now() - stopAt;
  assert.ok(stoppedMs < 1000, `stopped between ops within a second (${stoppedMs} ms)`);
  assert.equal(result.status === 'error' && result.kernelDied, undefined);
  assert.match(text, /KeyboardInterrupt/);
  assert.equal((await run(client, 'steps > 0')).text, 'true');
  // The interrupted tidy's tensors are freed, and the engine still computes.
  assert.equal((await run(client, 'tf.memory().numTensors - before')).text, '0');
  assert.equal((await run(client, 'tf.sum(tf.matMul(tf.eye(3), tf.ones([3, 1]))).dataSync()[0]')).text, '3');
});

test('a stop forced inside one long multi-threaded op restarts the kernel and says so; single-threaded it keeps state', async () => {
  // SIGINT at once, while the one op runs (54 GFLOP: about 3 s here, well over the 0.5 s wait).
  const client = newClient({ safeStopMs: 0 });
  const { text: threads } = await run(client, 'const big = tf.randomNormal([3000, 3000]);\nconst bigSum = tf.sum(big).dataSync()[0];\nengineInfo().threads');
  const busy = run(client, 'tf.matMul(big, big).dataSync().length');
  await new Promise((r) => setTimeout(r, 500));
  await client.interrupt();
  const { result } = await busy;
  assert.equal(result.status, 'error');
  if (Number(threads) > 1) {
    assert.equal(result.status === 'error' && result.error.ename, 'KernelRestarted');
    assert.equal(result.status === 'error' && result.kernelDied, true);
    assert.match(result.status === 'error' ? result.error.evalue : '', /multi-threaded tensor operation.*variables are lost/i);
    assert.equal((await run(client, 'typeof big')).text, "'undefined'", 'a fresh kernel');
  } else {
    // One thread (INITLAB_WASM_THREADS=1, scripts/test.mjs runs it): the op runs on the kernel's
    // own thread, SIGINT stops it inside the WASM code, no pool thread is left holding a lock,
    // and the variables are kept, values and all.
    assert.equal(result.status === 'error' && result.error.ename, 'KeyboardInterrupt');
    assert.equal((await run(client, 'big.shape.join(" x ")')).text, "'3000 x 3000'");
    assert.equal((await run(client, 'tf.sum(big).dataSync()[0] === bigSum')).text, 'true', 'the tensor’s values are intact');
  }
  assert.equal((await run(client, 'tf.sum(tf.ones([4])).dataSync()[0]')).text, '4', 'the engine computes again');
});

test('interrupting an async loop stops it at its next await, state kept', async () => {
  const client = newClient();
  await run(client, '1'); // a warm kernel, so the loop is surely running when we interrupt
  const looping = run(client, 'let ticks = 0;\nwhile (true) { ticks++; await new Promise((r) => setTimeout(r, 5)); }');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await client.interrupt(), 'interrupted');
  const { text } = await looping;
  assert.match(text, /KeyboardInterrupt/);
  assert.ok(Number((await run(client, 'ticks')).text) > 3);
});

test('an interrupt that lands while a fresh kernel starts stops the cell before its first line', async () => {
  const client = newClient();
  const cell = run(client, 'globalThis.sideEffect = 1;');
  assert.equal(await client.interrupt(), 'interrupted');
  assert.match((await cell).text, /KeyboardInterrupt/);
  assert.equal((await run(client, 'typeof globalThis.sideEffect')).text, "'undefined'");
  assert.equal((await run(client, '2 + 2')).text, '4', 'a later cell is not affected by the old interrupt');
});

test('a loop the kernel cannot interrupt leads to a restart that says so', async () => {
  const client = newClient({ interruptTimeoutMs: 500 });
  await run(client, 'const before = 1;');
  // A synchronous loop inside a timer callback runs outside any interruptible script.
  const stuck = run(client, 'await new Promise(() => setTimeout(() => { while (true) {} }, 10));');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await client.interrupt(), 'restarted');
  const { result } = await stuck;
  assert.equal(result.status === 'error' && result.kernelDied, true);
  assert.match(result.status === 'error' ? result.error.evalue : '', /restarted/);
  assert.equal((await run(client, 'typeof before')).text, "'undefined'", 'a fresh kernel');
});

test('process.exit in a cell ends it with an error, and the next run gets a fresh kernel', async () => {
  const client = newClient();
  const { result } = await run(client, 'process.exit(7)');
  assert.equal(result.status, 'error');
  assert.match(result.status === 'error' ? result.error.evalue : '', /kernel process died \(exit code 7\)/);
  assert.equal((await run(client, '1 + 1')).text, '2');
});

test('running out of memory kills only the kernel, says so, and the next run works', async () => {
  const client = newClient({ maxHeapMb: 96 });
  const { result } = await run(client, 'const hog: number[][] = [];\nwhile (true) { hog.push(new Array(1e5).fill(1)); }');
  assert.equal(result.status, 'error');
  assert.match(result.status === 'error' ? result.error.evalue : '', /ran out of memory/);
  assert.equal((await run(client, '2 + 2')).text, '4');
});

test('an unhandled rejection lands in the cell that caused it, even after it finished', async () => {
  const late: { cellId: string; output: NbOutput }[] = [];
  const client = newClient({ onLateOutput: (cellId, output) => late.push({ cellId, output }) });
  const now = await run(client, "Promise.reject(new Error('right away'));\n1", 'a');
  assert.equal(now.result.status, 'error', 'a rejection during the cell fails it');
  assert.match(now.text, /right away/);
  await run(client, "setTimeout(() => Promise.reject(new Error('later')), 100);", 'b');
  await run(client, 'await new Promise((r) => setTimeout(r, 300));', 'c');
  assert.equal(late.length, 1);
  assert.equal(late[0].cellId, 'b');
  assert.match(textOf(late[0].output), /later \(after the cell finished\)/);
});

test('a failure cancels the cells queued behind it; every execution ends exactly once', async () => {
  const client = newClient();
  const results = await Promise.all([
    client.execute('1', 'const q = 1;', { onOutput: () => undefined }),
    client.execute('2', "throw new Error('stop here')", { onOutput: () => undefined }),
    client.execute('3', 'const never = 1;', { onOutput: () => undefined }),
    client.execute('4', 'const neither = 1;', { onOutput: () => undefined }),
  ]);
  assert.deepEqual(results.map((r: ExecutionResult) => r.status), ['ok', 'error', 'cancelled', 'cancelled']);
  assert.deepEqual(results.map((r) => (r.status === 'cancelled' ? null : r.executionCount)), [1, 2, null, null]);
  assert.equal((await run(client, 'typeof never')).text, "'undefined'");
});

test('a kernel started ahead of its first cell is the one that runs it, and its first cell is number 1', async () => {
  const client = newClient();
  assert.equal(client.pid, undefined);
  await client.start();
  const pid = client.pid;
  assert.ok(pid);
  const { result, text } = await run(client, '1 + 1');
  assert.equal(text, '2');
  assert.equal(result.status === 'ok' && result.executionCount, 1);
  assert.equal(client.pid, pid, 'no second process');
});

test('startup code runs before the first cell, silently and in the cells’ scope; after a cell has run, or failing, it changes nothing', async () => {
  const ahead = newClient();
  await ahead.start();
  ahead.runStartupCode("const prepared = 41 + 1;\nconsole.log('not for any cell');\nprepared");
  const first = await run(ahead, 'prepared');
  assert.equal(first.text, '42', 'the cell sees what the startup code declared, and none of its output');
  assert.equal(first.result.status === 'ok' && first.result.executionCount, 1, 'the startup code takes no execution count');

  const late = newClient();
  await late.start();
  await run(late, '1');
  late.runStartupCode('globalThis.tooLate = true;');
  assert.equal((await run(late, 'typeof tooLate')).text, "'undefined'", 'dropped once a cell has run');

  const failing = newClient();
  await failing.start();
  failing.runStartupCode("throw new Error('startup failed');");
  const after = await run(failing, '2 + 2');
  assert.equal(after.result.status, 'ok');
  assert.equal(after.text, '4', 'the first cell runs as if no startup code had been sent');
});

test('startup code sent ifIdle runs while no cell waits, and is dropped once one does', async () => {
  const idle = newClient();
  await idle.start();
  idle.runStartupCode('globalThis.preparedIfIdle = true;', { ifIdle: true });
  // Sent after the startup code has had its turn: nothing was waiting then.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await run(idle, 'typeof preparedIfIdle')).text, "'boolean'");

  const busy = newClient();
  await busy.start();
  // Startup code that keeps the kernel busy, then a step sent ifIdle, then a cell: the cell is
  // waiting when the step's turn comes.
  busy.runStartupCode('const until = Date.now() + 600;\nwhile (Date.now() < until);');
  busy.runStartupCode('globalThis.preparedIfIdle = true;', { ifIdle: true });
  const started = Date.now();
  const { text } = await run(busy, 'typeof preparedIfIdle');
  assert.equal(text, "'undefined'", 'the step behind the busy one was dropped for the waiting cell');
  assert.ok(Date.now() - started >= 300, 'the cell waited for the startup code sent without ifIdle');
});

test('a cell’s start is when the kernel starts it: startup code ahead of it is not its time', async () => {
  const client = newClient();
  await client.start();
  // Startup code that keeps the kernel busy for 600 ms before the first cell can start.
  client.runStartupCode('const until = Date.now() + 600;\nwhile (Date.now() < until);');
  const called = Date.now();
  let started = 0;
  const result = await client.execute('c', '2 + 2', { onStart: () => (started = Date.now()), onOutput: () => undefined });
  const done = Date.now();
  assert.equal(result.status, 'ok');
  assert.ok(started - called > 200, `the cell waited ${started - called} ms behind the startup code, and its start says so`);
  assert.ok(done - started < started - called, `the cell's own time (${done - started} ms) excludes the ${started - called} ms it waited`);
});

test('restart clears state and the execution count', async () => {
  const client = newClient();
  await run(client, 'const gone = 1;');
  await client.restart();
  const { result, text } = await run(client, 'typeof gone');
  assert.equal(text, "'undefined'");
  assert.equal(result.status === 'ok' && result.executionCount, 1);
});

test('display() updates in place', async () => {
  const client = newClient();
  const updates: NbOutput[] = [];
  const outputs: NbOutput[] = [];
  let displayId: string | undefined;
  await client.execute('d', "const h = display('step 0', { id: 'progress' });\nfor (let i = 1; i <= 3; i++) await h.update(`step ${i}`);", {
    onOutput: (o, id) => {
      outputs.push(o);
      displayId = id;
    },
    onUpdateDisplay: (_id, o) => updates.push(o),
  });
  assert.equal(displayId, 'progress');
  assert.deepEqual(outputs.map(textOf), ['step 0']);
  assert.deepEqual(updates.map(textOf), ['step 1', 'step 2', 'step 3']);
});

test('1,000 cells run in one kernel without growing its memory', async () => {
  const client = newClient();
  const runBatch = async (n: number) => {
    for (let i = 0; i < n; i++) await client.execute('m', `const v${i % 10} = [${i}, ${i + 1}];\nv${i % 10}[0] + 1`, { onOutput: () => undefined });
  };
  await runBatch(100); // warm up: code caches, the engine, the first source maps
  const before = await client.memory();
  await runBatch(1000);
  await run(client, 'globalThis.gc?.()');
  const afterRun = await client.memory();
  const growthMb = (afterRun.heapUsed - before.heapUsed) / 1e6;
  assert.ok(growthMb < 20, `heap grew ${growthMb.toFixed(1)} MB over 1,000 cells`);
});

test('a new kernel starts from the code cache the first one wrote after its first cell; a damaged cache is replaced, not trusted; another copy of the kernel gets its own; a shared folder is not used', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-code-cache-test-'));
  // Read by kernelBoot.ts in each kernel process this test starts (KernelClient passes its env on).
  process.env.INITLAB_CODE_CACHE_DIR = dir;
  const cacheFile = async (what: string, accept: (size: number) => boolean) => {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const name = fs.readdirSync(dir).find((f) => f.endsWith('.bin'));
      if (name && accept(fs.statSync(path.join(dir, name)).size)) return path.join(dir, name);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${what} in ${dir}: ${fs.readdirSync(dir).join(', ')}`);
  };
  try {
    assert.equal((await run(newClient(), '1 + 1')).text, '2');
    const cache = await cacheFile('code cache after the first cell', (size) => size > 1_000_000);
    // A cache V8 accepts is kept; a rejected one (V8 rejects a cache made under other V8 flags,
    // and relaxedSimd.ts sets one) would be written anew when the first cell is done.
    const { ino } = fs.statSync(cache);
    const second = newClient();
    assert.equal((await run(second, 'const a: number = 2;\na * 21')).text, '42', 'a kernel started from the cache runs cells');
    const secondPid = second.pid!;
    second.dispose();
    await waitForExit(secondPid, 5000);
    assert.equal(fs.statSync(cache).ino, ino, 'the second kernel used the cache, and did not write another');
    fs.writeFileSync(cache, 'not a code cache');
    assert.equal((await run(newClient(), 'Math.max(3, 4)')).text, '4', 'a damaged cache is ignored');
    assert.equal(await cacheFile('replaced cache', (size) => size > 1_000_000), cache);
    // The same kernel installed at another path keeps the kernel's frames out of stack traces:
    // a cache restores functions with the path they were compiled at, so each path has its own.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-kernel-copy-'));
    for (const file of ['kernel.js', 'kernelMain.js']) fs.copyFileSync(path.join(path.dirname(entry), file), path.join(elsewhere, file));
    const throwing = 'function f() {\n  throw new TypeError("bad");\n}\nf();';
    for (let round = 0; round < 2; round++) {
      const { outputs } = await run(newClient({ entry: path.join(elsewhere, 'kernel.js') }), throwing);
      const error = outputs.find((o) => o.output_type === 'error');
      assert.deepEqual(error?.output_type === 'error' && error.traceback, ['TypeError: bad', '    at f (Cell [1]:2:9)', '    at Cell [1]:4:1'], `round ${round + 1}`);
    }
    fs.rmSync(elsewhere, { recursive: true, force: true });
    // A cache folder others can write to is not trusted with compiled code: not read, not written.
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name));
    fs.chmodSync(dir, 0o777);
    const client = newClient();
    assert.equal((await run(client, '6 * 7')).text, '42');
    assert.equal((await run(client, '1')).text, '1', 'a second cell, after the moment a cache would be written');
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    delete process.env.INITLAB_CODE_CACHE_DIR;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Whether a process still exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (alive(pid)) {
    if (Date.now() - started > timeoutMs) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

test('dispose lets an idle kernel finish its code cache and exit; a busy one is killed at once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-code-cache-test-'));
  process.env.INITLAB_CODE_CACHE_DIR = dir;
  try {
    // As `initlab run` on a one-cell notebook: run it, then dispose as soon as it answered.
    const once = newClient();
    assert.equal((await run(once, '1 + 1')).text, '2');
    const pid = once.pid!;
    once.dispose();
    await waitForExit(pid, 5000);
    const names = fs.readdirSync(dir);
    assert.deepEqual(names.filter((n) => !n.endsWith('.bin')), [], 'no half-written cache');
    assert.equal(names.filter((n) => n.endsWith('.bin')).length, 1, 'the code cache the first cell made was written before the kernel left');
  } finally {
    delete process.env.INITLAB_CODE_CACHE_DIR;
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const busy = newClient();
  await busy.start();
  const looping = busy.execute('loop', 'while (true) {}', { onOutput: () => undefined });
  await new Promise((r) => setTimeout(r, 200));
  const pid = busy.pid!;
  busy.dispose();
  assert.deepEqual(await looping, { status: 'cancelled' });
  assert.ok((await waitForExit(pid, 2000)) < 1000, 'a busy kernel does not get the idle one’s grace');
});

test('a question the kernel cannot answer because it died rejects with an error instead of waiting forever', async () => {
  const client = newClient();
  await client.start();
  // A busy kernel answers questions between cells: this one never gets there.
  const looping = client.execute('loop', 'while (true) {}', { onOutput: () => undefined });
  await new Promise((r) => setTimeout(r, 200));
  const memory = client.memory();
  const info = client.engineInfo();
  process.kill(client.pid!, 'SIGKILL');
  await assert.rejects(memory, /exited before it answered/);
  await assert.rejects(info, /exited before it answered/);
  const result = await looping;
  assert.equal(result.status === 'error' && result.kernelDied, true);
});

test('a variable comes back as plain data (how Compare reads its verdict); what is not data comes back undefined', async () => {
  const client = newClient();
  assert.equal(await client.readValue('anything'), undefined, 'no kernel: nothing is defined');
  await run(client, "const summary = { text: 'Healthy at every layer: Kaiming.\\n✓ Kaiming', schemes: [{ label: 'Kaiming', healthy: true, std: NaN }] };\nconst f = () => 1;");
  assert.deepEqual(await client.readValue('summary'), { text: 'Healthy at every layer: Kaiming.\n✓ Kaiming', schemes: [{ label: 'Kaiming', healthy: true, std: null }] });
  assert.equal(await client.readValue('f'), undefined);
  assert.equal(await client.readValue('notDefined'), undefined);
});
