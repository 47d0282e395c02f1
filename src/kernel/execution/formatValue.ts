/**
 * Turns any value a cell displays into a mime bundle, picking the richest form it knows:
 *   - anything with `toMimeBundle()`, or matched by a registered formatter (charts, probe results);
 *   - a Vega-Lite spec: drawn by the renderer;
 *   - a tensor: shape, dtype and a few values;
 *   - plain objects and arrays: JSON too, when JSON can hold them faithfully;
 *   - everything: text/plain as Node's REPL prints it, so NaN and Infinity show as such.
 */
import { inspect } from 'node:util';
import type { JsonValue, MimeBundle } from '../../shared/notebookFormat';
import { MimeTypes } from '../../shared/mimeTypes';

export type Formatter = (value: unknown) => MimeBundle | Promise<MimeBundle | undefined> | undefined;

const formatters: Formatter[] = [];

/** Later issues register formatters for probe results, training records and comparisons. */
export function registerFormatter(formatter: Formatter): () => void {
  formatters.unshift(formatter);
  return () => {
    const i = formatters.indexOf(formatter);
    if (i >= 0) formatters.splice(i, 1);
  };
}

/**
 * `asResult`: the value of a cell's last expression, shown the way Node's REPL does (strings
 * quoted), where display('text') shows the text itself.
 */
export async function formatValue(value: unknown, { asResult = false } = {}): Promise<MimeBundle> {
  if (hasToMimeBundle(value)) return await value.toMimeBundle();
  for (const formatter of formatters) {
    const bundle = await formatter(value);
    if (bundle) return bundle;
  }
  if (isVegaLiteSpec(value)) return { [MimeTypes.vegaLite]: value as JsonValue, [MimeTypes.plain]: '<Vega-Lite chart>' };
  if (isTensorLike(value)) return formatTensor(value);
  const bundle: MimeBundle = { [MimeTypes.plain]: asResult && typeof value === 'string' ? inspect(value) : toText(value) };
  if (isJsonFaithful(value) && typeof value === 'object' && value !== null) bundle[MimeTypes.json] = value as JsonValue;
  return bundle;
}

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 50, maxStringLength: 2000, breakLength: 100 });
}

function hasToMimeBundle(value: unknown): value is { toMimeBundle(): MimeBundle | Promise<MimeBundle> } {
  return typeof value === 'object' && value !== null && typeof (value as { toMimeBundle?: unknown }).toMimeBundle === 'function';
}

export function isVegaLiteSpec(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const schema = (value as { $schema?: unknown }).$schema;
  return typeof schema === 'string' && schema.includes('vega-lite');
}

interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<number> | string[];
}

function isTensorLike(value: unknown): value is TensorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as TensorLike).shape) &&
    typeof (value as TensorLike).dtype === 'string' &&
    typeof (value as TensorLike).dataSync === 'function'
  );
}

/** Reads at most this many values of a tensor for its preview: never copies a big tensor whole. */
const PREVIEW_VALUES = 12;

function formatTensor(tensor: TensorLike): MimeBundle {
  const shapeText = `[${tensor.shape.join(', ')}]`;
  if (tensor.isDisposed) return { [MimeTypes.plain]: `Tensor ${shapeText} ${tensor.dtype} (disposed)` };
  // A flat view of the first values; for a large tensor the engine slices before reading.
  const sliceable = tensor as unknown as { flatten?(): { slice(b: number, s: number): TensorLike & { dispose(): void }; dispose(): void } };
  let head: ArrayLike<number> | string[];
  if (tensor.size > PREVIEW_VALUES && sliceable.flatten) {
    const flat = sliceable.flatten();
    const part = flat.slice(0, PREVIEW_VALUES);
    head = part.dataSync();
    part.dispose();
    flat.dispose();
  } else {
    head = tensor.dataSync();
  }
  const values = Array.from(head as ArrayLike<number>, (v) => (typeof v === 'number' ? formatNumber(v) : String(v)));
  const more = tensor.size > values.length ? `, … ${tensor.size - values.length} more` : '';
  const text = `Tensor ${shapeText} ${tensor.dtype}\n  [${values.join(', ')}${more}]`;
  return {
    [MimeTypes.tensor]: { shape: tensor.shape, dtype: tensor.dtype, size: tensor.size, head: values },
    [MimeTypes.plain]: text,
  };
}

function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(6)).toString();
}

/** True when JSON.stringify would keep every value (no NaN, Infinity, functions, cycles...). */
function isJsonFaithful(value: unknown, depth = 0, seen = new Set<unknown>()): boolean {
  if (depth > 20) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object') return false;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((v) => isJsonFaithful(v, depth + 1, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
  return Object.values(value).every((v) => isJsonFaithful(v, depth + 1, seen));
}
