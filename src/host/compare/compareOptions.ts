/**
 * What "Compare initializations" compares: the schemes, the network and the data. Shared by the
 * VS Code command's quick picks and `initlab compare`'s flags, so both accept the same names
 * and the same defaults (three schemes, a 4-layer ReLU MLP of width 100, MNIST 50k, seed 0:
 * the lesson's comparison).
 */
import { ACTIVATION_NAMES, SCHEME_NAMES, type ActivationName, type SchemeName } from '../../shared/names';

export const SCHEME_IDS = SCHEME_NAMES;
export type NamedScheme = SchemeName;
/** A named scheme, or `std:0.05` for normal(0, 0.05). */
export type SchemeId = NamedScheme | `std:${number}`;

export const ACTIVATIONS = ACTIVATION_NAMES;
export type Activation = ActivationName;

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
  /** Steps of plain SGD each scheme then trains for (0: the first pass only). */
  trainSteps: number;
}

export const DEFAULT_COMPARE_OPTIONS: Readonly<CompareOptions> = {
  schemes: ['normal', 'xavierNormal', 'kaimingNormal'],
  activation: 'relu',
  depth: 4,
  width: 100,
  data: 'mnist',
  seed: 0,
  trainSteps: 0,
};

/** The most training steps a comparison takes. */
export const MAX_TRAIN_STEPS = 10_000;

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
  lecunUniform: 'LeCun uniform',
  orthogonal: 'orthogonal',
  deltaOrthogonal: 'delta-orthogonal',
  zerO: 'ZerO',
  lsuv: 'LSUV',
  fixup: 'Fixup',
  metaInit: 'MetaInit',
  gradInit: 'GradInit',
};

/**
 * Schemes that apply to residual networks only (Fixup zeroes each residual branch's last layer):
 * the MLP a comparison builds has no branch, so they are offered for a notebook's own model only.
 */
export const RESIDUAL_ONLY_SCHEMES: readonly NamedScheme[] = ['fixup'];

/** The schemes a comparison on a new network (the MLP) can use. */
export const NEW_NETWORK_SCHEMES: readonly NamedScheme[] = SCHEME_IDS.filter((id) => !RESIDUAL_ONLY_SCHEMES.includes(id));

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

/**
 * What is wrong with options from a user, as data: the CLI words it in English
 * (describeCompareProblem), the extension through VS Code's l10n, in the user's language.
 */
export type CompareProblem =
  | { kind: 'noScheme' }
  | { kind: 'scheme' | 'activation' | 'data'; value: string }
  | { kind: 'depth' | 'width' | 'seed' | 'trainSteps'; value: number }
  /** The VS Code command's argument is not an object of options; `value` is it as JSON. */
  | { kind: 'argument'; value: string }
  /** An option the command does not take; `known` are those it does. */
  | { kind: 'unknownOption'; name: string; known: readonly string[] }
  /** An option of the wrong type; `value` is it as JSON. */
  | { kind: 'optionType'; name: string; expected: OptionType; value: string };

/** What each option of the command's argument must be: `strings` is an array of strings. */
export type OptionType = 'string' | 'number' | 'strings';

/**
 * The VS Code command's argument (keybindings, other extensions, tests): options that skip its
 * questions, and the name of a model in the active notebook to compare on.
 */
export type CompareArgument = Partial<CompareOptions> & { model?: string };

export const COMPARE_ARGUMENT_TYPES: Readonly<Record<keyof CompareArgument, OptionType>> = {
  schemes: 'strings',
  activation: 'string',
  depth: 'number',
  width: 'number',
  data: 'string',
  seed: 'number',
  trainSteps: 'number',
  model: 'string',
};

/**
 * Checks the types of the command's argument, which arrives as any JSON a keybinding or another
 * extension sends: an object whose keys are options of the right types, or nothing (undefined or
 * null: the questions are asked). Values are checked after (validateCompareOptions); a key set to
 * undefined counts as absent.
 */
export function checkCompareArgument(value: unknown): { args: CompareArgument | undefined } | { problem: CompareProblem } {
  if (value === undefined || value === null) return { args: undefined };
  if (typeof value !== 'object' || Array.isArray(value)) return { problem: { kind: 'argument', value: shownValue(value) } };
  const known = Object.keys(COMPARE_ARGUMENT_TYPES) as (keyof CompareArgument)[];
  const args: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(value)) {
    if (option === undefined) continue;
    if (!(known as string[]).includes(name)) return { problem: { kind: 'unknownOption', name, known } };
    const expected = COMPARE_ARGUMENT_TYPES[name as keyof CompareArgument];
    const fits = expected === 'strings' ? Array.isArray(option) && option.every((s) => typeof s === 'string') : typeof option === expected;
    if (!fits) return { problem: { kind: 'optionType', name, expected, value: shownValue(option) } };
    args[name] = expected === 'strings' ? [...(option as string[])] : option;
  }
  return { args: args as CompareArgument };
}

/** A value as a message shows it: JSON, cut at 60 characters. */
function shownValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export function validateCompareOptions(options: CompareOptions): CompareProblem | undefined {
  if (options.schemes.length === 0) return { kind: 'noScheme' };
  const bad = options.schemes.find((s) => !isSchemeId(s));
  if (bad !== undefined) return { kind: 'scheme', value: bad };
  if (!ACTIVATIONS.includes(options.activation)) return { kind: 'activation', value: options.activation };
  if (!Number.isInteger(options.depth) || options.depth < 2 || options.depth > 100) return { kind: 'depth', value: options.depth };
  if (!Number.isInteger(options.width) || options.width < 1 || options.width > 4096) return { kind: 'width', value: options.width };
  if (!DATA_CHOICES.includes(options.data)) return { kind: 'data', value: options.data };
  if (!Number.isInteger(options.seed) || options.seed < 0) return { kind: 'seed', value: options.seed };
  if (!Number.isInteger(options.trainSteps) || options.trainSteps < 0 || options.trainSteps > MAX_TRAIN_STEPS) return { kind: 'trainSteps', value: options.trainSteps };
  return undefined;
}

/** The problem in English; the message names the bad value and what is allowed. */
export function describeCompareProblem(problem: CompareProblem): string {
  switch (problem.kind) {
    case 'noScheme':
      return 'Choose at least one scheme.';
    case 'scheme':
      return `Unknown scheme "${problem.value}": use ${SCHEME_IDS.join(', ')} or std:<number> (e.g. std:0.05).`;
    case 'activation':
      return `Unknown activation "${problem.value}": use ${ACTIVATIONS.join(', ')}.`;
    case 'depth':
      return `Depth must be a whole number from 2 to 100, not ${problem.value}.`;
    case 'width':
      return `Width must be a whole number from 1 to 4096, not ${problem.value}.`;
    case 'data':
      return `Unknown data "${problem.value}": use ${DATA_CHOICES.join(', ')}.`;
    case 'seed':
      return `The seed must be a whole number ≥ 0, not ${problem.value}.`;
    case 'trainSteps':
      return `Training steps must be a whole number from 0 to ${MAX_TRAIN_STEPS}, not ${problem.value}.`;
    case 'argument':
      return `Compare Initializations takes an object of options such as { "data": "synthetic", "depth": 6 }, not ${problem.value}.`;
    case 'unknownOption':
      return `Compare Initializations has no option "${problem.name}": use ${problem.known.join(', ')}.`;
    case 'optionType':
      switch (problem.expected) {
        case 'string':
          return `The option "${problem.name}" must be a string, not ${problem.value}.`;
        case 'number':
          return `The option "${problem.name}" must be a number, not ${problem.value}.`;
        case 'strings':
          return `The option "${problem.name}" must be an array of strings such as ["normal", "kaimingNormal"], not ${problem.value}.`;
      }
  }
}
