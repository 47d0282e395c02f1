/**
 * The kernel as `npm run package` ships it: minified (scripts/build.mjs --production). Class
 * names in it are one or two letters, tfjs's and ours alike, so a display test run against it
 * sees any output that would print a class name as a user would (`lU { model: ... }`).
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths';

let built: Promise<string> | undefined;

export function minifiedKernelEntry(): Promise<string> {
  built ??= (async () => {
    const outdir = path.join(repoRoot, 'out', 'test-kernel-min', String(process.pid));
    fs.mkdirSync(outdir, { recursive: true });
    const { nodeBundleOptions } = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'bundleOptions.mjs')).href)) as { nodeBundleOptions: esbuild.BuildOptions };
    await esbuild.build({
      ...nodeBundleOptions,
      minify: true,
      entryPoints: { kernelMain: path.join(repoRoot, 'src/kernel/kernelMain.ts'), kernel: path.join(repoRoot, 'src/kernel/kernelBoot.ts') },
      outdir,
      logLevel: 'error',
      logOverride: { 'require-resolve-not-external': 'silent' },
    });
    return path.join(outdir, 'kernel.js');
  })();
  return built;
}
