/**
 * "InitLab: Compare Initializations": asks for schemes, activation, depth, width, data, seed and
 * training (compareQuestions.ts; Enter through every step keeps the defaults: the lesson's
 * comparison), creates a notebook
 * whose cells perform the comparison, and runs it under a cancellable progress notification.
 * The notebook stays open with its charts, table and verdict, ready to edit and re-run.
 *
 * When the active notebook's kernel holds a model (a variable made by `nn.mlp` or of the same
 * kind), the command first offers to compare on that model: the comparison's cells are then
 * appended to that notebook, where the model lives, and each scheme re-initializes a copy of it.
 *
 * The command also takes the options as an argument, which skips the questions: for
 * keybindings, other extensions and tests (`{ model: 'net' }` compares on the active
 * notebook's `net`). Its types are checked first (checkCompareArgument), so a wrong one is
 * named in a message in the user's language, as a wrong value is. The notebook toolbar's
 * button passes its own context (`{ notebookEditor, ui, source }`): that asks the questions.
 */
import * as vscode from 'vscode';
import type { NotebookModel } from '../../shared/kernelProtocol';
import { COMPARE_CELL_IDS, COMPARE_VERDICT_VARIABLE, compareNotebook, compareOnModelCells, compareStartupCode, modelVerdictVariable, nextComparisonSteps } from '../../host/compare/compareNotebook';
import {
  checkCompareArgument,
  DEFAULT_COMPARE_OPTIONS,
  validateCompareOptions,
  type CompareArgument,
  type CompareOptions,
  type CompareProblem,
  type DataChoice,
} from '../../host/compare/compareOptions';
import { askModelOptions, askOptions, localizedProblem, NEW_NETWORK, pickTarget } from './compareQuestions';
import { QuestionSequence } from './questionSequence';
import { cellsToVsCodeData, NOTEBOOK_TYPE, notebookToVsCodeData, openUntitledNotebook } from '../initnbSerializer';
import { CONTROLLER_ID, type KernelController } from '../kernelController';
import { showVerdict } from './verdictInView';

const EXTENSION_ID = 'initlab.initlab';

export const COMPARE_COMMAND = 'initlab.compareInitializations';

/** The command's argument: options that skip the questions, and a model of the active notebook to compare on. */
export type CompareArgs = CompareArgument;

/**
 * What the command resolves to, so callers (and tests) can tell how it ended. `problem`: what
 * was wrong with its argument, as the error message said it.
 */
export type CompareOutcome = { status: 'done' | 'cancelled' | 'failed'; notebook: vscode.NotebookDocument } | { status: 'dismissed'; problem?: string };

async function runComparison(options: CompareOptions, kernels: KernelController, external?: vscode.CancellationToken): Promise<CompareOutcome> {
  const document = await openUntitledNotebook(notebookToVsCodeData(compareNotebook(options)));
  // The kernel starts while the editor opens: its start-up is off the comparison's path.
  kernels.prestart(document);
  const editor = await vscode.window.showNotebookDocument(document);
  if (!kernels.isSelectedFor(document)) await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
  const codeCells = document.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
  const run = () => vscode.commands.executeCommand('notebook.execute', document.uri);
  return runWithProgress(editor, codeCells, run, { cellId: COMPARE_CELL_IDS.verdict, variable: COMPARE_VERDICT_VARIABLE }, kernels, external);
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
  const verdict = { cellId: cells[cells.length - 1].id!, variable: modelVerdictVariable(model.name) };
  return runWithProgress(editor, codeCells, run, verdict, kernels, external);
}

/** Runs a comparison's cells under a cancellable notification that counts finished cells. */
async function runWithProgress(
  editor: vscode.NotebookEditor,
  codeCells: vscode.NotebookCell[],
  execute: () => Thenable<unknown>,
  verdict: { cellId: string; variable: string },
  kernels: KernelController,
  external?: vscode.CancellationToken,
): Promise<CompareOutcome> {
  const document = editor.notebook;
  kernels.markGenerated(codeCells);
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
      // The verdict comes back as data from the kernel, not read off the cell's text.
      if (!failed) showVerdict(editor, verdict.cellId, summaryOf(await kernels.readValue(document, verdict.variable)));
      return { status: failed ? 'failed' : 'done', notebook: document } as const;
    },
  );
}

/** The verdict's one-line summary (the first line of its text), or undefined when the kernel gave none. */
function summaryOf(verdict: unknown): string | undefined {
  const text = (verdict as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text.split('\n')[0] : undefined;
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
  const nextKernel = new NextComparisonKernel(kernels);
  const command = vscode.commands.registerCommand(COMPARE_COMMAND, async (argument?: unknown, token?: unknown): Promise<CompareOutcome> => {
    const checked = isMenuContext(argument) ? { args: undefined } : checkCompareArgument(argument);
    if ('problem' in checked) return refuse(checked.problem);
    const given = checked.args;
    const cancellation = isCancellationToken(token) ? token : undefined;
    nextKernel.cancelPending();
    // A kernel starts while the questions are asked, unless the last comparison left one waiting
    // (NextComparisonKernel); the comparison's new notebook takes it.
    const spare = given?.model === undefined ? kernels.startSpare() : undefined;
    // Every data choice needs at least the 10,000-row size; MNIST 50k adds the rest when chosen.
    if (spare) kernels.runStartupCodeOnSpare(compareStartupCode('mnist-subset'));
    let outcome: CompareOutcome;
    try {
      outcome = await compare(kernels, given, cancellation, () => spare?.dispose());
    } finally {
      spare?.dispose();
    }
    if (outcome.status !== 'dismissed') nextKernel.prepareSoon();
    return outcome;
  });
  return vscode.Disposable.from(command, nextKernel);
}

/** Says what is wrong with the command's argument, and ends it as if its questions were dismissed. */
function refuse(problem: CompareProblem): CompareOutcome {
  const message = localizedProblem(problem);
  void vscode.window.showErrorMessage(message);
  return { status: 'dismissed', problem: message };
}

/** The argument VS Code gives a command run from a menu: the notebook toolbar's context, or a URI. */
function isMenuContext(argument: unknown): boolean {
  return argument instanceof vscode.Uri || (typeof argument === 'object' && argument !== null && 'notebookEditor' in argument);
}

function isCancellationToken(value: unknown): value is vscode.CancellationToken {
  const token = value as vscode.CancellationToken | undefined;
  return typeof token?.onCancellationRequested === 'function' && typeof token.isCancellationRequested === 'boolean';
}

/** How long a kernel started for the next comparison waits for one. */
const NEXT_KERNEL_IDLE_MS = 10 * 60_000;

/**
 * How long after a comparison the next one's kernel starts: the webview draws the verdict's
 * charts in about a second once the cells end (UI test 04: 0.9-1.6 s from the notification to
 * the verdict on screen, 2026-11-25); a kernel starting at once took the cores from it (1.5-3.2 s).
 */
const NEXT_KERNEL_DELAY_MS = 1500;

/**
 * Users compare again: another scheme, another depth. Once a comparison has run, the next one's
 * kernel starts and prepares while the user reads (nextComparisonSteps). Without it, starting the
 * kernel (about 1 s alone, 3 s beside a notebook editor opening on two cores) and faulting in its
 * memory fell inside the next comparison. Started once the verdict's outputs have drawn, not
 * while the webview draws them; it holds about 1 GB, so it stops when unused for a while, and the
 * setting `initlab.compare.prepareNextKernel` turns it off.
 */
class NextComparisonKernel implements vscode.Disposable {
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly kernels: KernelController) {}

  prepareSoon(): void {
    this.cancelPending();
    if (!vscode.workspace.getConfiguration('initlab').get<boolean>('compare.prepareNextKernel', true)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.kernels.startSpare(NEXT_KERNEL_IDLE_MS)) return;
      for (const step of nextComparisonSteps()) this.kernels.runStartupCodeOnSpare(step, { ifIdle: true });
    }, NEXT_KERNEL_DELAY_MS);
  }

  /** A comparison that starts first starts its own kernel; none starts beside it. */
  cancelPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancelPending();
  }
}

/** The command's work; `dropSpare` stops the spare kernel once the comparison will not use it. */
async function compare(kernels: KernelController, given: CompareArgs | undefined, cancellation: vscode.CancellationToken | undefined, dropSpare: () => void): Promise<CompareOutcome> {
  const notebook = activeInitnb();
  // Every question on one quick-input surface, closed once they are answered (questionSequence.ts).
  const questions = new QuestionSequence();
  const asked = await askQuestions(kernels, notebook, given, questions, dropSpare).finally(() => questions.dispose());
  if (!asked) return { status: 'dismissed' };
  const { model, options } = asked;
  const problem = validateCompareOptions(options);
  if (problem) return refuse(problem);
  if (given) prepareSpare(kernels, options.data);
  const outcome = model && notebook ? await runModelComparison(notebook, model, options, kernels, cancellation) : await runComparison(options, kernels, cancellation);
  if (outcome.status === 'cancelled') void vscode.window.showInformationMessage(vscode.l10n.t('Comparison cancelled. The notebook stays open: run it again when you like.'));
  // Completes the walkthrough's "Compare initializations" step. Not on the command itself: a
  // step that completes moves the Welcome page's keyboard focus to the next step, which took it
  // from the first question when the page was open (package.json's completionEvents).
  if (outcome.status === 'done') void vscode.commands.executeCommand('setContext', 'initlab.comparisonDone', true);
  return outcome;
}

/** The model to compare on (none: a new network) and the options: from the command's argument, or asked. Undefined when dismissed. */
async function askQuestions(
  kernels: KernelController,
  notebook: vscode.NotebookDocument | undefined,
  given: CompareArgs | undefined,
  questions: QuestionSequence,
  dropSpare: () => void,
): Promise<{ model: NotebookModel | undefined; options: CompareOptions } | undefined> {
  // Only asked when the command asks questions, or was told to use a model.
  const models = notebook && (!given || given.model !== undefined) ? await kernels.describeModels(notebook) : [];
  let model: NotebookModel | undefined;
  if (given?.model !== undefined) {
    model = models.find((m) => m.name === given.model);
    if (!model) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The active notebook has no model named {0}. Run the cell that defines it, then try again.', given.model));
      return undefined;
    }
  } else if (!given && models.length > 0) {
    const target = await pickTarget(questions, models);
    if (target === undefined) return undefined;
    model = target === NEW_NETWORK ? undefined : target;
  }
  if (model) dropSpare();
  const { model: _name, ...givenOptions } = given ?? {};
  const options = given
    ? { ...DEFAULT_COMPARE_OPTIONS, ...givenOptions }
    : model
      ? await askModelOptions(questions, model)
      : await askOptions(questions, (data) => prepareSpare(kernels, data));
  return options && { model, options };
}

/** The spare kernel prepares for the comparison's cells while the notebook opens (compareStartupCode). */
function prepareSpare(kernels: KernelController, data: DataChoice): void {
  kernels.runStartupCodeOnSpare(compareStartupCode(data));
}
