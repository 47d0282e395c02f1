// What the UI tests (test/ui/*.mjs) do as a user would in code-server's workbench: open a file,
// run a command, answer Compare's questions, run a lesson, switch the theme; and where outputs
// are (docs/vscode-tests.md: two frames deep in the notebook's webview).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { showVerdictAgain, waitOnScreen } from './uiCompareInView.mjs';

export { showVerdictAgain, waitOnScreen };

/** The visible notebook's output webview, where renderers draw (hidden editors keep theirs). */
export const outputFrame = (page) => page.frameLocator('iframe.webview:visible').frameLocator('#active-frame');

/** Opens a workspace file through Quick Open, as a user would. */
export async function openFile(page, relativePath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  // The file's own tab must be the active one: a restored editor from an earlier window would
  // otherwise satisfy the wait below and take the clicks meant for this file.
  await page.locator('.tab.active', { hasText: path.basename(relativePath) }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByRole('button', { name: /Run All/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * Runs a command from the command palette by its title. A fresh window lists extension commands
 * only once its extension host has registered them, so the palette is reopened until the
 * command's own row shows. `enter: false` leaves the row chosen but not run, for a caller that
 * times the command itself.
 */
export async function runCommand(page, title, { enter = true } = {}) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^.*: /, '') }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 10_000 });
      break;
    } catch (err) {
      if (attempt === 6) throw err;
      await page.keyboard.press('Escape');
    }
  }
  if (enter) await page.keyboard.press('Enter');
}

export async function openWorkbench(page, serverUrl, workspace) {
  await page.goto(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer lists the folder once the workbench has the workspace.
  await page.locator('.explorer-folders-view').first().waitFor({ timeout: 60_000 });
}

/**
 * Answers Compare initializations' seven questions as a user would: `typed[step]` is typed first
 * (it replaces an input box's selected default, or filters a pick list to the wanted row), then
 * Enter. Steps with nothing typed keep their defaults.
 */
export async function answerCompareQuestions(page, typed = {}) {
  for (let step = 1; step <= 7; step++) {
    // The first question waits for the extension to activate.
    const question = page.locator('.quick-input-widget', { hasText: `(${step}/7)` });
    await question.waitFor({ state: 'visible', timeout: step === 1 ? 60_000 : 20_000 });
    // Typing filters a pick list at once, so Enter then takes the first matching row.
    if (typed[step] !== undefined) await page.keyboard.type(typed[step]);
    await page.keyboard.press('Enter');
  }
}

/**
 * Runs Compare Initializations from the palette with these answers, and waits until its verdict
 * is on screen in the notebook (checked as the notification says it) and a chart is drawn.
 * Returns the seconds from choosing the command to the verdict on screen, when each step ended
 * (`detail`), and the verdict's output.
 */
export async function timedComparison(page, typed, verdict) {
  await runCommand(page, 'InitLab: Compare Initializations', { enter: false });
  // The clock starts as the command is chosen: opening the palette is not the command's time.
  const started = Date.now();
  const marks = [];
  const mark = (what) => marks.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)}`);
  await page.keyboard.press('Enter');
  await answerCompareQuestions(page, typed);
  mark('answered');
  const progress = page.locator('.notification-toast', { hasText: 'Comparing initializations' });
  await progress.waitFor({ state: 'visible', timeout: 60_000 });
  mark('progress shown');
  await progress.waitFor({ state: 'hidden', timeout: 180_000 });
  mark('cells done');
  // The command scrolls to the verdict and repeats its first line in a notification.
  await page.locator('.notification-toast', { hasText: verdict }).waitFor({ state: 'visible', timeout: 30_000 });
  mark('notification');
  const verdictOutput = outputFrame(page).getByText(verdict).first();
  await waitOnScreen(page, verdictOutput, 'the verdict, as the notification appears');
  const seconds = (Date.now() - started) / 1000;
  // Still there once the charts above it have drawn.
  await outputFrame(page).locator('.initlab-chart svg').first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForTimeout(2_000);
  await waitOnScreen(page, verdictOutput, 'the verdict, 2 s after the notification');
  return { seconds, detail: `${marks.join(' s, ')} s`, verdictOutput };
}

/**
 * Opens a lesson through "InitLab: Open Lesson…", runs it with Run All, waits for the run to
 * end, then scrolls until `text` shows in the outputs (VS Code draws outputs only near the view).
 */
export async function runLesson(page, titleFilter, text) {
  await runCommand(page, 'InitLab: Open Lesson…');
  const input = page.locator('.quick-input-widget input');
  await input.fill(titleFilter);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: titleFilter }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  const toolbar = page.locator('.notebook-toolbar-container');
  await toolbar.getByRole('button', { name: /Run All/ }).first().click();
  await toolbar.getByRole('button', { name: /Interrupt/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await toolbar.getByRole('button', { name: /Run All/ }).first().waitFor({ state: 'visible', timeout: 240_000 });
  // Select the first cell (a click on the list, top left) and go to the last one: VS Code draws
  // outputs only near the view, and Ctrl+End reveals the end of the notebook.
  const list = await page.locator('.notebook-editor .cell-list-container').first().boundingBox();
  await page.mouse.click(list.x + 150, list.y + 40);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+End');
  await outputFrame(page).getByText(text).first().waitFor({ state: 'visible', timeout: 30_000 });
  // A chart near the end is drawn too (outputs out of view are hidden, so any visible one).
  await outputFrame(page).locator('.initlab-chart svg.marks:visible').first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** Runs the open notebook with Run All and waits until the run has ended. */
export async function runAllAndWait(page, timeout = 120_000) {
  const toolbar = page.locator('.notebook-toolbar-container');
  await toolbar.getByRole('button', { name: /Run All/ }).first().click();
  await toolbar.getByRole('button', { name: /Interrupt/ }).first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
  await toolbar.getByRole('button', { name: /Run All/ }).first().waitFor({ state: 'visible', timeout });
}

/** Switches VS Code's colour theme through the workspace settings, as a user's settings.json would. */
export async function setColorTheme(page, workspace, theme, bodyClass) {
  const settings = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  fs.writeFileSync(settings, JSON.stringify({ 'workbench.colorTheme': theme }, null, 2));
  await page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 30_000 });
}

export const CHART_KINDS = ['layerStats', 'histograms', 'theory', 'training', 'watch', 'colorful', 'derivatives', 'vega-lite'];

/** A chart of one kind in the visible notebook's outputs. */
export const chartOf = (page, kind) => outputFrame(page).locator(`.initlab-chart[data-chart-kind="${kind}"]`).first();

/** The fill colour of a chart's first axis label: what a theme change must alter. */
export const axisLabelFill = (page, kind) => chartOf(page, kind).locator('.role-axis-label text').first().getAttribute('fill');
