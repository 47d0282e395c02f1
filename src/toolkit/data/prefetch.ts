/**
 * MNIST loaded ahead of the cell that asks for it. "Compare initializations" knows its data
 * before its notebook opens, so it asks the new kernel to load MNIST while VS Code opens the
 * notebook; the comparison's first cell, `data.mnist()`, then takes the loaded set instead of
 * reading it again (0.7-0.9 s here, several seconds while VS Code starts its TypeScript servers).
 *
 * The loaded set is handed over once, to the first `mnist()` call with the same options, which
 * then owns its tensors as if it had made them. One not taken by the end of the first cell is
 * freed (`dropPrefetched`), so a notebook whose first cell asked for something else pays nothing
 * beyond the load itself.
 */
import type { Mnist, MnistOptions } from './mnist';

/** The options a prefetch can answer: the bundled set, whole or a subset, normalized as by default. */
export interface PrefetchOptions {
  subset?: number;
}

let waiting: { key: string; set: Mnist } | undefined;

function keyOf(options: MnistOptions): string | undefined {
  // Only the calls a comparison makes: the bundled data, normalized (the default).
  if (options.dir !== undefined || options.normalize === false) return undefined;
  return `subset=${options.subset ?? 'all'}`;
}

/** Keeps `load()`'s set for the first mnist() call with these options (replacing one kept before). */
export function keepPrefetched(options: PrefetchOptions, load: (options: MnistOptions) => Mnist): void {
  dropPrefetched();
  waiting = { key: keyOf(options)!, set: load(options) };
}

/** The kept set, if it answers these options; the caller owns it from then on. */
export function takePrefetched(options: MnistOptions): Mnist | undefined {
  const kept = waiting;
  if (!kept || keyOf(options) !== kept.key) return undefined;
  waiting = undefined;
  return kept.set;
}

/** Frees a kept set nobody took. */
export function dropPrefetched(): void {
  const kept = waiting;
  waiting = undefined;
  if (!kept) return;
  for (const tensor of [kept.set.xTrain, kept.set.yTrain, kept.set.xValid, kept.set.yValid]) tensor.dispose();
}
