import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotebookFormatError, parseNotebook } from '../../../../src/kernel/format/initnbFormat';
import { fixturesDir } from '../../support/paths';

const brokenDir = path.join(fixturesDir, 'broken');
const expected: Record<string, string> = JSON.parse(fs.readFileSync(path.join(brokenDir, 'expected-errors.json'), 'utf8'));

test('the broken-file corpus holds at least 20 files, each with an expected error', () => {
  const files = fs.readdirSync(brokenDir).filter((f) => f.endsWith('.initnb'));
  assert.ok(files.length >= 20, `only ${files.length} broken files`);
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const [file, message] of Object.entries(expected)) {
  test(`broken file ${file} is refused with: ${message}`, () => {
    const text = fs.readFileSync(path.join(brokenDir, file), 'utf8');
    assert.throws(
      () => parseNotebook(text, file),
      (err: unknown) => {
        assert.ok(err instanceof NotebookFormatError, `not a NotebookFormatError: ${String(err)}`);
        assert.ok(err.message.startsWith(`${file}: `), `the message names the file: ${err.message}`);
        assert.ok(err.message.includes(message), `expected "${message}" in "${err.message}"`);
        return true;
      },
    );
  });
}

test('invalid JSON is located by line and column', () => {
  assert.throws(() => parseNotebook('{\n "nbformat": 4,\n "cells": [,]\n}'), /at line 3, column \d+/);
});

test('a 50 MB file cut short is refused quickly with a clear error', () => {
  const bigOutput = 'x'.repeat(1024 * 1024);
  const cells = Array.from({ length: 50 }, (_, i) => ({
    cell_type: 'code',
    id: `c${i}`,
    source: 'print()',
    metadata: {},
    execution_count: i,
    outputs: [{ output_type: 'stream', name: 'stdout', text: bigOutput }],
  }));
  const whole = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
  assert.ok(whole.length > 50e6);
  const started = Date.now();
  assert.throws(() => parseNotebook(whole.slice(0, whole.length - 10)), /invalid JSON: .*cut short|invalid JSON/);
  assert.ok(Date.now() - started < 5000);
  // The same notebook whole is readable: size alone is not an error.
  assert.equal(parseNotebook(whole).cells.length, 50);
});
