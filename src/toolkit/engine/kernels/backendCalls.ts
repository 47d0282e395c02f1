/**
 * Calls a backend's own kernels from inside another kernel, and frees what they made.
 *
 * InitLab's WASM kernels (this folder) are compositions of the backend's fast kernels (Conv2D,
 * DepthwiseConv2dNative, Transpose, ...). Inside a kernel function tfjs ops must not be used (the
 * engine is in the middle of running one), so each step calls the registered kernel function
 * directly, on the same backend. Every intermediate is freed when the scope ends, whatever
 * happens; the result is kept. Kernels are looked up at call time, so a kernel that was wrapped
 * after start-up (engine/opGuard.ts, the matmul patch) is the one that runs.
 */
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';

export interface DataBackend {
  disposeData(dataId: unknown, force?: boolean): boolean;
  incRef?(dataId: unknown): void;
}

export class BackendCalls {
  private readonly temporaries: TensorInfo[] = [];

  constructor(
    readonly backendName: string,
    readonly backend: DataBackend,
  ) {}

  /** Runs the backend's kernel `kernelName`; its output is freed at `dispose()` unless kept. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`Kernel '${kernelName}' not registered for backend '${this.backendName}'`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend as never });
    const result = Array.isArray(out) ? out[0] : out;
    this.temporaries.push(result);
    return result;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Zero padding; a negative amount crops that many rows instead. */
  padOrCrop(x: TensorInfo, amounts: [number, number][]): TensorInfo {
    let out = x;
    if (amounts.some(([a, b]) => a < 0 || b < 0)) {
      const begin = amounts.map(([a]) => Math.max(0, -a));
      const size = amounts.map(([a, b], i) => out.shape[i] - Math.max(0, -a) - Math.max(0, -b));
      out = this.run('Slice', { x: out }, { begin, size });
    }
    if (amounts.some(([a, b]) => a > 0 || b > 0)) {
      out = this.run('PadV2', { x: out }, { paddings: amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]), constantValue: 0 });
    }
    return out;
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (size.every((s, i) => s === x.shape[i])) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  /** Frees `t`, made outside `run`, with the other intermediates. */
  adopt(t: TensorInfo): TensorInfo {
    this.temporaries.push(t);
    return t;
  }

  /** Marks `result` as the caller's: `dispose()` leaves it alone. */
  keep(result: TensorInfo): TensorInfo {
    const at = this.temporaries.lastIndexOf(result);
    if (at >= 0) this.temporaries.splice(at, 1);
    // An input handed back unchanged becomes a second tensor on the same data: count it.
    else this.backend.incRef?.(result.dataId);
    return result;
  }

  /** Frees every intermediate once (reshapes share data with a reference count). */
  dispose(): void {
    for (const t of this.temporaries.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** Runs `body` with a fresh scope; the value it returns is kept, the rest freed. */
export function withBackendCalls(backendName: string, backend: unknown, body: (calls: BackendCalls) => TensorInfo): TensorInfo {
  const calls = new BackendCalls(backendName, backend as DataBackend);
  try {
    return calls.keep(body(calls));
  } finally {
    calls.dispose();
  }
}
