/**
 * The order in which the tensor engine tries its backends, apart from the loading itself so the
 * rule can be tested: the native TensorFlow backend when `@tensorflow/tfjs-node` is installed,
 * else the embedded WASM backend, else the CPU backend with a warning. `INITLAB_BACKEND`
 * (tensorflow, wasm or cpu) forces one, for benchmarks and for users who need to.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendCandidate<T> {
  name: BackendName;
  /** Loads and activates the backend; throws or returns undefined when it cannot. */
  activate(): Promise<T | undefined>;
  /** Why a user would see this backend skipped, e.g. "not installed". */
  describeFailure?(error: unknown): string;
}

export interface SelectedBackend<T> {
  name: BackendName;
  value: T;
  warnings: string[];
}

export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export async function selectBackend<T>(candidates: readonly BackendCandidate<T>[], forced?: string): Promise<SelectedBackend<T>> {
  const warnings: string[] = [];
  let order = [...candidates].sort((a, b) => BACKEND_ORDER.indexOf(a.name) - BACKEND_ORDER.indexOf(b.name));
  if (forced) {
    const wanted = order.filter((c) => c.name === forced);
    if (wanted.length === 0) warnings.push(`INITLAB_BACKEND=${forced} is not one of ${BACKEND_ORDER.join(', ')}; choosing automatically.`);
    else order = wanted;
  }
  for (const candidate of order) {
    try {
      const value = await candidate.activate();
      if (value !== undefined) {
        if (candidate.name === 'cpu') warnings.push('Using the CPU backend, which is far slower than WASM (about 30x on the lesson workload).');
        return { name: candidate.name, value, warnings };
      }
      warnings.push(`The ${candidate.name} backend is not available.`);
    } catch (err) {
      warnings.push(candidate.describeFailure?.(err) ?? `The ${candidate.name} backend failed: ${(err as Error).message ?? String(err)}`);
    }
  }
  throw new Error(`No tensor backend could start:\n${warnings.join('\n')}`);
}
