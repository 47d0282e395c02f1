// `npm run bench`: the lesson pass (x [50000, 784] through a 784-100-100-100-1 ReLU MLP, MSE,
// forward and backward), with and without the probe's statistics, on each engine this machine
// has, each in its own process, in one run so the ratios compare like with like. PyTorch is the
// reference when Debian's python3-torch is installed (apt install python3-torch
// libopenblas0-pthread; with the reference BLAS it is 35x slower, see ../shared/FACTS.md).
//
//   npm run bench [-- --rounds 5]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeBundleOptions } from './bundleOptions.mjs';

const root = path.resolve(import.meta.dirname, '..');
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
const outDir = path.join(root, 'out', 'bench');
fs.mkdirSync(outDir, { recursive: true });
await esbuild.build({
  ...nodeBundleOptions,
  entryPoints: { lessonPassWorker: path.join(root, 'bench', 'lessonPassWorker.ts') },
  outdir: outDir,
  logLevel: 'error',
  logOverride: { 'require-resolve-not-external': 'silent' },
});

const PYTHON = '/usr/bin/python3';
const hasTorch = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
let hasTfjsNode = true;
try {
  (await import('node:module')).createRequire(path.join(root, 'package.json')).resolve('@tensorflow/tfjs-node');
} catch {
  hasTfjsNode = false;
}

const node = (env) => (mode) => [process.execPath, [path.join(outDir, 'lessonPassWorker.js'), mode, String(rounds)], env];
const variants = [
  { name: 'PyTorch (reference)', run: hasTorch ? (mode) => [PYTHON, [path.join(root, 'bench', 'lesson_pass_torch.py'), mode, String(rounds)], {}] : undefined, missing: 'python3-torch is not installed' },
  { name: 'tfjs WASM, threads on every core, explicit transposes, statistics split with a worker thread (default)', run: node({ INITLAB_BACKEND: 'wasm' }) },
  { name: 'tfjs WASM, threads on every core, explicit transposes, statistics on the main thread only', run: node({ INITLAB_BACKEND: 'wasm', INITLAB_STATS_WORKER: '0' }), probeOnly: true },
  { name: 'tfjs WASM, one thread, explicit transposes', run: node({ INITLAB_BACKEND: 'wasm', INITLAB_WASM_THREADS: '1' }) },
  { name: 'tfjs WASM, one thread, transpose flags (unpatched kernels)', run: node({ INITLAB_BACKEND: 'wasm', INITLAB_WASM_THREADS: '1', INITLAB_MATMUL_PATCH: 'off' }), passOnly: true },
  { name: 'tfjs-node (native TensorFlow)', run: hasTfjsNode ? node({ INITLAB_BACKEND: 'tensorflow' }) : undefined, missing: '@tensorflow/tfjs-node is not installed (its install downloads libtensorflow, unreachable here)' },
];

function measure(variant, mode) {
  const [command, args, env] = variant.run(mode);
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = result.stdout.trim().split('\n').pop();
  if (result.status !== 0 || !line?.startsWith('{')) return { error: (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(line);
}

const rows = [];
for (const mode of ['pass', 'probe']) {
  for (const variant of variants) {
    if ((mode === 'probe' && variant.passOnly) || (mode === 'pass' && variant.probeOnly)) continue;
    if (!variant.run) {
      rows.push({ variant: variant.name, mode, note: variant.missing });
      continue;
    }
    process.stderr.write(`measuring ${variant.name}, ${mode} ...\n`);
    rows.push({ variant: variant.name, mode, ...measure(variant, mode) });
  }
}

const reference = Object.fromEntries(rows.filter((r) => r.variant.startsWith('PyTorch') && r.medianMs).map((r) => [r.mode, r.medianMs]));
const fmt = (ms) => (ms === undefined ? '–' : `${Math.round(ms).toLocaleString('en-US')} ms`);
console.log(`\nLesson pass, x [50000, 784], 784-100-100-100-1 ReLU MLP, MSE; median of ${rounds} after a warm-up\n`);
console.log('| engine | what | time | vs PyTorch | peak RSS |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const what = r.mode === 'pass' ? 'forward + backward' : 'forward + backward + probe statistics';
  if (r.note || r.error) {
    console.log(`| ${r.variant} | ${what} | ${r.note ?? `failed: ${r.error}`} | | |`);
    continue;
  }
  const ratio = reference[r.mode] ? `${(r.medianMs / reference[r.mode]).toFixed(2)}x` : '–';
  console.log(`| ${r.variant} | ${what} | ${fmt(r.medianMs)} | ${ratio} | ${Math.round(r.peakRssMb).toLocaleString('en-US')} MB |`);
}
if (!hasTorch) console.log('\nNo PyTorch here, so no ratios: apt install python3-torch libopenblas0-pthread, then run again.');
