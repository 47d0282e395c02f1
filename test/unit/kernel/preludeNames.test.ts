// The names a cell has at run time (the kernel's prelude) are the names VS Code's TypeScript
// support knows, as globals and as `import { ... } from 'initlab'`. A global added to the kernel
// and forgotten in a declaration file would be squiggled as unknown in every cell that uses it
// (or, the other way round, offered by completion and then missing at run time).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPrelude } from '../../../src/kernel/prelude';

const root = path.resolve(__dirname, '../../..');
const declarations = (file: string) => fs.readFileSync(path.join(root, 'src/cellTypes', file), 'utf8');
// Keys only: the prelude's values are getters that would load the engine.
const runTimeNames = Object.keys(createPrelude()).sort();

test('every name of the prelude is declared as an import of the initlab module, and nothing else is', () => {
  const declared = [...declarations('cellModule.d.ts').matchAll(/^\s*export const (\w+)/gm)].map((m) => m[1]).sort();
  // display() is a global only: what it shows under depends on the cell that calls it.
  assert.deepEqual(declared, runTimeNames.filter((name) => name !== 'display'));
});

test('every name of the prelude is declared as a cell global', () => {
  const text = declarations('cellGlobals.d.ts');
  const declared = new Set([...text.matchAll(/^\s*(?:export import|var|function|const) (\w+)/gm)].map((m) => m[1]));
  const missing = runTimeNames.filter((name) => !declared.has(name));
  assert.deepEqual(missing, [], `declared in the kernel but not in cellGlobals.d.ts: ${missing.join(', ')}`);
});
