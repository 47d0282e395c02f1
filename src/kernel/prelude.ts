/**
 * The names every cell has without imports, and what `import { ... } from 'initlab'` gives.
 * Each is a getter, so a module loads the first time a cell uses it: a cell that never touches
 * the tensor engine never pays for loading it.
 */
import { registerDescriber, registerFormatter } from './execution/formatValue';

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
  // Until a cell has used the toolkit, no value can be one of its objects.
  let toolkitLoaded = false;
  const toolkit = () => {
    const api = require('../toolkit') as typeof import('../toolkit');
    if (!toolkitLoaded) (require('../toolkit/objectDisplay') as typeof import('../toolkit/objectDisplay')).provideToolkitApi(api);
    toolkitLoaded = true;
    return api;
  };
  for (const name of ['init', 'nn', 'probe', 'train', 'watch', 'record', 'sgdSteps', 'data', 'charts', 'compareReports', 'verdict', 'manualSeed', 'loadModel', 'coordCheck', 'muP', 'spectrum', 'meanField'] as const) {
    lazy(name, () => toolkit()[name]);
  }
  // Probe reports, training records and comparisons display as charts. The check is cheap and
  // loads the toolkit only for values that came from it.
  registerFormatter((value) => {
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    const result = typeof kind === 'string' && kind.startsWith('initlab.');
    // Probes, watchers, nn models and loaded models have no kind: each reads as what it is.
    if (!result && !(toolkitLoaded && typeof value === 'object' && value !== null)) return undefined;
    return (require('../toolkit/display') as typeof import('../toolkit/display')).formatToolkitValue(value);
  });
  // The same objects, and the toolkit's functions by their public names, inside arrays and objects.
  registerDescriber((value) => (toolkitLoaded ? (require('../toolkit/objectDisplay') as typeof import('../toolkit/objectDisplay')).toolkitObjectShort(value) : undefined));
  return prelude;
}
