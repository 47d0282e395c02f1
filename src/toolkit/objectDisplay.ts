/**
 * How the toolkit's objects read when a cell displays them: a probe says what it measures and
 * how to call it, a watcher draws its chart once it has recorded, an nn model lists its layers
 * and parameters, a model from loadModel says what was read. Each has a one-line form too, for
 * when it sits inside an array or an object (formatValue.ts). Never Node's dump of the object:
 * in the minified kernel that is a class name of one or two letters over internals.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { MimeBundle } from '../shared/notebookFormat';
import { MimeTypes } from '../shared/mimeTypes';
import { chartBundle } from './charts/chartOutput';
import { formatStat } from './charts/finite';
import { Probe, type ProbeOptions } from './probe/probe';
import { isLayersModel } from './probe/layersGraph';
import * as nn from './nn';
import { Module } from './nn/module';
import { Sequential, Model } from './nn/model';
import { Loss } from './nn/losses';
import { Linear } from './nn/layers';
import { watcherInfo } from './watch/watch';
import { describeRecord, watchChartOf } from './watch/watchCharts';
import type { WatchRecord } from './watch/watchRecord';
import { layersModelCounts, layersModelSummary } from './tfObjects';
import { modelFileInfo } from './models/loadModel';

/** The full display of a toolkit object that is not one of the `kind: 'initlab.*'` results, or undefined. */
export async function toolkitObjectBundle(value: unknown): Promise<MimeBundle | undefined> {
  const watched = watcherInfo(value);
  if (watched) return watcherBundle(value as { record: WatchRecord }, watched.model);
  if (isLayersModel(value) && modelFileInfo(value)) return { [MimeTypes.plain]: loadedModelText(value) };
  const text = toolkitObjectText(value);
  return text === undefined ? undefined : { [MimeTypes.plain]: text };
}

/** The full text of a probe, an nn module, model or loss; undefined for anything else. */
export function toolkitObjectText(value: unknown): string | undefined {
  if (value instanceof Probe) return probeText(value);
  if (value instanceof Sequential) return nnModelText(value);
  if (value instanceof Module) return moduleText(value);
  if (value instanceof Loss) return `${nnName(value, value.name)}: a loss; forward(pred, target) gives it, backward() sets pred.g`;
  return namespaceText(value);
}

/** One line for a toolkit object or result inside another value; undefined for anything else. */
export function toolkitObjectShort(value: unknown): string | undefined {
  if (typeof value === 'function') return toolkitFunctionText(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const watched = watcherInfo(value);
  if (watched) return watcherHeading(watched.model);
  if (value instanceof Probe) return probeHeading(value);
  if (value instanceof Sequential) return nnModelHeading(value);
  if (value instanceof Module) return moduleHeading(value);
  if (value instanceof Loss) return nnName(value, value.name);
  const namespace = namespaceName(value);
  if (namespace) return `the toolkit's ${namespace} namespace`;
  return resultShort(value as { kind?: unknown });
}

/** 'probe report 'Kaiming': 4 layers, loss 0.52', and the like for each `kind: 'initlab.*'` result. */
function resultShort(value: { kind?: unknown }): string | undefined {
  const v = value as Record<string, unknown>;
  switch (value.kind) {
    case 'initlab.probe': {
      const layers = (v.layers as unknown[]).length;
      return `probe report '${String(v.label)}': ${layers} layer${layers === 1 ? '' : 's'}${v.loss === null ? '' : `, loss ${formatStat(v.loss as number)}`}`;
    }
    case 'initlab.comparison':
      return `comparison of ${(v.reports as { label: string }[]).map((r) => `'${r.label}'`).join(', ')}`;
    case 'initlab.training': {
      const losses = v.losses as { loss: number }[];
      const last = losses[losses.length - 1];
      return `training record '${String(v.label)}': ${v.divergedAtStep !== null ? `diverged at step ${String(v.divergedAtStep)}` : `loss ${formatStat(last?.loss ?? 'NaN')} after ${losses.length} steps`}`;
    }
    case 'initlab.watch':
      return `training record ${describeRecord(value as WatchRecord)}`;
    case 'initlab.verdict':
      return `verdict: ${String(v.text).split('\n')[0]}`;
    case 'initlab.chart':
      return `chart: ${String(v.text).split('\n')[0] || String(v.chart)}`;
    case 'initlab.spectrum': {
      const summary = v.summary as { meanSquared: number | null; varianceSquared: number | null };
      return `Jacobian spectrum '${String(v.label)}': ${String(v.examples)} example${v.examples === 1 ? '' : 's'}, mean σ² ${formatStat(summary.meanSquared ?? 'NaN')}, variance of σ² ${formatStat(summary.varianceSquared ?? 'NaN')} (${String(v.method)})`;
    }
    case 'initlab.spectrumComparison':
      return `spectra of ${(v.reports as { label: string }[]).map((r) => `'${r.label}'`).join(', ')}`;
    case 'initlab.meanField':
      return `mean-field theory of ${String(v.activation)} at σ_w² ${formatStat(v.sigmaW2 as number)}, σ_b² ${formatStat(v.sigmaB2 as number)}: ${String(v.phase)}, trainable depth ${Number.isFinite(v.trainableDepth) ? formatStat(v.trainableDepth as number) : 'unbounded'}`;
    case 'initlab.coordCheck': {
      const flagged = (v.flagged as unknown[]).length;
      return `width sweep over ${(v.widths as number[]).join(', ')}: ${flagged === 0 ? 'no layer changes with width' : flagged === 1 ? '1 layer changes with width' : `${flagged} layers change with width`}`;
    }
    default:
      return undefined;
  }
}

function watcherHeading(model: tfjs.LayersModel): string {
  return `watch of a tf.LayersModel '${model.name}' (${layersModelCounts(model)})`;
}

async function watcherBundle(watcher: { record: WatchRecord }, model: tfjs.LayersModel): Promise<MimeBundle> {
  const heading = watcherHeading(model);
  let record: WatchRecord | undefined;
  try {
    record = watcher.record;
  } catch {
    // Not passed to model.fit yet.
  }
  if (!record) {
    const text = [heading, '  nothing recorded yet: pass it to training, await model.fit(x, y, { callbacks: [w] }), and its chart draws live under that cell', '  then display(w) or w.record: the loss, and per layer the std of activations and weight gradients, and histograms'].join('\n');
    return { [MimeTypes.plain]: text };
  }
  const chart = watchChartOf(record);
  // While training runs the chart redraws often: its static SVG is made once training ends.
  return await chartBundle(chart.chart, chart.spec, { text: `${heading}\n  ${chart.text}`, staticSvg: !record.running });
}

function loadedModelText(model: tfjs.LayersModel): string {
  const info = modelFileInfo(model)!;
  const weights = info.weightFiles.length ? `the file's weights (${info.weightFiles.join(', ')})` : "each layer's own initial weights: no weights were read";
  const loss = info.lossFrom === 'file' ? 'the loss the file names' : "the loss its output layer's activation implies";
  const notes = info.notes.map((n) => `note: ${n}`);
  return layersModelSummary(model, [`loaded from ${info.file} (${info.format}) with ${weights}; compiled with ${loss}`, ...notes]);
}

// ---- probe ----

const PROBE_OPTIONS_LAYERS: (keyof ProbeOptions)[] = ['label', 'bins', 'dataGrad', 'loss', 'deadUnits', 'progress'];
const PROBE_OPTIONS_NN: (keyof ProbeOptions)[] = ['label', 'bins', 'dataGrad', 'deadUnits'];

function probeHeading(probe: Probe): string {
  const model = probe.model;
  if (isLayersModel(model)) return `probe of a tf.LayersModel '${model.name}' (${layersModelCounts(model)})`;
  return `probe of an ${nnModelKind(model)} (${nnModelCounts(model)})`;
}

function probeText(probe: Probe): string {
  const layers = isLayersModel(probe.model);
  const given = Object.entries(probe.options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? `'${v}'` : typeof v === 'function' ? 'a function' : String(v)}`);
  const withLoss = layers || probe.model instanceof Model;
  const report = 'the report, per layer the statistics of activations, weights and gradients (display it for the charts)';
  const lines = [probeHeading(probe)];
  if (withLoss) lines.push(`  call .step(x, y) for one forward and backward pass on a batch: it returns ${report}`);
  if (!layers) lines.push(`  ${withLoss ? 'or ' : ''}run the model's forward and backward yourself, then .stats() returns ${withLoss ? 'that pass\'s report' : report}`);
  lines.push(`  options: ${(layers ? PROBE_OPTIONS_LAYERS : PROBE_OPTIONS_NN).join(', ')}${given.length ? `; given: ${given.join(', ')}` : ''}`);
  return lines.join('\n');
}

// ---- nn ----

function parameterCount(parameters: tfjs.Tensor[]): number {
  return parameters.reduce((n, p) => n + (p.isDisposed ? 0 : p.size), 0);
}

/** 'nn.Linear(4→8)' for the toolkit's own modules; a module or loss of the user's own keeps its name. */
function nnName(value: object, name: string): string {
  return ownClasses().has(value.constructor) ? `nn.${name}` : `${name} (nn.${value instanceof Loss ? 'Loss' : 'Module'})`;
}

function moduleHeading(module: Module): string {
  const params = parameterCount(module.parameters());
  return `${nnName(module, module.name)}: ${params ? `${params.toLocaleString('en-US')} parameters` : 'no parameters'}`;
}

function moduleText(module: Module): string {
  const parameters = module.parameters();
  const shapes = module instanceof Linear ? ` (w [${module.w.shape.join(', ')}], b [${module.b.shape.join(', ')}])` : '';
  const out = module.out && !module.out.isDisposed ? `\n  last output [${module.out.shape.join(', ')}]${module.out.g && !module.out.g.isDisposed ? ', with its gradient .g' : ''}` : '';
  return `${moduleHeading(module)}${parameters.length ? shapes : ''}${out}`;
}

function nnModelKind(model: Sequential): string {
  return model instanceof Model ? 'nn.Model' : 'nn.Sequential';
}

/** '3 layers, 49 parameters, loss MSE'. */
function nnModelCounts(model: Sequential): string {
  const params = parameterCount(model.parameters());
  const loss = model instanceof Model ? `, loss ${model.loss.name}` : '';
  return `${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}, ${params.toLocaleString('en-US')} parameters${loss}`;
}

function nnModelHeading(model: Sequential): string {
  return `${nnModelKind(model)}: ${nnModelCounts(model)}`;
}

function nnModelText(model: Sequential): string {
  // The layers as a chain, wrapped at about 100 characters.
  const lines: string[] = [];
  let line = '';
  model.layers.forEach((layer, i) => {
    const part = `${layer.name}${i < model.layers.length - 1 ? ' →' : ''}`;
    if (line && line.length + part.length + 1 > 96) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${part}` : part;
  });
  if (line) lines.push(line);
  return [nnModelHeading(model), ...lines.map((l) => `  ${l}`)].join('\n');
}

// ---- functions and classes ----

let api: Record<string, unknown> = {};
let names: Map<unknown, string> | undefined;
let classes: Set<unknown> | undefined;

/**
 * What cells get from the toolkit (its index), for naming its functions and namespaces. The
 * prelude provides it when it loads the toolkit: imported here, the index would import itself.
 */
export function provideToolkitApi(toolkit: Record<string, unknown>): void {
  api = toolkit;
  names = undefined;
}

/** The toolkit's own nn classes: `nn.Linear`, `nn.Model`, ... */
function ownClasses(): Set<unknown> {
  classes ??= new Set(Object.values(nn).filter((f) => typeof f === 'function'));
  return classes;
}

/** Every function and class of the toolkit by its public name: `probe`, `nn.mlp`, `charts.layerStats`, `loadModel.info`. */
function publicNames(): Map<unknown, string> {
  if (!names) {
    names = new Map();
    for (const [name, value] of Object.entries(api)) {
      if (typeof value === 'function' && !names.has(value)) names.set(value, name);
      if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
        for (const [key, member] of Object.entries(value)) if (typeof member === 'function' && !names.has(member)) names.set(member, `${name}.${key}`);
      }
    }
  }
  return names;
}

/** 'nn' for the toolkit's `nn` namespace; likewise `init`, `data`, `charts`. */
function namespaceName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.keys(api).find((name) => api[name] === value);
}

/** A namespace's classes and functions by name. */
function namespaceText(value: unknown): string | undefined {
  const name = namespaceName(value);
  if (name === undefined) return undefined;
  const members = Object.entries(value as Record<string, unknown>);
  const isClass = (v: unknown) => typeof v === 'function' && Function.prototype.toString.call(v).startsWith('class');
  const classNames = members.filter(([, v]) => isClass(v)).map(([k]) => k);
  const functionNames = members.filter(([, v]) => typeof v === 'function' && !isClass(v)).map(([k]) => k);
  const others = members.filter(([, v]) => typeof v !== 'function').map(([k]) => k);
  return [
    `${name}: the toolkit's ${name} namespace`,
    ...(classNames.length ? [`  classes: ${classNames.join(', ')}`] : []),
    ...(functionNames.length ? [`  functions: ${functionNames.join(', ')}`] : []),
    ...(others.length ? [`  values: ${others.join(', ')}`] : []),
  ].join('\n');
}

function toolkitFunctionText(fn: unknown): string | undefined {
  const name = publicNames().get(fn);
  if (name === undefined) return undefined;
  return Function.prototype.toString.call(fn).startsWith('class') ? `[class ${name}]` : `[Function: ${name}]`;
}
