/**
 * `import { probe } from 'initlab'` in a cell: the kernel's module of the same names as the
 * cells' globals (cellGlobals.d.ts), display() aside. A script, not a module, so that this
 * declares the module 'initlab' rather than augmenting one.
 */
declare module 'initlab' {
  export const tf: typeof globalThis.tf;
  export const engineInfo: typeof globalThis.engineInfo;
  export const reserveEngineMemory: typeof globalThis.reserveEngineMemory;
  export const registerFormatter: typeof globalThis.registerFormatter;
  export const init: typeof globalThis.init;
  export const nn: typeof globalThis.nn;
  export const probe: typeof globalThis.probe;
  export const train: typeof globalThis.train;
  export const watch: typeof globalThis.watch;
  export const record: typeof globalThis.record;
  export const sgdSteps: typeof globalThis.sgdSteps;
  export const data: typeof globalThis.data;
  export const charts: typeof globalThis.charts;
  export const compareReports: typeof globalThis.compareReports;
  export const verdict: typeof globalThis.verdict;
  export const manualSeed: typeof globalThis.manualSeed;
  export const loadModel: typeof globalThis.loadModel;
  export const spectrum: typeof globalThis.spectrum;
  export const meanField: typeof globalThis.meanField;
  export const coordCheck: typeof globalThis.coordCheck;
  export const muP: typeof globalThis.muP;
}
