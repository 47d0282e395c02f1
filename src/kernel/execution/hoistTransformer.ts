/**
 * A TypeScript transformer that makes a cell behave like a REPL entry, the way Jupyter users
 * expect:
 *
 *  - Top-level `const`, `let`, `var`, `function`, `class`, `enum` and `import` bindings become
 *    assignments to names declared with `var` outside the cell's async wrapper, so they live on in
 *    later cells and re-running `const x = 1` never says "already declared".
 *  - The value of a final bare expression is returned, so the kernel can display it.
 *  - Every `await` checks the kernel's interrupt flag first, so a long async loop can be stopped
 *    without losing state.
 *
 * It runs as a `before` transformer inside ts.transpileModule, so TypeScript's own emitter writes
 * the source map from the final code back to the cell's text.
 */
import * as ts from 'typescript';

/** The name of the per-cell helper object the wrapper passes in (see transpileCell.ts). */
export const RUNTIME = '__initlab';

export interface HoistResult {
  /** Names declared at the top level, to be declared with `var` outside the wrapper. */
  names: string[];
}

export function hoistTransformer(result: HoistResult): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;

    const guardAwaits = (node: ts.Node): ts.Node => {
      // Functions keep their own awaits; only the cell's control flow is guarded. Nested async
      // functions are guarded too, since a loop may live in a helper the cell defines.
      if (ts.isAwaitExpression(node)) {
        const inner = ts.visitNode(node.expression, guardAwaits) as ts.Expression;
        return f.updateAwaitExpression(node, f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), 'guard'), undefined, [inner]));
      }
      return ts.visitEachChild(node, guardAwaits, context);
    };

    return (sourceFile) => {
      const names = new Set<string>();
      const out: ts.Statement[] = [];
      const hoistedFunctions: ts.Statement[] = [];
      const statements = sourceFile.statements;

      statements.forEach((statement, index) => {
        const isLast = index === statements.length - 1;
        const visited = ts.visitNode(statement, guardAwaits) as ts.Statement;
        out.push(...rewriteTopLevel(visited, isLast));
      });

      result.names = [...names];
      return f.updateSourceFile(sourceFile, [...hoistedFunctions, ...out]);

      function rewriteTopLevel(statement: ts.Statement, isLast: boolean): ts.Statement[] {
        if (ts.isVariableStatement(statement)) {
          if (hasDeclareModifier(statement)) return [];
          const assignments: ts.Statement[] = [];
          for (const decl of statement.declarationList.declarations) {
            collectBindingNames(decl.name, names);
            if (!decl.initializer) {
              // A re-run `let x;` starts again from undefined, as it would in a fresh scope.
              const isVar = (statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
              if (!isVar && ts.isIdentifier(decl.name)) assignments.push(assign(decl.name.text, f.createVoidZero(), decl));
              continue;
            }
            const target = bindingToAssignmentTarget(decl.name);
            assignments.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(target, decl.initializer)), decl));
          }
          return assignments;
        }
        if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
          // `name = function name() {}` placed first keeps JavaScript's hoisting: a cell may
          // call a function it declares further down.
          names.add(statement.name.text);
          const expression = f.createFunctionExpression(
            statement.modifiers?.filter((m) => m.kind === ts.SyntaxKind.AsyncKeyword) as ts.Modifier[] | undefined,
            statement.asteriskToken,
            statement.name,
            statement.typeParameters,
            statement.parameters,
            statement.type,
            statement.body,
          );
          hoistedFunctions.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(f.createIdentifier(statement.name.text), expression)), statement));
          return [];
        }
        if (ts.isClassDeclaration(statement) && statement.name) {
          names.add(statement.name.text);
          const expression = f.createClassExpression(
            statement.modifiers?.filter((m) => ts.isDecorator(m)) as ts.ModifierLike[] | undefined,
            statement.name,
            statement.typeParameters,
            statement.heritageClauses,
            statement.members,
          );
          return [ts.setTextRange(f.createExpressionStatement(f.createAssignment(f.createIdentifier(statement.name.text), expression)), statement)];
        }
        if ((ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && ts.isIdentifier(statement.name) && !hasModifier(statement, ts.SyntaxKind.DeclareKeyword) && !hasModifier(statement, ts.SyntaxKind.ConstKeyword)) {
          // TypeScript emits `var E` for an enum or namespace, inside our wrapper: publish it as
          // a global too, so later cells see it.
          const name = statement.name.text;
          const publish = f.createExpressionStatement(
            f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), 'publish'), undefined, [f.createStringLiteral(name), f.createIdentifier(name)]),
          );
          return [stripExportModifier(statement), publish];
        }
        if (ts.isImportDeclaration(statement)) return rewriteImport(statement);
        if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
          names.add(statement.name.text);
          return [assign(statement.name.text, requireCall(statement.moduleReference.expression as ts.StringLiteral), statement)];
        }
        if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
          // Cells are not modules: an export list has nothing to export to.
          return [];
        }
        if (isLast && ts.isExpressionStatement(statement)) {
          return [ts.setTextRange(f.createReturnStatement(statement.expression), statement)];
        }
        return [stripExportModifier(statement)];
      }

      function rewriteImport(statement: ts.ImportDeclaration): ts.Statement[] {
        const clause = statement.importClause;
        const source = statement.moduleSpecifier as ts.StringLiteral;
        if (!clause) return [f.createExpressionStatement(requireCall(source))];
        if (clause.isTypeOnly) return [];
        const statementsOut: ts.Statement[] = [];
        if (clause.name) {
          names.add(clause.name.text);
          // Default import: the CommonJS module itself unless it says it has a default export.
          statementsOut.push(assign(clause.name.text, f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), 'importDefault'), undefined, [requireCall(source)]), statement));
        }
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) {
          names.add(bindings.name.text);
          statementsOut.push(assign(bindings.name.text, requireCall(source), statement));
        } else if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) {
            if (element.isTypeOnly) continue;
            names.add(element.name.text);
            const imported = (element.propertyName ?? element.name).text;
            statementsOut.push(assign(element.name.text, f.createPropertyAccessExpression(requireCall(source), imported), statement));
          }
        }
        return statementsOut;
      }
    };

    function requireCall(source: ts.StringLiteral | ts.Expression): ts.Expression {
      const text = ts.isStringLiteral(source) ? source.text : '';
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), 'require'), undefined, [f.createStringLiteral(text)]);
    }

    function assign(name: string, value: ts.Expression, range: ts.TextRange): ts.Statement {
      return ts.setTextRange(f.createExpressionStatement(f.createAssignment(f.createIdentifier(name), value)), range);
    }

    /** `{ a, b: [c = 1], ...d }` as a binding becomes the same shape as an assignment target. */
    function bindingToAssignmentTarget(name: ts.BindingName): ts.Expression {
      if (ts.isIdentifier(name)) return f.createIdentifier(name.text);
      if (ts.isObjectBindingPattern(name)) {
        return f.createObjectLiteralExpression(
          name.elements.map((element) => {
            const target = bindingToAssignmentTarget(element.name);
            const withDefault = element.initializer ? f.createAssignment(target, element.initializer) : target;
            if (element.dotDotDotToken) return f.createSpreadAssignment(target);
            if (!element.propertyName && ts.isIdentifier(element.name)) {
              return element.initializer
                ? f.createShorthandPropertyAssignment(element.name.text, element.initializer)
                : f.createShorthandPropertyAssignment(element.name.text);
            }
            return f.createPropertyAssignment(element.propertyName ?? f.createIdentifier((element.name as ts.Identifier).text), withDefault);
          }),
        );
      }
      return f.createArrayLiteralExpression(
        name.elements.map((element) => {
          if (ts.isOmittedExpression(element)) return f.createOmittedExpression();
          const target = bindingToAssignmentTarget(element.name);
          if (element.dotDotDotToken) return f.createSpreadElement(target);
          return element.initializer ? f.createAssignment(target, element.initializer) : target;
        }),
      );
    }

    function stripExportModifier(statement: ts.Statement): ts.Statement {
      if (!ts.canHaveModifiers(statement)) return statement;
      const modifiers = ts.getModifiers(statement);
      if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return statement;
      if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return statement;
      return f.replaceModifiers(statement, modifiers.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword));
    }
  };
}

function hasDeclareModifier(statement: ts.VariableStatement): boolean {
  return hasModifier(statement, ts.SyntaxKind.DeclareKeyword);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === kind)) ?? false;
}

function collectBindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) {
    into.add(name.text);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) collectBindingNames(element.name, into);
  }
}
