/**
 * The two ways every initializer can be called, read the same way everywhere:
 *
 *   init.xavierNormal(shape, { gain: 2, seed: 0 })   torch's keyword names, in one options object
 *   init.xavierNormal(shape, 2, { seed: 0 })         the positional form, torch's argument order
 *
 * A plain object in first place is the options form; otherwise the numbers are positional
 * arguments, and an object after them may give only the `seed` (or the other extras), not a
 * parameter already given by position. Each value is then checked by name, so a message says
 * `options.gain` or `gain` according to how it was passed.
 */
import { checkFiniteNumber, checkSeed, describeValue, isPlainObject, type NumberRule } from '../args';

export interface InitSignature {
  /** As the user calls it, e.g. "init.xavierNormal". */
  fn: string;
  /** torch's parameters after the tensor, in its order, e.g. ['mean', 'std']. */
  params: readonly string[];
  /** Keys that only an options object gives, e.g. ['seed']. */
  extras: readonly string[];
}

export class InitArgs {
  constructor(
    readonly fn: string,
    private readonly values: Record<string, unknown>,
    private readonly fromOptions: ReadonlySet<string>,
  ) {}

  /** How the message should name a key: `options.gain` or `gain`. */
  label(key: string): string {
    return this.fromOptions.has(key) ? `options.${key}` : key;
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.values[key];
  }

  number(key: string, fallback: number, rule: NumberRule = {}): number {
    const value = this.values[key];
    return value === undefined ? fallback : checkFiniteNumber(this.fn, this.label(key), value, rule);
  }

  /** A number the caller must give. */
  required(key: string, rule: NumberRule = {}): number {
    if (this.values[key] === undefined) throw new TypeError(`${this.fn}: ${key} is required, e.g. ${this.fn}(shape, { ${key}: … })`);
    return checkFiniteNumber(this.fn, this.label(key), this.values[key], rule);
  }

  seed(): number | undefined {
    return checkSeed(this.fn, this.label('seed'), this.values.seed);
  }
}

export function readInitArgs(signature: InitSignature, args: readonly unknown[]): InitArgs {
  const { fn, params, extras } = signature;
  const allKeys = [...params, ...extras];
  const values: Record<string, unknown> = {};
  const fromOptions = new Set<string>();
  const takeOptions = (options: Record<string, unknown>, allowed: readonly string[], afterPositional: boolean) => {
    for (const [key, value] of Object.entries(options)) {
      if (!allowed.includes(key)) {
        if (afterPositional && params.includes(key)) {
          throw new TypeError(`${fn}: option "${key}" cannot follow positional arguments; pass them all in one object: ${fn}(shape, { ${allKeys.join(', ')} })`);
        }
        throw new TypeError(`${fn}: unknown option "${key}" (expected one of ${allowed.join(', ')})`);
      }
      values[key] = value;
      fromOptions.add(key);
    }
  };

  if (args.length > 0 && isPlainObject(args[0])) {
    if (args.length > 1) throw new TypeError(`${fn}: the options object must be the last argument, got ${describeValue(args[1])} after it`);
    takeOptions(args[0], allKeys, false);
    return new InitArgs(fn, values, fromOptions);
  }
  let i = 0;
  for (; i < args.length && i < params.length && !isPlainObject(args[i]); i++) values[params[i]] = args[i];
  if (i < args.length) {
    if (!isPlainObject(args[i])) {
      if (params.length === 0) throw new TypeError(`${fn}: options must be an object with some of ${extras.join(', ')}, got ${describeValue(args[i])}`);
      const then = extras.length ? ` and then an optional { ${extras.join(', ')} }` : '';
      throw new TypeError(`${fn}: takes ${params.join(', ')}${then} after the shape, got ${describeValue(args[i])} as argument ${i + 2}`);
    }
    if (extras.length === 0) throw new TypeError(`${fn}: takes no options object, got ${describeValue(args[i])}`);
    takeOptions(args[i] as Record<string, unknown>, extras, true);
    if (i + 1 < args.length) throw new TypeError(`${fn}: the options object must be the last argument, got ${describeValue(args[i + 1])} after it`);
  }
  return new InitArgs(fn, values, fromOptions);
}
