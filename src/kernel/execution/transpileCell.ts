/**
 * Turns a TypeScript cell into a script the kernel can run: TypeScript's own transpiler (types
 * erased, no type check: cells must run even while the editor shows a type error), the REPL
 * rewrite of hoistTransformer.ts, and an async wrapper so top-level await works.
 *
 *   var x, f;  (async (__initlab) => { ...the cell... })(globalThis.__initlabRuntime)
 *
 * The header stands on the cell's first line, so every generated line is the source map's line
 * and only line 1's columns are shifted (errorMapping.ts accounts for it).
 */
import * as ts from 'typescript';
import { hoistTransformer, RUNTIME, type HoistResult } from './hoistTransformer';

export const RUNTIME_GLOBAL = '__initlabRuntime';

export interface TranspiledCell {
  /** The script to run with vm.runInThisContext. */
  code: string;
  /** Source map (v3 JSON) from `code` minus the header, back to the cell's TypeScript. */
  sourceMap: string;
  /** Columns the header adds to line 1. */
  headerLength: number;
  /** Names the cell declares at the top level. */
  declaredNames: string[];
  /** The last generated line that holds the cell's code; the footer follows it. */
  lastBodyLine: number;
}

/** A cell that does not parse. Line and column are 1-based, in the cell's own text. */
export class CellSyntaxError extends Error {
  override readonly name = 'SyntaxError';
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${detail} (line ${line}, column ${column})`);
  }
}

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  // Every cell is parsed as a module, so top-level `await` is an await and not an identifier.
  moduleDetection: ts.ModuleDetectionKind.Force,
  sourceMap: true,
  inlineSources: false,
  experimentalDecorators: true,
  useDefineForClassFields: true,
};

export function transpileCell(source: string, fileName: string): TranspiledCell {
  const hoisted: HoistResult = { names: [] };
  const output = ts.transpileModule(source, {
    fileName,
    compilerOptions,
    reportDiagnostics: true,
    transformers: { before: [hoistTransformer(hoisted)] },
  });
  const syntaxError = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntaxError) {
    const { line, character } = syntaxError.file && syntaxError.start !== undefined ? syntaxError.file.getLineAndCharacterOfPosition(syntaxError.start) : { line: 0, character: 0 };
    throw new CellSyntaxError(ts.flattenDiagnosticMessageText(syntaxError.messageText, '\n'), line + 1, character + 1);
  }
  const body = output.outputText
    .replace(/\/\/# sourceMappingURL=.*\s*$/, '')
    // A module with nothing to export gets `export {};` from TypeScript: cells are not modules.
    .replace(/^export \{\};\s*$/m, '');
  const names = hoisted.names.filter((n) => n !== RUNTIME);
  const header = `${names.length ? `var ${names.join(', ')}; ` : ''}(async (${RUNTIME}) => { `;
  return {
    code: `${header}${body}\n})(globalThis.${RUNTIME_GLOBAL});`,
    sourceMap: output.sourceMapText ?? '',
    headerLength: header.length,
    declaredNames: names,
    lastBodyLine: body.split('\n').length,
  };
}
