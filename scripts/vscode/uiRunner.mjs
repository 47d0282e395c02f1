// UI tests: the packaged .vsix installed into code-server, a notebook opened in headless
// Chromium, and what the user would see checked inside the notebook's webview (FACTS.md: outputs
// are two frames deep). Screenshots go to .test-output/screenshots/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installExtension, startCodeServer } from './codeServer.mjs';
import { launchBrowser } from './browser.mjs';
import { prepareWorkspace } from './extensionHostRunner.mjs';

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
 * command's own row shows.
 */
export async function runCommand(page, title) {
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
  await page.keyboard.press('Enter');
}

export async function openWorkbench(page, serverUrl, workspace) {
  await page.goto(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer lists the folder once the workbench has the workspace.
  await page.locator('.explorer-folders-view').first().waitFor({ timeout: 60_000 });
}

/** Answers each of Compare initializations' six questions with Enter, keeping the defaults. */
async function acceptCompareDefaults(page) {
  for (let step = 1; step <= 6; step++) {
    // The first question waits for the extension to activate.
    await page.locator('.quick-input-widget', { hasText: `(${step}/6)` }).waitFor({ state: 'visible', timeout: step === 1 ? 60_000 : 20_000 });
    await page.keyboard.press('Enter');
  }
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
    name: 'Compare Initializations with Enter through every question shows side-by-side charts and the verdict',
    async run({ page, screenshot }) {
      const started = Date.now();
      await runCommand(page, 'InitLab: Compare Initializations');
      await acceptCompareDefaults(page);
      const progress = page.locator('.notification-toast', { hasText: 'Comparing initializations' });
      await progress.waitFor({ state: 'visible', timeout: 60_000 });
      await progress.waitFor({ state: 'hidden', timeout: 180_000 });
      // The command scrolls to the verdict and repeats its first line in a notification.
      await page.locator('.notification-toast', { hasText: 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).' }).waitFor({ state: 'visible', timeout: 30_000 });
      const frame = outputFrame(page);
      await frame.getByText('Healthy at every layer: Xavier normal, Kaiming normal (fan_in).').first().waitFor({ timeout: 60_000 });
      await frame.locator('.initlab-chart svg').first().waitFor({ state: 'visible', timeout: 60_000 });
      console.log(`    figure: Compare initializations, command to verdict on screen: ${((Date.now() - started) / 1000).toFixed(1)} s (MNIST 50k, 3 schemes)`);
      await screenshot('compare-initializations');
    },
  },
  {
    name: 'Cancelling the comparison’s progress notification stops it and says so',
    async run({ page, screenshot }) {
      await runCommand(page, 'InitLab: Compare Initializations');
      await acceptCompareDefaults(page);
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
    for (const [index, test] of uiTests.entries()) {
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
        await test.run({ page, screenshot, workspace });
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
