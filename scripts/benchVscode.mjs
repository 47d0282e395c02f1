// `npm run bench:vscode`: the figures measured inside a real VS Code (code-server and Chromium),
// printed, never pass/fail: how long a cell takes to show its output beside a controller with no
// kernel, the lesson's probe pass in a cell, Compare Initializations from command to verdict,
// each lesson with Run All, and the webview drawing a large chart. The suites of `npm test`
// assert behaviour only. Needs the .vsix (`npm run package`) for the webview figure.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSystemPackages } from './vscode/systemPackages.mjs';
import { ensureCodeServer } from './vscode/codeServer.mjs';
import { runExtensionHostSuite } from './vscode/extensionHostRunner.mjs';
import { bundleExtensionHostSuites } from './vscode/extensionHostBundle.mjs';
import { runUiTests } from './vscode/uiRunner.mjs';

const root = path.resolve(import.meta.dirname, '..');
const output = path.join(root, '.test-output', 'bench');
fs.mkdirSync(output, { recursive: true });
const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-bench-vscode-'));

ensureSystemPackages();
ensureCodeServer();
const suites = await bundleExtensionHostSuites(root);
console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
let failed = 0;
try {
  const figures = await runExtensionHostSuite({ root, scratchRoot, name: 'bench', testsPath: suites.bench, trusted: true });
  const drawing = await runUiTests({ root, scratchRoot, output, dir: path.join(root, 'bench', 'vscode', 'ui'), title: 'webview figures' });
  failed = figures.failed + drawing.failed;
} catch (err) {
  console.error(`the VS Code figures could not run: ${err.stack ?? err}`);
  failed = 1;
} finally {
  fs.rmSync(scratchRoot, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
