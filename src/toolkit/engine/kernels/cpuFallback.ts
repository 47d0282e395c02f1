/**
 * A WASM kernel that runs the CPU backend's kernel of the same name on copies of the data: the
 * inputs are read from the WASM heap, written to the CPU backend, the CPU kernel function runs
 * (looked up in tfjs's kernel registry), and each output is copied back into the WASM heap.
 *
 * For kernels the WASM backend lacks and InitLab has no fast version of (registerWasmKernels.ts):
 * correct, and as fast as the CPU backend plus two copies, which is the price of an op the WASM
 * engine would otherwise refuse. The first call of each kernel warns, naming it, so a slow cell
 * says why. tfjs has no cross-backend fallback of its own (docs/engine.md, "Kernels the WASM
 * backend lacks": a missing kernel throws).
 */
import { engine, getKernel, type DataType, type KernelConfig, type KernelFunc, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';

interface CopyingBackend {
  readSync(dataId: unknown): unknown;
  write(values: unknown, shape: number[], dtype: DataType): unknown;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

interface WasmOutputs extends CopyingBackend {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: unknown): TensorInfo;
}

/** The CPU backend instance, started on first use (tfjs starts a registered backend on demand). */
function cpuBackend(): CopyingBackend {
  const cpu = engine().findBackend('cpu') as unknown as CopyingBackend | null;
  if (!cpu) throw new Error('The CPU backend, which InitLab falls back on for kernels the WASM engine lacks, did not start.');
  return cpu;
}

export function cpuFallbackConfig(kernelName: string, backendName: string, warnOnce: (message: string) => void): KernelConfig {
  let warned = false;
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const cpuKernel = getKernel(kernelName, 'cpu');
    if (!cpuKernel) throw new Error(`Kernel '${kernelName}' not registered for backend '${backendName}'`);
    if (!warned) {
      warned = true;
      warnOnce(
        `The ${backendName.toUpperCase()} engine has no '${kernelName}' kernel: InitLab runs the CPU backend's on copies of the data, ` +
          'which is slower than a native kernel. (Shown once per kernel.)',
      );
    }
    const wasm = backend as unknown as WasmOutputs;
    const cpu = cpuBackend();
    const made: TensorInfo[] = [];
    try {
      const copy = (input: TensorInfo): TensorInfo => {
        const onCpu = { dataId: cpu.write(wasm.readSync(input.dataId), input.shape, input.dtype), shape: input.shape, dtype: input.dtype } as TensorInfo;
        made.push(onCpu);
        return onCpu;
      };
      // Some kernels take an array of tensors (Einsum), most a map of named ones: keep the form.
      const cpuInputs = Array.isArray(inputs)
        ? (inputs as TensorInfo[]).map(copy)
        : Object.fromEntries(Object.entries(inputs).flatMap(([name, input]) => (input ? [[name, copy(input)]] : [])));
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs as NamedTensorInfoMap, attrs, backend: cpu as never });
      const outputs = Array.isArray(out) ? out : [out];
      made.push(...outputs);
      const copied = outputs.map((o) => wasm.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId)));
      return Array.isArray(out) ? copied : copied[0];
    } finally {
      for (const t of made) cpu.disposeData(t.dataId);
    }
  };
  return { kernelName, backendName, kernelFunc };
}
