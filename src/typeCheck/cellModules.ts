/**
 * Turns a notebook's cells into TypeScript modules that type-check the way the kernel runs them
 * (hoistTransformer.ts): what a cell declares at its top level lives on, and a later cell sees
 * the latest earlier declaration of each name, even one it re-declares later still.
 *
 * Each cell is its own module, so re-declaring `const x` in a later cell is no "Cannot redeclare"
 * and top-level await is allowed. The cell's text comes first, untouched, so a diagnostic's
 * offsets are the cell's own; after it a footer exports what the cell declares and brings in
 * what earlier cells declared:
 *
 *   <cell text>
 *   ;export { x, f };
 *   declare var n: typeof import('./cell0').n;   // a variable of an earlier cell: assignable
 *   import { P, g } from './cell1';               // its types, functions, classes: values and types
 */
import * as ts from 'typescript';

/** How a later cell takes an earlier cell's name. */
type NameKind = 'variable' | 'binding';

export interface CellModule {
  fileName: string;
  /** The module's whole text: the cell's, then the footer. */
  text: string;
  /** The length of the cell's own text: diagnostics past it belong to the footer. */
  cellLength: number;
}


/** The names a cell declares at its top level, each with how a later cell should take it. */
export function topLevelNames(text: string): Map<string, NameKind> {
  const source = ts.createSourceFile('cell.ts', text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Map<string, NameKind>();
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) bindingNames(decl.name, (name) => names.set(name, 'variable'));
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.set(statement.name.text, 'binding');
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
      names.set(statement.name.text, 'binding');
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.set(clause.name.text, 'binding');
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.set(bindings.name.text, 'binding');
      else if (bindings) for (const element of bindings.elements) names.set(element.name.text, 'binding');
    } else if (ts.isImportEqualsDeclaration(statement)) {
      names.set(statement.name.text, 'binding');
    }
  }
  return names;
}

function bindingNames(name: ts.BindingName, add: (name: string) => void): void {
  if (ts.isIdentifier(name)) return add(name.text);
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, add);
}

/**
 * The cells, in notebook order, as modules `<folder>/cell<n>.ts`. `names` caches topLevelNames
 * by cell text.
 */
export function cellModules(folder: string, texts: readonly string[], names: (text: string) => Map<string, NameKind> = topLevelNames): CellModule[] {
  /** For each name declared so far: the index of the latest cell declaring it, and its kind. */
  const visible = new Map<string, { cell: number; kind: NameKind }>();
  return texts.map((text, index) => {
    const own = names(text);
    const imports = new Map<number, string[]>();
    const declares: string[] = [];
    for (const [name, { cell, kind }] of visible) {
      if (own.has(name)) continue;
      if (kind === 'variable') declares.push(`declare var ${name}: typeof import('./cell${cell}').${name};`);
      else imports.set(cell, [...(imports.get(cell) ?? []), name]);
    }
    const footer = [
      // A newline and a semicolon end whatever the cell's last line left open, when it can be ended.
      `\n;export { ${[...own.keys()].join(', ')} };`,
      ...declares,
      ...[...imports].map(([cell, list]) => `import { ${list.join(', ')} } from './cell${cell}';`),
    ].join('\n');
    for (const [name, kind] of own) visible.set(name, { cell: index, kind });
    return { fileName: `${folder}/cell${index}.ts`, text: text + footer, cellLength: text.length };
  });
}
