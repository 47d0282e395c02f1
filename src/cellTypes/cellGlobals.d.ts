/**
 * The names every InitLab cell has without imports, for VS Code's TypeScript support: the
 * TypeScript server plugin (src/tsPlugin) adds this file to the projects of `.initnb` cells, so
 * completions and hovers know `tf`, `init`, `probe`... The types come from the toolkit's own
 * declarations, emitted by scripts/cellTypes.mjs next to this file in dist/cell-types/.
 */
// Value imports, not `import type`: `export import` below aliases them, and an alias of a
// type-only import could not be used as a value. A .d.ts imports nothing at run time.
import * as tfjs from '@tensorflow/tfjs';
import * as toolkit from '../toolkit';
import type { EngineInfo } from '../toolkit/engine/engine';
import type { Formatter } from '../kernel/execution/formatValue';

// `tf`, `init` and `nn` are aliases (`export import`), so a cell can name their types as well
// as call them: `const t: tf.Tensor2D`, `const m: nn.Model`, as in TypeScript code that
// imports them. The rest are `var`s: the kernel defines them on globalThis (a cell may even
// reassign one), and cellModule.d.ts reads them back as `typeof globalThis.probe`.
declare global {
  /** TensorFlow.js on the fastest backend here (tfjs-node, else WASM, else CPU). */
  export import tf = tfjs;
  /** The active backend and its version. */
  function engineInfo(): EngineInfo;
  /** Touches `bytes` of the WASM engine's heap once, so the large tensors after it pay no page faults; the milliseconds it took (0 on other engines). */
  function reserveEngineMemory(bytes: number): number;
  /** Shows `value` under the cell: text, a tensor preview, or a chart for toolkit results. */
  function display(value: unknown, options?: { id?: string }): { readonly displayId: string; update(value: unknown): Promise<void> };
  /** Teaches display() to show values of your own: return a mime bundle, or undefined to pass. */
  function registerFormatter(formatter: Formatter): () => void;
  /** torch.nn.init's family, plus LeCun and LSUV: torch's keyword names in one options object, or its positional order. Output units last: dense [fanIn, fanOut], conv [...kernel, in, out]. */
  export import init = toolkit.init;
  /** Layers with hand-written backward passes, and the `mlp` builder. */
  export import nn = toolkit.nn;
  /** Per-layer statistics of weights, activations and gradients after a forward and backward pass. */
  var probe: typeof toolkit.probe;
  /** A small SGD loop that records per-step statistics and stops at a non-finite loss. */
  var train: typeof toolkit.train;
  /** Records a tf.layers model while model.fit trains it: pass the result in fit's callbacks; statistics every few steps, drawn live. */
  var watch: typeof toolkit.watch;
  /** Records a hand-written training loop (tf.train optimizers or nn models): per-layer statistics over steps, drawn live. */
  var record: typeof toolkit.record;
  /** One step of plain SGD per call, on seeded batches (the same order for every model given the same seed): a stepFn for record(). */
  var sgdSteps: typeof toolkit.sgdSteps;
  /** MNIST (bundled), your own IDX files, and synthetic data. */
  var data: typeof toolkit.data;
  /** Charts of probe reports and training records. */
  var charts: typeof toolkit.charts;
  /** Several probe reports, or several spectrum reports, shown side by side on shared axes. */
  var compareReports: typeof toolkit.compareReports;
  /** Which schemes vanish, explode or stay healthy, in words. */
  var verdict: typeof toolkit.verdict;
  /** Seeds the toolkit's random streams, like torch.manual_seed. */
  var manualSeed: typeof toolkit.manualSeed;
  /** A model file you have (TensorFlow.js model.json with its weights, Keras 2 or 3 to_json()), as a compiled tf.LayersModel. */
  var loadModel: typeof toolkit.loadModel;
  /**
   * μP's coordinate check: builds the model at each width (`build(width, seed)`), trains it a few
   * steps (Adam or SGD) on one batch, and fits how each layer's output size (mean |x|) grows with
   * width at each step. Displays as a chart with a verdict. Example:
   * `coordCheck((w, seed) => nn.mlp([16, w, w, 10], { seed }), { widths: [64, 128, 256, 512, 1024] })`
   */
  var coordCheck: typeof toolkit.coordCheck;
  /** μP (Tensor Programs V) for chains of dense layers: `muP.mlp`, `muP.parametrize` (init and per-layer learning rates) and `muP.trainer`. */
  var muP: typeof toolkit.muP;
  /**
   * The singular values of the input–output Jacobian of each example (dynamical isometry: all near
   * 1 is best), their mean and variance of σ², and each layer's averaged partial Jacobian norm to
   * the output. Exact when min(inputs, outputs) ≤ 256, else estimated by stochastic Lanczos
   * quadrature; the report states the method. Displays as a histogram and per-layer chart. Example:
   * `spectrum(model, x, { examples: 8, to: -2 })` (to: the layer to end at, −2 the last hidden one).
   */
  var spectrum: typeof toolkit.spectrum;
  /**
   * Mean-field theory of a deep chain of dense or conv layers (Schoenholz et al. 2017), weights
   * N(0, σ_w²/fanIn), biases N(0, σ_b²): q*, χ₁, c*, the depth scale ξ_c, the phase (ordered,
   * critical, chaotic, or exploding) and the depth that trains, about 6ξ_c. Displays as the phase
   * diagram over (σ_w², σ_b²), with sliders for σ_w, σ_b and depth. Example:
   * `meanField({ activation: 'tanh', sigmaW: 1.5, sigmaB: 0.1, depth: 50 })`.
   * `meanField.ofModel(model)` reads σ_w², σ_b², φ and the depth from a model's own weights;
   * `meanField.correlationMap({ activation, sigmaW, q, c, depth })` predicts two inputs'
   * correlation layer by layer; `meanField.criticalPoint({ activation, sigmaB })` gives the σ_w² where χ₁ = 1.
   */
  var meanField: typeof toolkit.meanField;
  /** What probe(...).step() and .stats() return: per-layer statistics. */
  type ProbeReport = toolkit.ProbeReport;
  /** One layer of a ProbeReport. */
  type LayerProbe = toolkit.LayerProbe;
  /** What train() returns: per-step loss and statistics. */
  type TrainingRecord = toolkit.TrainingRecord;
  /** What record() returns and watch(...).record holds: statistics over training steps. */
  type WatchRecord = toolkit.WatchRecord;
  /** What compareReports() returns. */
  type Comparison = toolkit.Comparison;
  /** What spectrum(model, x) returns: singular values per example, their summary and per-layer norms. */
  type SpectrumReport = toolkit.SpectrumReport;
  /** What compareReports() returns for spectrum reports. */
  type SpectrumComparison = toolkit.SpectrumComparison;
  /** What coordCheck() returns: sizes per layer, step and width, the fitted slopes and the verdict. */
  type CoordCheckReport = toolkit.CoordCheckReport;
  /** What meanField(...) and meanField.ofModel(model) return: the theory's figures, the phase grid and the summary. */
  type MeanFieldReport = toolkit.MeanFieldReport;
}

export {};
