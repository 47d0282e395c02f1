import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dataToNotebook,
  notebookToData,
  parseNotebook,
  serializeNotebook,
  CellKind,
} from '../../../../src/kernel/format/initnbFormat';
import { MimeTypes } from '../../../../src/common/mimeTypes';
import { fixturesDir } from '../../support/paths';

const golden = (name: string) => fs.readFileSync(path.join(fixturesDir, 'golden', name), 'utf8');

test('a Jupyter-written notebook is saved as the golden file, byte for byte', () => {
  const saved = serializeNotebook(parseNotebook(golden('jupyter-written.initnb')));
  assert.equal(saved, golden('jupyter-written.saved.initnb'));
});

test('a file InitLab wrote is byte-identical after open and save', () => {
  const written = golden('jupyter-written.saved.initnb');
  assert.equal(serializeNotebook(parseNotebook(written)), written);
});

test('the VS Code mapping round-trips a file InitLab wrote without changing a byte', () => {
  const written = golden('jupyter-written.saved.initnb');
  const data = notebookToData(parseNotebook(written));
  assert.equal(serializeNotebook(dataToNotebook(data)), written);
});

test('written files are deterministic: sorted keys, one-space indent, \\n and a trailing newline', () => {
  const written = golden('jupyter-written.saved.initnb');
  assert.ok(written.endsWith('}\n'));
  assert.ok(!written.includes('\r'));
  assert.match(written, /^\{\n "cells": \[/);
  const parsed = JSON.parse(written);
  assert.deepEqual(Object.keys(parsed), ['cells', 'metadata', 'nbformat', 'nbformat_minor']);
  assert.equal(parsed.nbformat_minor, 5, 'written as nbformat 4.5, which has cell ids');
});

test('kernelspec and language_info say TypeScript; unknown metadata survives', () => {
  const parsed = JSON.parse(golden('jupyter-written.saved.initnb'));
  assert.equal(parsed.metadata.kernelspec.language, 'typescript');
  assert.equal(parsed.metadata.language_info.name, 'typescript');
  assert.deepEqual(parsed.metadata.custom_tool, { keep: [1, 2, { me: true }] });
  assert.deepEqual(parsed.cells[1].metadata.initlab, { note: 'kept' });
});

test('every cell gets a unique id, stable from save to save', () => {
  const nb = parseNotebook(golden('jupyter-written.initnb'));
  const ids = JSON.parse(serializeNotebook(nb)).cells.map((c: { id: string }) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(JSON.parse(serializeNotebook(nb)).cells.map((c: { id: string }) => c.id), ids);
  // Two identical cells still get different ids.
  const twins = serializeNotebook({ ...nb, cells: [nb.cells[4], nb.cells[4]].map(({ id: _id, ...c }) => c) as typeof nb.cells });
  const twinIds = JSON.parse(twins).cells.map((c: { id: string }) => c.id);
  assert.notEqual(twinIds[0], twinIds[1]);
});

test('cells map to VS Code cells with kinds, languages, outputs and execution order', () => {
  const data = notebookToData(parseNotebook(golden('jupyter-written.saved.initnb')));
  assert.deepEqual(
    data.cells.map((c) => [c.kind, c.languageId]),
    [
      [CellKind.Markup, 'markdown'],
      [CellKind.Code, 'typescript'],
      [CellKind.Code, 'typescript'],
      [CellKind.Code, 'typescript'],
      [CellKind.Code, 'typescript'],
      [CellKind.Code, 'raw'],
    ],
  );
  const code = data.cells[1];
  assert.equal(code.executionSummary?.executionOrder, 1);
  assert.equal(code.value, "const w = init.kaimingNormal([784, 100]);\nconsole.log('std', w.std)\nw.shape");
  const [stdout, stderr, result] = code.outputs!;
  assert.equal(stdout.items[0].mime, MimeTypes.stdout);
  assert.equal(new TextDecoder().decode(stdout.items[0].data), 'std 0.0505\n');
  assert.equal(stderr.items[0].mime, MimeTypes.stderr);
  assert.deepEqual(result.items.map((i) => i.mime), ['application/json', 'text/plain']);

  const chart = data.cells[2].outputs![0];
  assert.equal(chart.items[0].mime, MimeTypes.vegaLite, 'the chart is the preferred representation');
  const png = chart.items.find((i) => i.mime === 'image/png')!;
  assert.deepEqual([...png.data.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG bytes are decoded from base64');

  const error = JSON.parse(new TextDecoder().decode(data.cells[3].outputs![0].items[0].data));
  assert.deepEqual(error, { name: 'Error', message: 'boom', stack: 'Error: boom\n    at <cell 3>:1:7' });
  assert.equal(data.cells[4].executionSummary, undefined);
});

test('an output holding stdout and stderr items is written as two stream outputs', () => {
  const enc = new TextEncoder();
  const nb = dataToNotebook({
    cells: [
      {
        kind: CellKind.Code,
        value: 'x',
        languageId: 'typescript',
        outputs: [
          { items: [{ mime: MimeTypes.stdout, data: enc.encode('a\n') }, { mime: MimeTypes.stdout, data: enc.encode('b\n') }, { mime: MimeTypes.stderr, data: enc.encode('c\n') }] },
        ],
      },
    ],
  });
  const cell = nb.cells[0];
  assert.equal(cell.cell_type, 'code');
  assert.deepEqual(cell.cell_type === 'code' && cell.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
    { output_type: 'stream', name: 'stderr', text: 'c\n' },
  ]);
});

test('an empty notebook from the editor writes a valid nbformat 4.5 file', () => {
  const text = serializeNotebook(dataToNotebook({ cells: [] }));
  const reread = parseNotebook(text);
  assert.equal(reread.nbformat, 4);
  assert.deepEqual(reread.cells, []);
});
