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
  lazy('tf', () => require('./engine/engine').tf);
  lazy('engineInfo', () => require('./engine/engine').engineInfo);
  lazy('registerFormatter', () => registerFormatter);
  return prelude;
}
