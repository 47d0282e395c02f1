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

const built = new Map<string, Promise<string>>();

/** The kernel as the CLI and the unit tests run it (`npm run build`'s options). */
export function kernelEntry(): Promise<string> {
  return buildKernel('test-kernel', {});
}

/**
 * The kernel as `npm run package` ships it: minified (scripts/build.mjs --production). Class
 * names in it are one or two letters, tfjs's and ours alike, so a display test run against it
 * sees any output that would print a class name as a user would (`lU { model: ... }`).
 */
export function minifiedKernelEntry(): Promise<string> {
  return buildKernel('test-kernel-min', { minify: true });
}

function buildKernel(folder: string, extra: esbuild.BuildOptions): Promise<string> {
  if (!built.has(folder)) {
    built.set(
      folder,
      (async () => {
        const outdir = path.join(repoRoot, 'out', folder, String(process.pid));
        fs.mkdirSync(outdir, { recursive: true });
        const { nodeBundleOptions } = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'bundleOptions.mjs')).href)) as { nodeBundleOptions: esbuild.BuildOptions };
        await esbuild.build({
          ...nodeBundleOptions,
          ...extra,
          entryPoints: { kernelMain: path.join(repoRoot, 'src/kernel/kernelMain.ts'), kernel: path.join(repoRoot, 'src/kernel/kernelBoot.ts') },
          outdir,
          logLevel: 'error',
          logOverride: { 'require-resolve-not-external': 'silent' },
        });
        return path.join(outdir, 'kernel.js');
      })(),
    );
  }
  return built.get(folder)!;
}
