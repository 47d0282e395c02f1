/**
 * The tensor engine: TensorFlow.js on the fastest backend this machine has.
 * Order: tfjs-node (native, optional dependency) > WASM (embedded default) > CPU (with a warning).
 *
 * Everything else in the kernel imports `tf` from here, never '@tensorflow/tfjs' directly, so
 * that the backend is chosen once, before the first op.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as fs from 'node:fs';
import * as path from 'node:path';

export { tf };

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface EngineInfo {
  backend: BackendName;
  tfjsVersion: string;
  /** Why a faster backend was not used, when it was not. */
  warnings: string[];
}

let ready: Promise<EngineInfo> | undefined;

/** Where the WASM backend's `.wasm` files are: next to the bundle when bundled, else in node_modules. */
function findWasmDir(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled;
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

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
  tf.enableProdMode();
  const warnings: string[] = [];
  try {
    setWasmPaths(findWasmDir() + path.sep);
    if (await tf.setBackend('wasm')) {
      return { backend: 'wasm', tfjsVersion: tf.version.tfjs, warnings };
    }
    warnings.push('The WASM backend did not initialize.');
  } catch (err) {
    warnings.push(`The WASM backend failed: ${(err as Error).message}`);
  }
  await tf.setBackend('cpu');
  warnings.push('Using the slow CPU backend.');
  return { backend: 'cpu', tfjsVersion: tf.version.tfjs, warnings };
}
