/**
 * What "Compare initializations" compares: the schemes, the network and the data. Shared by the
 * VS Code command's quick picks and `initlab compare`'s flags, so both accept the same names
 * and the same defaults (three schemes, a 4-layer ReLU MLP of width 100, MNIST 50k, seed 0:
 * the lesson's comparison).
 */
export const SCHEME_IDS = [
  'normal',
  'xavierNormal',
  'xavierUniform',
  'kaimingNormal',
  'kaimingUniform',
  'kaimingNormalFanOut',
  'kaimingUniformFanOut',
  'lecunNormal',
  'orthogonal',
  'lsuv',
] as const;
export type NamedScheme = (typeof SCHEME_IDS)[number];
/** A named scheme, or `std:0.05` for normal(0, 0.05). */
export type SchemeId = NamedScheme | `std:${number}`;

export const ACTIVATIONS = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'none'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const DATA_CHOICES = ['mnist', 'mnist-subset', 'synthetic'] as const;
export type DataChoice = (typeof DATA_CHOICES)[number];

export interface CompareOptions {
  schemes: SchemeId[];
  activation: Activation;
  /** Linear layers, the output layer included. */
  depth: number;
  /** Units of each hidden layer. */
  width: number;
  data: DataChoice;
  seed: number;
}

export const DEFAULT_COMPARE_OPTIONS: Readonly<CompareOptions> = {
  schemes: ['normal', 'xavierNormal', 'kaimingNormal'],
  activation: 'relu',
  depth: 4,
  width: 100,
  data: 'mnist',
  seed: 0,
};

/** Rows of the "MNIST subset" and "synthetic" choices. */
export const SUBSET_ROWS = 10_000;

export const SCHEME_LABELS: Record<NamedScheme, string> = {
  normal: 'normal(0, 1)',
  xavierNormal: 'Xavier normal',
  xavierUniform: 'Xavier uniform',
  kaimingNormal: 'Kaiming normal (fan_in)',
  kaimingUniform: 'Kaiming uniform (fan_in)',
  kaimingNormalFanOut: 'Kaiming normal (fan_out)',
  kaimingUniformFanOut: 'Kaiming uniform (fan_out)',
  lecunNormal: 'LeCun normal',
  orthogonal: 'orthogonal',
  lsuv: 'LSUV',
};

export function schemeLabel(id: SchemeId): string {
  const std = customStd(id);
  return std === undefined ? SCHEME_LABELS[id as NamedScheme] : `normal(0, ${std})`;
}

/** The std of a `std:<number>` scheme, or undefined for a named one. */
export function customStd(id: string): number | undefined {
  if (!id.startsWith('std:')) return undefined;
  const value = Number(id.slice(4));
  return value > 0 && Number.isFinite(value) ? value : undefined;
}

export function isSchemeId(id: string): id is SchemeId {
  return (SCHEME_IDS as readonly string[]).includes(id) || customStd(id) !== undefined;
}

/** Checks options from a user; the message names the bad value and what is allowed. */
export function validateCompareOptions(options: CompareOptions): string | undefined {
  if (options.schemes.length === 0) return 'Choose at least one scheme.';
  const bad = options.schemes.find((s) => !isSchemeId(s));
  if (bad !== undefined) return `Unknown scheme "${bad}": use ${SCHEME_IDS.join(', ')} or std:<number> (e.g. std:0.05).`;
  if (!ACTIVATIONS.includes(options.activation)) return `Unknown activation "${options.activation}": use ${ACTIVATIONS.join(', ')}.`;
  if (!Number.isInteger(options.depth) || options.depth < 2 || options.depth > 100) return `Depth must be a whole number from 2 to 100, not ${options.depth}.`;
  if (!Number.isInteger(options.width) || options.width < 1 || options.width > 4096) return `Width must be a whole number from 1 to 4096, not ${options.width}.`;
  if (!DATA_CHOICES.includes(options.data)) return `Unknown data "${options.data}": use ${DATA_CHOICES.join(', ')}.`;
  if (!Number.isInteger(options.seed) || options.seed < 0) return `The seed must be a whole number ≥ 0, not ${options.seed}.`;
  return undefined;
}
