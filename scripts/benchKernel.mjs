// `npm run bench:kernel`: kernel latency on the headless path (bench/kernelLatencyWorker.ts),
// against the kernel as it ships in dist/ (run `npm run build` first).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeBundleOptions } from './bundleOptions.mjs';

const root = path.resolve(import.meta.dirname, '..');
const kernel = path.join(root, 'dist', 'kernel.js');
if (!fs.existsSync(kernel)) {
  console.error('dist/kernel.js is missing: run `npm run build` first.');
  process.exit(2);
}
const outDir = path.join(root, 'out', 'bench');
await esbuild.build({ ...nodeBundleOptions, entryPoints: { kernelLatencyWorker: path.join(root, 'bench', 'kernelLatencyWorker.ts') }, outdir: outDir, logLevel: 'error' });
console.log('| headless kernel | measured | target |\n|---|---|---|');
const result = spawnSync(process.execPath, [path.join(outDir, 'kernelLatencyWorker.js'), kernel, '5', '50'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
