/**
 * Type-checks a notebook's cells with a TypeScript language service over virtual files: each cell
 * a module (cellModules.ts), the toolkit's declarations (dist/cell-types/initlab-cells.d.ts),
 * TypeScript's default library, and the few Node globals cells have. Nothing is read from the
 * notebook's folder, so the result is the same in a trusted workspace and an untrusted one.
 *
 * The service is kept between checks: an edit re-parses one cell, and the declarations and
 * library stay parsed in the shared document registry (the first check of a session parses
 * them: about a second, see `npm run bench:cell-types`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { CellTypeError } from '../shared/typeCheckMessages';
import { cellModules, topLevelNames, type CellModule } from './cellModules';

/**
 * VS Code 1.100's options for TypeScript files outside any tsconfig (the options its TypeScript
 * extension gives tsserver for cells, so an error here is one its hovers agree with), with the
 * library of target ES2022 (DOM included: console, setTimeout) and no @types from anywhere.
 */
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  strictNullChecks: true,
  strictFunctionTypes: true,
  allowJs: true,
  allowSyntheticDefaultImports: true,
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/**
 * Cells run in Node: `require`, `process` and the rest exist there. Untyped, as shipping
 * @types/node to type them would double the declarations users' checks parse.
 */
const VIRTUAL_ROOT = '/initlab-notebooks';
const NODE_GLOBALS_FILE = `${VIRTUAL_ROOT}/nodeGlobals.d.ts`;
const NODE_GLOBALS = `declare var process: any;\ndeclare var require: any;\ndeclare var module: any;\ndeclare var exports: any;\ndeclare var Buffer: any;\ndeclare var __dirname: string;\ndeclare var __filename: string;\ndeclare var global: typeof globalThis;\n`;

/**
 * Diagnostics that would be wrong for cells:
 * - 2307/2792 Cannot find module: the kernel requires packages from the notebook's folder at run
 *   time, which this check does not read (and must not, in an untrusted workspace);
 * - 2632 Cannot assign to an import: an earlier cell's function or class, which the kernel keeps
 *   in an assignable variable.
 */
const IGNORED_CODES = new Set([2307, 2792, 2632]);

export interface CheckerFiles {
  /** The cells' declarations: dist/cell-types/initlab-cells.d.ts. */
  declarations: string;
  /** Where TypeScript's lib.*.d.ts files are. */
  libDir: string;
}

/**
 * The library and declarations are parsed once for every notebook's checker. The registry knows
 * a file by its name and version, so each checker's cells live in a folder of their own: with
 * one name for every notebook's first cell, a notebook would get another's text.
 */
const registry = ts.createDocumentRegistry();
let checkers = 0;

export class NotebookChecker {
  private modules: CellModule[] = [];
  /** The modules' texts at the last check, with their errors. */
  private checked: { text: string; errors: CellTypeError[] }[] = [];
  private readonly versions = new Map<string, { text: string; version: number }>();
  private readonly namesByText = new Map<string, ReturnType<typeof topLevelNames>>();
  private readonly service: ts.LanguageService;
  private readonly folder = `${VIRTUAL_ROOT}/notebook${++checkers}`;

  constructor(private readonly files: CheckerFiles) {
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => [...this.modules.map((m) => m.fileName), NODE_GLOBALS_FILE, files.declarations],
      getScriptVersion: (name) => String(this.versions.get(name)?.version ?? 0),
      getScriptSnapshot: (name) => {
        const text = this.virtualText(name) ?? readIfExists(name);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getScriptKind: (name) => (name.endsWith('.d.ts') || name.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.Unknown),
      getCurrentDirectory: () => this.folder,
      getCompilationSettings: () => OPTIONS,
      getDefaultLibFileName: (options) => path.join(files.libDir, ts.getDefaultLibFileName(options)),
      fileExists: (name) => this.virtualText(name) !== undefined || isFile(name),
      readFile: (name) => this.virtualText(name) ?? readIfExists(name),
      directoryExists: (name) => name.startsWith(VIRTUAL_ROOT) || ts.sys.directoryExists(name),
      getDirectories: () => [],
    };
    this.service = ts.createLanguageService(host, registry);
  }

  /**
   * Each cell's type errors, in notebook order: semantic ones only, since VS Code's TypeScript
   * support underlines syntax errors in cells already.
   */
  check(texts: readonly string[]): CellTypeError[][] {
    this.modules = cellModules(this.folder, texts, (text) => this.namesOf(text));
    for (const module of this.modules) {
      const known = this.versions.get(module.fileName);
      if (known?.text !== module.text) this.versions.set(module.fileName, { text: module.text, version: (known?.version ?? 0) + 1 });
    }
    // A cell's errors depend on it and the cells above it only (its module's text holds what it
    // takes from them): the cells above the first changed module keep their last errors.
    const previous = this.checked;
    const unchanged = this.modules.findIndex((module, i) => previous[i]?.text !== module.text);
    const reused = unchanged < 0 ? this.modules.length : unchanged;
    const errors = this.modules.map((module, i) =>
      i < reused
        ? previous[i].errors
        : this.service
            .getSemanticDiagnostics(module.fileName)
            .filter((d) => d.start !== undefined && d.start < module.cellLength && !IGNORED_CODES.has(d.code) && d.category !== ts.DiagnosticCategory.Suggestion)
            .map((d) => toCellError(d, module.cellLength)),
    );
    this.checked = this.modules.map((module, i) => ({ text: module.text, errors: errors[i] }));
    return errors;
  }

  private namesOf(text: string): ReturnType<typeof topLevelNames> {
    let names = this.namesByText.get(text);
    if (!names) {
      // One entry per text seen; edits make new ones, so the cache starts over when it is large.
      if (this.namesByText.size > 500) this.namesByText.clear();
      names = topLevelNames(text);
      this.namesByText.set(text, names);
    }
    return names;
  }

  private virtualText(name: string): string | undefined {
    if (name === NODE_GLOBALS_FILE) return NODE_GLOBALS;
    return this.modules.find((m) => m.fileName === name)?.text;
  }
}

function toCellError(d: ts.Diagnostic, cellLength: number): CellTypeError {
  const file = d.file as ts.SourceFile;
  const start = d.start ?? 0;
  const end = Math.min(start + (d.length ?? 0), cellLength);
  const from = file.getLineAndCharacterOfPosition(start);
  const to = file.getLineAndCharacterOfPosition(end);
  return {
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    code: d.code,
    severity: d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
    start: { line: from.line, character: from.character },
    end: { line: to.line, character: to.character },
  };
}

function isFile(name: string): boolean {
  try {
    return fs.statSync(name).isFile();
  } catch {
    return false;
  }
}

function readIfExists(name: string): string | undefined {
  return isFile(name) ? fs.readFileSync(name, 'utf8') : undefined;
}
