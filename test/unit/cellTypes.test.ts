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

const CELL = '^/vscode-notebook-cell/ts-nul-authority/work/lessons/lesson-a.initnb#W0sZmlsZQ==';
const DECLARATIONS = ['cellGlobals.d.ts', 'cellModule.d.ts'].map((f) => path.join(repoRoot, 'dist/cell-types/cellTypes', f));

type PluginModule = {
  getExternalFiles(project: { getRootFiles(): string[] }): string[];
  create(info: { languageServiceHost: ts.LanguageServiceHost; languageService: ts.LanguageService }): ts.LanguageService;
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
 * A language service over one cell, named as VS Code names it, wrapped by the plugin as tsserver
 * wraps a project's, with VS Code's defaults for files outside any tsconfig.
 */
function cellService(source: string) {
  const cell = CELL;
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [cell],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => (name === cell ? ts.ScriptSnapshot.fromString(source) : fs.existsSync(name) ? ts.ScriptSnapshot.fromString(fs.readFileSync(name, 'utf8')) : undefined),
    // tsserver learns a cell's kind from VS Code, not from its name.
    getScriptKind: (name) => (name === cell ? ts.ScriptKind.TS : ts.ScriptKind.Unknown),
    getCurrentDirectory: () => '/work',
    // tsserver's inferred projects take files of any name (allowNonTsExtensions), as cells are named.
    getCompilationSettings: () => ({ target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10, strict: true, allowJs: true, allowNonTsExtensions: true, skipLibCheck: true, types: [] }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = plugin.create({ languageServiceHost: host, languageService: ts.createLanguageService(host) });
  return { service, cell };
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
