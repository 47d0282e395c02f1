// `initlab`'s main(): the exit codes its usage promises (0 ran, 1 a cell failed, 2 bad arguments
// or an unreadable file) and `run --timeout`, as a user meets them: the CLI bundled from
// src/cli/main.ts beside the test kernel (as dist/cli.js sits beside dist/kernel.js), run as its
// own process, whose exit code is what main() returned.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { executeNotebook } from '../../../src/cli/runNotebook';
import { parseNotebook } from '../../../src/format/initnbFormat';
import type { Notebook } from '../../../src/shared/notebookFormat';
import { kernelEntry } from '../support/kernelBuild';
import { repoRoot } from '../support/paths';
import { tempDir } from '../support/tempDirs';

let cli: string;
let dir: string;

before(async () => {
  const outdir = path.dirname(await kernelEntry());
  const { nodeBundleOptions } = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'bundleOptions.mjs')).href)) as { nodeBundleOptions: esbuild.BuildOptions };
  await esbuild.build({
    ...nodeBundleOptions,
    entryPoints: { cli: path.join(repoRoot, 'src/cli/main.ts') },
    outdir,
    logLevel: 'error',
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  cli = path.join(outdir, 'cli.js');
  dir = tempDir('cli-main');
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function initlab(...args: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Writes a notebook of code cells into the test's folder; its path. */
function notebook(name: string, sources: string[]): string {
  const cells = sources.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  return file;
}

test('exit 0: every cell ran; their output is printed and --out has the executed notebook', async () => {
  const file = notebook('ok.initnb', ["console.log('hello from a cell')", '20 + 1']);
  const run = await initlab('run', file, '--out', path.join(dir, 'ok.out.initnb'));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /--- cell 1 \[1\]\nhello from a cell\n--- cell 2 \[2\]\n21\n/);
  assert.match(run.stdout, /Wrote .*ok\.out\.initnb/);
  const written = parseNotebook(fs.readFileSync(path.join(dir, 'ok.out.initnb'), 'utf8'), 'ok.out.initnb');
  assert.deepEqual(
    written.cells.map((c) => c.cell_type === 'code' && c.execution_count),
    [1, 2],
  );
  assert.equal((await initlab('--help')).code, 0, '--help is an answer, not an error');
});

test('exit 1: a cell failed; its error is printed and the cells after it did not run', async () => {
  const file = notebook('fails.initnb', ['const a = 1;', "throw new RangeError('boom')", "console.log('never')"]);
  const run = await initlab('run', file);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /RangeError: boom/);
  assert.match(run.stderr, /Cell 2 failed; the cells after it did not run\./);
  assert.doesNotMatch(run.stdout, /never/);
});

test('exit 2: bad arguments, a missing file or one that is not a notebook, each said on stderr', async () => {
  const file = notebook('fine.initnb', ['1']);
  const broken = path.join(dir, 'broken.initnb');
  fs.writeFileSync(broken, '{"nbformat": 4, "cells": [');
  const cases: [string[], RegExp][] = [
    [[], /Usage:/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['run'], /Usage:/],
    [['run', file, 'second.initnb'], /Usage:/],
    [['run', file, '--bogus'], /Unknown option '--bogus'/],
    [['run', file, '--timeout', 'soon'], /--timeout takes a number of seconds above 0 and up to 2147483, not "soon"/],
    [['run', file, '--timeout', '0'], /--timeout takes a number of seconds/],
    // Node's timers hold at most 2^31 - 1 ms: a longer one would fire at once.
    [['run', file, '--timeout', 'Infinity'], /--timeout takes a number of seconds/],
    [['run', file, '--timeout', '1e9'], /--timeout takes a number of seconds/],
    [['run', path.join(dir, 'missing.initnb')], /ENOENT.*missing\.initnb/],
    [['run', broken], /broken\.initnb/],
    [['compare', '--depth', 'x'], /Depth must be a whole number/],
  ];
  for (const [args, message] of cases) {
    const run = await initlab(...args);
    const shown = `initlab ${args.join(' ')}`;
    assert.equal(run.code, 2, `${shown}: ${run.stderr}`);
    assert.match(run.code === 2 && args.length === 0 ? run.stdout : run.stderr, message, shown);
  }
});

test('--timeout interrupts a cell that loops forever, timed from its start: exit 1, the cells after it not run', async () => {
  const file = notebook('loops.initnb', ['const kept = 7;', 'while (true) {}', "console.log('after the loop')"]);
  const out = path.join(dir, 'loops.out.initnb');
  // 3 s: the first cell's time includes the engine's start, which a loaded machine may take a second or two for.
  const run = await initlab('run', file, '--timeout', '3', '--out', out);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /Cell 2 ran past 3 s: interrupting it\./);
  assert.match(run.stderr, /KeyboardInterrupt/);
  assert.match(run.stderr, /Cell 2 failed; the cells after it did not run\./);
  assert.doesNotMatch(run.stdout, /after the loop/);
  // The kernel's start, the 3 s and the stop (300 ms of safe stop, then SIGINT), with room for a loaded machine.
  assert.ok(run.ms < 60_000, `took ${run.ms} ms`);
  const written = parseNotebook(fs.readFileSync(out, 'utf8'), 'loops.out.initnb');
  const [first, loop, after] = written.cells;
  assert.ok(first.cell_type === 'code' && first.execution_count === 1);
  assert.ok(loop.cell_type === 'code' && loop.outputs.some((o) => o.output_type === 'error' && o.ename === 'KeyboardInterrupt'), JSON.stringify(loop));
  assert.ok(after.cell_type === 'code' && after.execution_count === null, 'the cell after the loop did not run');

  // A cell that ends in time is not interrupted.
  const quick = await initlab('run', notebook('quick.initnb', ['await new Promise((done) => setTimeout(done, 200));\n"done"']), '--timeout', '5');
  assert.equal(quick.code, 0, quick.stderr);
  assert.doesNotMatch(quick.stderr, /ran past/);
});

test('--timeout counts from the cell’s start: a kernel slow to start does not use up the first cell’s time', async () => {
  // The kernel, behind 4 s of start-up; the timeout is 3 s (the first cell also waits for the
  // engine's start, a second or two on a loaded machine). Timed from its queuing, the first
  // cell was interrupted before it started.
  const slowKernel = path.join(dir, 'slow-kernel.js');
  fs.writeFileSync(slowKernel, `const until = Date.now() + 4000;\nwhile (Date.now() < until);\nrequire(${JSON.stringify(await kernelEntry())});\n`);
  const cells: Notebook['cells'] = [{ cell_type: 'code', id: 'a', metadata: {}, source: '6 * 7', outputs: [], execution_count: null }];
  const stderr: string[] = [];
  const sink = (into: string[]) => ({ write: (chunk: string) => into.push(String(chunk)) }) as unknown as NodeJS.WritableStream;
  const summary = await executeNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, { cwd: dir, timeoutSeconds: 3, kernelEntry: slowKernel, stdout: sink([]), stderr: sink(stderr) });
  assert.equal(summary.ok, true, stderr.join(''));
  assert.doesNotMatch(stderr.join(''), /ran past/);
});
