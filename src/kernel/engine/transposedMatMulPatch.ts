/**
 * Keeps transposed matrix products on the WASM backend's fast path.
 *
 * The WASM `BatchMatMul` (and `_FusedMatMul`) kernels leave XNNPACK's fast path when asked for
 * `transposeA`/`transposeB`, and run about 12x slower (FACTS.md). `tf.grad` and every
 * hand-written backward (`inp.g = out.g @ w.T`) ask for exactly those. We re-register both
 * kernels so that a transposed operand is first transposed explicitly by the backend's own
 * `Transpose` kernel, then multiplied untransposed. The numbers are the same; only the memory
 * layout handed to XNNPACK changes. TensorFlow.js has no switch for this, so we wrap the kernel.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';

const PATCHED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const patched = new Set<string>();

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
    const transpose = getKernel('Transpose', backendName);
    if (!original || !transpose) continue;
    const kernelFunc: KernelFunc = (args) => {
      const attrs = args.attrs as unknown as MatMulAttrs;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const backend = args.backend as { disposeData(dataId: unknown): void };
      const temporaries: TensorInfo[] = [];
      const explicitT = (x: TensorInfo): TensorInfo => {
        const rank = x.shape.length;
        const perm = [...Array(rank).keys()];
        [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
        const t = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as TensorInfo;
        temporaries.push(t);
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
