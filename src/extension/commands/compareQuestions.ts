/**
 * Compare Initializations' questions, as VS Code quick picks and input boxes: schemes,
 * activation, depth, width, data, seed and training for a new network, or schemes, data, seed
 * and training for a model of the notebook; and the options' problems in the user's language.
 * Escape at any question answers undefined.
 */
import * as vscode from 'vscode';
import type { NotebookModel } from '../../shared/kernelProtocol';
import {
  ACTIVATIONS,
  customStd,
  DATA_CHOICES,
  DEFAULT_COMPARE_OPTIONS,
  MAX_TRAIN_STEPS,
  NEW_NETWORK_SCHEMES,
  SCHEME_IDS,
  SCHEME_LABELS,
  type Activation,
  type CompareProblem,
  type CompareOptions,
  type DataChoice,
  type NamedScheme,
  type SchemeId,
} from '../../host/compare/compareOptions';
import { QuestionSequence, type Choice } from './questionSequence';

type Pick<T> = Choice<T>;

const CUSTOM_STD = 'custom';

/** `offered`: every scheme for a notebook's model; for a new network (an MLP), those that apply to it. */
async function pickSchemes(q: QuestionSequence, title: string, offered: readonly NamedScheme[] = SCHEME_IDS): Promise<SchemeId[] | undefined> {
  const items: Pick<string>[] = [
    // Scheme names are the papers' names, the same in every language.
    ...offered.map((id) => ({ label: SCHEME_LABELS[id], value: id, picked: DEFAULT_COMPARE_OPTIONS.schemes.includes(id) })),
    { label: vscode.l10n.t('Custom std…'), description: vscode.l10n.t('normal(0, std) with a std you type'), value: CUSTOM_STD },
  ];
  const picked = await q.pickMany(title, vscode.l10n.t('Schemes to compare; Enter keeps normal(0, 1), Xavier normal and Kaiming normal'), items);
  if (!picked) return undefined;
  const schemes = picked.filter((p) => p !== CUSTOM_STD) as SchemeId[];
  if (picked.includes(CUSTOM_STD)) {
    const std = await q.input(vscode.l10n.t('Compare initializations: custom std'), vscode.l10n.t('The std of normal(0, std) for every weight'), '0.05', (text) =>
      customStd(`std:${text.trim()}`) === undefined ? vscode.l10n.t('Type a positive number, such as 0.05.') : undefined,
    );
    if (std === undefined) return undefined;
    schemes.push(`std:${Number(std.trim())}`);
  }
  return schemes.length > 0 ? schemes : [...DEFAULT_COMPARE_OPTIONS.schemes];
}

async function askNumber(q: QuestionSequence, step: string, prompt: string, value: number, min: number, max: number): Promise<number | undefined> {
  const text = await q.input(step, prompt, String(value), (t) => {
    const n = Number(t.trim());
    return Number.isInteger(n) && n >= min && n <= max ? undefined : vscode.l10n.t('Type a whole number from {0} to {1}.', min, max);
  });
  return text === undefined ? undefined : Number(text.trim());
}

function pickData(q: QuestionSequence, step: string): Promise<DataChoice | undefined> {
  return q.pickOne<DataChoice>(step, vscode.l10n.t('What flows through the network'), [
    { label: vscode.l10n.t('MNIST, 50,000 images'), description: vscode.l10n.t('bundled, as in the lesson'), value: 'mnist' },
    { label: vscode.l10n.t('MNIST, first 10,000 images'), description: vscode.l10n.t('faster'), value: 'mnist-subset' },
    { label: vscode.l10n.t('Synthetic N(0, 1) inputs'), description: vscode.l10n.t('10,000 rows'), value: 'synthetic' },
  ]);
}

/**
 * The seven questions; undefined when the user presses Escape at any of them. `onData` hears the
 * data as soon as it is chosen, so the kernel can load it while the last question is asked.
 */
export async function askOptions(q: QuestionSequence, onData: (data: DataChoice) => void): Promise<CompareOptions | undefined> {
  const d = DEFAULT_COMPARE_OPTIONS;
  const schemes = await pickSchemes(q, vscode.l10n.t('Compare initializations (1/7): schemes'), NEW_NETWORK_SCHEMES);
  if (!schemes) return undefined;
  const activation = await q.pickOne<Activation>(vscode.l10n.t('Compare initializations (2/7): activation'), vscode.l10n.t('The activation between layers'), [
    { label: 'ReLU', value: 'relu' },
    { label: vscode.l10n.t('Leaky ReLU (slope 0.01)'), value: 'leakyRelu' },
    { label: 'tanh', value: 'tanh' },
    { label: 'sigmoid', value: 'sigmoid' },
    { label: vscode.l10n.t('none (a linear network)'), value: 'none' },
  ]);
  if (!activation) return undefined;
  const depth = await askNumber(q, vscode.l10n.t('Compare initializations (3/7): depth'), vscode.l10n.t('Linear layers, the output layer included'), d.depth, 2, 100);
  if (depth === undefined) return undefined;
  const width = await askNumber(q, vscode.l10n.t('Compare initializations (4/7): width'), vscode.l10n.t('Units in each hidden layer'), d.width, 1, 4096);
  if (width === undefined) return undefined;
  const data = await pickData(q, vscode.l10n.t('Compare initializations (5/7): data'));
  if (!data) return undefined;
  onData(data);
  const seed = await askNumber(q, vscode.l10n.t('Compare initializations (6/7): seed'), vscode.l10n.t('The same seed gives the same weights'), d.seed, 0, 2 ** 31 - 1);
  if (seed === undefined) return undefined;
  const trainSteps = await pickTraining(q, vscode.l10n.t('Compare initializations (7/7): training'));
  if (trainSteps === undefined) return undefined;
  return { schemes, activation, depth, width, data, seed, trainSteps };
}

/**
 * Whether each scheme then trains. The first pass answers "do the signals keep their scale";
 * training answers "does it learn". Default: the first pass only, which keeps the lesson's
 * comparison within its 10 s; the training rows say what they add.
 */
function pickTraining(q: QuestionSequence, step: string): Promise<number | undefined> {
  return q.pickOne<number>(step, vscode.l10n.t('Train each scheme after the first pass?'), [
    { label: vscode.l10n.t('No, the first pass only'), description: vscode.l10n.t('fastest'), value: 0 },
    { label: vscode.l10n.t('Yes, 100 steps of SGD'), description: vscode.l10n.t('the same batches for every scheme; a few seconds more'), value: 100 },
    { label: vscode.l10n.t('Yes, 500 steps of SGD'), description: vscode.l10n.t('the verdict also says which schemes trained'), value: 500 },
  ]);
}

export const NEW_NETWORK = '';

/** "Compare on `net`" or "a new network"; undefined on Escape. */
export async function pickTarget(q: QuestionSequence, models: NotebookModel[]): Promise<NotebookModel | typeof NEW_NETWORK | undefined> {
  const items: Pick<NotebookModel | typeof NEW_NETWORK>[] = [
    ...models.map((m) => ({
      label: `$(symbol-variable) ${m.name}`,
      description: m.description,
      detail: vscode.l10n.t('The model defined in this notebook: each scheme re-initializes a copy of it'),
      value: m,
    })),
    { label: `$(add) ${vscode.l10n.t('A new network')}`, detail: vscode.l10n.t('An MLP you describe in the next steps, in a new notebook'), value: NEW_NETWORK },
  ];
  return q.pickOne(vscode.l10n.t('Compare initializations: on which network?'), vscode.l10n.t('This notebook defines a model; compare on it, or on a new network'), items);
}

/** Schemes, data (when the model takes MNIST's 784 inputs), seed and training; the rest is the model's. */
export async function askModelOptions(q: QuestionSequence, model: NotebookModel): Promise<CompareOptions | undefined> {
  const takesMnist = model.takesMnist;
  const steps = takesMnist ? 4 : 3;
  const schemes = await pickSchemes(q, vscode.l10n.t('Compare on {0} (1/{1}): schemes', model.name, steps));
  if (!schemes) return undefined;
  const data = takesMnist ? await pickData(q, vscode.l10n.t('Compare on {0} (2/{1}): data', model.name, steps)) : 'synthetic';
  if (!data) return undefined;
  const seed = await askNumber(q, vscode.l10n.t('Compare on {0} ({1}/{2}): seed', model.name, steps - 1, steps), vscode.l10n.t('The same seed gives the same weights'), DEFAULT_COMPARE_OPTIONS.seed, 0, 2 ** 31 - 1);
  if (seed === undefined) return undefined;
  const trainSteps = await pickTraining(q, vscode.l10n.t('Compare on {0} ({1}/{1}): training', model.name, steps));
  if (trainSteps === undefined) return undefined;
  return { ...DEFAULT_COMPARE_OPTIONS, schemes, data, seed, trainSteps };
}

/** The user's words for a problem with the options, in their language. */
export function localizedProblem(problem: CompareProblem): string {
  switch (problem.kind) {
    case 'noScheme':
      return vscode.l10n.t('Choose at least one scheme.');
    case 'scheme':
      return vscode.l10n.t('Unknown scheme "{0}": use {1} or std:<number> (e.g. std:0.05).', problem.value, SCHEME_IDS.join(', '));
    case 'activation':
      return vscode.l10n.t('Unknown activation "{0}": use {1}.', problem.value, ACTIVATIONS.join(', '));
    case 'depth':
      return vscode.l10n.t('Depth must be a whole number from 2 to 100, not {0}.', problem.value);
    case 'width':
      return vscode.l10n.t('Width must be a whole number from 1 to 4096, not {0}.', problem.value);
    case 'data':
      return vscode.l10n.t('Unknown data "{0}": use {1}.', problem.value, DATA_CHOICES.join(', '));
    case 'seed':
      return vscode.l10n.t('The seed must be a whole number ≥ 0, not {0}.', problem.value);
    case 'trainSteps':
      return vscode.l10n.t('Training steps must be a whole number from 0 to {0}, not {1}.', MAX_TRAIN_STEPS, problem.value);
    case 'argument':
      return vscode.l10n.t('Compare Initializations takes an object of options such as {0}, not {1}.', '{ "data": "synthetic", "depth": 6 }', problem.value);
    case 'unknownOption':
      return vscode.l10n.t('Compare Initializations has no option "{0}": use {1}.', problem.name, problem.known.join(', '));
    case 'optionType':
      switch (problem.expected) {
        case 'string':
          return vscode.l10n.t('The option "{0}" must be a string, not {1}.', problem.name, problem.value);
        case 'number':
          return vscode.l10n.t('The option "{0}" must be a number, not {1}.', problem.name, problem.value);
        case 'strings':
          return vscode.l10n.t('The option "{0}" must be an array of strings such as {1}, not {2}.', problem.name, '["normal", "kaimingNormal"]', problem.value);
      }
  }
}
