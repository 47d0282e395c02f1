import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { CellSyntaxError, transpileCell } from '../../../../src/kernel/execution/transpileCell';

/** Runs transpiled cells one after another in one fresh realm, like a kernel would. */
function makeRepl() {
  const context = vm.createContext({ console });
  const runtime = {
    require: (id: string) => ({ 'node:path': { join: (...p: string[]) => p.join('/') } })[id],
    importDefault: (m: unknown) => m,
    publish: (name: string, value: unknown) => {
      (context as Record<string, unknown>)[name] = value;
    },
    guard: <T>(v: T) => v,
  };
  (context as Record<string, unknown>).__initlabRuntime = runtime;
  return async (source: string) => vm.runInContext(transpileCell(source, 'cell.ts').code, context) as Promise<unknown>;
}

test('const, let, var, function and class persist across cells', async () => {
  const run = makeRepl();
  await run('const a: number = 1;\nlet b = 2;\nvar c = 3;\nfunction add(x: number, y: number) { return x + y; }\nclass Point { constructor(public x: number) {} }');
  assert.equal(await run('add(a, b) + c + new Point(4).x'), 10);
});

test('re-running a cell that declares const x works', async () => {
  const run = makeRepl();
  await run('const x = 1;');
  await run('const x = 2;');
  assert.equal(await run('x'), 2);
});

test('types, interfaces, generics and enums', async () => {
  const run = makeRepl();
  await run('interface Shape { area(): number }\ntype Id<T> = T;\nenum Color { Red, Green = 5 }\nfunction first<T>(xs: T[]): T { return xs[0]; }');
  assert.equal(await run('const s: Shape = { area: () => 2 };\ns.area() + first<number>([Color.Green])'), 7);
});

test('destructuring declarations persist every name, defaults included', async () => {
  const run = makeRepl();
  await run('const { a, b: [c = 3], ...rest } = { a: 1, b: [], z: 9 };');
  assert.equal(JSON.stringify(await run('[a, c, rest]')), JSON.stringify([1, 3, { z: 9 }]));
});

test('top-level await, and the final bare expression is the result', async () => {
  const run = makeRepl();
  assert.equal(await run('const v = await Promise.resolve(20);\nv + 1'), 21);
  assert.equal(await run('const w = 1;'), undefined, 'a declaration has no value to show');
});

test('a function may be called above its declaration, as in JavaScript', async () => {
  const run = makeRepl();
  assert.equal(await run('const r = later();\nfunction later() { return 5; }\nr'), 5);
});

test('imports become bindings that later cells see', async () => {
  const run = makeRepl();
  await run("import { join } from 'node:path';\nimport * as p from 'node:path';");
  assert.equal(await run("join('a', 'b') + p.join('c')"), 'a/bc');
});

test('`let x;` re-run starts from undefined', async () => {
  const run = makeRepl();
  await run('let x = 5;');
  await run('let x;');
  assert.equal(await run('x'), undefined);
});

test('a syntax error names its line and column in the cell', () => {
  assert.throws(
    () => transpileCell('const ok = 1;\nconst bad = ;', 'cell.ts'),
    (err: unknown) => err instanceof CellSyntaxError && err.line === 2 && err.column === 13 && /Expression expected/.test(err.message),
  );
});

test('every await is guarded, so an interrupt can stop an async loop', () => {
  const { code } = transpileCell('for (;;) { await tick(); }', 'cell.ts');
  assert.match(code, /await __initlab\.guard\(tick\(\)\)/);
});
