/**
 * Builds the kernel process scripts (src/kernel/kernelBoot.ts, the entry, and the
 * kernelMain.ts it loads) with esbuild, once per test run, so process tests drive the real kernel
 * as the extension and CLI ship it.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths';

let built: Promise<string> | undefined;

export function kernelEntry(): Promise<string> {
  built ??= (async () => {
    const outdir = path.join(repoRoot, 'out', 'test-kernel', String(process.pid));
    fs.mkdirSync(outdir, { recursive: true });
    const { nodeBundleOptions } = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'bundleOptions.mjs')).href)) as { nodeBundleOptions: esbuild.BuildOptions };
    await esbuild.build({
      ...nodeBundleOptions,
      entryPoints: { kernelMain: path.join(repoRoot, 'src/kernel/kernelMain.ts'), kernel: path.join(repoRoot, 'src/kernel/kernelBoot.ts') },
      outdir,
      logLevel: 'error',
      logOverride: { 'require-resolve-not-external': 'silent' },
    });
    return path.join(outdir, 'kernel.js');
  })();
  return built;
}
