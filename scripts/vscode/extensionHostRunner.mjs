// Runs a mocha suite inside VS Code's extension host, the way @vscode/test-electron's runTests
// does, but in code-server: the workbench URL carries extensionDevelopmentPath and
// extensionTestsPath (docs/vscode-tests.md, "Extension-host tests"), and when the suite's
// run() settles the workbench calls window.codeAutomationExit(code), which Playwright exposes to us.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCodeServer } from './codeServer.mjs';
import { launchBrowser } from './browser.mjs';

const SUITE_TIMEOUT_MS = 8 * 60_000;

export function prepareWorkspace(root, scratch) {
  // Tests may re-save fixtures: they work on copies.
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(path.join(root, 'test', 'fixtures'), workspace, { recursive: true });
  return workspace;
}

/** `onPage(page)`, if given, runs once the workbench is loading, alongside the suite (networkSelfTest.mjs). */
export async function runExtensionHostSuite({ root, scratchRoot, name, testsPath, trusted, onPage }) {
  const scratch = path.join(scratchRoot, `ext-host-${name}`);
  fs.mkdirSync(scratch, { recursive: true });
  const workspace = prepareWorkspace(root, scratch);
  console.log(`\n--- extension-host tests (${name} workspace)`);
  const server = await startCodeServer({ scratch, extensionsDir: path.join(scratch, 'extensions'), trusted });
  let browser;
  try {
    browser = await launchBrowser(scratch);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(testsPath.replace(/\.js$/, ''))],
    ];
    let counts;
    const exited = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    // Everything the workbench logs, kept for a failure: VS Code's own errors (an editor that
    // failed to open, say) reach only the browser's console.
    const consoleLog = path.join(scratch, 'browser-console.log');
    const workbenchErrors = [];
    page.on('console', (msg) => {
      const text = msg.text();
      fs.appendFileSync(consoleLog, `${new Date().toISOString()} [${msg.type()}] ${text}\n`);
      if (msg.type() === 'error' && !/initlab-mocha/.test(text)) workbenchErrors.push(`${new Date().toISOString().slice(11, 23)} ${text.split('\n').slice(0, 3).join(' | ').slice(0, 400)}`);
      const result = /initlab-ext-host: (\d+) passed, (\d+) failed/.exec(text);
      if (result) counts = { passed: Number(result[1]), failed: Number(result[2]) };
      // The extension host's console arrives prefixed; mocha's reporter lines are what we want.
      const line = /initlab-mocha: ([\s\S]*)$/.exec(text);
      if (line) console.log(line[1]);
      else if (/Activating extension .* failed/.test(text)) console.log(text);
    });
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    await onPage?.(page);
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS))]);
    const reportErrors = () => {
      if (workbenchErrors.length === 0) return;
      console.log(`    the workbench's console errors during this suite (last ${Math.min(20, workbenchErrors.length)} of ${workbenchErrors.length}; all of its console in ${consoleLog}):`);
      for (const line of workbenchErrors.slice(-20)) console.log(`      ${line}`);
    };
    if (code === 'timeout') {
      reportErrors();
      await page.screenshot({ path: path.join(root, '.test-output', `ext-host-${name}-timeout.png`) }).catch(() => undefined);
      throw new Error(`the ${name} extension-host suite did not finish within ${SUITE_TIMEOUT_MS / 60000} minutes`);
    }
    if (!counts) counts = { passed: 0, failed: code === 0 ? 0 : 1 };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    if (counts.failed > 0) reportErrors();
    return counts;
  } finally {
    await browser?.close().catch(() => undefined);
    server.stop();
  }
}
