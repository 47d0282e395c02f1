/**
 * Types for `.initnb` cells: the TypeScript server plugin the build writes (what VS Code's
 * tsserver loads) adds the cells' global declarations to projects holding `.initnb` cells, and
 * with them a cell that uses the toolkit type-checks, completes and hovers with real types.
 * Driven with TypeScript's own language service, as tsserver drives it.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { repoRoot } from './support/paths';
import type { Notebook } from '../../src/shared/notebookFormat';
import { joinLines, parseNotebook } from '../../src/format/initnbFormat';
import { compareNotebook, compareOnModelCells } from '../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS, type SchemeId } from '../../src/host/compare/compareOptions';
import { TsServerSession, untitledCellName, VS_CODE_INFERRED_PROTOCOL_OPTIONS } from './support/tsserverSession';
import { tempDir } from './support/tempDirs';

const CELL = '^/vscode-notebook-cell/ts-nul-authority/work/lessons/lesson-a.initnb#W0sZmlsZQ==';
const DECLARATIONS = [path.join(repoRoot, 'dist/cell-types/initlab-cells.d.ts')];

type PluginModule = {
  getExternalFiles(project: { getRootFiles(): string[] }): string[];
  create(info: { languageServiceHost: ts.LanguageServiceHost; languageService: ts.LanguageService; project: unknown }): ts.LanguageService;
};
let plugin: PluginModule;

before(() => {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { stdio: 'ignore' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(path.join(repoRoot, 'node_modules/initlab-cell-types/index.js')) as (modules: { typescript: typeof ts }) => PluginModule;
  plugin = factory({ typescript: ts });
});

test('the plugin adds the cell globals to projects with an .initnb cell, and only to those', () => {
  assert.deepEqual(plugin.getExternalFiles({ getRootFiles: () => ['/work/src/a.ts', CELL] }), DECLARATIONS);
  for (const file of DECLARATIONS) assert.ok(fs.existsSync(file), `${file} is built`);
  assert.deepEqual(plugin.getExternalFiles({ getRootFiles: () => ['/work/src/a.ts', '^/vscode-notebook-cell/ts-nul-authority/work/other.ipynb#W0s='] }), []);
});

/**
 * The options VS Code 1.100 gives tsserver for files outside any tsconfig, as the tsserver
 * tests send them, converted by TypeScript itself: strictNullChecks without noImplicitAny, so
 * `const a = []` is a never[] there, an error a `strict: true` check would not show.
 * `types: []` keeps this repository's own @types out, as a user's folder would.
 */
const VS_CODE_INFERRED_OPTIONS: ts.CompilerOptions = (() => {
  // allowNonTsExtensions is tsserver's, not a tsconfig option the converter knows.
  const { allowNonTsExtensions, ...tsconfigOptions } = VS_CODE_INFERRED_PROTOCOL_OPTIONS;
  const { options, errors } = ts.convertCompilerOptionsFromJson(tsconfigOptions, '/');
  assert.deepEqual(errors, []);
  return { ...options, allowNonTsExtensions, types: [] };
})();

/**
 * A language service over one cell, named as VS Code names it, wrapped by the plugin as tsserver
 * wraps a project's, with VS Code's defaults for files outside any tsconfig.
 */
function cellService(source: string) {
  const { service, cells } = notebookService([source]);
  return { service, cell: cells[0] };
}

/**
 * The cells of one notebook in one project, as tsserver puts a saved notebook's cells: each a
 * script, so what one cell declares the next one sees.
 */
function notebookService(sources: string[]) {
  const cells = sources.map((_, i) => (i === 0 ? CELL : CELL.replace('#W0s', `#W${i}s`)));
  const sourceOf = new Map(cells.map((cell, i) => [cell, sources[i]]));
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => cells,
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const source = sourceOf.get(name);
      if (source !== undefined) return ts.ScriptSnapshot.fromString(source);
      return fs.existsSync(name) ? ts.ScriptSnapshot.fromString(fs.readFileSync(name, 'utf8')) : undefined;
    },
    // tsserver learns a cell's kind from VS Code, not from its name.
    getScriptKind: (name) => (sourceOf.has(name) ? ts.ScriptKind.TS : ts.ScriptKind.Unknown),
    getCurrentDirectory: () => '/work',
    // tsserver's inferred projects take files of any name (allowNonTsExtensions), as cells are named.
    getCompilationSettings: () => VS_CODE_INFERRED_OPTIONS,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  // All the cells are this project's own: no other open cells for the plugin to add.
  const project = { projectService: { openFiles: new Map(), getScriptInfoForPath: () => undefined } };
  const service = plugin.create({ languageServiceHost: host, languageService: ts.createLanguageService(host), project });
  return { service, cells };
}

/** Each cell's errors, as `cell <n>, line <l>: <message>`. */
function notebookErrors(sources: string[], ignoredCodes: readonly number[] = []): string[] {
  const { service, cells } = notebookService(sources);
  return cells.flatMap((cell, index) =>
    [...service.getSyntacticDiagnostics(cell), ...service.getSemanticDiagnostics(cell)].filter((d) => !ignoredCodes.includes(d.code)).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `cell ${index + 1}, line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
}

const SAMPLE = `const x = tf.randomNormal([256, 784]);
const model = nn.mlp([784, 100, 10], { activation: 'relu', init: 'kaimingNormal', seed: 0 });
const report = probe(model, { label: 'Kaiming' }).step(x, tf.zeros([256, 10]));
const w = init.kaimingNormal([784, 100], { mode: 'fan_in', nonlinearity: 'relu' });
const std: number = w.sub(w.mean()).square().mean().sqrt().dataSync()[0];
display(charts.layerStats(report));
console.log(engineInfo().backend, std, verdict(compareReports([report])).text);
`;

test('a cell using the toolkit type-checks against the real declarations', () => {
  const { service, cell } = cellService(SAMPLE);
  const errors = [...service.getSyntacticDiagnostics(cell), ...service.getSemanticDiagnostics(cell)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(errors, []);
  // And a mistake is caught: the types are real, not any.
  const wrong = cellService(`const w = init.kaimingNormal('784x100');`);
  assert.ok(wrong.service.getSemanticDiagnostics(wrong.cell).length > 0, 'a wrong argument is an error');
});

test("import ... from 'initlab' is typed with the same names", () => {
  const { service, cell } = cellService(`import { init, probe, tf } from 'initlab';\nconst w = init.xavierUniform([3, 4]);\nconst p = probe;\nw.add(tf.ones([3, 4]));`);
  assert.deepEqual(service.getSemanticDiagnostics(cell).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
  const wrong = cellService(`import { display } from 'initlab';`);
  assert.match(ts.flattenDiagnosticMessageText(wrong.service.getSemanticDiagnostics(wrong.cell)[0]?.messageText ?? '', '\n'), /has no exported member 'display'/, 'display is a global, not an export');
});

test('completions and hovers know the prelude names', () => {
  const source = `init.kai\ntf.rand\nconst report = probe`;
  const { service, cell } = cellService(source);
  const names = (offset: number) => (service.getCompletionsAtPosition(cell, offset, {})?.entries ?? []).map((e) => e.name);
  const initNames = names(source.indexOf('kai'));
  for (const name of ['kaimingNormal', 'kaimingUniform', 'xavierNormal', 'truncNormal', 'orthogonal', 'lsuv', 'calculateGain']) assert.ok(initNames.includes(name), `init.${name} completes`);
  assert.ok(names(source.indexOf('rand')).includes('randomNormal'), 'tf.randomNormal completes');
  const hover = service.getQuickInfoAtPosition(cell, source.indexOf('probe') + 1);
  const text = ts.displayPartsToString(hover?.displayParts);
  assert.match(text, /probe/);
  assert.doesNotMatch(text, /\bany\b/, `a typed hover: ${text}`);
  console.log(`    hover on probe: ${text.split('\n')[0].slice(0, 160)}`);
});

test('types of tf, nn and init can be named in a cell, as in code that imports them', () => {
  const source = `const t: tf.Tensor2D = tf.zeros([2, 3]);\nconst m: nn.Model = nn.mlp([3, 1], { seed: 0 });\nconst f: init.Fans = init.calculateFanInAndFanOut([3, 4]);\nconst r: ProbeReport = probe(m).step(t, tf.zeros([2, 1]));\nconsole.log(f.fanIn, r.layers.length);`;
  assert.deepEqual(notebookErrors([source]), []);
  assert.ok(notebookErrors(['const t: tf.Tensor1D = tf.zeros([2, 3]);']).length > 0, 'a 2-D tensor is not a Tensor1D: the types are checked');
});

test('every initializer type-checks in both forms, torch keyword options and positional, and a misspelt option is an error', () => {
  const source = [
    'const s = [30, 20];',
    'const a = [init.uniform(s, { a: -1, b: 1, seed: 0 }), init.uniform(s, -1, 1, { seed: 0 }), init.uniform(s)];',
    'const b = [init.normal(s, { mean: 0, std: 0.1 }), init.normal(s, 0, 0.1, { seed: 1 }), init.normal(tf.zeros([2, 2]))];',
    'const c = [init.truncNormal(s, { mean: 0, std: 0.02, a: -0.04, b: 0.04 }), init.truncNormal(s, 0, 0.02, -0.04, 0.04, { seed: 2 })];',
    'const d = [init.constant(s, { val: 0.1 }), init.constant(s, 0.1), init.ones(s), init.zeros(s), init.eye(s)];',
    'const e = [init.xavierNormal(s, { gain: 2, seed: 0 }), init.xavierNormal(s, 2, { seed: 0 }), init.xavierUniform(s, { gain: init.calculateGain("tanh") }), init.xavierUniform(s, 1)];',
    "const f = [init.kaimingNormal(s, { a: 0, mode: 'fan_out', nonlinearity: 'relu', seed: 0 }), init.kaimingUniform(s), init.lecunNormal(s, { seed: 0 }), init.lecunUniform(s)];",
    'const g = [init.orthogonal([3, 3, 4, 8], { gain: 2, seed: 0 }), init.orthogonal(s, 2, { seed: 0 }), init.dirac([3, 4, 4], { groups: 2 }), init.dirac([3, 4, 4], 2)];',
    'const h = [init.sparse(s, { sparsity: 0.9, std: 0.01, seed: 0 }), init.sparse(s, 0.9), init.sparse(s, 0.9, 0.01, { seed: 0 })];',
    'console.log(a, b, c, d, e, f, g, h);',
  ].join('\n');
  assert.deepEqual(notebookErrors([source]), []);
  for (const wrong of ['init.xavierNormal([3, 4], { gian: 2 });', "init.xavierNormal([3, 4], { gain: '2' });", 'init.normal([3, 4], 0, { std: 2 });', 'init.sparse([3, 4], { std: 0.1 });', 'init.constant([3], { value: 1 });']) {
    assert.ok(notebookErrors([wrong]).length > 0, `${wrong} is a type error`);
  }
});

test('the cells Compare initializations writes type-check, for a new network and on a notebook’s own model', () => {
  const sources = (notebook: Notebook) => notebook.cells.filter((c) => c.cell_type === 'code').map((c) => joinLines(c.source));
  for (const data of ['mnist', 'synthetic'] as const) {
    const options = { ...DEFAULT_COMPARE_OPTIONS, data, schemes: [...DEFAULT_COMPARE_OPTIONS.schemes, 'lsuv', 'std:0.05'] as SchemeId[] };
    assert.deepEqual(notebookErrors(sources(compareNotebook(options))), [], `compare on ${data}`);
  }
  const model = { ...DEFAULT_COMPARE_OPTIONS, model: 'net', description: '784 → 100 → 10, relu' };
  const onModel = compareOnModelCells(model, 'a').filter((c) => c.cell_type === 'code').map((c) => joinLines(c.source));
  assert.deepEqual(notebookErrors([`const net = nn.mlp([784, 100, 10], { seed: 0 });`, ...onModel]), []);
  const cnn = `const net = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 10 })] });`;
  assert.deepEqual(notebookErrors([cnn, ...onModel]), [], 'on a tf.layers model');
});

const TOP_LEVEL_AWAIT_IN_SCRIPT = 1375;

test('every lesson notebook type-checks against the cell declarations, as its completions and hovers need', () => {
  const dir = path.join(repoRoot, 'dist/lessons');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.initnb'));
  assert.equal(files.length, 10);
  for (const file of files) {
    const notebook = parseNotebook(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    // Lesson C awaits model.fit at a cell's top level, as the kernel allows (checked with the
    // kernel's view of cells in test/unit/typeCheck). VS Code's TypeScript service sees each cell
    // as a script and reports 1375 ("'await' ... only allowed at the top level of a file when
    // that file is a module"): a semantic diagnostic, which VS Code does not show for notebook
    // cells, and one that changes no type (the hover still gives the awaited type).
    const errors = notebookErrors(
      notebook.cells.filter((c) => c.cell_type === 'code').map((c) => joinLines(c.source)),
      [TOP_LEVEL_AWAIT_IN_SCRIPT],
    );
    assert.deepEqual(errors, [], file);
  }
});

// VS Code drops semantic diagnostics for notebook cells (only syntax errors are underlined), so
// the type checks below stand for what users do see: completions and hovers, exact only when
// the cells type-check.
test('in a real tsserver, the cells of an untitled notebook see one another, and only their own notebook', async () => {
  const session = new TsServerSession(tempDir('tsserver'));
  try {
    await session.configure();
    const lesson = ['const x = tf.zeros([4, 784]);', 'const model: nn.Model = nn.mlp([784, 10, 1], { seed: 0 });', 'probe(model).step(x, tf.zeros([4, 1])).layers.length'];
    const other = ['const y = notDeclaredAnywhere + 1;'];
    await session.open([
      ...lesson.map((content, i) => ({ file: untitledCellName('Untitled-1.initnb', i), content })),
      ...other.map((content, i) => ({ file: untitledCellName('Untitled-2.initnb', i), content })),
    ]);
    for (let i = 0; i < lesson.length; i++) assert.deepEqual(await session.errors(untitledCellName('Untitled-1.initnb', i)), [], `cell ${i + 1}`);
    // What a user sees of it: `x.` in a later cell completes the tensor's members.
    await session.open([{ file: untitledCellName('Untitled-1.initnb', 3), content: 'x.' }]);
    const members = await session.completions(untitledCellName('Untitled-1.initnb', 3), 1, 3);
    for (const name of ['shape', 'dtype', 'dataSync']) assert.ok(members.includes(name), `x.${name} completes in a later cell (got ${members.slice(0, 8).join(', ')})`);
    assert.deepEqual(await session.errors(untitledCellName('Untitled-2.initnb', 0)), ["line 1: Cannot find name 'notDeclaredAnywhere'."]);
    // The comparison notebook, as Compare initializations opens it: untitled, every cell clean.
    const compare = compareNotebook(DEFAULT_COMPARE_OPTIONS).cells.filter((c) => c.cell_type === 'code').map((c) => joinLines(c.source));
    await session.open(compare.map((content, i) => ({ file: untitledCellName('Untitled-3.initnb', i), content })));
    for (let i = 0; i < compare.length; i++) assert.deepEqual(await session.errors(untitledCellName('Untitled-3.initnb', i)), [], `comparison cell ${i + 1}`);
  } finally {
    session.dispose();
  }
});
