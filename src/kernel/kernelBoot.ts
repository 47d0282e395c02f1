/**
 * The kernel process's entry point. It runs kernelMain.js, the kernel itself (TypeScript's
 * compiler, TensorFlow.js and the toolkit in one 6.8 MB bundle), from V8's code cache, so that
 * a fresh kernel does not parse and compile all of it again: on this project's machine that
 * was 312 ms of compiling the bundle, then more for each function as loading and the first cell
 * call it, out of an 860 ms first cell.
 *
 * Why by hand: v8-compile-cache(-lib), the usual require hook, asks V8 for the cache when the
 * script is compiled, before it runs, so it holds the top level only; the functions compiled
 * while the kernel loads and runs its first cell, most of the work, are not in it (tried: no
 * gain on the first cell). Here the cache is taken from the script after that first cell, with
 * vm.Script's createCachedData(). Node 22's module.enableCompileCache() would do this, but
 * VS Code runs kernels on its own Node 20.
 *
 * The cache lives in the OS temp folder (or INITLAB_CODE_CACHE_DIR), one 4.7 MB file per kernel
 * build (by a hash of its path and source, 10 ms) and V8 version, the three last used kept; V8
 * rejects a damaged one, which is then replaced. `INITLAB_CODE_CACHE=0` turns it off.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

import { relaxedSimdAvailable } from '../toolkit/engine/relaxedSimd';

// Before anything is compiled: switching relaxed SIMD on sets a V8 flag, and V8 rejects a code
// cache made under other flags, so a kernel that set it only at its engine's start wrote a
// cache the next kernel could not use (tried: the first cell took as long as with no cache).
relaxedSimdAvailable();

const kernelFile = path.join(__dirname, 'kernelMain.js');
const source = fs.readFileSync(kernelFile, 'utf8');
const cacheDir = process.env.INITLAB_CODE_CACHE_DIR ?? path.join(os.tmpdir(), `initlab-code-cache-${process.getuid?.() ?? 'user'}`);
const useCache = process.env.INITLAB_CODE_CACHE !== '0' && isOwnPrivateFolder(cacheDir);
// Named by the kernel's path and content, not its file's time (an install may set any), and
// V8's version. V8's own check of a cache against its source compares only the source's
// length, and functions it restores keep the path of the file that made the cache: a cache
// made at another path puts that path in stack traces, where the kernel's frames would no
// longer be recognized and hidden (the kernel process tests caught it).
const CACHE_PREFIX = 'kernel-';
// Worked out only when the cache is in use: hashing the 6.8 MB kernel takes 10 ms.
const cacheFile = useCache ? path.join(cacheDir, `${CACHE_PREFIX}${process.versions.v8}-${kernelHash()}.bin`) : '';

function kernelHash(): string {
  return createHash('sha1').update(kernelFile).update('\0').update(source).digest('hex').slice(0, 16);
}

/**
 * A code cache is compiled code, and the temp folder is shared: only a folder that this user
 * owns and no one else can write to is trusted with it (created so when missing).
 */
function isOwnPrivateFolder(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(dir);
    if (!stat.isDirectory()) return false;
    // Windows has no uids; its temp folder is the user's own.
    return process.getuid === undefined || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
  } catch {
    return false;
  }
}

let cachedData: Buffer | undefined;
if (useCache) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // none yet
  }
}
const script = new vm.Script(Module.wrap(source), { filename: kernelFile, cachedData });
const needsCache = useCache && (cachedData === undefined || script.cachedDataRejected === true);
if (cachedData && !needsCache) {
  try {
    // Marks it used, for the pruning in saveCache().
    const now = new Date();
    fs.utimesSync(cacheFile, now, now);
  } catch {
    // a read-only folder: no harm
  }
}

if (needsCache) {
  // Once the kernel has answered its first cell, the functions that run have been compiled:
  // the cache holds the most then. Saved at once, not later, because a kernel may be killed
  // as soon as that answer arrives; the time it takes, once, delays only the next cell. The
  // kernel's messages all go through process.send.
  const send = process.send!.bind(process);
  process.send = ((message: { type?: string }, ...rest: unknown[]) => {
    const sent = (send as (...args: unknown[]) => boolean)(message, ...rest);
    if (message?.type === 'done') {
      process.send = send;
      saveCache();
    }
    return sent;
  }) as typeof process.send;
}

function saveCache(): void {
  try {
    const partial = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(partial, script.createCachedData());
    // A rename is atomic: a kernel starting meanwhile reads the old file or the new one, whole.
    fs.renameSync(partial, cacheFile);
    pruneCaches();
  } catch {
    // A read-only or full temp folder: the next kernel compiles as if there were no cache.
  }
}

/**
 * Caches of other builds (an earlier InitLab, another Node, a development build beside the
 * installed one) would pile up, 5 MB each: the three last used stay. So does a partial file
 * younger than a minute, which another kernel may be writing.
 */
function pruneCaches(): void {
  const KEEP = 3;
  const files = fs
    .readdirSync(cacheDir)
    .filter((name) => name.startsWith(CACHE_PREFIX))
    .map((name) => ({ name, file: path.join(cacheDir, name), used: fs.statSync(path.join(cacheDir, name)).mtimeMs }));
  const caches = files.filter((f) => f.name.endsWith('.bin')).sort((a, b) => b.used - a.used);
  const partials = files.filter((f) => !f.name.endsWith('.bin') && Date.now() - f.used > 60_000);
  for (const stale of [...caches.slice(KEEP), ...partials]) fs.rmSync(stale.file, { force: true });
}

const kernelModule = { exports: {} };
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
run(kernelModule.exports, createRequire(kernelFile), kernelModule, kernelFile, __dirname);
