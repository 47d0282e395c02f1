// UI tests: the packaged .vsix installed into code-server, a notebook opened in headless
// Chromium, and what the user would see checked inside the notebook's webview (FACTS.md: outputs
// are two frames deep). Screenshots go to .test-output/screenshots/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installExtension, startCodeServer } from './codeServer.mjs';
import { launchBrowser } from './browser.mjs';
import { prepareWorkspace } from './extensionHostRunner.mjs';
import { typeErrorUiTest } from './uiTypeErrors.mjs';
import { showVerdictAgain, waitOnScreen } from './uiCompareInView.mjs';

const { name, version } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));

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
async function answerCompareQuestions(page, typed = {}) {
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
async function timedComparison(page, typed, verdict) {
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
async function runLesson(page, titleFilter, text) {
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
async function runAllAndWait(page, timeout = 120_000) {
  const toolbar = page.locator('.notebook-toolbar-container');
  await toolbar.getByRole('button', { name: /Run All/ }).first().click();
  await toolbar.getByRole('button', { name: /Interrupt/ }).first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
  await toolbar.getByRole('button', { name: /Run All/ }).first().waitFor({ state: 'visible', timeout });
}

/** Switches VS Code's colour theme through the workspace settings, as a user's settings.json would. */
async function setColorTheme(page, workspace, theme, bodyClass) {
  const settings = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  fs.writeFileSync(settings, JSON.stringify({ 'workbench.colorTheme': theme }, null, 2));
  await page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 30_000 });
}

const CHART_KINDS = ['layerStats', 'histograms', 'theory', 'training', 'watch', 'colorful', 'derivatives', 'vega-lite'];

/** A chart of one kind in the visible notebook's outputs. */
const chartOf = (page, kind) => outputFrame(page).locator(`.initlab-chart[data-chart-kind="${kind}"]`).first();

/** The fill colour of a chart's first axis label: what a theme change must alter. */
const axisLabelFill = (page, kind) => chartOf(page, kind).locator('.role-axis-label text').first().getAttribute('fill');

/** The UI checks, each a named test. Later issues add to this list. */
export const uiTests = [
  {
    name: 'a saved chart output is drawn by the InitLab renderer when the notebook opens',
    async run({ page, screenshot }) {
      await openFile(page, 'golden/jupyter-written.saved.initnb');
      const chart = outputFrame(page).locator('.initlab-chart svg').first();
      await chart.waitFor({ state: 'visible', timeout: 60_000 });
      const marks = await outputFrame(page).locator('.initlab-chart svg .mark-rect path').count();
      if (marks !== 2) throw new Error(`expected 2 bars in the saved chart, found ${marks}`);
      await screenshot('saved-chart');
    },
  },
  {
    name: 'a notebook with invalid and repeated cell ids opens repaired, and a warning names the file and each repair',
    async run({ page, screenshot }) {
      await openFile(page, 'repairs/bad-cell-ids.initnb');
      const warning = page.locator('.notification-toast', { hasText: 'repairs/bad-cell-ids.initnb: InitLab repaired cell ids' });
      await warning.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await warning.innerText();
      for (const repair of [/cells\[1\]\.id: "intro" is already the id of cells\[0\], so it is now "[0-9a-f]{8}"/, /cells\[2\]\.id: "my cell!" is not a valid cell id/]) {
        if (!repair.test(text)) throw new Error(`the warning does not say ${repair}: ${text}`);
      }
      await screenshot('cell-ids-repaired');
    },
  },
  {
    name: 'Run All executes a notebook and its text and chart outputs appear',
    async run({ page, screenshot }) {
      await openFile(page, 'ui/run-all.initnb');
      await page.locator('.notebook-toolbar-container').getByRole('button', { name: /Run All/ }).first().click();
      const frame = outputFrame(page);
      await frame.getByText('hello from the InitLab kernel').first().waitFor({ timeout: 90_000 });
      await frame.locator('.initlab-chart svg').first().waitFor({ state: 'visible', timeout: 60_000 });
      await frame.getByText('Tensor [2, 3] float32').first().waitFor({ timeout: 30_000 });
      await screenshot('run-all');
    },
  },
  {
    name: 'Compare Initializations with typed answers builds that network (depth 2, width 8, synthetic rows); then Enter through every question shows side-by-side charts and the verdict',
    async run({ page, screenshot }) {
      // First in this fresh window, a comparison with next to nothing to compute: what VS Code
      // itself takes to open, show and draw a comparison notebook (its cold start included).
      const floor = await timedComparison(page, { 3: '2', 4: '8', 5: 'Synthetic' }, 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).');
      // The verdict's layers say the network is the one asked for: two layers, not the default four.
      await outputFrame(page).getByText('✗ normal(0, 1): activations explode at layers 1–2').first().waitFor({ timeout: 20_000 });
      await screenshot('compare-typed-answers');
      // Closed unsaved, so the next notebook's outputs are the only ones on screen.
      await page.keyboard.press('Control+W');
      await page.getByRole('button', { name: 'Don’t Save' }).or(page.getByRole('button', { name: "Don't Save" })).first().click({ timeout: 20_000 });
      await page.locator('.tab', { hasText: 'Untitled' }).waitFor({ state: 'detached', timeout: 20_000 });
      // Then the defaults, the lesson's comparison: three schemes on MNIST 50k.
      const verdict = 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).';
      const main = await timedComparison(page, {}, verdict);
      console.log(`    figure: Compare initializations, from choosing the command to the verdict on screen: ${main.seconds.toFixed(1)} s (target 10 s; MNIST 50k, 3 schemes, the window's second comparison; ${main.detail})`);
      console.log(`    figure: the same with next to nothing to compute (synthetic rows, depth 2, width 8), first in a fresh window: ${floor.seconds.toFixed(1)} s (${floor.detail})`);
      await screenshot('compare-initializations');
      await showVerdictAgain(page, main.verdictOutput, verdict);
    },
  },
  {
    name: 'When the notebook defines a model, Compare Initializations offers it and compares on it in that notebook',
    async run({ page, screenshot }) {
      await openFile(page, 'ui/own-model.initnb');
      await runAllAndWait(page);
      await outputFrame(page).getByText('net is ready').first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'InitLab: Compare Initializations');
      const offer = page.locator('.quick-input-widget', { hasText: 'on which network?' });
      await offer.waitFor({ state: 'visible', timeout: 30_000 });
      // The notebook's model comes first; Enter picks it, then Enter through its three questions.
      await offer.locator('.monaco-list-row').first().filter({ hasText: 'net' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      for (let step = 1; step <= 3; step++) {
        await page.locator('.quick-input-widget', { hasText: `(${step}/3)` }).waitFor({ state: 'visible', timeout: 20_000 });
        await page.keyboard.press('Enter');
      }
      await page.locator('.notification-toast', { hasText: 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).' }).waitFor({ state: 'visible', timeout: 180_000 });
      // The cells went into this notebook, not a new one.
      if ((await page.locator('.tab', { hasText: 'Untitled' }).count()) !== 0) throw new Error('the comparison opened a new notebook');
      await page.locator('.tab.active', { hasText: 'own-model.initnb' }).waitFor({ timeout: 10_000 });
      // The verdict, appended after the user's own cells, is on screen as the notification says it.
      const verdictOutput = outputFrame(page).getByText('Healthy at every layer: Xavier normal, Kaiming normal (fan_in).').first();
      await waitOnScreen(page, verdictOutput, 'the verdict appended to the notebook, as the notification appears');
      await page.waitForTimeout(2_000);
      await waitOnScreen(page, verdictOutput, 'the verdict appended to the notebook, 2 s later');
      await screenshot('compare-on-own-model');
    },
  },
  {
    name: 'When the notebook defines a tf.layers CNN, Compare Initializations offers it with its layers and names them in the verdict',
    async run({ page, screenshot }) {
      await openFile(page, 'ui/own-cnn.initnb');
      await runAllAndWait(page);
      await outputFrame(page).getByText('cnn is ready').first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'InitLab: Compare Initializations');
      const offer = page.locator('.quick-input-widget', { hasText: 'on which network?' });
      await offer.waitFor({ state: 'visible', timeout: 30_000 });
      await offer.locator('.monaco-list-row').first().filter({ hasText: 'tf.LayersModel, 4 layers: conv2d ×2, flatten, dense' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      for (let step = 1; step <= 3; step++) {
        await page.locator('.quick-input-widget', { hasText: `(${step}/3)` }).waitFor({ state: 'visible', timeout: 20_000 });
        await page.keyboard.press('Enter');
      }
      const summary = 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).';
      await page.locator('.notification-toast', { hasText: summary }).waitFor({ state: 'visible', timeout: 240_000 });
      await page.locator('.tab.active', { hasText: 'own-cnn.initnb' }).waitFor({ timeout: 10_000 });
      // normal(0, 1) kernels blow up conv2 and the logits; the verdict names the layers.
      await outputFrame(page).getByText('activations explode at layers 2, 4 (conv2 … digits').first().waitFor({ timeout: 60_000 });
      await screenshot('compare-on-own-cnn');
    },
  },
  {
    name: 'Cancelling the comparison’s progress notification stops it and says so',
    async run({ page, screenshot }) {
      await runCommand(page, 'InitLab: Compare Initializations');
      await answerCompareQuestions(page);
      const notification = page.locator('.notification-toast', { hasText: 'Comparing initializations' });
      await notification.waitFor({ state: 'visible', timeout: 30_000 });
      await notification.getByRole('button', { name: 'Cancel' }).click();
      await page.locator('.notification-toast', { hasText: 'Comparison cancelled' }).waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot('compare-cancelled');
    },
  },
  {
    name: 'Lesson A in Thai opens from Open Lesson, runs with Run All, and shows its side-by-side comparison',
    async run({ page, screenshot }) {
      await runLesson(page, 'บทเรียน A', '✓ Kaiming normal: healthy at every layer');
      await screenshot('lesson-a-th');
    },
  },
  {
    name: 'Lesson B in Vietnamese opens from Open Lesson, runs with Run All, and shows the training chart with the divergence',
    async run({ page, screenshot }) {
      await runLesson(page, 'Bài B', 'Kaiming, lr 0.01: loss');
      await screenshot('lesson-b-vi');
    },
  },
];

uiTests.push(
  {
    name: 'every chart kind draws in the dark theme and in the light one, and re-themes when the theme changes',
    async run({ page, workspace, output }) {
      // Tall enough that VS Code draws every output of the notebook at once.
      await page.setViewportSize({ width: 1400, height: 8000 });
      await setColorTheme(page, workspace, 'Default Dark Modern', 'vs-dark');
      await openFile(page, 'ui/chart-gallery.initnb');
      await runAllAndWait(page);
      for (const kind of CHART_KINDS) await chartOf(page, kind).locator('svg').waitFor({ state: 'visible', timeout: 60_000 });
      const darkFill = await axisLabelFill(page, 'layerStats');
      const shots = path.join(output, 'screenshots', 'charts');
      fs.mkdirSync(shots, { recursive: true });
      for (const kind of CHART_KINDS) await chartOf(page, kind).screenshot({ path: path.join(shots, `${kind}-dark.png`) });
      await setColorTheme(page, workspace, 'Default Light Modern', 'vs');
      const started = Date.now();
      for (;;) {
        const fill = await axisLabelFill(page, 'layerStats');
        if (fill && fill !== darkFill) break;
        if (Date.now() - started > 30_000) throw new Error(`the chart kept its dark-theme label colour ${darkFill}`);
        await page.waitForTimeout(200);
      }
      for (const kind of CHART_KINDS) await chartOf(page, kind).locator('svg').waitFor({ state: 'visible', timeout: 30_000 });
      for (const kind of CHART_KINDS) await chartOf(page, kind).screenshot({ path: path.join(shots, `${kind}-light.png`) });
      console.log(`    screenshots: ${path.relative(process.cwd(), shots)}/{${CHART_KINDS.join(',')}}-{dark,light}.png; axis labels ${darkFill} → ${await axisLabelFill(page, 'layerStats')}`);
    },
  },
  {
    name: 'a chart saves as SVG and, drawn light, as PNG from its toolbar, next to the notebook',
    async run({ page, workspace, screenshot, output }) {
      await openFile(page, 'ui/run-all.initnb');
      await runAllAndWait(page);
      const frame = outputFrame(page);
      const toolbar = frame.locator('.initlab-toolbar').first();
      await frame.locator('.initlab-chart svg').first().waitFor({ state: 'visible', timeout: 60_000 });
      const saveWith = async (button, file) => {
        await toolbar.getByRole('button', { name: button, exact: true }).click();
        // VS Code's save dialog (in the browser, its own quick-input dialog) proposes the
        // notebook's folder and the chart's name: accept it.
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 20_000 });
        // The dialog shows the folder first and fills in the name a moment later.
        const started = Date.now();
        let proposed = await input.inputValue();
        while (!proposed.endsWith(`ui/${file}`)) {
          if (Date.now() - started > 10_000) throw new Error(`the save dialog proposed ${proposed}, not ui/${file}`);
          await page.waitForTimeout(100);
          proposed = await input.inputValue();
        }
        await page.keyboard.press('Enter');
        await toolbar.locator('.initlab-status', { hasText: `Saved ${path.join(workspace, 'ui', file)}` }).waitFor({ timeout: 20_000 });
        // Kept with the test output, to look at.
        const exports = path.join(output, 'exports');
        fs.mkdirSync(exports, { recursive: true });
        fs.copyFileSync(path.join(workspace, 'ui', file), path.join(exports, file));
        return fs.readFileSync(path.join(workspace, 'ui', file));
      };
      const svg = (await saveWith('SVG', 'vega-lite.svg')).toString('utf8');
      if (!svg.startsWith('<svg') || !svg.includes('role-axis')) throw new Error(`not a chart SVG: ${svg.slice(0, 80)}`);
      await toolbar.getByRole('button', { name: 'Light', exact: true }).click();
      await frame.locator('.initlab-chart.initlab-light svg').first().waitFor({ state: 'visible', timeout: 20_000 });
      const png = await saveWith('PNG', 'vega-lite.png');
      if (png.subarray(1, 4).toString('latin1') !== 'PNG' || png.length < 2_000) throw new Error(`not a PNG image (${png.length} bytes)`);
      console.log(`    saved: ui/vega-lite.svg (${svg.length} bytes), ui/vega-lite.png (${png.length} bytes); copies in ${path.relative(process.cwd(), path.join(output, 'exports'))}`);
      await screenshot('chart-saved');
    },
  },
  {
    name: 're-running a chart cell 100 times leaves one live chart view, and Clear All Outputs leaves none',
    async run({ page, screenshot }) {
      await openFile(page, 'ui/rerun-chart.initnb');
      const frame = outputFrame(page);
      const liveViews = async () => Number((await frame.locator('html').getAttribute('data-initlab-live-views')) ?? 0);
      const runButton = page.locator('.notebook-toolbar-container').getByRole('button', { name: /Run All/ }).first();
      for (let run = 1; run <= 100; run++) {
        await runButton.click();
        await frame.locator('.initlab-chart svg text', { hasText: new RegExp(`^run ${run}$`) }).waitFor({ timeout: run === 1 ? 90_000 : 20_000 });
      }
      const views = await liveViews();
      const charts = await frame.locator('.initlab-chart').count();
      const heap = await frame.locator('html').evaluate(() => globalThis.performance.memory?.usedJSHeapSize ?? 0);
      if (views !== 1 || charts !== 1) throw new Error(`after 100 runs: ${views} live views and ${charts} charts in the webview (expected 1 and 1)`);
      await screenshot('chart-rerun-100');
      await runCommand(page, 'Notebook: Clear All Outputs');
      await frame.locator('.initlab-chart').first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
      const started = Date.now();
      while ((await liveViews()) !== 0) {
        if (Date.now() - started > 20_000) throw new Error(`Clear All Outputs left ${await liveViews()} live views`);
        await page.waitForTimeout(200);
      }
      console.log(`    figure: after 100 runs, 1 live view, 1 chart element, webview JS heap ${(heap / 2 ** 20).toFixed(1)} MiB; after Clear All Outputs, 0 live views`);
    },
  },
  {
    name: 'a training chart of 100 layers × 1,000 steps renders in the notebook (figure: render time)',
    async run({ page, screenshot }) {
      await openFile(page, 'ui/render-speed.initnb');
      await runAllAndWait(page);
      const chart = chartOf(page, 'training');
      await chart.locator('svg').waitFor({ state: 'visible', timeout: 60_000 });
      const ms = Number(await chart.getAttribute('data-render-ms'));
      const lines = await chart.locator('.mark-line path').count();
      if (lines < 200) throw new Error(`expected 200 lines (100 layers × 2 quantities), found ${lines}`);
      console.log(`    figure: 100 layers × 1,000 steps training chart drawn in ${ms} ms in the webview (${lines} lines; target < 1,000 ms)`);
      await screenshot('chart-100-layers');
    },
  },
  typeErrorUiTest,
);

export async function runUiTests({ root, scratchRoot, output }) {
  const vsix = path.join(root, `${name}-${version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const scratch = path.join(scratchRoot, 'ui');
  fs.mkdirSync(scratch, { recursive: true });
  const extensionsDir = path.join(scratch, 'extensions');
  installExtension(vsix, { extensionsDir, scratch });
  const shots = path.join(output, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  console.log(`\n--- UI tests (${path.basename(vsix)} in code-server, headless Chromium)`);
  const server = await startCodeServer({ scratch, extensionsDir, trusted: true });
  const browser = await launchBrowser(scratch);
  const counts = { passed: 0, failed: 0 };
  try {
    // INITLAB_UI_GREP=<regex> runs only the tests whose names match, for local iterations.
    const grep = process.env.INITLAB_UI_GREP ? new RegExp(process.env.INITLAB_UI_GREP) : undefined;
    for (const [index, test] of uiTests.entries()) {
      if (grep && !grep.test(test.name)) continue;
      // Each test gets a fresh window on a workspace of its own: code-server restores the last
      // window's editors per folder, and a restored notebook would take this test's clicks.
      const workspace = prepareWorkspace(root, path.join(scratch, `test-${index + 1}`));
      const page = await browser.newPage();
      await openWorkbench(page, server.url, workspace);
      const started = Date.now();
      const screenshot = async (label) => {
        const file = path.join(shots, `${label}.png`);
        await page.screenshot({ path: file });
        console.log(`    screenshot: ${path.relative(root, file)}`);
      };
      try {
        await test.run({ page, screenshot, workspace, output });
        counts.passed++;
        console.log(`  ✔ ${test.name} (${Date.now() - started} ms)`);
      } catch (err) {
        counts.failed++;
        console.log(`  ✖ ${test.name}\n    ${String(err.message ?? err).split('\n').join('\n    ')}`);
        await screenshot(`FAILED-${test.name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
      }
      await page.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    server.stop();
  }
  console.log(`  UI: ${counts.passed} passed, ${counts.failed} failed`);
  return counts;
}
