/**
 * The names every InitLab cell has without imports, for VS Code's TypeScript support: the
 * TypeScript server plugin (src/tsPlugin) adds this file to the projects of `.initnb` cells, so
 * completions and hovers know `tf`, `init`, `probe`... The types come from the toolkit's own
 * declarations, emitted by scripts/cellTypes.mjs next to this file in dist/cell-types/.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type * as toolkit from '../kernel/toolkit';
import type { EngineInfo } from '../kernel/engine/engine';
import type { Formatter } from '../kernel/execution/formatValue';

// `var`, not `const`: the kernel defines these on globalThis (a cell may even reassign one), and
// cellModule.d.ts reads them back as `typeof globalThis.tf` for `import ... from 'initlab'`.
declare global {
  /** TensorFlow.js on the fastest backend here (tfjs-node, else WASM, else CPU). */
  var tf: typeof tfjs;
  /** The active backend and its version. */
  function engineInfo(): EngineInfo;
  /** Shows `value` under the cell: text, a tensor preview, or a chart for toolkit results. */
  function display(value: unknown, options?: { id?: string }): { readonly displayId: string; update(value: unknown): Promise<void> };
  /** Teaches display() to show values of your own: return a mime bundle, or undefined to pass. */
  function registerFormatter(formatter: Formatter): () => void;
  /** torch.nn.init's family, plus LeCun and LSUV. Weights are [fanIn, fanOut]. */
  var init: typeof toolkit.init;
  /** Layers with hand-written backward passes, and the `mlp` builder. */
  var nn: typeof toolkit.nn;
  /** Per-layer statistics of weights, activations and gradients after a forward and backward pass. */
  var probe: typeof toolkit.probe;
  /** A small SGD loop that records per-step statistics and stops at a non-finite loss. */
  var train: typeof toolkit.train;
  /** MNIST (bundled), your own IDX files, and synthetic data. */
  var data: typeof toolkit.data;
  /** Charts of probe reports and training records. */
  var charts: typeof toolkit.charts;
  /** Several probe reports, shown side by side on shared axes. */
  var compareReports: typeof toolkit.compareReports;
  /** Which schemes vanish, explode or stay healthy, in words. */
  var verdict: typeof toolkit.verdict;
  /** Seeds the toolkit's random streams, like torch.manual_seed. */
  var manualSeed: typeof toolkit.manualSeed;
}

export {};
