// The tests that need a real VS Code: code-server (VS Code 1.100.3) and Debian's Chromium.
//   1. extension-host tests: mocha inside VS Code's extension host, with the real `vscode` API,
//      against this checkout as the extension under development (trusted, then untrusted);
//   2. UI tests: the packaged .vsix installed into code-server, driven in the browser.
//   3. the network check: no run reached a host but the loopback, and it saw their traffic
//      (networkCheck.mjs); and its self-test, a run that makes outside requests and must fail it.
// Prints each suite's results and closes with `vscode: N passed, M failed`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSystemPackages } from './vscode/systemPackages.mjs';
import { ensureCodeServer } from './vscode/codeServer.mjs';
import { runExtensionHostSuite } from './vscode/extensionHostRunner.mjs';
import { bundleExtensionHostSuites } from './vscode/extensionHostBundle.mjs';
import { runUiTests } from './vscode/uiRunner.mjs';
import { networkVerdict } from './vscode/networkCheck.mjs';
import { runNetworkSelfTest } from './vscode/networkSelfTest.mjs';

const root = path.resolve(import.meta.dirname, '..');
const output = path.join(root, '.test-output');
fs.mkdirSync(output, { recursive: true });
const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-vscode-'));

ensureSystemPackages();
ensureCodeServer();

const suites = await bundleExtensionHostSuites(root);

const totals = { passed: 0, failed: 0 };
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
};
// `--only ui`, `--only ext-host` or `--only network` (the network check's self-test) runs one
// part, for quick local iterations; the network check follows either suite.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
try {
  if (!only || only === 'ext-host') {
    add(await runExtensionHostSuite({ root, scratchRoot, name: 'trusted', testsPath: suites.trusted, trusted: true }));
    add(await runExtensionHostSuite({ root, scratchRoot, name: 'untrusted', testsPath: suites.untrusted, trusted: false }));
  }
  if (!only || only === 'ui') add(await runUiTests({ root, scratchRoot, output }));
  // No suite may reach beyond this machine (a test that needs the network fails on CI's).
  if (only !== 'network') {
    const verdict = networkVerdict(scratchRoot);
    console.log(`\n  ${verdict.line}`);
    add(verdict);
  }
  // ...and the check must be able to say so.
  const selfTest = await runNetworkSelfTest({ root });
  console.log(`\n  ${selfTest.line}`);
  add(selfTest);
} catch (err) {
  console.error(`VS Code tests could not run: ${err.stack ?? err}`);
  totals.failed += 1;
} finally {
  if (!process.env.INITLAB_KEEP_SCRATCH) fs.rmSync(scratchRoot, { recursive: true, force: true });
}
console.log(`vscode: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
