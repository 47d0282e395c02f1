/**
 * Where one epoch of the CNN's model.fit spends its time, kernel by kernel, and what a change to
 * the WASM engine's kernels buys, measured in one process (the model and data of
 * bench/cnnBenchWorker.ts 'fit'). A lab tool for the engine's kernels; the bench rows are
 * cnnBenchWorker's.
 *
 *   node out/bench/fitProfileWorker.js profile [images=2000] [--shapes]
 *   node out/bench/fitProfileWorker.js ab <kernel,kernel...> [images=2000] [rounds=4]
 *
 * Bundled like the other workers (esbuild with scripts/bundleOptions.mjs, as scripts/bench.mjs
 * does). INITLAB_WASM_THREADS=1 gives steadier figures on a machine shared with other work.
 *
 * profile  every kernel of the active backend is wrapped with a timer. Kernels called from inside
 *          another (InitLab's compositions, kernels/backendCalls.ts) count under their own name
 *          and inside their caller: "top" is the time of the outermost kernels, which add up to
 *          the epoch's kernel time; what is left is tfjs's bookkeeping, autodiff and the
 *          optimizer's JavaScript. The first epoch is a warm-up; the table is of the second.
 *          --shapes splits each kernel by its first input's shape.
 * ab       epochs alternate between A, the package's own kernels for the named replaced kernels
 *          (REPLACED_WASM_KERNELS), and B, InitLab's; every other replacement is on in both.
 *          'BatchNormLayer' names tf.layers' BatchNormalization through the fused op (batchNormLayer.ts),
 *          'FusedConvGradient' tf.fused.conv2d's gradient per input (fusedConvGradient.ts). The
 *          same model trains on, so the two see the same kind of weights. Prints each epoch's
 *          time and the ratio of medians: on a machine shared with other work, only the ratio of
 *          interleaved runs means something.
 */
import { getKernel, getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';
import * as tfjs from '@tensorflow/tfjs';
import { REPLACED_WASM_KERNELS } from '../src/toolkit/engine/kernels/registerWasmKernels';
import { batchNormalizationClass, patchBatchNormalizationLayer } from '../src/toolkit/engine/kernels/batchNormLayer';
import { routeFusedConv2dGradient } from '../src/toolkit/engine/kernels/fusedConvGradient';
import { mnist } from '../src/toolkit/data/mnist';
import { buildCnn } from './benchModels';

interface Row {
  calls: number;
  inclusiveMs: number;
  topMs: number;
  /** The process's CPU time in the outermost calls: less sensitive than wall time to other work on the machine. */
  topCpuMs: number;
}

function wrapKernels(backendName: string, rows: Map<string, Row>, splitByShape: boolean): void {
  let depth = 0;
  for (const config of getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    const wrapped: KernelConfig = {
      ...config,
      kernelFunc: (args) => {
        const first = Object.values(args.inputs)[0] as TensorInfo | undefined;
        const key = splitByShape && first ? `${config.kernelName} [${first.shape.join(',')}]` : config.kernelName;
        const started = performance.now();
        const cpu = depth === 0 ? process.cpuUsage() : undefined;
        depth++;
        try {
          return original(args);
        } finally {
          depth--;
          const ms = performance.now() - started;
          const row = rows.get(key) ?? { calls: 0, inclusiveMs: 0, topMs: 0, topCpuMs: 0 };
          row.calls++;
          row.inclusiveMs += ms;
          if (cpu) {
            const used = process.cpuUsage(cpu);
            row.topMs += ms;
            row.topCpuMs += (used.user + used.system) / 1000;
          }
          rows.set(key, row);
        }
      },
    };
    unregisterKernel(config.kernelName, backendName);
    registerKernel(wrapped);
  }
}

/** The package's kernel and InitLab's for each replaced kernel, to switch between. */
function replacements(backendName: string): Map<string, { original: KernelConfig; faster: KernelConfig }> {
  const out = new Map<string, { original: KernelConfig; faster: KernelConfig }>();
  for (const [name, make] of Object.entries(REPLACED_WASM_KERNELS)) {
    const original = getKernel(name, backendName);
    if (original) out.set(name, { original, faster: make(backendName, original) });
  }
  return out;
}

function use(config: KernelConfig): void {
  unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

async function main(): Promise<void> {
  const [mode = 'profile', ...rest] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  // The package's kernels at start; this script puts InitLab's in (all, or all but those under test).
  process.env.INITLAB_FASTER_KERNELS = 'off';
  await initEngine();
  const backendName = tf.getBackend();
  const swaps = replacements(backendName);
  for (const { faster } of swaps.values()) use(faster);
  const batchNorm = batchNormalizationClass(tfjs)!.prototype;
  const layerCalls = { original: batchNorm.call, faster: batchNorm.call };
  patchBatchNormalizationLayer(tfjs, backendName);
  layerCalls.faster = batchNorm.call;
  // tf.fused.conv2d's per-input gradient; 'FusedConvGradient' switches it off for A.
  const fusedConv = tfjs.fused as { conv2d: typeof tfjs.fused.conv2d };
  const convCalls = { original: fusedConv.conv2d, faster: fusedConv.conv2d };
  routeFusedConv2dGradient(tfjs, backendName);
  convCalls.faster = fusedConv.conv2d;
  const model = buildCnn();
  const images = Number((mode === 'ab' ? rest[1] : rest[0]) ?? 2000);
  const set = mnist({ subset: images });
  const x = tf.reshape(set.xTrain, [-1, 28, 28, 1]);
  const y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);
  /** One epoch's wall time, and the process's CPU time over it (all threads; less sensitive to other work on the machine). */
  let lastCpuMs = 0;
  const epoch = async (): Promise<number> => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
    const used = process.cpuUsage(cpu);
    lastCpuMs = (used.user + used.system) / 1000;
    return performance.now() - started;
  };
  const info = engineInfo();
  console.log(`${info.backend} (${info.threads ?? 1} threads${info.relaxedSimd ? ', relaxed SIMD' : ''}), ${images} images, batch 128`);
  if (mode === 'profile') {
    const rows = new Map<string, Row>();
    wrapKernels(backendName, rows, process.argv.includes('--shapes'));
    await epoch();
    rows.clear();
    const epochMs = await epoch();
    const epochCpuMs = lastCpuMs;
    const sorted = [...rows.entries()].sort((a, b) => b[1].inclusiveMs - a[1].inclusiveMs);
    const topTotal = sorted.reduce((s, [, r]) => s + r.topMs, 0);
    const topCpu = sorted.reduce((s, [, r]) => s + r.topCpuMs, 0);
    console.log(`epoch ${epochMs.toFixed(0)} ms (cpu ${epochCpuMs.toFixed(0)} ms), in kernels ${topTotal.toFixed(0)} ms (cpu ${topCpu.toFixed(0)} ms)`);
    console.log('kernel'.padEnd(44), 'calls'.padStart(6), 'incl ms'.padStart(9), 'top ms'.padStart(9), 'top cpu'.padStart(9), 'cpu %'.padStart(6));
    for (const [name, r] of sorted) {
      if (r.inclusiveMs < epochMs * 0.002) continue;
      console.log(name.padEnd(44), String(r.calls).padStart(6), r.inclusiveMs.toFixed(1).padStart(9), r.topMs.toFixed(1).padStart(9), r.topCpuMs.toFixed(1).padStart(9), ((100 * r.topCpuMs) / epochCpuMs).toFixed(1).padStart(6));
    }
    return;
  }
  if (mode !== 'ab') throw new Error(`unknown mode ${mode}: profile or ab`);
  const names = (rest[0] ?? '').split(',').filter(Boolean);
  const switches = ['BatchNormLayer', 'FusedConvGradient'];
  for (const name of names) if (!swaps.has(name) && !switches.includes(name)) throw new Error(`${name} is not a replaced kernel: ${[...swaps.keys(), ...switches].join(', ')}`);
  const rounds = Number(rest[2] ?? 4);
  const pick = (which: 'original' | 'faster') => () =>
    names.forEach((n) => {
      if (n === 'BatchNormLayer') batchNorm.call = layerCalls[which];
      else if (n === 'FusedConvGradient') fusedConv.conv2d = convCalls[which];
      else use(swaps.get(n)![which]);
    });
  const variants = { A: pick('original'), B: pick('faster') };
  await epoch();
  const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const cpuTimes: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
      variants[v]();
      times[v].push(await epoch());
      cpuTimes[v].push(lastCpuMs);
    }
  }
  const median = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];
  const min = (t: number[]) => Math.min(...t);
  console.log(`A (package's ${names.join(', ')}): wall ${times.A.map(Math.round).join(', ')} ms; cpu ${cpuTimes.A.map(Math.round).join(', ')} ms`);
  console.log(`B (InitLab's): wall ${times.B.map(Math.round).join(', ')} ms; cpu ${cpuTimes.B.map(Math.round).join(', ')} ms`);
  const ratio = (f: (t: number[]) => number, t: Record<'A' | 'B', number[]>) => (f(t.B) / f(t.A)).toFixed(3);
  console.log(`B / A: wall median ${ratio(median, times)}, wall min ${ratio(min, times)}, cpu median ${ratio(median, cpuTimes)}, cpu min ${ratio(min, cpuTimes)}`);
}

void main();
