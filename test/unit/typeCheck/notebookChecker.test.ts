/**
 * The cells' type check (src/typeCheck/): each cell checked against the toolkit's
 * declarations and what earlier cells declared, the way the kernel runs them, with no error in
 * what InitLab itself writes (lessons, comparisons) and the errors a user's mistake deserves.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../support/paths';
import { NotebookChecker } from '../../../src/typeCheck/notebookChecker';
import { joinLines, parseNotebook } from '../../../src/format/initnbFormat';
import { compareNotebook } from '../../../src/host/compare/compareNotebook';
import { DEFAULT_COMPARE_OPTIONS } from '../../../src/host/compare/compareOptions';

let checker: NotebookChecker;

before(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist/typescript-lib'))) execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { stdio: 'ignore' });
  checker = new NotebookChecker({ declarations: path.join(repoRoot, 'dist/cell-types/initlab-cells.d.ts'), libDir: path.join(repoRoot, 'dist/typescript-lib') });
});

/** Each cell's errors as `cell:line:column TScode`, 1-based as the editor shows them. */
function errors(cells: string[]): string[] {
  return checker.check(cells).flatMap((list, i) => list.map((e) => `${i + 1}:${e.start.line + 1}:${e.start.character + 1} TS${e.code}`));
}

test('a wrong-typed value and a wrong toolkit argument are errors at their ranges', () => {
  const [first, second] = checker.check(["const n: number = 'x';", "const w = init.kaimingNormal('784');"]);
  assert.deepEqual(first.map((e) => [e.code, e.message, e.start, e.end]), [[2322, "Type 'string' is not assignable to type 'number'.", { line: 0, character: 6 }, { line: 0, character: 7 }]]);
  assert.deepEqual(second.map((e) => [e.code, e.start, e.end]), [[2345, { line: 0, character: 29 }, { line: 0, character: 34 }]]);
  assert.match(second[0].message, /Argument of type 'string' is not assignable to parameter of type 'ShapeOrTensor'/);
});

test('later cells see what earlier cells declared: variables, functions, interfaces, imports', () => {
  const cells = [
    "let count = 0;\ninterface P { x: number }\nfunction twice(a: number) { return 2 * a; }\nimport { probe as p } from 'initlab';\nconst model = nn.mlp([4, 1], { seed: 0 });",
    'count = twice(count);\nconst q: P = { x: count };\np(model).step(tf.zeros([2, 4]), tf.zeros([2, 1]));',
  ];
  assert.deepEqual(errors(cells), []);
  // The same names, used with the wrong types.
  assert.deepEqual(errors([cells[0], "count = 'many';\nconst q: P = { x: 'one' };\ntwice('a');\nmodel.forward(3);"]), ['2:1:1 TS2322', '2:2:16 TS2322', '2:3:7 TS2345', '2:4:15 TS2345']);
});

test('a cell sees the latest earlier declaration, may re-declare a name, and never sees later cells', () => {
  assert.deepEqual(errors(['const a = 1;', "const a = 'text';", 'a.toUpperCase();']), []);
  assert.deepEqual(errors(['const a = 1;', 'a.toUpperCase();', "const a = 'text';"]), ['2:1:3 TS2339']);
  assert.deepEqual(errors(['later + 1;', 'const later = 1;']), ['1:1:1 TS2304']);
});

test('top-level await, Node globals and packages from the notebook’s folder are no errors', () => {
  assert.deepEqual(errors(["await Promise.resolve(1);\nprocess.exit(0);\nrequire('fs');\nimport * as lodash from 'lodash';\nconsole.log(lodash);"]), []);
});

test('an edit re-checks the edited cell and those below it, whose errors follow the edit', () => {
  assert.deepEqual(errors(['let rate = 0.1;', 'const label: string = rate;', "const ok: number = rate;"]), ['2:1:7 TS2322']);
  assert.deepEqual(errors(["let rate = 'fast';", 'const label: string = rate;', "const ok: number = rate;"]), ['3:1:7 TS2322']);
  assert.deepEqual(errors(["let rate = 'fast';", 'const label: string = rate;', 'const ok: number = 1;']), []);
});

test('a syntax error leaves the cell to VS Code’s own underline, and the next cells still check', () => {
  assert.deepEqual(errors(['function open() {', "const n: number = 'x';"]), ['2:1:7 TS2322']);
});

test('two notebooks’ checkers never mix up their cells', () => {
  // Both first cells are at their first version: a checker that named them alike got the other's text.
  const [one, two] = [0, 1].map(() => new NotebookChecker({ declarations: path.join(repoRoot, 'dist/cell-types/initlab-cells.d.ts'), libDir: path.join(repoRoot, 'dist/typescript-lib') }));
  const codes = (lists: { code: number }[][]) => lists.map((list) => list.map((e) => e.code));
  assert.deepEqual(codes(one.check(["const n: number = 'x';"])), [[2322]]);
  assert.deepEqual(codes(two.check(['const rate = 0.1;', 'const label: string = rate;'])), [[], [2322]]);
});

test('the lessons and the comparison notebook have no type errors', () => {
  const dir = path.join(repoRoot, 'dist/lessons');
  const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.initnb')).map((f) => parseNotebook(fs.readFileSync(path.join(dir, f), 'utf8'), f));
  assert.equal(notebooks.length, 10);
  for (const notebook of [...notebooks, compareNotebook(DEFAULT_COMPARE_OPTIONS), compareNotebook({ ...DEFAULT_COMPARE_OPTIONS, trainSteps: 100 })]) {
    assert.deepEqual(errors(notebook.cells.filter((c) => c.cell_type === 'code').map((c) => joinLines(c.source))), []);
  }
});
