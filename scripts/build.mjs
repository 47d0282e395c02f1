// Bundles each side with esbuild (docs/building.md: well under a second):
//   dist/extension.js   extension host: node, cjs, `vscode` external
//   dist/kernel.js      the kernel process's entry (one per notebook): loads kernelMain.js
//                       through V8's code cache (src/kernel/kernelBoot.ts)
//   dist/kernelMain.js  the kernel itself: node, cjs
//   dist/typeCheckWorker.js  the worker thread that type-checks cells for the extension host
//   dist/cli.js         the headless runner behind bin/initlab.js: node, cjs
//   dist/renderer.js    the notebook renderer: browser, esm
// and copies the WASM backend's .wasm files to dist/wasm/, where the bundled engine looks, and the
// bundled MNIST to dist/data/ (scripts/mnistData.mjs), the lesson notebooks to dist/lessons/, and
// the cells' type declarations to dist/cell-types/ (scripts/cellTypes.mjs), and the TypeScript
// library files the type check loads to dist/typescript-lib/ (scripts/typescriptLib.mjs).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeBundleOptions } from './bundleOptions.mjs';
import { writeMnistData } from './mnistData.mjs';
import { writeCellTypes, writeTsPlugin } from './cellTypes.mjs';
import { writeTypescriptLib } from './typescriptLib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const production = process.argv.includes('--production');

const nodeEntries = [
  ['extension', 'src/extension/extension.ts'],
  ['kernelMain', 'src/kernel/kernelMain.ts'],
  ['kernel', 'src/kernel/kernelBoot.ts'],
  ['typeCheckWorker', 'src/typeCheck/typeCheckWorker.ts'],
  ['cli', 'src/cli/main.ts'],
];

fs.rmSync(dist, { recursive: true, force: true });

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
  // engine.ts require.resolve()s the .wasm files only when not bundled; bundled, they are in dist/wasm.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

await Promise.all([
  ...nodeEntries.map(([name, entry]) =>
    esbuild.build({
      ...common,
      ...nodeBundleOptions,
      entryPoints: { [name]: path.join(root, entry) },
      outdir: dist,
    }),
  ),
  esbuild.build({
    ...common,
    entryPoints: { renderer: path.join(root, 'src/renderers/chartRenderer.ts') },
    outdir: dist,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  }),
]);

const wasmSrc = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
fs.mkdirSync(path.join(dist, 'wasm'), { recursive: true });
for (const file of fs.readdirSync(wasmSrc).filter((f) => f.endsWith('.wasm'))) {
  fs.copyFileSync(path.join(wasmSrc, file), path.join(dist, 'wasm', file));
}
// The threaded build's script and worker module, verbatim: the engine derives the files its Node
// workers load from them (src/toolkit/engine/threadedWasmFiles.ts).
const wasmOut = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out');
for (const file of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']) {
  fs.copyFileSync(path.join(wasmOut, file), path.join(dist, 'wasm', file));
}
writeMnistData(root, path.join(dist, 'data'));
// Types for cells in VS Code: the declarations, and the TypeScript server plugin that adds them.
writeCellTypes(root, path.join(dist, 'cell-types'));
await writeTsPlugin(root);
writeTypescriptLib(root, path.join(dist, 'typescript-lib'));
// The lesson notebooks, written by the CLI just built from their sources in src/host/lessons.
execFileSync(process.execPath, [path.join(dist, 'cli.js'), 'lesson', '--all', path.join(dist, 'lessons')], { stdio: 'inherit' });
console.log(`built ${fs.readdirSync(dist).filter((f) => f.endsWith('.js')).join(', ')} in dist/`);
