/**
 * The tensor engine: TensorFlow.js on the fastest backend this machine has.
 * Order (backendSelection.ts): tfjs-node (native, optional) > WASM (embedded default) > CPU.
 *
 * Everything else in the kernel imports `tf` from here, never '@tensorflow/tfjs' directly, so
 * that the backend is chosen once, before the first op. `tf` is a live binding: when the native
 * backend is found it becomes tfjs-node's own module, whose tensors its backend understands.
 */
import * as tfjs from '@tensorflow/tfjs';
import { BackendWasm, getThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { selectBackend, type BackendCandidate, type BackendName } from './backendSelection';
import { nodeOsModule, registerThreadedWasm, threadsSupported, wantedThreads } from './threadedWasm';
import { prepareThreadedWasmFiles } from './threadedWasmFiles';
import { registerWasmKernels } from './kernels/registerWasmKernels';
import { patchTransposedMatMul } from './transposedMatMulPatch';
import { registerDilatedConvGradients } from './dilatedConvGradients';
import { registerSecondOrderGradients } from './secondOrderGradients';
import { registerAvgPoolPaddingGradient } from './avgPoolPaddingGradient';
import { registerReductionGradients } from './reductionGradients';
import { relaxedSimdAvailable } from './relaxedSimd';
import { checkTfjsInternals, tfjsInternalsError } from './tfjsInternals';

export type { BackendName };
export type TF = typeof tfjs;
export let tf: TF = tfjs;

export interface EngineInfo {
  backend: BackendName;
  tfjsVersion: string;
  /** Threads the engine computes on (the WASM backend's pthread pool; 1 when single-threaded). */
  threads?: number;
  /** Whether InitLab's SIMD convolution gradients use relaxed SIMD's fused multiply-add (relaxedSimd.ts; WASM only). */
  relaxedSimd?: boolean;
  /** Why a faster backend was not used, when it was not. */
  warnings: string[];
}

/** Where the build puts the WASM backend's files, beside the bundle (scripts/build.mjs). */
const bundledWasmDir = path.join(__dirname, 'wasm');

/** Where the WASM backend's `.wasm` files are: next to the bundle when bundled, else in node_modules. */
function findWasmDir(): string {
  const bundled = bundledWasmDir;
  if (fs.existsSync(path.join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled;
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

/**
 * tfjs-node is never bundled (it is native code with its own copy of tfjs-core). It is looked
 * for where a user would install it: beside the notebook, in the working folder, or beside the
 * kernel when running from a checkout.
 */
function loadNativeTf(): TF | undefined {
  const places = [process.env.INITLAB_NOTEBOOK_DIR, process.cwd(), __dirname].filter((p): p is string => !!p);
  for (const place of places) {
    const requireFrom = createRequire(path.join(place, 'index.js'));
    let resolved: string;
    try {
      resolved = requireFrom.resolve('@tensorflow/tfjs-node');
    } catch {
      continue;
    }
    return requireFrom(resolved) as TF;
  }
  return undefined;
}

let ready: Promise<EngineInfo> | undefined;
let chosen: EngineInfo | undefined;

/** Chooses and initializes the backend once; later calls return the same answer. */
export function initEngine(): Promise<EngineInfo> {
  ready ??= chooseBackend().then((info) => (chosen = info));
  return ready;
}

/**
 * The active backend, its version and any warnings: what the status bar shows, callable from
 * cells. Example: `engineInfo().backend // 'wasm'`
 */
export function engineInfo(): EngineInfo {
  if (!chosen) throw new Error('The tensor engine has not started yet: await initEngine() first.');
  return { ...chosen, warnings: [...chosen.warnings, ...runtimeWarnings] };
}

/** Warnings that arise as cells run (a kernel falling back on the CPU backend). */
const runtimeWarnings: string[] = [];

/**
 * Reports an engine warning where the user sees it: in engineInfo(), and on stderr, which the
 * kernel process routes into the running cell's output (execution/executionSession.ts).
 */
function warnAtRun(message: string): void {
  runtimeWarnings.push(message);
  console.warn(message);
}

const wasmWarnings: string[] = [];
/** Internals of tfjs-node's tfjs, or of the bundled one, that are missing with a fallback (tfjsInternals.ts). */
const nativeInternalsWarnings: string[] = [];
const bundledInternalsWarnings: string[] = [];

/**
 * The WASM backend, threaded on every core when this Node allows it (threadedWasm.ts), else the
 * package's single-threaded build. A threaded start that fails falls back with a warning.
 */
async function startWasm(): Promise<boolean> {
  const threads = wantedThreads();
  if (threads > 1 && threadsSupported()) {
    const singleThreaded = tfjs.findBackendFactory('wasm');
    try {
      registerThreadedWasm(prepareThreadedWasmFiles(bundledWasmDir), threads);
      // setBackend reports a factory that throws by returning false (and logging it).
      if (await tfjs.setBackend('wasm')) return true;
      wasmWarnings.push('The threaded WASM backend did not start; using one thread.');
    } catch (err) {
      wasmWarnings.push(`The threaded WASM backend did not start (${(err as Error).message}); using one thread.`);
    }
    tfjs.removeBackend('wasm');
    if (singleThreaded) tfjs.registerBackend('wasm', singleThreaded, 2);
  }
  return tfjs.setBackend('wasm');
}

async function chooseBackend(): Promise<EngineInfo> {
  // The tfjs internals the engine's patches touch, and the version they were written for: a
  // bundled tfjs they do not fit is a build to fix, so the engine does not start.
  const bundled = checkTfjsInternals({
    source: 'the bundled TensorFlow.js',
    versions: { ...tfjs.version, 'tfjs-backend-wasm': version_wasm },
    tf: tfjs,
    osModule: nodeOsModule(),
    BackendWasm,
  });
  if (bundled.errors.length > 0) throw tfjsInternalsError(bundled);
  bundledInternalsWarnings.push(...bundled.warnings);
  const candidates: BackendCandidate<TF>[] = [
    {
      name: 'tensorflow',
      activate: async () => {
        const native = loadNativeTf();
        if (!native) return undefined;
        // tfjs-node brings its own tfjs: one the patches do not fit leaves it for WASM.
        const internals = checkTfjsInternals({ source: '@tensorflow/tfjs-node', versions: native.version as Record<string, string>, tf: native });
        if (internals.errors.length > 0) throw tfjsInternalsError(internals);
        nativeInternalsWarnings.push(...internals.warnings);
        native.enableProdMode();
        return (await native.setBackend('tensorflow')) ? native : undefined;
      },
      describeFailure: (err) => `@tensorflow/tfjs-node is installed but did not load (${(err as Error).message}); using WASM.`,
    },
    {
      name: 'wasm',
      activate: async () => {
        tfjs.enableProdMode();
        setWasmPaths(findWasmDir() + path.sep);
        if (!(await startWasm())) return undefined;
        // The backend's own members InitLab's kernels use: without them, the CPU backend.
        const internals = checkTfjsInternals({ source: 'the WASM backend', wasmBackend: tfjs.backend() });
        if (internals.errors.length > 0) throw tfjsInternalsError(internals);
        wasmWarnings.push(...internals.warnings);
        // INITLAB_MATMUL_PATCH=off measures the unpatched kernels (scripts/bench.mjs).
        if (process.env.INITLAB_MATMUL_PATCH !== 'off') patchTransposedMatMul('wasm');
        // The gradients tf.layers training needs, faster versions of slow kernels, and a CPU
        // fallback for other missing kernels. INITLAB_FASTER_KERNELS=off keeps the package's
        // slow kernels, to measure what the faster ones buy (bench/cnnPassWorker.ts).
        registerWasmKernels('wasm', warnAtRun, { replace: process.env.INITLAB_FASTER_KERNELS !== 'off' });
        return tfjs;
      },
    },
    {
      name: 'cpu',
      activate: async () => {
        // As for the others: without it, the CPU backend's first tensor prints tfjs's "Hi, looks
        // like you are running TensorFlow.js in Node.js" banner into the cell that made it.
        tfjs.enableProdMode();
        return (await tfjs.setBackend('cpu')) ? tfjs : undefined;
      },
    },
  ];
  const selected = await selectBackend(candidates, process.env.INITLAB_BACKEND);
  tf = selected.value;
  // Gradients are per tfjs-core instance, not per backend: tfjs-node's `tf` has its own registry.
  registerDilatedConvGradients(tf);
  // Gradients of gradient kernels: Hessian-vector products through convolutions and pooling.
  registerSecondOrderGradients(tf);
  // Average pooling's gradient where 'same' padding cuts windows (tfjs divides by the whole window).
  registerAvgPoolPaddingGradient(tf);
  // Sum's and Mean's gradients repeat dy by a broadcast, not by multiplying with an array of ones.
  registerReductionGradients(tf);
  // "not available" for tfjs-node is the normal case, not worth a warning.
  const warnings = [
    ...selected.warnings.filter((w) => !w.startsWith('The tensorflow backend is not available')),
    ...wasmWarnings,
    ...(selected.name === 'tensorflow' ? nativeInternalsWarnings : bundledInternalsWarnings),
  ];
  const version = selected.name === 'tensorflow' ? ((tf.version as Record<string, string>)['tfjs-node'] ?? tf.version.tfjs) : tf.version.tfjs;
  const threads = selected.name === 'wasm' ? getThreadsCount() : undefined;
  const relaxedSimd = selected.name === 'wasm' ? relaxedSimdAvailable() : undefined;
  return { backend: selected.name, tfjsVersion: version, threads, relaxedSimd, warnings };
}
