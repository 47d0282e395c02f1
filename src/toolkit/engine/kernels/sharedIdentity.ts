/**
 * `Identity` and same-dtype `Cast` for the WASM engine, in place of the package's, which copy
 * the whole tensor. The result shares its input's data (a reference count, as a reshape does),
 * which is what the CPU and WebGL backends' kernels do: tfjs tensors never change their values in
 * place, and no kernel of the package or of InitLab writes into an input.
 *
 * Why it matters: tfjs clones every tensor an op saves for its gradient (the engine's
 * saveTensorsForBackwardMode), and `tf.moments` casts its float32 input to float32. In one epoch
 * of a tf.layers CNN's model.fit that was 10 full copies per BatchNorm and ReLU layer per batch,
 * each holding heap memory until the backward pass ended.
 *
 * A cast to bool is also done here: the package's copies the values into bytes, so -3.0 became
 * 253 (true as 253, and 256.0 became false), where every other backend gives 1 for any non-zero.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

interface WasmBackend {
  incRef(dataId: unknown): void;
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** `x` again, on the same data; strings keep the package's kernel (they are not on the heap). */
function share(original: KernelConfig, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return original.kernelFunc(args);
  (args.backend as unknown as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export function identityConfig(_backendName: string, original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: (args) => share(original, args) };
}

export function castConfig(_backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { dtype } = args.attrs as unknown as { dtype: string };
    if (dtype === x.dtype) return share(original, args);
    if (dtype === 'bool' && x.dtype !== 'string') return nonZero(args.backend as unknown as WasmBackend, x);
    return original.kernelFunc(args);
  };
  return { ...original, kernelFunc };
}

/** 1 where x is not zero (NaN included, as on the CPU backend), else 0. */
function nonZero(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  // Views after makeOutput: an allocation may grow the heap and move it.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
  return out;
}
