/**
 * Deterministic JSON for files people diff and commit: keys sorted at every depth, one-space
 * indent (what Jupyter writes, so a renamed .ipynb diffs cleanly against ours), `\n` line
 * endings and a trailing newline. `JSON.stringify` with a replacer cannot sort keys without
 * rebuilding every object, so this walks the value once and writes the text itself.
 */
import { MAX_JSON_DEPTH } from './jsonDepth';

export function stableStringify(value: unknown): string {
  return write(value, '') + '\n';
}

function write(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') {
    // JSON has no NaN or Infinity: refuse rather than silently write `null`.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`Cannot write ${value} to JSON`);
    }
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`Cannot write a ${typeof value} to JSON`);
    return text;
  }
  // The indent is the depth. Past the reader's limit, refuse rather than write a file InitLab
  // would refuse to open (and long before the recursion could overflow the stack).
  if (indent.length >= MAX_JSON_DEPTH) throw new TypeError(`Cannot write JSON nested more than ${MAX_JSON_DEPTH} levels deep: InitLab could not open the file again`);
  const inner = indent + ' ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + write(item, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  const body = keys.map((k) => `${inner}${JSON.stringify(k)}: ${write((value as Record<string, unknown>)[k], inner)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}
