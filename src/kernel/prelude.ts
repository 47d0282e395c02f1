/**
 * The names every cell has without imports, and what `import { ... } from 'initlab'` gives.
 * Each is a getter, so a module loads the first time a cell uses it: a cell that never touches
 * the tensor engine never pays for loading it.
 */
import { registerFormatter } from './execution/formatValue';

export function createPrelude(): Record<string, unknown> {
  const prelude: Record<string, unknown> = {};
  const lazy = (name: string, load: () => unknown) => {
    let cached: unknown;
    let loaded = false;
    Object.defineProperty(prelude, name, {
      enumerable: true,
      get() {
        if (!loaded) {
          cached = load();
          loaded = true;
        }
        return cached;
      },
    });
  };
  lazy('tf', () => require('../toolkit/engine/engine').tf);
  lazy('engineInfo', () => require('../toolkit/engine/engine').engineInfo);
  lazy('reserveEngineMemory', () => require('../toolkit/engine/engineMemory').reserveEngineMemory);
  lazy('registerFormatter', () => registerFormatter);
  const toolkit = () => require('../toolkit') as typeof import('../toolkit');
  for (const name of ['init', 'nn', 'probe', 'train', 'watch', 'record', 'sgdSteps', 'data', 'charts', 'compareReports', 'verdict', 'manualSeed'] as const) {
    lazy(name, () => toolkit()[name]);
  }
  // Probe reports, training records and comparisons display as charts. The check is cheap and
  // loads the toolkit only for values that came from it.
  registerFormatter((value) => {
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    if (typeof kind !== 'string' || !kind.startsWith('initlab.')) return undefined;
    return (require('../toolkit/display') as typeof import('../toolkit/display')).formatToolkitValue(value);
  });
  return prelude;
}
