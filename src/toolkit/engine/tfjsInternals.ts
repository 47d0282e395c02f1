/**
 * Every place the engine reaches past TensorFlow.js's documented API, in one table: what it
 * touches, who uses it, and what happens without it. The patches that replace or wrap something
 * of tfjs's (or of Node's, for tfjs's sake) live here too, each checking its internal before it
 * touches it.
 *
 * They were written against TensorFlow.js 4.22 (docs/engine.md). At engine start (engine.ts)
 * `checkTfjsInternals` checks that the tfjs in use is 4.22.x and that each internal exists with
 * the shape the code expects. What has a safe fallback becomes a warning (engineInfo() shows it)
 * and the patch is skipped; what has none is an error: for the bundled tfjs the engine does not
 * start (a new tfjs needs each entry below checked again, then TFJS_VERSION updated); for
 * tfjs-node, or for the WASM backend, the engine falls back on the next backend.
 *
 * Not here, because they read tfjs-layers' objects rather than patch anything, and are checked
 * where they are read: the probe's walk of a model's graph (probe/layersGraph.ts:
 * `Sequential.model`, `containerNodes`, a layer's `inboundNodes`, a model's `lossFunctions`),
 * layer configs read as fields (probe/layersTheory.ts, probe/layerGradient.ts: BatchNorm's
 * `axis`, `epsilon`, `gamma`, `beta`; probe/lossTheory.ts: a model's `loss`), a layer's
 * `_trainableWeights` and `_nonTrainableWeights` (nn/layersModels.ts), and the threaded WASM
 * script's `var pthreadPoolSize=8;` (threadedWasmFiles.ts, which throws, and the engine then
 * starts one thread). heapGuard.ts guards the WASM module's `_malloc` (through `asm.malloc`) and
 * reads `wasmMemory`; the heap it needs is checked here ('wasm.heap').
 */

/** The tfjs these internals were written for: every version 4.22.x. */
export const TFJS_VERSION = '4.22';

/** The packages whose internals are touched; their versions must be TFJS_VERSION.x. */
const VERSIONED_PACKAGES = ['tfjs-core', 'tfjs-layers', 'tfjs-backend-wasm'] as const;

/** What a check is given: any part may be missing, and the checks that need it are skipped. */
export interface TfjsSubject {
  /** Which tfjs this is, in messages: 'the bundled TensorFlow.js', '@tensorflow/tfjs-node'. */
  source?: string;
  /** Package versions by name without the scope: tf.version, plus 'tfjs-backend-wasm' (its version_wasm). */
  versions?: Readonly<Record<string, string | undefined>>;
  /** The tf module in use (tfjs-node's has its own tfjs-core). */
  tf?: unknown;
  /** Node's os module as CommonJS code requires it (the object the Emscripten script reads). */
  osModule?: unknown;
  /** @tensorflow/tfjs-backend-wasm's BackendWasm class. */
  BackendWasm?: unknown;
  /** The WASM backend once started: tf.backend(). */
  wasmBackend?: unknown;
}

type Check = (subject: Required<TfjsSubject>) => string | undefined;

export interface TfjsInternal {
  id: string;
  /** What is touched, in tfjs's own names. */
  touches: string;
  /** Where InitLab touches it. */
  usedBy: string;
  /** What the engine does without it; none means it cannot run without it. */
  fallback?: string;
  /** The part of the subject the check reads. */
  needs: keyof TfjsSubject;
  check: Check;
}

type AnyRecord = Record<string, unknown>;
const record = (value: unknown): AnyRecord | undefined => (value !== null && (typeof value === 'object' || typeof value === 'function') ? (value as AnyRecord) : undefined);
const isFunction = (value: unknown) => typeof value === 'function';

/** tf.engine() of a tf module, or a problem. */
function engineOf(tf: unknown): AnyRecord | string {
  const engine = record(tf) && isFunction(record(tf)!.engine) ? record((record(tf)!.engine as () => unknown)()) : undefined;
  return engine ?? 'tf.engine() is missing';
}

function engineState(tf: unknown): AnyRecord | string {
  const engine = engineOf(tf);
  if (typeof engine === 'string') return engine;
  return record(engine.state) ?? 'tf.engine().state is missing';
}

/** A property that can be replaced by assignment: writable, or with a setter, and its object extensible when it is inherited. */
function assignable(object: AnyRecord, key: string): boolean {
  for (let o: object | null = object; o; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (!descriptor) continue;
    if (descriptor.set) return true;
    if (!descriptor.writable) return false;
    return o === object || Object.isExtensible(object);
  }
  return Object.isExtensible(object);
}

/** The methods `names` of `object` (or of its prototype chain) that are missing. */
function missingMethods(object: unknown, names: readonly string[]): string[] {
  const o = record(object);
  return names.filter((name) => !o || !isFunction(o[name]));
}

const described = (missing: string[], of: string) => (missing.length ? `${of} has no ${missing.join(', ')}` : undefined);

/** The methods of BackendWasm outside tfjs's KernelBackend interface that InitLab calls. */
const WASM_OUTPUT_METHODS = ['makeOutput', 'typedArrayFromHeap'] as const;
/** The functions the package's loader wraps from the Emscripten module (backend_wasm.ts, init()). */
export const WASM_BRIDGE_FUNCTIONS = [
  ['init', 'init', null, []],
  ['initWithThreadsCount', 'init_with_threads_count', null, ['number']],
  ['getThreadsCount', 'get_threads_count', 'number', []],
  ['registerTensor', 'register_tensor', null, ['number', 'number', 'number']],
  ['disposeData', 'dispose_data', null, ['number']],
  ['dispose', 'dispose', null, []],
] as const;

export const TFJS_INTERNALS: readonly TfjsInternal[] = [
  {
    id: 'os.cpus',
    touches: "Node's os.cpus, as the Emscripten script's require('os') sees it, reported as threads × 2 while the threaded WASM module starts",
    usedBy: 'threadedWasm.ts (XNNPACK sizes its pool at half the cores it reads)',
    fallback: 'XNNPACK will compute on half the threads.',
    needs: 'osModule',
    check: ({ osModule }) => {
      const os = record(osModule);
      if (!os || !isFunction(os.cpus)) return 'os.cpus is not a function';
      return assignable(os, 'cpus') ? undefined : 'os.cpus cannot be replaced';
    },
  },
  {
    id: 'BackendWasm',
    touches: "BackendWasm, constructed on the threaded Emscripten module, with the bridge the package's loader installs on it (module.tfjs)",
    usedBy: 'threadedWasm.ts (the threaded WASM build, which the package turns off in Node)',
    fallback: "The package's single-threaded WASM backend will be used.",
    needs: 'BackendWasm',
    check: ({ BackendWasm }) => {
      if (!isFunction(BackendWasm)) return 'BackendWasm is not a class';
      if ((BackendWasm as () => void).length !== 1) return `BackendWasm takes ${(BackendWasm as () => void).length} arguments, not the Emscripten module alone`;
      return described(missingMethods((BackendWasm as { prototype: unknown }).prototype, [...WASM_OUTPUT_METHODS, 'disposeData']), 'BackendWasm');
    },
  },
  {
    id: 'wasm.outputs',
    touches: "the WASM backend's makeOutput(shape, dtype, memoryOffset?, values?) and typedArrayFromHeap(tensorInfo)",
    usedBy: "kernels/ (InitLab's WASM kernels and the CPU fallback write their outputs into the heap), engineMemory.ts",
    needs: 'wasmBackend',
    check: ({ wasmBackend }) => described(missingMethods(wasmBackend, WASM_OUTPUT_METHODS), 'the WASM backend'),
  },
  {
    id: 'wasm.heap',
    touches: "the WASM backend's Emscripten module (backend.wasm): HEAPU8, _malloc, _free",
    usedBy: 'engineMemory.ts (reserveEngineMemory), heapGuard.ts (allocations checked before they are made), kernels/heapSimd.ts (SIMD copies and transposes import the engine\'s memory)',
    needs: 'wasmBackend',
    check: ({ wasmBackend }) => {
      const module = record(record(wasmBackend)?.wasm);
      if (!module) return 'backend.wasm is missing';
      if (!(module.HEAPU8 instanceof Uint8Array)) return 'backend.wasm.HEAPU8 is not a Uint8Array';
      return described(missingMethods(module, ['_malloc', '_free']), 'backend.wasm');
    },
  },
  {
    id: 'wasm.memoryOffset',
    touches: "the WASM backend's getMemoryOffset(dataId), read with backend.wasm.HEAPU8",
    usedBy: "probe/fusedStats.ts (a tensor's statistics read in place on the heap), kernels/transpose.ts and kernels/stridedInputGradient.ts (SIMD copies address tensors on the heap)",
    fallback: "Statistics will read a copy of each tensor; transposes run the package's loop and the strided input gradient interleaves in JavaScript.",
    needs: 'wasmBackend',
    check: ({ wasmBackend }) => described(missingMethods(wasmBackend, ['getMemoryOffset']), 'the WASM backend'),
  },
  {
    id: 'wasm.disposeData',
    touches: "the WASM backend's disposeData, wrapped to learn when a tensor's data is freed (tfjs has no disposal event)",
    usedBy: "transposedMatMulPatch.ts (a large operand's transpose is kept while the operand lives)",
    fallback: 'Transposes will be made afresh for every product.',
    needs: 'wasmBackend',
    check: ({ wasmBackend }) => {
      const backend = record(wasmBackend);
      if (!backend || !isFunction(backend.disposeData)) return 'backend.disposeData is not a function';
      return assignable(backend, 'disposeData') ? undefined : 'backend.disposeData cannot be wrapped';
    },
  },
  {
    id: 'engine.scopeStack',
    touches: 'tf.engine().state.scopeStack (the open tf.tidy scopes) and tf.engine().endScope()',
    usedBy: 'opGuard.ts (resetAfterStop closes the scopes a stopped cell left open)',
    fallback: 'After a stopped cell, the tensors of the tf.tidy scopes it left open will stay in memory.',
    needs: 'tf',
    check: ({ tf }) => {
      const state = engineState(tf);
      if (typeof state === 'string') return state;
      if (!Array.isArray(state.scopeStack)) return 'tf.engine().state.scopeStack is not an array';
      return described(missingMethods(engineOf(tf), ['endScope']), 'tf.engine()');
    },
  },
  {
    id: 'engine.gradientDepth',
    touches: 'tf.engine().state.gradientDepth (above 0 while tf.grads records)',
    usedBy: 'dilatedConvGradients.ts (tf.fused.conv2d is rerouted only while gradients are recorded), secondOrderGradients.ts (a gradient that will be differentiated again recomputes its kernel\'s output), kernels/batchNormLayer.ts (the fused BatchNorm only where its gradient will not be differentiated again), kernels/fusedConvGradient.ts (tf.fused.conv2d on the tape only while gradients are recorded)',
    fallback: 'A dilated tf.fused.conv2d (a dilated Conv2D layer with a linear activation) will have no gradient, as in tfjs; second derivatives through tanh, sigmoid, softmax, exp and ELU stay wrong, as in tfjs.',
    needs: 'tf',
    check: ({ tf }) => {
      const state = engineState(tf);
      if (typeof state === 'string') return state;
      return typeof state.gradientDepth === 'number' ? undefined : 'tf.engine().state.gradientDepth is not a number';
    },
  },
  {
    id: 'fused.conv2d',
    touches: 'tf.fused.conv2d, replaced by a wrapper (the object tf.layers calls)',
    usedBy: 'dilatedConvGradients.ts, kernels/fusedConvGradient.ts (a gradient per input on WASM)',
    fallback: 'A dilated tf.fused.conv2d (a dilated Conv2D layer with a linear activation) will have no gradient, as in tfjs; a first Conv2D layer computes its input\'s gradient for nothing, as in tfjs.',
    needs: 'tf',
    check: ({ tf }) => {
      const fused = record(record(tf)?.fused);
      if (!fused || !isFunction(fused.conv2d)) return 'tf.fused.conv2d is not a function';
      return assignable(fused, 'conv2d') ? undefined : 'tf.fused.conv2d cannot be replaced';
    },
  },
  {
    id: 'gradient.conv',
    touches: "the registered gradients of Conv2D and DepthwiseConv2dNative, called with their saved tensors in the order of inputsToSave, ['x', 'filter']",
    usedBy: 'dilatedConvGradients.ts (gradients at dilation rates above 1)',
    fallback: "The package's gradients will stay: convolutions with a dilation rate above 1 have no gradient (tensorflow/tfjs#7906).",
    needs: 'tf',
    check: ({ tf }) => {
      const getGradient = record(tf)?.getGradient;
      if (!isFunction(getGradient)) return 'tf.getGradient is not a function';
      for (const kernel of ['Conv2D', 'DepthwiseConv2dNative']) {
        const config = record((getGradient as (name: string) => unknown)(kernel));
        if (!config || !isFunction(config.gradFunc)) return `${kernel} has no registered gradient`;
        if (JSON.stringify(config.inputsToSave) !== '["x","filter"]') return `${kernel}'s gradient saves ${JSON.stringify(config.inputsToSave)}`;
      }
      return undefined;
    },
  },
  {
    id: 'engine.gradients',
    touches: 'tf.engine().gradients(f, xs, dy, allowNoGradients), the vector-Jacobian product under tf.grads',
    usedBy: "probe/layersAdapter.ts and probe/layerGradient.ts (each layer's backward seeded with its output's gradient)",
    needs: 'tf',
    check: ({ tf }) => {
      const engine = engineOf(tf);
      return typeof engine === 'string' ? engine : described(missingMethods(engine, ['gradients']), 'tf.engine()');
    },
  },
  {
    id: 'engine.makeTensorFromTensorInfo',
    touches: 'tf.engine().makeTensorFromTensorInfo(tensorInfo)',
    usedBy: 'engineMemory.ts (a tensor written straight into the WASM heap)',
    needs: 'tf',
    check: ({ tf }) => {
      const engine = engineOf(tf);
      return typeof engine === 'string' ? engine : described(missingMethods(engine, ['makeTensorFromTensorInfo']), 'tf.engine()');
    },
  },
  {
    id: 'layers.BatchNormalization',
    touches: "tf.layers' BatchNormalization class as tf.serialization's class registry holds it, its prototype.call wrapped; in the wrapper, a layer's axis, momentum, epsilon, center, scale and its gamma, beta, movingMean and movingVariance (read, write)",
    usedBy: 'kernels/batchNormLayer.ts (BatchNormalization in training mode on WASM as one fused op with its own gradient)',
    fallback: "BatchNormalization trains through tfjs's own ops, as before: a CNN's model.fit epoch about a third slower.",
    needs: 'tf',
    check: ({ tf }) => {
      const serialization = record(record(tf)?.serialization);
      const registry = record(serialization?.SerializationMap);
      const map = isFunction(registry?.getMap) ? record((registry!.getMap as () => unknown)()) : undefined;
      const entry = record(map?.classNameMap)?.BatchNormalization;
      const prototype = record(record(Array.isArray(entry) ? entry[0] : undefined)?.prototype);
      if (!prototype || !isFunction(prototype.call)) return "tf.serialization's registry has no BatchNormalization class with a call method";
      return assignable(prototype, 'call') ? undefined : 'BatchNormalization.prototype.call cannot be replaced';
    },
  },
  {
    id: 'engine.activeTape',
    touches: "tf.engine().state.activeTape (the gradient tape; each node keeps, as node.saved, the tensors its backward reads)",
    usedBy: 'theory/spectrum/jacobianProducts.ts (a Jacobian-vector product is a gradient of a gradient; one through an op with no second derivative throws mid-backward, and tfjs frees the tape\'s saved tensors only when a backward completes)',
    fallback: 'After a Jacobian-vector product fails for want of a second derivative, the tensors its tape saved stay in memory.',
    needs: 'tf',
    check: ({ tf }) => {
      const state = engineState(tf);
      if (typeof state === 'string') return state;
      // Undefined until the first gradient, null after a completed one.
      const tape = state.activeTape;
      if (tape === undefined || tape === null) return undefined;
      if (!Array.isArray(tape)) return 'tf.engine().state.activeTape is not an array';
      return tape.every((node) => Array.isArray(record(node)?.saved) || record(node)?.saved === undefined) ? undefined : "a tape node's saved is not an array";
    },
  },
];

export interface TfjsInternalsReport {
  /** What the engine cannot run without: a wrong version, or an internal with no fallback. */
  errors: string[];
  /** Internals missing with a fallback: the engine runs without their patch. */
  warnings: string[];
  /** The ids of the internals that failed their check. */
  failed: string[];
}

/** The version problem of one package, if any. */
function versionProblem(name: string, version: string | undefined, source: string): string | undefined {
  if (version === undefined) return name === 'tfjs-core' ? `InitLab cannot tell which TensorFlow.js ${source} is (no version of @tensorflow/tfjs-core).` : undefined;
  if (version === TFJS_VERSION || version.startsWith(`${TFJS_VERSION}.`)) return undefined;
  return (
    `InitLab's engine patches TensorFlow.js internals written for ${TFJS_VERSION}.x, but ${source} has @tensorflow/${name} ${version}. ` +
    `Use ${TFJS_VERSION}.x, or check each internal in src/toolkit/engine/tfjsInternals.ts against ${version} and update TFJS_VERSION.`
  );
}

/** What `subject` says about one internal: undefined when it is as expected, or when the subject lacks what its check needs. */
export function tfjsInternalProblem(id: string, subject: TfjsSubject): string | undefined {
  const internal = TFJS_INTERNALS.find((i) => i.id === id);
  if (!internal) throw new Error(`tfjsInternals: no internal named ${id}`);
  if (subject[internal.needs] === undefined) return undefined;
  try {
    return internal.check(subject as Required<TfjsSubject>);
  } catch (err) {
    return `reading it threw ${(err as Error).message}`;
  }
}

/** Checks the version and every internal the subject holds the objects of. */
export function checkTfjsInternals(subject: TfjsSubject): TfjsInternalsReport {
  const source = subject.source ?? 'this TensorFlow.js';
  const report: TfjsInternalsReport = { errors: [], warnings: [], failed: [] };
  if (subject.versions) {
    for (const name of VERSIONED_PACKAGES) {
      const problem = versionProblem(name, subject.versions[name], source);
      if (problem) report.errors.push(problem);
    }
  }
  for (const internal of TFJS_INTERNALS) {
    const problem = tfjsInternalProblem(internal.id, subject);
    if (!problem) continue;
    report.failed.push(internal.id);
    const message = `${source}: ${internal.touches} is not as InitLab expects (${problem}); ${internal.usedBy} needs it.`;
    if (internal.fallback) report.warnings.push(`${message} ${internal.fallback}`);
    else report.errors.push(message);
  }
  return report;
}

/** The report's errors as one Error, for a backend that cannot start. */
export function tfjsInternalsError(report: TfjsInternalsReport): Error {
  return new Error(report.errors.join('\n'));
}

// The patches. Each checks its internal first and does the fallback's thing when it fails.

/**
 * Runs `start` while `osModule.cpus()` reports `count` cores (the real ones, repeated): XNNPACK
 * reads the count once, while the module starts. Without a replaceable os.cpus, `start` runs as is.
 */
export async function withCpusReported<T>(osModule: { cpus(): unknown[] }, count: number, start: () => Promise<T>): Promise<T> {
  if (tfjsInternalProblem('os.cpus', { osModule })) return start();
  const real = osModule.cpus;
  const cpus = real();
  const reported = Array.from({ length: count }, (_, i) => cpus[i % cpus.length]);
  osModule.cpus = () => reported;
  try {
    return await start();
  } finally {
    osModule.cpus = real;
  }
}

interface CwrapModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: unknown;
}

/** The bridge the package's own loader installs on its Emscripten module (backend_wasm.ts, init()), which BackendWasm calls. */
export function installWasmBridge(module: CwrapModule): void {
  module.tfjs = Object.fromEntries(WASM_BRIDGE_FUNCTIONS.map(([name, exported, returns, args]) => [name, module.cwrap(exported, returns, [...args])]));
}

/**
 * Calls `listener` with each dataId the backend frees, by wrapping its disposeData. Returns
 * false, wrapping nothing, when disposeData cannot be wrapped.
 */
export function onDataDisposed(backend: { disposeData(dataId: unknown, force?: boolean): boolean }, listener: (dataId: unknown) => void): boolean {
  if (tfjsInternalProblem('wasm.disposeData', { wasmBackend: backend })) return false;
  const disposeData = backend.disposeData.bind(backend);
  backend.disposeData = (dataId, force) => {
    const freed = disposeData(dataId, force);
    if (freed) listener(dataId);
    return freed;
  };
  return true;
}

interface EngineScopes {
  state: { scopeStack: unknown[]; gradientDepth: number };
  endScope(): void;
}

/** Ends every tf.tidy scope still open, which frees the tensors they made; nothing when the engine's scopes cannot be read. */
export function closeOpenScopes(tf: { engine(): unknown }): void {
  if (tfjsInternalProblem('engine.scopeStack', { tf })) return;
  const engine = tf.engine() as EngineScopes;
  while (engine.state.scopeStack.length > 0) engine.endScope();
}

/** Whether tf.grads (or any gradient) is recording right now. */
export function recordingGradients(tf: { engine(): unknown }): boolean {
  return gradientDepth(tf) > 0;
}

/** How many tf.grads are recording now: 2 or more inside a gradient of a gradient. */
export function gradientDepth(tf: { engine(): unknown }): number {
  return (tf.engine() as EngineScopes).state.gradientDepth;
}

/**
 * Replaces tf.fused.conv2d with `make(original)`. Returns false, replacing nothing, when
 * tf.fused.conv2d or the gradient depth its replacement reads is not as expected.
 */
export function replaceFusedConv2d<F>(tf: { fused: unknown; engine(): unknown }, make: (original: F) => F): boolean {
  if (tfjsInternalProblem('fused.conv2d', { tf }) || tfjsInternalProblem('engine.gradientDepth', { tf })) return false;
  const fused = tf.fused as { conv2d: F };
  fused.conv2d = make(fused.conv2d);
  return true;
}

interface GradientTape {
  state: { gradientDepth: number; activeTape?: { saved?: { dispose(): void }[] }[] | null };
}

/**
 * Frees the tensors the gradient tape saved, after a tf.grads that threw mid-backward (tfjs frees
 * them only at the end of a backward that completes, and the next tf.grads starts a new tape
 * without them); nothing while a gradient still records, or when the tape cannot be read.
 */
export function releaseFailedTape(tf: { engine(): unknown }): void {
  if (tfjsInternalProblem('engine.activeTape', { tf })) return;
  const { state } = tf.engine() as GradientTape;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null;
}
