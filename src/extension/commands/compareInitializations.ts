/**
 * "InitLab: Compare Initializations": asks for schemes, activation, depth, width, data and seed
 * (Enter through every step keeps the defaults: the lesson's comparison), creates a notebook
 * whose cells perform the comparison, and runs it under a cancellable progress notification.
 * The notebook stays open with its charts, table and verdict, ready to edit and re-run.
 *
 * When the active notebook's kernel holds a model (a variable made by `nn.mlp` or of the same
 * kind), the command first offers to compare on that model: the comparison's cells are then
 * appended to that notebook, where the model lives, and each scheme re-initializes a copy of it.
 *
 * The command also takes the options as an argument, which skips the questions: for
 * keybindings, other extensions and tests (`{ model: 'net' }` compares on the active
 * notebook's `net`).
 */
import * as vscode from 'vscode';
import type { NotebookModel } from '../../shared/kernelProtocol';
import { COMPARE_CELL_IDS, compareNotebook, compareOnModelCells, mnistOptionsFor } from '../../host/compare/compareNotebook';
import {
  ACTIVATIONS,
  customStd,
  DATA_CHOICES,
  DEFAULT_COMPARE_OPTIONS,
  MAX_TRAIN_STEPS,
  SCHEME_IDS,
  SCHEME_LABELS,
  validateCompareOptions,
  type Activation,
  type CompareProblem,
  type CompareOptions,
  type DataChoice,
  type SchemeId,
} from '../../host/compare/compareOptions';
import { cellsToVsCodeData, NOTEBOOK_TYPE, notebookToVsCodeData, openUntitledNotebook } from '../initnbSerializer';
import { CONTROLLER_ID, type KernelController } from '../kernelController';
import { showVerdict } from './verdictInView';

const EXTENSION_ID = 'initlab.initlab';

export const COMPARE_COMMAND = 'initlab.compareInitializations';

/** The command's argument: options that skip the questions, and a model of the active notebook to compare on. */
export type CompareArgs = Partial<CompareOptions> & { model?: string };

/** What the command resolves to, so callers (and tests) can tell how it ended. */
export type CompareOutcome = { status: 'done' | 'cancelled' | 'failed'; notebook: vscode.NotebookDocument } | { status: 'dismissed' };

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

const CUSTOM_STD = 'custom';

async function pickSchemes(title: string): Promise<SchemeId[] | undefined> {
  const items: Pick<string>[] = [
    // Scheme names are the papers' names, the same in every language.
    ...SCHEME_IDS.map((id) => ({ label: SCHEME_LABELS[id], value: id, picked: DEFAULT_COMPARE_OPTIONS.schemes.includes(id) })),
    { label: vscode.l10n.t('Custom std…'), description: vscode.l10n.t('normal(0, std) with a std you type'), value: CUSTOM_STD },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title,
    placeHolder: vscode.l10n.t('Schemes to compare; Enter keeps normal(0, 1), Xavier normal and Kaiming normal'),
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const schemes = picked.filter((p) => p.value !== CUSTOM_STD).map((p) => p.value as SchemeId);
  if (picked.some((p) => p.value === CUSTOM_STD)) {
    const std = await vscode.window.showInputBox({
      title: vscode.l10n.t('Compare initializations: custom std'),
      prompt: vscode.l10n.t('The std of normal(0, std) for every weight'),
      value: '0.05',
      ignoreFocusOut: true,
      validateInput: (text) => (customStd(`std:${text.trim()}`) === undefined ? vscode.l10n.t('Type a positive number, such as 0.05.') : undefined),
    });
    if (std === undefined) return undefined;
    schemes.push(`std:${Number(std.trim())}`);
  }
  return schemes.length > 0 ? schemes : [...DEFAULT_COMPARE_OPTIONS.schemes];
}

async function pickOne<T>(step: string, placeHolder: string, items: Pick<T>[]): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items, { title: step, placeHolder, ignoreFocusOut: true });
  return picked?.value;
}

async function askNumber(step: string, prompt: string, value: number, min: number, max: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: step,
    prompt,
    value: String(value),
    ignoreFocusOut: true,
    validateInput: (t) => {
      const n = Number(t.trim());
      return Number.isInteger(n) && n >= min && n <= max ? undefined : vscode.l10n.t('Type a whole number from {0} to {1}.', min, max);
    },
  });
  return text === undefined ? undefined : Number(text.trim());
}

function pickData(step: string): Promise<DataChoice | undefined> {
  return pickOne<DataChoice>(step, vscode.l10n.t('What flows through the network'), [
    { label: vscode.l10n.t('MNIST, 50,000 images'), description: vscode.l10n.t('bundled, as in the lesson'), value: 'mnist' },
    { label: vscode.l10n.t('MNIST, first 10,000 images'), description: vscode.l10n.t('faster'), value: 'mnist-subset' },
    { label: vscode.l10n.t('Synthetic N(0, 1) inputs'), description: vscode.l10n.t('10,000 rows'), value: 'synthetic' },
  ]);
}

/**
 * The seven questions; undefined when the user presses Escape at any of them. `onData` hears the
 * data as soon as it is chosen, so the kernel can load it while the last question is asked.
 */
async function askOptions(onData: (data: DataChoice) => void): Promise<CompareOptions | undefined> {
  const d = DEFAULT_COMPARE_OPTIONS;
  const schemes = await pickSchemes(vscode.l10n.t('Compare initializations (1/7): schemes'));
  if (!schemes) return undefined;
  const activation = await pickOne<Activation>(vscode.l10n.t('Compare initializations (2/7): activation'), vscode.l10n.t('The activation between layers'), [
    { label: 'ReLU', value: 'relu' },
    { label: vscode.l10n.t('Leaky ReLU (slope 0.01)'), value: 'leakyRelu' },
    { label: 'tanh', value: 'tanh' },
    { label: 'sigmoid', value: 'sigmoid' },
    { label: vscode.l10n.t('none (a linear network)'), value: 'none' },
  ]);
  if (!activation) return undefined;
  const depth = await askNumber(vscode.l10n.t('Compare initializations (3/7): depth'), vscode.l10n.t('Linear layers, the output layer included'), d.depth, 2, 100);
  if (depth === undefined) return undefined;
  const width = await askNumber(vscode.l10n.t('Compare initializations (4/7): width'), vscode.l10n.t('Units in each hidden layer'), d.width, 1, 4096);
  if (width === undefined) return undefined;
  const data = await pickData(vscode.l10n.t('Compare initializations (5/7): data'));
  if (!data) return undefined;
  onData(data);
  const seed = await askNumber(vscode.l10n.t('Compare initializations (6/7): seed'), vscode.l10n.t('The same seed gives the same weights'), d.seed, 0, 2 ** 31 - 1);
  if (seed === undefined) return undefined;
  const trainSteps = await pickTraining(vscode.l10n.t('Compare initializations (7/7): training'));
  if (trainSteps === undefined) return undefined;
  return { schemes, activation, depth, width, data, seed, trainSteps };
}

/**
 * Whether each scheme then trains. The first pass answers "do the signals keep their scale";
 * training answers "does it learn". Default: the first pass only, which keeps the lesson's
 * comparison within its 10 s; the training rows say what they add.
 */
function pickTraining(step: string): Promise<number | undefined> {
  return pickOne<number>(step, vscode.l10n.t('Train each scheme after the first pass?'), [
    { label: vscode.l10n.t('No, the first pass only'), description: vscode.l10n.t('fastest'), value: 0 },
    { label: vscode.l10n.t('Yes, 100 steps of SGD'), description: vscode.l10n.t('the same batches for every scheme; a few seconds more'), value: 100 },
    { label: vscode.l10n.t('Yes, 500 steps of SGD'), description: vscode.l10n.t('the verdict also says which schemes trained'), value: 500 },
  ]);
}

const NEW_NETWORK = '';

/** "Compare on `net`" or "a new network"; undefined on Escape. */
async function pickTarget(models: NotebookModel[]): Promise<NotebookModel | typeof NEW_NETWORK | undefined> {
  const items: Pick<NotebookModel | typeof NEW_NETWORK>[] = [
    ...models.map((m) => ({
      label: `$(symbol-variable) ${m.name}`,
      description: m.description,
      detail: vscode.l10n.t('The model defined in this notebook: each scheme re-initializes a copy of it'),
      value: m,
    })),
    { label: `$(add) ${vscode.l10n.t('A new network')}`, detail: vscode.l10n.t('An MLP you describe in the next steps, in a new notebook'), value: NEW_NETWORK },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Compare initializations: on which network?'),
    placeHolder: vscode.l10n.t('This notebook defines a model; compare on it, or on a new network'),
    ignoreFocusOut: true,
  });
  return picked?.value;
}

/** Schemes, data (when the model takes MNIST's 784 inputs) and seed; the rest is the model's. */
async function askModelOptions(model: NotebookModel): Promise<CompareOptions | undefined> {
  const takesMnist = model.takesMnist;
  const steps = takesMnist ? 3 : 2;
  const schemes = await pickSchemes(vscode.l10n.t('Compare on {0} (1/{1}): schemes', model.name, steps));
  if (!schemes) return undefined;
  const data = takesMnist ? await pickData(vscode.l10n.t('Compare on {0} (2/{1}): data', model.name, steps)) : 'synthetic';
  if (!data) return undefined;
  const seed = await askNumber(vscode.l10n.t('Compare on {0} ({1}/{1}): seed', model.name, steps), vscode.l10n.t('The same seed gives the same weights'), DEFAULT_COMPARE_OPTIONS.seed, 0, 2 ** 31 - 1);
  if (seed === undefined) return undefined;
  return { ...DEFAULT_COMPARE_OPTIONS, schemes, data, seed };
}

async function runComparison(options: CompareOptions, kernels: KernelController, external?: vscode.CancellationToken): Promise<CompareOutcome> {
  const document = await openUntitledNotebook(notebookToVsCodeData(compareNotebook(options)));
  // The kernel starts while the editor opens: its start-up is off the comparison's path.
  kernels.prestart(document);
  const editor = await vscode.window.showNotebookDocument(document);
  if (!kernels.isSelectedFor(document)) await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
  const codeCells = document.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
  const run = () => vscode.commands.executeCommand('notebook.execute', document.uri);
  return runWithProgress(editor, codeCells, run, COMPARE_CELL_IDS.verdict, kernels, external);
}

/** Appends the comparison's cells to the notebook that defines the model, and runs them. */
async function runModelComparison(
  notebook: vscode.NotebookDocument,
  model: NotebookModel,
  options: CompareOptions,
  kernels: KernelController,
  external?: vscode.CancellationToken,
): Promise<CompareOutcome> {
  const cells = compareOnModelCells({ ...options, model: model.name, description: model.description }, Date.now().toString(36));
  const first = notebook.cellCount;
  const edit = new vscode.WorkspaceEdit();
  edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(first, cellsToVsCodeData(cells))]);
  await vscode.workspace.applyEdit(edit);
  const editor = await vscode.window.showNotebookDocument(notebook);
  const range = new vscode.NotebookRange(first, first + cells.length);
  editor.revealRange(range, vscode.NotebookEditorRevealType.AtTop);
  const codeCells = notebook.getCells(range).filter((c) => c.kind === vscode.NotebookCellKind.Code);
  const run = () => vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: first, end: first + cells.length }], document: notebook.uri });
  const verdictId = cells[cells.length - 1].id!;
  return runWithProgress(editor, codeCells, run, verdictId, kernels, external);
}

/** Runs a comparison's cells under a cancellable notification that counts finished cells. */
async function runWithProgress(
  editor: vscode.NotebookEditor,
  codeCells: vscode.NotebookCell[],
  execute: () => Thenable<unknown>,
  verdictId: string,
  kernels: KernelController,
  external?: vscode.CancellationToken,
): Promise<CompareOutcome> {
  const document = editor.notebook;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing initializations'), cancellable: true },
    async (progress, token) => {
      let cancelled = false;
      // Cancel stops the running cell through the kernel, exactly as the notebook's stop button
      // does; the cells queued behind it are then cancelled and every execution ends.
      const cancel = () => {
        if (cancelled) return;
        cancelled = true;
        void kernels.interrupt(document);
      };
      const onCancel = vscode.Disposable.from(token.onCancellationRequested(cancel), ...(external ? [external.onCancellationRequested(cancel)] : []));
      // A token cancelled already calls its listener only on a later tick: too late to keep
      // notebook.execute below from starting.
      if (external?.isCancellationRequested) cancel();
      // Each finished cell advances the notification.
      const finished = new Set<vscode.NotebookCell>();
      const onChange = vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.notebook !== document) return;
        // A cancel that came before the kernel had a cell to stop stops the first one that starts.
        if (cancelled && e.cellChanges.some((c) => c.executionSummary?.executionOrder !== undefined && c.executionSummary.success === undefined)) void kernels.interrupt(document);
        for (const change of e.cellChanges) {
          if (change.executionSummary?.success === undefined || finished.has(change.cell) || !codeCells.includes(change.cell)) continue;
          finished.add(change.cell);
          progress.report({ increment: 100 / codeCells.length, message: vscode.l10n.t('{0} of {1} steps done', finished.size, codeCells.length) });
        }
      });
      try {
        if (!cancelled) await execute();
      } finally {
        onCancel.dispose();
        onChange.dispose();
      }
      if (cancelled) return { status: 'cancelled', notebook: document } as const;
      const failed = codeCells.some((c) => c.executionSummary?.success === false || c.executionSummary?.success === undefined);
      if (!failed) showVerdict(editor, verdictId);
      return { status: failed ? 'failed' : 'done', notebook: document } as const;
    },
  );
}

/** The user's words for a problem with the options, in their language. */
function localizedProblem(problem: CompareProblem): string {
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
  }
}

/** The active editor's notebook, when it is an .initnb one. */
function activeInitnb(): vscode.NotebookDocument | undefined {
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  return notebook?.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
}

/**
 * `given` skips the questions; `cancellation` lets a caller cancel as the notification's
 * Cancel button does (tests use it; the button itself is covered by a UI test).
 */
export function registerCompareCommand(kernels: KernelController): vscode.Disposable {
  return vscode.commands.registerCommand(COMPARE_COMMAND, async (given?: CompareArgs, cancellation?: vscode.CancellationToken): Promise<CompareOutcome> => {
    // A kernel starts while the questions are asked; the comparison's new notebook takes it.
    const spare = given?.model === undefined ? kernels.startSpare() : undefined;
    try {
      return await compare(kernels, given, cancellation, () => spare?.dispose());
    } finally {
      spare?.dispose();
    }
  });
}

/** The command's work; `dropSpare` stops the spare kernel once the comparison will not use it. */
async function compare(kernels: KernelController, given: CompareArgs | undefined, cancellation: vscode.CancellationToken | undefined, dropSpare: () => void): Promise<CompareOutcome> {
  const notebook = activeInitnb();
  // Only asked when the command asks questions, or was told to use a model.
  const models = notebook && (!given || given.model !== undefined) ? await kernels.describeModels(notebook) : [];
  let model: NotebookModel | undefined;
  if (given?.model !== undefined) {
    model = models.find((m) => m.name === given.model);
    if (!model) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The active notebook has no model named {0}. Run the cell that defines it, then try again.', given.model));
      return { status: 'dismissed' };
    }
  } else if (!given && models.length > 0) {
    const target = await pickTarget(models);
    if (target === undefined) return { status: 'dismissed' };
    model = target === NEW_NETWORK ? undefined : target;
  }
  if (model) dropSpare();
  const { model: _name, ...givenOptions } = given ?? {};
  // The kernel loads the data the first cell will ask for while the notebook opens.
  const prefetch = (data: DataChoice) => {
    const mnistOptions = mnistOptionsFor(data);
    if (mnistOptions) kernels.prefetchMnistOnSpare(mnistOptions);
  };
  const options = given ? { ...DEFAULT_COMPARE_OPTIONS, ...givenOptions } : model ? await askModelOptions(model) : await askOptions(prefetch);
  if (!options) return { status: 'dismissed' };
  const problem = validateCompareOptions(options);
  if (problem) {
    void vscode.window.showErrorMessage(localizedProblem(problem));
    return { status: 'dismissed' };
  }
  if (given) prefetch(options.data);
  const outcome = model && notebook ? await runModelComparison(notebook, model, options, kernels, cancellation) : await runComparison(options, kernels, cancellation);
  if (outcome.status === 'cancelled') void vscode.window.showInformationMessage(vscode.l10n.t('Comparison cancelled. The notebook stays open: run it again when you like.'));
  // Completes the walkthrough's "Compare initializations" step. Not on the command itself: a
  // step that completes moves the Welcome page's keyboard focus to the next step, which took it
  // from the first question when the page was open (package.json's completionEvents).
  if (outcome.status === 'done') void vscode.commands.executeCommand('setContext', 'initlab.comparisonDone', true);
  return outcome;
}
