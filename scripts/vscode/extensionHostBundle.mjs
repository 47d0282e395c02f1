// The extension-host suites, bundled (vscode and mocha stay external: the host provides one,
// node_modules the other). Both runners load these: code-server's (vscodeTests.mjs) and
// Electron's (electronTests.mjs); benchVscode.mjs loads the figures' suite, `bench`.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

export async function bundleExtensionHostSuites(root) {
  const bundleDir = path.join(root, 'out', 'vscode');
  fs.rmSync(bundleDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: {
      trusted: path.join(root, 'test/vscode/extensionHost/trustedIndex.ts'),
      untrusted: path.join(root, 'test/vscode/extensionHost/untrustedIndex.ts'),
      bench: path.join(root, 'bench/vscode/extensionHost/benchIndex.ts'),
    },
    outdir: bundleDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return { trusted: path.join(bundleDir, 'trusted.js'), untrusted: path.join(bundleDir, 'untrusted.js'), bench: path.join(bundleDir, 'bench.js') };
}
