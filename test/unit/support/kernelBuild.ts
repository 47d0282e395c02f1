/**
 * Builds the kernel process script (src/kernel/process/kernelMain.ts) with esbuild, once per test
 * run, so process tests drive the real kernel as the extension and CLI ship it.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

let built: Promise<string> | undefined;

export function kernelEntry(): Promise<string> {
  built ??= (async () => {
    const outdir = path.join(repoRoot, 'out', 'test-kernel', String(process.pid));
    fs.mkdirSync(outdir, { recursive: true });
    await esbuild.build({
      entryPoints: { kernelMain: path.join(repoRoot, 'src/kernel/process/kernelMain.ts') },
      outdir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['@tensorflow/tfjs-node'],
      alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
      logLevel: 'error',
    });
    return path.join(outdir, 'kernelMain.js');
  })();
  return built;
}
