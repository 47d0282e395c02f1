// TypeScript's library declarations that the cells' type check (src/typeCheck/) loads:
// the default library of its target, ES2022 with the DOM, and the files it references, copied to
// dist/typescript-lib/ next to the bundled worker (2.3 MB of the 3.3 MB of lib files).
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export function writeTypescriptLib(root, outDir) {
  const libDir = path.dirname(ts.getDefaultLibFilePath({}));
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(libDir, file), 'utf8');
    for (const m of text.matchAll(/^\/\/\/ <reference lib="([^"]+)" \/>/gm)) visit(`lib.${m[1].toLowerCase()}.d.ts`);
  };
  visit(ts.getDefaultLibFileName({ target: ts.ScriptTarget.ES2022 }));
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of seen) fs.copyFileSync(path.join(libDir, file), path.join(outDir, file));
  return [...seen];
}
