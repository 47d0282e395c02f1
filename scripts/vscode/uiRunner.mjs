// UI tests: the packaged .vsix installed into code-server, a notebook opened in headless
// Chromium, and what the user would see checked inside the notebook's webview. Each scenario is
// a file of test/ui/ (run in the order of their names), exporting { name, run } and optionally
// `settings`, the workspace settings its window opens with. Screenshots go
// to .test-output/screenshots/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installExtension, startCodeServer } from './codeServer.mjs';
import { launchBrowser } from './browser.mjs';
import { prepareWorkspace } from './extensionHostRunner.mjs';
import { openWorkbench } from './uiHelpers.mjs';

const { name, version } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));

/** The scenarios of `dir` (test/ui/, or bench/vscode/ui/ for the figures), in the order of their file names. */
async function loadUiTests(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  return Promise.all(files.map(async (f) => (await import(pathToFileURL(path.join(dir, f)).href)).default));
}

export async function runUiTests({ root, scratchRoot, output, dir = path.join(root, 'test', 'ui'), title = 'UI tests' }) {
  const uiTests = await loadUiTests(dir);
  const vsix = path.join(root, `${name}-${version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const scratch = path.join(scratchRoot, 'ui');
  fs.mkdirSync(scratch, { recursive: true });
  const extensionsDir = path.join(scratch, 'extensions');
  installExtension(vsix, { extensionsDir, scratch });
  const shots = path.join(output, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  console.log(`\n--- ${title} (${path.basename(vsix)} in code-server, headless Chromium)`);
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
      // A test's own settings (the Welcome page at start, say) apply from the window's first moment.
      if (test.settings) {
        fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
        fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(test.settings, null, 2));
      }
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
