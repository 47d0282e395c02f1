/**
 * "InitLab: Compare Initializations": asks for schemes, activation, depth, width, data and seed
 * (Enter through every step keeps the defaults: the lesson's comparison), creates a notebook
 * whose cells perform the comparison, and runs it under a cancellable progress notification.
 * The notebook stays open with its charts, table and verdict, ready to edit and re-run.
 *
 * The command also takes the options as an argument, which skips the questions: for
 * keybindings, other extensions and tests.
 */
import * as vscode from 'vscode';
import { COMPARE_CELL_IDS, compareNotebook } from '../../common/compare/compareNotebook';
import {
  customStd,
  DEFAULT_COMPARE_OPTIONS,
  SCHEME_IDS,
  SCHEME_LABELS,
  validateCompareOptions,
  type Activation,
  type CompareOptions,
  type DataChoice,
  type SchemeId,
} from '../../common/compare/compareOptions';
import { notebookToVsCodeData, openUntitledNotebook } from '../initnbSerializer';
import { CONTROLLER_ID, type KernelController } from '../kernelController';

const EXTENSION_ID = 'initlab.initlab';

export const COMPARE_COMMAND = 'initlab.compareInitializations';

/** What the command resolves to, so callers (and tests) can tell how it ended. */
export type CompareOutcome = { status: 'done' | 'cancelled' | 'failed'; notebook: vscode.NotebookDocument } | { status: 'dismissed' };

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

const CUSTOM_STD = 'custom';

async function pickSchemes(): Promise<SchemeId[] | undefined> {
  const items: Pick<string>[] = [
    // Scheme names are the papers' names, the same in every language.
    ...SCHEME_IDS.map((id) => ({ label: SCHEME_LABELS[id], value: id, picked: DEFAULT_COMPARE_OPTIONS.schemes.includes(id) })),
    { label: vscode.l10n.t('Custom std…'), description: vscode.l10n.t('normal(0, std) with a std you type'), value: CUSTOM_STD },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: vscode.l10n.t('Compare initializations (1/6): schemes'),
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

/** The six questions; undefined when the user presses Escape at any of them. */
async function askOptions(): Promise<CompareOptions | undefined> {
  const d = DEFAULT_COMPARE_OPTIONS;
  const schemes = await pickSchemes();
  if (!schemes) return undefined;
  const activation = await pickOne<Activation>(vscode.l10n.t('Compare initializations (2/6): activation'), vscode.l10n.t('The activation between layers'), [
    { label: 'ReLU', value: 'relu' },
    { label: vscode.l10n.t('Leaky ReLU (slope 0.01)'), value: 'leakyRelu' },
    { label: 'tanh', value: 'tanh' },
    { label: 'sigmoid', value: 'sigmoid' },
    { label: vscode.l10n.t('none (a linear network)'), value: 'none' },
  ]);
  if (!activation) return undefined;
  const depth = await askNumber(vscode.l10n.t('Compare initializations (3/6): depth'), vscode.l10n.t('Linear layers, the output layer included'), d.depth, 2, 100);
  if (depth === undefined) return undefined;
  const width = await askNumber(vscode.l10n.t('Compare initializations (4/6): width'), vscode.l10n.t('Units in each hidden layer'), d.width, 1, 4096);
  if (width === undefined) return undefined;
  const data = await pickOne<DataChoice>(vscode.l10n.t('Compare initializations (5/6): data'), vscode.l10n.t('What flows through the network'), [
    { label: vscode.l10n.t('MNIST, 50,000 images'), description: vscode.l10n.t('bundled, as in the lesson'), value: 'mnist' },
    { label: vscode.l10n.t('MNIST, first 10,000 images'), description: vscode.l10n.t('faster'), value: 'mnist-subset' },
    { label: vscode.l10n.t('Synthetic N(0, 1) inputs'), description: vscode.l10n.t('10,000 rows'), value: 'synthetic' },
  ]);
  if (!data) return undefined;
  const seed = await askNumber(vscode.l10n.t('Compare initializations (6/6): seed'), vscode.l10n.t('The same seed gives the same weights'), d.seed, 0, 2 ** 31 - 1);
  if (seed === undefined) return undefined;
  return { schemes, activation, depth, width, data, seed };
}

async function runComparison(options: CompareOptions, kernels: KernelController, external?: vscode.CancellationToken): Promise<CompareOutcome> {
  const document = await openUntitledNotebook(notebookToVsCodeData(compareNotebook(options)));
  const editor = await vscode.window.showNotebookDocument(document);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
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
      const codeCells = document.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
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
        if (!cancelled) await vscode.commands.executeCommand('notebook.execute', document.uri);
      } finally {
        onCancel.dispose();
        onChange.dispose();
      }
      if (cancelled) return { status: 'cancelled', notebook: document } as const;
      const failed = codeCells.some((c) => c.executionSummary?.success === false || c.executionSummary?.success === undefined);
      if (!failed) showVerdict(editor);
      return { status: failed ? 'failed' : 'done', notebook: document } as const;
    },
  );
}

/** Scrolls to the verdict and says it in a notification: the answer, without hunting for it. */
function showVerdict(editor: vscode.NotebookEditor): void {
  const index = editor.notebook.getCells().findIndex((c) => c.metadata.id === COMPARE_CELL_IDS.verdict);
  if (index < 0) return;
  editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  const plain = editor.notebook
    .cellAt(index)
    .outputs.flatMap((o) => o.items)
    .find((i) => i.mime === 'text/plain');
  if (plain) void vscode.window.showInformationMessage(new TextDecoder().decode(plain.data).split('\n')[0]);
}

/**
 * `given` skips the questions; `cancellation` lets a caller cancel as the notification's
 * Cancel button does (tests use it; the button itself is covered by a UI test).
 */
export function registerCompareCommand(kernels: KernelController): vscode.Disposable {
  return vscode.commands.registerCommand(COMPARE_COMMAND, async (given?: Partial<CompareOptions>, cancellation?: vscode.CancellationToken): Promise<CompareOutcome> => {
    const options = given ? { ...DEFAULT_COMPARE_OPTIONS, ...given } : await askOptions();
    if (!options) return { status: 'dismissed' };
    const problem = validateCompareOptions(options);
    if (problem) {
      void vscode.window.showErrorMessage(problem);
      return { status: 'dismissed' };
    }
    const outcome = await runComparison(options, kernels, cancellation);
    if (outcome.status === 'cancelled') void vscode.window.showInformationMessage(vscode.l10n.t('Comparison cancelled. The notebook stays open: run it again when you like.'));
    return outcome;
  });
}
