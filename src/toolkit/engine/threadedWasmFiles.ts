/**
 * The files the threaded WASM build needs in Node, made from the package's own (threadedWasm.ts
 * says why the package cannot start it itself):
 *
 * - the Emscripten module's script, which the main thread and every pthread worker load, with
 *   its pool of pre-started workers sized by the caller instead of a fixed 8;
 * - the pthread worker's entry script, which the package carries only as a string export.
 *
 * The sources are the package's `wasm-out/` files, copied verbatim beside the bundle by
 * scripts/build.mjs (the .vsix has no node_modules). The derived files are written once per
 * content into a per-user folder under the temp directory, atomically, so that kernels starting
 * at the same time never read half a file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

export const THREADED_SCRIPT = 'tfjs-backend-wasm-threaded-simd.js';
/** In the package, a CommonJS module whose export `wasmWorkerContents` is the worker's text. */
export const THREADED_WORKER_MODULE = 'tfjs-backend-wasm-threaded-simd.worker.js';
export const THREADED_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

export interface ThreadedWasmFiles {
  script: string;
  worker: string;
  binary: string;
}

/**
 * Emscripten starts PTHREAD_POOL_SIZE workers (8 in this build) before the module is ready, each
 * a Node isolate: ~190 ms and ~75 MB on this machine, where a pool of one (2 cores: the main
 * thread and one worker) needs one. The size becomes the module option `initlabPthreadPoolSize`.
 */
const POOL_SIZE_SOURCE = 'var pthreadPoolSize=8;';
const POOL_SIZE_OPTION = 'var pthreadPoolSize=Module["initlabPthreadPoolSize"]??8;';

export function scriptWithPoolOption(source: string): string {
  const at = source.indexOf(POOL_SIZE_SOURCE);
  if (at < 0 || source.indexOf(POOL_SIZE_SOURCE, at + 1) >= 0) {
    throw new Error(`The threaded WASM script no longer has exactly one "${POOL_SIZE_SOURCE}" (a new tfjs version?)`);
  }
  return source.slice(0, at) + POOL_SIZE_OPTION + source.slice(at + POOL_SIZE_SOURCE.length);
}

/**
 * The worker's text from the package's string export. A template literal has already turned the
 * `\n` escapes inside the script's own string literals into newlines; they are escaped again, as
 * the package's loader does before making its blob.
 */
export function workerText(workerModule: string): string {
  const { wasmWorkerContents } = createRequire(__filename)(workerModule) as { wasmWorkerContents?: unknown };
  if (typeof wasmWorkerContents !== 'string') throw new Error(`${workerModule} exports no wasmWorkerContents`);
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

/** Where the package's sources are: beside the bundle (`bundledDir`) when shipped, else the package. */
function sourceFiles(bundledDir: string): { script: string; workerModule: string; binary: string } {
  const shipped = {
    script: path.join(bundledDir, THREADED_SCRIPT),
    workerModule: path.join(bundledDir, THREADED_WORKER_MODULE),
    binary: path.join(bundledDir, THREADED_BINARY),
  };
  if (Object.values(shipped).every((file) => fs.existsSync(file))) return shipped;
  const wasmOut = path.dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${THREADED_SCRIPT}`));
  return {
    script: path.join(wasmOut, THREADED_SCRIPT),
    workerModule: path.join(wasmOut, THREADED_WORKER_MODULE),
    binary: require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${THREADED_BINARY}`),
  };
}

function writeOnce(file: string, text: string): void {
  if (fs.existsSync(file)) return;
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** Prepares (once) and returns the three files. Throws when the temp folder cannot be written. */
export function prepareThreadedWasmFiles(bundledDir: string, cacheRoot = os.tmpdir()): ThreadedWasmFiles {
  const sources = sourceFiles(bundledDir);
  const script = scriptWithPoolOption(fs.readFileSync(sources.script, 'utf8'));
  const worker = workerText(sources.workerModule);
  const hash = createHash('sha256').update(script).update(worker).digest('hex').slice(0, 12);
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : os.userInfo().username;
  const userDir = path.join(cacheRoot, `initlab-${user}`);
  const dir = path.join(userDir, `tfjs-wasm-threads-${hash}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The kernel runs these scripts: in a shared temp folder, a folder of that name made by
  // someone else must not be trusted (the engine then falls back to one thread, with a warning).
  const owner = fs.statSync(userDir);
  if (typeof process.getuid === 'function' && (owner.uid !== process.getuid() || (owner.mode & 0o022) !== 0)) {
    throw new Error(`${userDir} belongs to another user or is writable by others`);
  }
  const files = { script: path.join(dir, THREADED_SCRIPT), worker: path.join(dir, 'pthread-worker.js'), binary: sources.binary };
  writeOnce(files.script, script);
  writeOnce(files.worker, worker);
  return files;
}
