/**
 * Keeps transposed matrix products on the WASM backend's fast path.
 *
 * The WASM `BatchMatMul` (and `_FusedMatMul`) kernels leave XNNPACK's fast path when asked for
 * `transposeA`/`transposeB`, and run about 12x slower (docs/engine.md, "Transposed matrix
 * products"). `tf.grad` and every hand-written backward (`inp.g = out.g @ w.T`) ask for exactly
 * those. We re-register both kernels so that a transposed operand is first transposed explicitly
 * by the backend's own `Transpose` kernel, then multiplied untransposed. The numbers are the same;
 * only the memory layout handed to XNNPACK changes. TensorFlow.js has no switch for this, so we
 * wrap the kernel.
 *
 * The transpose of the largest operand seen is kept while that operand lives: tfjs tensors never
 * change their values, and every backward pass on the same data transposes the same input
 * (`w.g = xᵀ @ out.g`; measured: 170-200 ms for the lesson's x [50000, 784], 14% of its pass).
 * The largest, not the last: each pass also transposes its smaller hidden activations, which
 * would otherwise push x's transpose out before the next pass (or the next scheme of a
 * comparison) needs it. It is freed when its operand is, or when a larger operand takes its place.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { onDataDisposed } from './tfjsInternals';

const PATCHED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const patched = new Set<string>();

/** Operands smaller than this are transposed afresh each time: too cheap to be worth keeping. */
const KEEP_MIN_ELEMENTS = 1 << 20;

interface WasmBackendLike {
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/** The kept transpose: its operand's data, and the backend that holds both. */
let kept: { source: unknown; shape: number[]; size: number; transposed: TensorInfo; backend: WasmBackendLike } | undefined;

function dropKept(): void {
  const entry = kept;
  kept = undefined;
  entry?.backend.disposeData(entry.transposed.dataId);
}

/**
 * Makes the backend free the kept transpose together with its operand. Wrapping disposeData is
 * the one place that learns when data goes: tfjs has no disposal event (tfjsInternals.ts wraps
 * it). Returns whether it could: where it cannot, no transpose is kept.
 */
const watchedBackends = new WeakMap<object, boolean>();
function watchDisposals(backend: WasmBackendLike): boolean {
  let watching = watchedBackends.get(backend);
  if (watching === undefined) {
    watching = onDataDisposed(backend, (dataId) => {
      const entry = kept;
      if (entry && entry.source === dataId && entry.backend === backend) dropKept();
    });
    watchedBackends.set(backend, watching);
  }
  return watching;
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  [key: string]: unknown;
}

/** Patches the named backend's matmul kernels once. Returns the kernels it patched. */
export function patchTransposedMatMul(backendName = 'wasm'): string[] {
  const done: string[] = [];
  for (const kernelName of PATCHED_KERNELS) {
    const key = `${backendName}/${kernelName}`;
    if (patched.has(key)) continue;
    const original = getKernel(kernelName, backendName);
    if (!original || !getKernel('Transpose', backendName)) continue;
    const kernelFunc: KernelFunc = (args) => {
      const attrs = args.attrs as unknown as MatMulAttrs;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackendLike;
      const keeping = watchDisposals(backend);
      const temporaries: TensorInfo[] = [];
      const explicitT = (x: TensorInfo): TensorInfo => {
        if (kept && kept.source === x.dataId && kept.backend === backend && kept.shape.join() === x.shape.join()) return kept.transposed;
        const rank = x.shape.length;
        const perm = [...Array(rank).keys()];
        [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
        // Looked up at each call, not once here: the engine registers a faster Transpose
        // (kernels/transpose.ts) after this patch, and a kernel kept from now would be the package's.
        const transpose = getKernel('Transpose', backendName)!;
        const t = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as TensorInfo;
        const size = x.shape.reduce((a, b) => a * b, 1);
        if (keeping && size >= KEEP_MIN_ELEMENTS && (!kept || kept.backend !== backend || size >= kept.size)) {
          dropKept();
          kept = { source: x.dataId, shape: [...x.shape], size, transposed: t, backend };
        } else {
          temporaries.push(t);
        }
        return t;
      };
      const inputs = { ...args.inputs };
      const a = inputs.a as TensorInfo;
      const b = inputs.b as TensorInfo;
      try {
        if (attrs.transposeA) inputs.a = explicitT(a);
        if (attrs.transposeB) inputs.b = explicitT(b);
        return original.kernelFunc({ ...args, inputs, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of temporaries) backend.disposeData(t.dataId);
      }
    };
    const replacement: KernelConfig = { ...original, kernelFunc };
    unregisterKernel(kernelName, backendName);
    registerKernel(replacement);
    patched.add(key);
    done.push(kernelName);
  }
  return done;
}
