import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dataToNotebook,
  describeRepairs,
  isValidCellId,
  notebookToData,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  CellKind,
} from '../../../src/format/initnbFormat';
import type { Notebook } from '../../../src/shared/notebookFormat';
import { MimeTypes } from '../../../src/shared/mimeTypes';
import { fixturesDir } from '../support/paths';

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

test('a kernelspec the file has is kept; an absent language_info is filled with TypeScript; unknown metadata survives', () => {
  const parsed = JSON.parse(golden('jupyter-written.saved.initnb'));
  assert.deepEqual(parsed.metadata.kernelspec, { name: 'python3', display_name: 'Python 3', language: 'python' });
  assert.deepEqual(parsed.metadata.language_info, { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' });
  assert.deepEqual(parsed.metadata.custom_tool, { keep: [1, 2, { me: true }] });
  assert.deepEqual(parsed.cells[1].metadata.initlab, { note: 'kept' });
});

test('a notebook pointed at another TypeScript kernel keeps its kernelspec and language_info byte for byte, in the file and through VS Code', () => {
  const file = golden('own-kernelspec.initnb');
  assert.match(file, /"name": "tslab"/);
  assert.match(file, /"codemirror_mode": \{/);
  assert.match(file, /"version": "5\.4\.5"/);
  assert.equal(serializeNotebook(parseNotebook(file)), file);
  assert.equal(serializeNotebook(dataToNotebook(notebookToData(parseNotebook(file)))), file);
});

test('kernelspec and language_info defaults fill in only what is absent or not an object', () => {
  const metadataAfterSave = (metadata: Notebook['metadata']) => JSON.parse(serializeNotebook({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] })).metadata;
  const defaults = metadataAfterSave({});
  assert.deepEqual(defaults.kernelspec, { name: 'initlab-typescript', display_name: 'InitLab TypeScript', language: 'typescript' });
  assert.deepEqual(defaults.language_info, { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' });
  // The user's own name survives (it used to come back as "initlab-typescript").
  assert.deepEqual(metadataAfterSave({ kernelspec: { name: 'initlab', display_name: 'InitLab' } }).kernelspec, { name: 'initlab', display_name: 'InitLab' });
  // Not an object: replaced whole.
  for (const bad of [null, 'initlab', 3, ['initlab']]) {
    const saved = metadataAfterSave({ kernelspec: bad, language_info: bad });
    assert.deepEqual([saved.kernelspec, saved.language_info], [defaults.kernelspec, defaults.language_info], JSON.stringify(bad));
  }
  // An object missing a field nbformat requires gets only that field.
  assert.deepEqual(metadataAfterSave({ kernelspec: { name: 'deno' } }).kernelspec, { name: 'deno', display_name: 'InitLab TypeScript' });
  assert.deepEqual(metadataAfterSave({ language_info: { version: '5.4' } }).language_info, { name: 'typescript', version: '5.4' });
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

const notebookWithIds = (ids: unknown[]) =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: ids.map((id, i) => ({ cell_type: 'code', ...(id === undefined ? {} : { id }), metadata: {}, source: `x${i}`, outputs: [], execution_count: null })),
  });

test('invalid and repeated cell ids are repaired as nbformat normalizes them, and each repair is reported', () => {
  const tooLong = 'x'.repeat(65);
  const { notebook, repairs } = readNotebook(notebookWithIds(['intro', 'my cell!', 'intro', '', tooLong, 'x'.repeat(64), 'a-b_C9', 'intro', undefined]), 'n.initnb');
  const ids = notebook.cells.map((c) => c.id);
  // The first "intro" keeps its id; valid ids and a cell without one are untouched.
  assert.deepEqual([ids[0], ids[5], ids[6], ids[8]], ['intro', 'x'.repeat(64), 'a-b_C9', undefined]);
  for (const i of [1, 2, 3, 4, 7]) assert.match(ids[i]!, /^[0-9a-f]{8}$/, `cells[${i}] has a fresh id like nbformat's uuid4().hex[:8]`);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(
    repairs.map((r) => [r.cell, r.where]),
    [1, 2, 3, 4, 7].map((i) => [i, `cells[${i}].id`]),
  );
  assert.deepEqual(describeRepairs(repairs), [
    `cells[1].id: "my cell!" is not a valid cell id (nbformat 4.5 wants 1-64 letters, digits, "-" or "_"), so it is now "${ids[1]}"`,
    `cells[2].id: "intro" is already the id of cells[0], so it is now "${ids[2]}"`,
    `cells[3].id: "" is not a valid cell id (nbformat 4.5 wants 1-64 letters, digits, "-" or "_"), so it is now "${ids[3]}"`,
    `cells[4].id: "${tooLong}" is not a valid cell id (nbformat 4.5 wants 1-64 letters, digits, "-" or "_"), so it is now "${ids[4]}"`,
    `cells[7].id: "intro" is already the id of cells[0], so it is now "${ids[7]}"`,
  ]);
  // Saving writes the repaired ids, and the saved file reads back with nothing to repair.
  const saved = serializeNotebook(notebook);
  assert.deepEqual(JSON.parse(saved).cells.map((c: { id: string }) => c.id).slice(0, 8), ids.slice(0, 8));
  assert.deepEqual(readNotebook(saved).repairs, []);
});

test('a notebook with valid, unique ids is read with no repairs; a non-string id is still refused', () => {
  assert.deepEqual(readNotebook(golden('own-kernelspec.initnb')).repairs, []);
  assert.deepEqual(readNotebook(golden('jupyter-written.initnb')).repairs, [], 'cells without ids (nbformat 4.4) are not repairs');
  assert.throws(() => readNotebook(notebookWithIds([7])), /cells\[0\]\.id: expected a string, got the number 7/);
});

test('the writer never writes an invalid or repeated id, even from cells the editor hands it', () => {
  const nb = dataToNotebook({
    cells: ['ok', 'ok', 'bad id', 42].map((id, i) => ({ kind: CellKind.Code, value: `v${i}`, languageId: 'typescript', metadata: { id: id as string } })),
  });
  const ids = JSON.parse(serializeNotebook(nb)).cells.map((c: { id: string }) => c.id);
  assert.equal(ids[0], 'ok');
  assert.ok(ids.every(isValidCellId), ids.join());
  assert.equal(new Set(ids).size, 4);
  assert.deepEqual(JSON.parse(serializeNotebook(nb)).cells.map((c: { id: string }) => c.id), ids, 'stable from save to save');
});
