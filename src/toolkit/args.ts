/**
 * Run-time argument checks for the toolkit's public functions. Cells are not type-checked
 * before they run, so a wrong argument must stop with an error that names the function, the
 * argument and what was expected, e.g.
 *
 *   init.xavierNormal: options.gain must be a finite number, got "2"
 *   init.xavierNormal: unknown option "gian" (expected one of gain, seed)
 *
 * never a tensor of NaN or a silently ignored option.
 *
 * Why our own and not a validation library: none is a dependency, and the ones that fit best
 * would still need a wrapper for every message. Zod and Valibot validate data against schemas;
 * their messages ("Invalid input: expected number, received string", "Unrecognized key") name
 * neither the function nor the choices, and most checks here are about tensors and shapes (a
 * rank, a width that must match a layer), which become custom refinements anyway. `ow`, made for
 * function arguments, is ESM-only and finds argument names by reading the caller's source file,
 * which in a notebook cell is transpiled code in memory. These checks are a few lines each.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from './engine/engine';

/** A short, readable account of a value for an error message: "2" quoted, NaN, a tensor's shape. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'function') return `a function${readable(value.name) ? ` (${value.name})` : ''}`;
  if (value instanceof tf.Tensor) return value.isDisposed ? 'a disposed tensor' : `a tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 6).map((v) => (typeof v === 'object' && v !== null ? '…' : describeValue(v)));
    return `an array [${shown.join(', ')}${value.length > 6 ? ', …' : ''}]`;
  }
  // tf.layers objects name their own class; the bundle's minified class names ('o9') say nothing.
  const own = (value as { getClassName?: () => unknown }).getClassName;
  const name = typeof own === 'function' ? String(own.call(value)) : (value as object).constructor?.name;
  if (readable(name) && name !== 'Object') return `a ${name}`;
  const keys = Object.keys(value as object);
  return keys.length ? `an object with ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}` : 'an empty object';
}

/** A name worth showing: not empty, and not one a minifier made (one or two letters, perhaps a digit). */
function readable(name: string | undefined): name is string {
  return !!name && !/^[A-Za-z_$][A-Za-z_$]?\d?$/.test(name);
}

/** `${fn}: ${name} must be ${expected}, got ${value}` as a TypeError. */
export function argumentError(fn: string, name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${fn}: ${name} must be ${expected}, got ${describeValue(value)}`);
}

/** An object literal, not an array, a tensor, a class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export interface NumberRule {
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive lower bound, e.g. 0 for "positive". */
  above?: number;
}

function expectedNumber(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const bounds: string[] = [];
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`);
  if (rule.min !== undefined && rule.max !== undefined) bounds.push(`in [${rule.min}, ${rule.max}]`);
  else if (rule.min !== undefined) bounds.push(`>= ${rule.min}`);
  else if (rule.max !== undefined) bounds.push(`<= ${rule.max}`);
  return bounds.length ? `${kind} ${bounds.join(' and ')}` : kind;
}

/** A finite number meeting `rule`. NaN and ±Infinity are refused: they would spread into every tensor. */
export function checkFiniteNumber(fn: string, name: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.above === undefined || value > rule.above);
  if (!ok) throw argumentError(fn, name, expectedNumber(rule), value);
  return value as number;
}

/** `value` when given, else `fallback` (undefined counts as not given, as JavaScript defaults do). */
export function optionalNumber(fn: string, name: string, value: unknown, fallback: number, rule: NumberRule = {}): number {
  return value === undefined ? fallback : checkFiniteNumber(fn, name, value, rule);
}

/** A positive integer, e.g. a size or a count. */
export function checkPositiveInteger(fn: string, name: string, value: unknown): number {
  return checkFiniteNumber(fn, name, value, { integer: true, min: 1 });
}

/** A seed: any finite number, or undefined for the global stream (`manualSeed`). */
export function checkSeed(fn: string, name: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkFiniteNumber(fn, name, value);
}

export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw argumentError(fn, name, 'true or false', value);
  return value;
}

export function checkString(fn: string, name: string, value: unknown): string {
  if (typeof value !== 'string') throw argumentError(fn, name, 'a string', value);
  return value;
}

export function checkFunction(fn: string, name: string, value: unknown, expected = 'a function'): (...args: never[]) => unknown {
  if (typeof value !== 'function') throw argumentError(fn, name, expected, value);
  return value as (...args: never[]) => unknown;
}

/** One of a few names, listed in the message. */
export function checkOneOf<T extends string>(fn: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw argumentError(fn, name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

/**
 * An options object with only known keys: undefined gives {}. A misspelt key is an error, not
 * a default used in silence.
 */
export function checkOptions(fn: string, value: unknown, allowed: readonly string[], name = 'options'): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw argumentError(fn, name, `an object with ${allowed.length ? `some of ${allowed.join(', ')}` : 'no keys'}`, value);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${fn}: unknown option "${key}" (expected ${allowed.length ? `one of ${allowed.join(', ')}` : 'none'})`);
    }
  }
  return value;
}

/** Refuses arguments past the last one a function takes (a second options object, say). */
export function checkArgumentCount(fn: string, args: readonly unknown[], max: number): void {
  if (args.length > max) throw new TypeError(`${fn}: takes at most ${max} argument${max === 1 ? '' : 's'}, got ${args.length} (the extra one is ${describeValue(args[max])})`);
}

export interface ShapeRule {
  rank?: number;
  minRank?: number;
  maxRank?: number;
}

function expectedShape(rule: ShapeRule): string {
  if (rule.rank !== undefined) return `an array of ${rule.rank} positive integers`;
  if (rule.minRank !== undefined && rule.maxRank !== undefined) return `an array of ${rule.minRank} to ${rule.maxRank} positive integers`;
  if (rule.minRank !== undefined) return `an array of at least ${rule.minRank} positive integers`;
  return 'an array of positive integers';
}

/** An array of positive integers, e.g. [784, 100]; a negative or fractional size is refused. */
export function checkShape(fn: string, name: string, value: unknown, rule: ShapeRule = {}): number[] {
  const ok =
    Array.isArray(value) &&
    value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1) &&
    (rule.rank === undefined || value.length === rule.rank) &&
    (rule.minRank === undefined || value.length >= rule.minRank) &&
    (rule.maxRank === undefined || value.length <= rule.maxRank);
  if (!ok) throw argumentError(fn, name, expectedShape(rule), value);
  return [...(value as number[])];
}

/** A live tf.Tensor, optionally of a given rank. */
export function checkTensor(fn: string, name: string, value: unknown, rule: { rank?: number } = {}): tfjs.Tensor {
  const expected = rule.rank === undefined ? 'a tf.Tensor' : `a ${rule.rank}-D tf.Tensor`;
  if (!(value instanceof tf.Tensor) || value.isDisposed || (rule.rank !== undefined && value.rank !== rule.rank)) throw argumentError(fn, name, expected, value);
  return value;
}

/** A shape, or a tensor (or tf.Variable) whose shape to use: what every initializer takes first. */
export function checkShapeOrTensor(fn: string, name: string, value: unknown, rule: ShapeRule = {}): number[] {
  const expected = `${expectedShape(rule)}, or a tf.Tensor of such a shape`;
  const live = value instanceof tf.Tensor && !value.isDisposed;
  if (!live && !Array.isArray(value)) throw argumentError(fn, name, expected, value);
  const dims = live ? [...(value as tfjs.Tensor).shape] : (value as unknown[]);
  try {
    return checkShape(fn, name, dims, rule);
  } catch {
    throw argumentError(fn, name, expected, value);
  }
}
