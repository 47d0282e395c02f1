/**
 * The tensor engine: TensorFlow.js on the fastest backend this machine has.
 * Order (backendSelection.ts): tfjs-node (native, optional) > WASM (embedded default) > CPU.
 *
 * Everything else in the kernel imports `tf` from here, never '@tensorflow/tfjs' directly, so
 * that the backend is chosen once, before the first op. `tf` is a live binding: when the native
 * backend is found it becomes tfjs-node's own module, whose tensors its backend understands.
 */
import * as tfjs from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { selectBackend, type BackendCandidate, type BackendName } from './backendSelection';
import { patchTransposedMatMul } from './transposedMatMulPatch';

export type { BackendName };
export type TF = typeof tfjs;
export let tf: TF = tfjs;

export interface EngineInfo {
  backend: BackendName;
  tfjsVersion: string;
  /** Why a faster backend was not used, when it was not. */
  warnings: string[];
}

/** Where the WASM backend's `.wasm` files are: next to the bundle when bundled, else in node_modules. */
function findWasmDir(): string {
  const bundled = path.join(__dirname, 'wasm');
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
  return { ...chosen, warnings: [...chosen.warnings] };
}

async function chooseBackend(): Promise<EngineInfo> {
  const candidates: BackendCandidate<TF>[] = [
    {
      name: 'tensorflow',
      activate: async () => {
        const native = loadNativeTf();
        if (!native) return undefined;
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
        if (!(await tfjs.setBackend('wasm'))) return undefined;
        // INITLAB_MATMUL_PATCH=off measures the unpatched kernels (scripts/bench.mjs).
        if (process.env.INITLAB_MATMUL_PATCH !== 'off') patchTransposedMatMul('wasm');
        return tfjs;
      },
    },
    {
      name: 'cpu',
      activate: async () => ((await tfjs.setBackend('cpu')) ? tfjs : undefined),
    },
  ];
  const selected = await selectBackend(candidates, process.env.INITLAB_BACKEND);
  tf = selected.value;
  // "not available" for tfjs-node is the normal case, not worth a warning.
  const warnings = selected.warnings.filter((w) => !w.startsWith('The tensorflow backend is not available'));
  const version = selected.name === 'tensorflow' ? ((tf.version as Record<string, string>)['tfjs-node'] ?? tf.version.tfjs) : tf.version.tfjs;
  return { backend: selected.name, tfjsVersion: version, warnings };
}
