/**
 * `Transpose` for the WASM engine, in place of the package's scalar C++ loop, for the two
 * patterns that training moves most values through (heapSimd.ts does the moving):
 *
 * - swapping the first and last axes around a middle one, [a, m, c] → [c, m, a], 2-D transposes
 *   included (m = 1): the convolution filter gradient's x [N, H, W, C] → [C, H, W, N], the
 *   patches of filterGradientByPatches.ts, the matmul patch's transposed operands;
 * - swapping two outer groups while the innermost stays, [a, b, r] → [b, a, r]: the filter
 *   gradient's dy [N, Ho, Wo, C] → [Ho, Wo, N, C].
 *
 * A permutation is first reduced: axes of size 1 dropped, axes that stay next to each other
 * merged. Other permutations, other dtypes and small tensors run the package's kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { heapSimd } from './heapSimd';

interface TransposeBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  getMemoryOffset(dataId: unknown): number;
}

/** Below this many values the package's loop is as quick. */
const SMALLEST = 4096;

export type TransposePattern = { kind: 'swapEnds'; a: number; m: number; c: number } | { kind: 'swapOuter'; a: number; b: number; r: number };

/** The permutation with size-1 axes dropped and adjacent axes merged: [shape, perm] of the input. */
export function reducePermutation(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((p) => shape[p] !== 1);
  const rank = [...kept].sort((x, y) => x - y);
  const renumbered = kept.map((p) => rank.indexOf(p));
  const sizes = rank.map((p) => shape[p]);
  // Output axes j, j + 1 that are input axes p, p + 1 form one axis.
  const groups: number[][] = [];
  for (const p of renumbered) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else groups.push([p]);
  }
  const byInput = [...groups].sort((x, y) => x[0] - y[0]);
  return {
    shape: byInput.map((g) => g.reduce((n, p) => n * sizes[p], 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/** The pattern this file moves, if the permutation is one. */
export function transposePattern(shape: number[], perm: number[]): TransposePattern | undefined {
  const r = reducePermutation(shape, perm);
  const key = r.perm.join(',');
  if (key === '1,0') return { kind: 'swapEnds', a: r.shape[0], m: 1, c: r.shape[1] };
  if (key === '2,1,0') return { kind: 'swapEnds', a: r.shape[0], m: r.shape[1], c: r.shape[2] };
  if (key === '1,0,2' && r.shape[2] % 4 === 0) return { kind: 'swapOuter', a: r.shape[0], b: r.shape[1], r: r.shape[2] };
  return undefined;
}

export function transposeConfig(_backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { perm } = args.attrs as unknown as { perm: number[] };
    const simd = heapSimd(args.backend);
    const pattern = transposePattern(x.shape, perm);
    const backend = args.backend as unknown as TransposeBackend;
    if (!simd || !pattern || typeof backend.getMemoryOffset !== 'function' || (x.dtype !== 'float32' && x.dtype !== 'int32') || util.sizeFromShape(x.shape) < SMALLEST) return original.kernelFunc(args);
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p]),
      x.dtype,
    );
    // Offsets after makeOutput; they stay put when the heap grows (only its buffer changes).
    const from = backend.getMemoryOffset(x.dataId);
    const to = backend.getMemoryOffset(out.dataId);
    if (pattern.kind === 'swapOuter') {
      const { a, b, r } = pattern;
      simd.copyBlocks(from, to, a, b, r / 4, 4 * a * r, 4 * r);
      return out;
    }
    const { a, m, c } = pattern;
    const aBlocks = Math.floor(a / 4);
    const cBlocks = Math.floor(c / 4);
    simd.transposeBlocks(from, to, aBlocks, m, cBlocks, c, a);
    // The rows and columns past the last whole block of four.
    const values = backend.typedArrayFromHeap(x);
    const moved = backend.typedArrayFromHeap(out);
    const move = (a0: number, a1: number, c0: number, c1: number) => {
      for (let i = a0; i < a1; i++) for (let k = 0; k < m; k++) for (let j = c0; j < c1; j++) moved[(j * m + k) * a + i] = values[(i * m + k) * c + j];
    };
    move(4 * aBlocks, a, 0, c);
    move(0, 4 * aBlocks, 4 * cBlocks, c);
    return out;
  };
  return { ...original, kernelFunc };
}
