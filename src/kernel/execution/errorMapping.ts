/**
 * Maps an error thrown by a cell back to the cell's own TypeScript: every stack frame in cell
 * code points at `Cell [N]:line:column` of what the user typed, and the kernel's own frames
 * (its bundle, Node's internals) are left out.
 */
import { SourceMap } from 'node:module';
import type { ErrorOutput } from '../../shared/notebookFormat';
import { explainMissingKernel } from '../../toolkit/engine/missingKernelMessage';
import { explainEngineError } from './engineFailure';

export interface CellScript {
  /** The file name the script runs under (appears in V8's stack frames). */
  fileName: string;
  /** How users see the cell: `Cell [3]`. */
  label: string;
  sourceMap: SourceMap;
  headerLength: number;
  /** Generated lines after this one are our wrapper's footer, not the cell. */
  lastBodyLine: number;
}

const FRAME = /^\s*at (?:async )?(?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

export class CellScripts {
  private readonly byFile = new Map<string, CellScript>();

  add(script: CellScript): void {
    this.byFile.set(script.fileName, script);
  }

  /** Where generated line/column (1-based) of a cell script is in the cell's TypeScript. */
  locate(fileName: string, line: number, column: number): { label: string; line: number; column: number } | undefined {
    const script = this.byFile.get(fileName);
    if (!script) return undefined;
    const columnInBody = line === 1 ? column - 1 - script.headerLength : column - 1;
    if (columnInBody < 0 || line > script.lastBodyLine) return undefined; // our wrapper, not the cell
    const entry = script.sourceMap.findEntry(line - 1, columnInBody) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return { label: script.label, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  }

  /** Rewrites a V8 stack: cell frames mapped, the kernel's own frames dropped. */
  mapStack(stack: string, isInternalFile: (file: string) => boolean): string[] {
    const lines = stack.split('\n');
    const frames: string[] = [];
    for (const line of lines) {
      const match = FRAME.exec(line);
      if (!match) continue;
      const [, fn, file, lineText, columnText] = match;
      const located = this.locate(file, Number(lineText), Number(columnText));
      if (located) {
        const name = fn && !fn.startsWith('async ') && fn !== '<anonymous>' ? fn : fn?.replace(/^async /, '');
        const where = `${located.label}:${located.line}:${located.column}`;
        frames.push(name && name !== '<anonymous>' ? `    at ${name} (${where})` : `    at ${where}`);
      } else if (!this.byFile.has(file) && !isInternalFile(file) && !/^(Script\.|Module\.)/.test(fn ?? '')) {
        frames.push(line.replace(/^\s*/, '    '));
      }
    }
    return frames;
  }
}

/** Node's internals and anything inside the kernel's own files are not the user's concern. */
export function internalFileFilter(kernelFiles: readonly string[]): (file: string) => boolean {
  return (file) =>
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file === 'native' ||
    file === '<anonymous>' ||
    kernelFiles.some((k) => file.startsWith(k));
}

/** An nbformat error output for anything a cell can throw (not only Errors). */
export function toErrorOutput(thrown: unknown, scripts: CellScripts, isInternalFile: (file: string) => boolean): ErrorOutput {
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown)) {
    const err = thrown as Error;
    const raw = String(err.message ?? '');
    // The engine's own errors explain themselves (which engine, what is missing or ran out, what to do).
    const engine = explainEngineError(err);
    const name = engine?.ename ?? (err.name || 'Error');
    const message = engine?.message ?? explainMissingKernel(raw) ?? raw;
    const frames = typeof err.stack === 'string' ? scripts.mapStack(err.stack, isInternalFile) : [];
    return { output_type: 'error', ename: name, evalue: message, traceback: [`${name}: ${message}`, ...frames] };
  }
  const text = describeThrown(thrown);
  return { output_type: 'error', ename: 'Uncaught', evalue: text, traceback: [`Uncaught ${text}`] };
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
