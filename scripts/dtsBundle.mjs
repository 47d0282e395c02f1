// One .d.ts file out of a tree of them: each module becomes a `declare module "<id>" { ... }`
// block, the form `tsc --module amd --outFile` emits for sources (tfjs-core's declarations even
// carry the `/// <amd-module name>` ids for it), which tsc cannot do for .d.ts inputs.
//
// Why one file: VS Code's TypeScript server resolved, read and watched each of the ~470 files
// in every notebook cell's project, seconds of CPU beside a running comparison. Why by hand:
// .d.ts bundlers such as api-extractor and dts-bundle-generator flatten a package into a single
// module and do not keep module augmentations, and tfjs-core adds its chained ops (`x.add(y)`)
// with 137 `declare module '../../tensor'` augmentations. Here an augmentation is hoisted into
// a block of its own for the module it augments; ambient blocks of one name merge.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * `modules`: [{ id, file }] for every file to bundle. `resolve(fromFile, specifier)` gives the id
 * a specifier names, or undefined to leave it as written (a Node built-in, say).
 */
export function bundleDeclarations(modules, resolve) {
  const blocks = [];
  for (const { id, file } of modules) {
    const text = fs.readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const specifier = (literal) => JSON.stringify(resolve(file, literal.text) ?? literal.text);
    const rewrite = (node) => rewriteSpecifiers(node, text, specifier);
    const kept = [];
    for (const statement of source.statements) {
      if (ts.isModuleDeclaration(statement) && ts.isStringLiteral(statement.name)) {
        blocks.push(augmentationBlock(statement, source, specifier, rewrite));
        continue;
      }
      kept.push(withoutDeclare(statement, rewrite(statement), source));
    }
    blocks.push(`declare module ${JSON.stringify(id)} {\n${kept.join('\n')}\n}`);
  }
  return blocks.join('\n');
}

/**
 * Where a statement's kept text starts: at its JSDoc, which hovers show, when the comment just
 * before it is one; licence headers and other comments are left out.
 */
function keptStart(node, text) {
  const comments = ts.getLeadingCommentRanges(text, node.pos) ?? [];
  const last = comments[comments.length - 1];
  const jsDoc = last && text.startsWith('/**', last.pos) && !text.slice(last.pos, last.end).includes('@license');
  return jsDoc ? last.pos : node.getStart();
}

/** A node's text with every module specifier in it (imports, exports, import types) rewritten. */
function rewriteSpecifiers(node, text, specifier) {
  const edits = [];
  const visit = (child) => {
    if ((ts.isImportDeclaration(child) || ts.isExportDeclaration(child)) && child.moduleSpecifier && ts.isStringLiteral(child.moduleSpecifier)) {
      edits.push([child.moduleSpecifier, specifier(child.moduleSpecifier)]);
    } else if (ts.isImportTypeNode(child) && ts.isLiteralTypeNode(child.argument) && ts.isStringLiteral(child.argument.literal)) {
      edits.push([child.argument.literal, specifier(child.argument.literal)]);
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  const start = keptStart(node, text);
  let out = text.slice(start, node.end);
  for (const [literal, replacement] of edits.sort((a, b) => b[0].getStart() - a[0].getStart())) {
    out = out.slice(0, literal.getStart() - start) + replacement + out.slice(literal.end - start);
  }
  return out;
}

/**
 * Inside an ambient block a `declare` modifier is redundant, and an error (TS1038); `declare
 * global`, which names the global scope, keeps it.
 */
function withoutDeclare(statement, text, source) {
  if (ts.isModuleDeclaration(statement) && statement.flags & ts.NodeFlags.GlobalAugmentation) return text;
  const declare = ts.canHaveModifiers(statement) ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.DeclareKeyword) : undefined;
  if (!declare) return text;
  const at = declare.getStart() - keptStart(statement, source.text);
  return text.slice(0, at) + text.slice(at + 'declare '.length);
}

/**
 * `declare module '../../tensor' { interface Tensor { add(...) } }` as a block of the augmented
 * module's id, with the file's imports it needs: all of them but the names the block declares
 * itself (`Tensor` above), which would otherwise clash with the declarations they augment.
 */
function augmentationBlock(augmentation, source, specifier, rewrite) {
  const declared = new Set(augmentation.body.statements.flatMap((s) => (s.name && ts.isIdentifier(s.name) ? [s.name.text] : [])));
  const imports = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
    const { name, namedBindings } = statement.importClause;
    const from = specifier(statement.moduleSpecifier);
    if (name && !declared.has(name.text)) imports.push(`import ${name.text} from ${from};`);
    if (namedBindings && ts.isNamespaceImport(namedBindings) && !declared.has(namedBindings.name.text)) imports.push(`import * as ${namedBindings.name.text} from ${from};`);
    if (namedBindings && ts.isNamedImports(namedBindings)) {
      const names = namedBindings.elements.filter((e) => !declared.has(e.name.text)).map((e) => (e.propertyName ? `${e.propertyName.text} as ${e.name.text}` : e.name.text));
      if (names.length > 0) imports.push(`import { ${names.join(', ')} } from ${from};`);
    }
  }
  const body = augmentation.body.statements.map((s) => rewrite(s)).join('\n');
  return `declare module ${specifier(augmentation.name)} {\n${imports.join('\n')}\n${body}\n}`;
}

/** Every .d.ts file under dir, as paths. */
export function declarationFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(full);
    return entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
