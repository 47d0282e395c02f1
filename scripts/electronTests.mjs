// `npm run test:electron`: the same extension-host suites as `npm test`, in VS Code for Electron
// through @vscode/test-electron (VS Code's own runner), for machines that can download VS Code.
// Not part of `npm test`: the gate is the code-server run (scripts/vscodeTests.mjs), which needs
// no download. Without a VS Code to run, this stops at once and says why.
//
//   npm run test:electron                      downloads VS Code 1.100.3 into .vscode-test/
//   INITLAB_VSCODE_EXECUTABLE=/path/to/code npm run test:electron   uses that VS Code instead
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { bundleExtensionHostSuites } from './vscode/extensionHostBundle.mjs';

const root = path.resolve(import.meta.dirname, '..');
const VSCODE_VERSION = '1.100.3';

async function vscodeExecutable() {
  const given = process.env.INITLAB_VSCODE_EXECUTABLE;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`INITLAB_VSCODE_EXECUTABLE is ${given}, which does not exist.`);
    return given;
  }
  try {
    return await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: path.join(root, '.vscode-test') });
  } catch (err) {
    throw new Error(
      `VS Code ${VSCODE_VERSION} for Electron could not be downloaded (${err.message ?? err}). ` +
        'This runner needs it; on a machine without that download, npm test runs the same extension-host suites in code-server. ' +
        'Or point INITLAB_VSCODE_EXECUTABLE at an installed VS Code.',
    );
  }
}

let executable;
try {
  executable = await vscodeExecutable();
} catch (err) {
  console.error(`test:electron: ${err.message}`);
  process.exit(2);
}
const suites = await bundleExtensionHostSuites(root);
let failed = 0;
for (const [name, testsPath] of Object.entries(suites)) {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `initlab-electron-${name}-`));
  fs.cpSync(path.join(root, 'test', 'fixtures'), workspace, { recursive: true });
  console.log(`\n--- extension-host tests in VS Code for Electron (${name} workspace)`);
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      launchArgs: [workspace, '--disable-extensions', ...(name === 'trusted' ? ['--disable-workspace-trust'] : [])],
    });
  } catch (err) {
    console.error(`${name}: ${err.message ?? err}`);
    failed++;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
