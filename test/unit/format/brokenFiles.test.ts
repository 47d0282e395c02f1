import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_JSON_DEPTH, NotebookFormatError, parseNotebook, serializeNotebook } from '../../../src/format/initnbFormat';
import { fixturesDir } from '../support/paths';

const brokenDir = path.join(fixturesDir, 'broken');
const expected: Record<string, string> = JSON.parse(fs.readFileSync(path.join(brokenDir, 'expected-errors.json'), 'utf8'));

test('the broken-file corpus holds at least 20 files, each with an expected error', () => {
  const files = fs.readdirSync(brokenDir).filter((f) => f.endsWith('.initnb'));
  assert.ok(files.length >= 20, `only ${files.length} broken files`);
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const [file, message] of Object.entries(expected)) {
  test(`broken file ${file} is refused with: ${message}`, () => {
    // The bytes, as VS Code and the CLI read them: decoding them first would hide bad UTF-8.
    const bytes = fs.readFileSync(path.join(brokenDir, file));
    assert.throws(
      () => parseNotebook(bytes, file),
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

const notebookWith = (cellSource: string) =>
  `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ${cellSource}}]}`;
const bytesOf = (text: string) => new TextEncoder().encode(text);

test('invalid UTF-8 is refused with the offset of the first bad byte, whatever kind of bad byte it is', () => {
  const before = bytesOf('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", "metadata": {}, "source": "é ok ');
  const after = bytesOf(' end"}]}');
  const cases: [string, number[]][] = [
    ['a stray continuation byte', [0x80]],
    ['a lead byte cut short', [0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a byte past U+10FFFF', [0xf5, 0x80, 0x80, 0x80]],
  ];
  for (const [what, bad] of cases) {
    const bytes = new Uint8Array([...before, ...bad, ...after]);
    assert.throws(
      () => parseNotebook(bytes, 'n.initnb'),
      (err: Error) => {
        assert.ok(err instanceof NotebookFormatError, what);
        const hex = bad[0].toString(16).toUpperCase();
        assert.ok(
          err.message.startsWith(`n.initnb: byte ${before.length} (line 1, column ${before.length}): the file is not valid UTF-8: the byte 0x${hex} right after ‘`),
          `${what}: ${err.message}`,
        );
        assert.match(err.message, /é ok ’ does not begin a valid UTF-8 character/, what);
        return true;
      },
    );
  }
});

test('a U+FFFD the file really holds, a byte-order mark and multi-byte text are read, and a bad byte after them is still found', () => {
  const good = notebookWith('"\uFFFD is a character here, and so are é, 中 and 😀"');
  assert.equal(parseNotebook(new Uint8Array([0xef, 0xbb, 0xbf, ...bytesOf(good)])).cells.length, 1);
  const withBad = bytesOf(notebookWith('"\uFFFD 中 😀 X"'));
  const at = withBad.indexOf(0x58); // the X
  withBad[at] = 0xff;
  assert.throws(
    () => parseNotebook(withBad),
    (err: Error) => err.message.startsWith(`byte ${at} (line 1, column `) && err.message.includes('the byte 0xFF right after ‘') && err.message.includes('\uFFFD 中 😀 ’'),
  );
});

test('nesting past the limit is refused with a message, never a stack overflow, at any depth', () => {
  for (const depth of [MAX_JSON_DEPTH + 1, 100_000, 1_000_000]) {
    const whole = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}, "cells": []}`;
    // Whole (valid JSON) and cut short after the openers (the syntax-error path).
    for (const text of [whole, whole.slice(0, whole.indexOf(']'))]) {
      assert.throws(
        () => parseNotebook(text),
        (err: Error) => {
          assert.ok(err instanceof NotebookFormatError, `depth ${depth}: ${err.message}`);
          assert.match(err.message, /^line 1, column \d+: the JSON nests lists and objects more than 512 levels deep/);
          return true;
        },
      );
    }
  }
  // Brackets inside strings, after escaped quotes too, are text, not nesting.
  assert.equal(parseNotebook(notebookWith(JSON.stringify('\\"[{'.repeat(10_000)))).cells.length, 1);
});

test('nesting up to the limit is read and written back; deeper output is refused on save, not written unreadable', () => {
  // The notebook object is level 1 and metadata level 2, so the lists fill the remaining levels.
  const lists = MAX_JSON_DEPTH - 2;
  const text = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": ${'['.repeat(lists)}${']'.repeat(lists)}}, "cells": []}`;
  const notebook = parseNotebook(text);
  assert.equal(parseNotebook(serializeNotebook(notebook)).nbformat, 4);
  assert.throws(() => parseNotebook(text.replace('[', '[[').replace(']', ']]')), /more than 512 levels deep/);
  let deeper: unknown = [];
  for (let i = 0; i < lists; i++) deeper = [deeper];
  assert.throws(() => serializeNotebook({ ...notebook, metadata: { x: deeper as [] } }), /Cannot write JSON nested more than 512 levels deep/);
});
