/**
 * Turns any value a cell displays into a mime bundle, picking the richest form it knows:
 *   - anything with `toMimeBundle()`, or matched by a registered formatter (charts, probe results);
 *   - a Vega-Lite spec: drawn by the renderer;
 *   - a tensor: shape, dtype and a few values;
 *   - TensorFlow.js's own objects (a model, a layer, an optimizer): what they are, in a few lines;
 *   - plain objects and arrays: JSON too, when JSON can hold them faithfully;
 *   - everything: text/plain as Node's REPL prints it, so NaN and Infinity show as such; but no
 *     class name the kernel's bundle gave (minified to `lU`, `t`), and no object's internals.
 */
import * as fs from 'node:fs';
import { formatWithOptions, inspect, types } from 'node:util';
import type { JsonValue, MimeBundle } from '../../shared/notebookFormat';
import { MimeTypes } from '../../shared/mimeTypes';
import { tfFunctionName, tfObjectText } from '../../toolkit/tfObjects';

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

export type Describer = (value: unknown) => string | undefined;

const describers: Describer[] = [];

/**
 * One line for a value found inside another (an array's element, an object's property), or for
 * a function: the prelude registers the toolkit's objects and functions.
 */
export function registerDescriber(describer: Describer): () => void {
  describers.unshift(describer);
  return () => {
    const i = describers.indexOf(describer);
    if (i >= 0) describers.splice(i, 1);
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
  const known = tfObjectText(value);
  if (known) return { [MimeTypes.plain]: known.text };
  const bundle: MimeBundle = { [MimeTypes.plain]: asResult && typeof value === 'string' ? inspect(value) : toText(value) };
  if (isJsonFaithful(value) && typeof value === 'object' && value !== null) bundle[MimeTypes.json] = value as JsonValue;
  return bundle;
}

/** How deep text/plain shows nested objects, as inspect's `depth`. */
const TEXT_DEPTH = 4;
const SHOWN_ITEMS = 50;

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  return inspect(readable(value), { depth: TEXT_DEPTH, colors: false, maxArrayLength: SHOWN_ITEMS, maxStringLength: 2000, breakLength: 100 });
}

/** console.log's text: each argument that is not a string or a number as toText shows it. */
export function formatLogArgs(args: readonly unknown[]): string {
  return formatWithOptions({ colors: false, depth: TEXT_DEPTH }, ...args.map((a) => (typeof a === 'object' || typeof a === 'function' ? readable(a) : a)));
}

/** What inspect prints as it is: the one-line form of a known value nested in another. */
class Shown {
  constructor(private readonly text: string) {}
  [inspect.custom](): string {
    return this.text;
  }
}

/**
 * A copy of `value` that inspect prints without a class name of the kernel's bundle and without
 * objects' internals: tensors, tfjs objects and the toolkit's objects as their one-line forms;
 * an instance of any other class of the bundle as its public fields (those not starting with
 * `_`), under no name; functions of the bundle by their public name or none. Plain objects,
 * arrays, Maps and Sets are copied with their contents made readable; Node's and the cells' own
 * classes keep their names. Getters are copied, not called (inspect shows `[Getter]`).
 */
function readable(value: unknown, depth = 0, copies = new Map<object, unknown>()): unknown {
  if (typeof value === 'function') return readableFunction(value);
  if (typeof value !== 'object' || value === null) return value;
  if (copies.has(value)) return copies.get(value);
  const short = shortText(value);
  if (short !== undefined) return new Shown(short);
  if (value instanceof Error) {
    // inspect would add the class's name to the first line: `e [Error]: ...` for one of the bundle's.
    const ctor = constructorOf(value);
    return ctor && !nameIsReadable(ctor) ? new Shown(value.stack ?? `${value.name}: ${value.message}`) : value;
  }
  if (isBuiltInLeaf(value)) return value;
  if (depth > TEXT_DEPTH) return new Shown(Array.isArray(value) ? '[Array]' : '[Object]');
  const inner = (v: unknown) => readable(v, depth + 1, copies);
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    copies.set(value, copy);
    // inspect shows the first SHOWN_ITEMS; the rest only count.
    for (let i = 0; i < value.length; i++) if (i in value) copy[i] = i <= SHOWN_ITEMS ? inner(value[i]) : value[i];
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    for (const [k, v] of value) copy.set(inner(k), inner(v));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of value) copy.add(inner(v));
    return copy;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  const plain = proto === null || proto === Object.prototype;
  const ctor = plain ? undefined : constructorOf(value);
  const named = plain || (ctor !== undefined && nameIsReadable(ctor));
  // A class of Node's or of a cell that prints itself does so well; the bundle's are copied.
  if (!plain && named && typeof (value as { [inspect.custom]?: unknown })[inspect.custom] === 'function') return value;
  // The copy keeps the prototype (so the same class name) only where that name is readable.
  const copy = Object.create(named ? proto : Object.prototype) as Record<PropertyKey, unknown>;
  copies.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor?.enumerable) continue;
    if (!named && typeof key === 'string' && key.startsWith('_')) continue;
    if ('value' in descriptor) descriptor.value = inner(descriptor.value);
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}

function readableFunction(fn: unknown): unknown {
  const short = shortText(fn);
  if (short !== undefined) return new Shown(short);
  if (nameIsReadable(fn as (...args: unknown[]) => unknown)) return fn;
  return new Shown(Function.prototype.toString.call(fn).startsWith('class') ? '[class]' : '[Function]');
}

/** A value's one-line form: a tensor's shape and dtype, a tfjs object's or the toolkit's text. */
function shortText(value: unknown): string | undefined {
  for (const describer of describers) {
    let text: string | undefined;
    try {
      text = describer(value);
    } catch {
      // A describer that fails on an odd value leaves it to the others.
    }
    if (text !== undefined) return text;
  }
  if (typeof value === 'function') {
    const name = tfFunctionName(value);
    return name === undefined ? undefined : Function.prototype.toString.call(value).startsWith('class') ? `[class ${name}]` : `[Function: ${name}]`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (isTensorLike(value)) return `${tensorKind(value)} [${value.shape.join(', ')}] ${value.dtype}${value.isDisposed ? ' (disposed)' : ''}`;
  return tfObjectText(value)?.short;
}

/** Values inspect prints well by themselves and that hold no objects of ours to hide. */
function isBuiltInLeaf(value: object): boolean {
  return (
    types.isDate(value) ||
    types.isRegExp(value) ||
    types.isTypedArray(value) ||
    types.isAnyArrayBuffer(value) ||
    types.isDataView(value) ||
    types.isPromise(value) ||
    types.isWeakMap(value) ||
    types.isWeakSet(value) ||
    types.isBoxedPrimitive(value) ||
    types.isProxy(value)
  );
}

function constructorOf(value: object): ((...args: unknown[]) => unknown) | undefined {
  const ctor = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' ? (ctor as (...args: unknown[]) => unknown) : undefined;
}

const readableNames = new WeakMap<object, boolean>();

/**
 * Whether a function's or class's own name can be shown: one of the engine's or Node's, or a
 * cell's, not one the kernel's bundle holds (minified when shipped: `lU`, `t`). A function's
 * source text is its code as written, so the bundle's functions are exactly those whose source is
 * part of the bundle's.
 */
function nameIsReadable(fn: (...args: unknown[]) => unknown): boolean {
  const known = readableNames.get(fn);
  if (known !== undefined) return known;
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return false;
  }
  const bundle = bundleSource();
  let readable: boolean;
  if (/\{\s*\[native code\]\s*\}$/.test(source)) readable = !fn.name.startsWith('bound ');
  else if (bundle !== undefined) readable = !bundle.includes(source);
  else readable = !/^[\w$]{1,3}$/.test(fn.name);
  readableNames.set(fn, readable);
  return readable;
}

let bundleText: string | null | undefined;

/** The source of the script this code runs in: the kernel's bundle (or a test's). */
function bundleSource(): string | undefined {
  if (bundleText === undefined) {
    try {
      bundleText = typeof __filename === 'string' ? fs.readFileSync(__filename, 'utf8') : null;
    } catch {
      bundleText = null;
    }
  }
  return bundleText ?? undefined;
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

/** 'Variable 'w'' for a tf.Variable, 'Tensor' for any other tensor. */
function tensorKind(tensor: TensorLike): string {
  const variable = tensor as unknown as { assign?: unknown; trainable?: unknown; name?: unknown };
  return typeof variable.assign === 'function' && typeof variable.trainable === 'boolean' ? `Variable '${String(variable.name)}'` : 'Tensor';
}

function formatTensor(tensor: TensorLike): MimeBundle {
  const shapeText = `[${tensor.shape.join(', ')}]`;
  if (tensor.isDisposed) return { [MimeTypes.plain]: `${tensorKind(tensor)} ${shapeText} ${tensor.dtype} (disposed)` };
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
  const text = `${tensorKind(tensor)} ${shapeText} ${tensor.dtype}\n  [${values.join(', ')}${more}]`;
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
  // Read without calling getters: a getter may throw, or cost (a watcher's record before training).
  return Object.values(Object.getOwnPropertyDescriptors(value)).every((d) => !d.enumerable || ('value' in d && isJsonFaithful(d.value, depth + 1, seen)));
}
