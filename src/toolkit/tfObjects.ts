/**
 * TensorFlow.js's own objects as a person reads them: a model's name, layers, parameters and
 * shapes, a layer's kind and output, an optimizer's settings, a training history's losses. What
 * Node prints for them is their internals (`_callHook`, inbound nodes, ...) under class names
 * that the minified kernel shortens to one or two letters; these texts never show either. Class
 * names come from tfjs's `getClassName()`, which tfjs keeps through minification for its own
 * serialization.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from './engine/engine';

/** A one-line text (for a value inside another) and the full text (for the value itself). */
export interface ObjectText {
  short: string;
  text: string;
}

/** How many layers a model's summary lists before it says how many more there are. */
const LISTED_LAYERS = 12;

/** The text of a tfjs object, or undefined for anything else (tensors have their own preview). */
export function tfObjectText(value: unknown): ObjectText | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (value === tf) {
    const short = `TensorFlow.js ${safe(() => tf.version['tfjs-core']) ?? ''}`.trim();
    return { short, text: `${short}: tensors (tf.tensor, tf.randomNormal, ...), models (tf.sequential, tf.layers.dense, ...), optimizers (tf.train.sgd, ...); see https://js.tensorflow.org/api/latest/` };
  }
  if (value instanceof tf.LayersModel) return { short: layersModelHeading(value), text: layersModelSummary(value) };
  if (value instanceof tf.layers.Layer) return layerText(value);
  if (value instanceof tf.SymbolicTensor) {
    const text = `tf.SymbolicTensor '${value.name}' ${shapeText(value.shape)} ${value.dtype}`;
    return { short: text, text: `${text}: a model's input or a layer's output, before any data` };
  }
  if (value instanceof tf.History) return historyText(value);
  if (value instanceof tf.Optimizer) {
    const text = `tf.train ${safe(() => value.getClassName()) ?? 'Optimizer'} optimizer${configText(safe(() => value.getConfig()))}`;
    return { short: text, text };
  }
  if (value instanceof tf.serialization.Serializable) {
    const text = `tf ${safe(() => value.getClassName()) ?? 'object'}${configText(safe(() => value.getConfig()))}`;
    return { short: text, text };
  }
  if (value instanceof tf.Callback) return { short: 'tf.Callback', text: 'tf.Callback: pass it to model.fit(x, y, { callbacks: [...] })' };
  return undefined;
}

let functionNames: { of: unknown; names: Map<unknown, string> } | undefined;

/** A function or class of tfjs by its public name ('tf.layers.dense', 'tf.Tensor'), or undefined. */
export function tfFunctionName(fn: unknown): string | undefined {
  if (typeof fn !== 'function') return undefined;
  // `tf` becomes tfjs-node's module when the native engine loads: names are read from the one in use.
  if (functionNames?.of !== tf) {
    const names = new Map<unknown, string>();
    const add = (value: unknown, name: string) => typeof value === 'function' && !names.has(value) && names.set(value, name);
    const entries = (object: object) => Object.keys(object).map((key): [string, unknown] => [key, safe(() => (object as Record<string, unknown>)[key])]);
    const top = entries(tf);
    for (const [key, value] of top) add(value, `tf.${key}`);
    // Namespaces one level down: tf.layers, tf.train, tf.initializers, tf.losses, ...
    for (const [key, value] of top) {
      if (typeof value === 'object' && value !== null && !(value instanceof tf.Tensor)) for (const [member, inner] of entries(value)) add(inner, `tf.${key}.${member}`);
    }
    functionNames = { of: tf, names };
  }
  return functionNames.names.get(fn);
}

/** 'tf.LayersModel 'mlp' (Sequential): 3 layers, 8,070 parameters'. */
export function layersModelHeading(model: tfjs.LayersModel): string {
  const kind = safe(() => model.getClassName());
  return `tf.LayersModel '${model.name}'${kind && kind !== 'Model' ? ` (${kind})` : ''}: ${layersModelCounts(model)}`;
}

/** '3 layers, 8,070 parameters', and how many are trainable when some are frozen. */
export function layersModelCounts(model: tfjs.LayersModel): string {
  const params = parameterCount(model);
  const trainable = safe(() => model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0));
  const frozen = params !== undefined && trainable !== undefined && trainable < params ? ` (${formatCount(trainable)} trainable)` : '';
  return [`${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}`, ...(params === undefined ? [] : [`${formatCount(params)} parameters${frozen}`])].join(', ');
}

/**
 * A model's summary: its heading, inputs and outputs, how it is compiled, and its first layers
 * with their output shapes and parameters. `extra` lines go after the compiled line.
 */
export function layersModelSummary(model: tfjs.LayersModel, extra: readonly string[] = []): string {
  const lines = [layersModelHeading(model)];
  const inputs = safe(() => model.inputs.map((t) => shapeText(t.shape)));
  const outputs = safe(() => model.outputs.map((t) => shapeText(t.shape)));
  if (inputs?.length && outputs?.length) lines.push(`  input ${inputs.join(', ')} → output ${outputs.join(', ')}`);
  else lines.push('  not built yet: give its first layer an inputShape, or call model.build(shape)');
  const loss = lossText((model as unknown as { loss?: unknown }).loss);
  const optimizer = safe(() => (model.optimizer ? model.optimizer.getClassName() : undefined));
  lines.push(loss || optimizer ? `  compiled: loss ${loss ?? '?'}, optimizer ${optimizer ?? '?'}` : '  not compiled');
  lines.push(...extra.map((line) => `  ${line}`));
  const rows = model.layers.slice(0, LISTED_LAYERS).map((layer) => {
    const output = safe(() => shapeText(layer.outputShape as number[] | number[][]));
    const params = parameterCount(layer);
    const activation = activationOf(layer);
    return [
      layer.name,
      safe(() => layer.getClassName()) ?? 'Layer',
      output ? `→ ${output}` : '',
      params ? `${formatCount(params)} parameters` : '',
      [activation, layer.trainable ? '' : 'frozen'].filter(Boolean).join(', '),
    ];
  });
  const widths = rows.length ? rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length))) : [];
  lines.push(...rows.map((r) => `    ${r.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd()));
  if (model.layers.length > LISTED_LAYERS) lines.push(`    … ${model.layers.length - LISTED_LAYERS} more layers`);
  return lines.join('\n');
}

function layerText(layer: tfjs.layers.Layer): ObjectText {
  const kind = safe(() => layer.getClassName()) ?? 'Layer';
  const heading = `tf.layers ${kind} '${layer.name}'`;
  if (!layer.built) {
    const config = safe(() => layer.getConfig()) ?? {};
    const settings = ['units', 'filters', 'kernelSize', 'rate', 'poolSize'].filter((k) => config[k] !== undefined && config[k] !== null).map((k) => `${k} ${String(config[k])}`);
    const text = `${heading}: not built yet${settings.length ? ` (${settings.join(', ')})` : ''}`;
    return { short: text, text };
  }
  const output = safe(() => shapeText(layer.outputShape as number[] | number[][]));
  const params = parameterCount(layer);
  const activation = activationOf(layer);
  const parts = [output ? `output ${output}` : '', params !== undefined ? `${formatCount(params)} parameters` : '', activation ?? '', layer.trainable ? '' : 'frozen'].filter(Boolean);
  const text = `${heading}: ${parts.join(', ')}`;
  return { short: text, text };
}

function historyText(history: tfjs.History): ObjectText {
  const epochs = history.epoch?.length ?? 0;
  const short = `training history: ${epochs} epoch${epochs === 1 ? '' : 's'}`;
  const series = Object.entries(history.history ?? {}).map(([name, values]) => {
    const numbers = values.map((v) => (typeof v === 'number' ? v : NaN));
    const first = numbers[0];
    const last = numbers[numbers.length - 1];
    return `  ${name}: ${numbers.length > 1 ? `${formatFigure(first)} → ${formatFigure(last)}` : formatFigure(first)}`;
  });
  return { short, text: [short, ...series].join('\n') };
}

/** '[null, 28, 28, 1]'; several shapes, for a layer with several outputs, joined. */
function shapeText(shape: readonly (number | null)[] | readonly (readonly (number | null)[])[]): string {
  if (shape.length > 0 && Array.isArray(shape[0])) return (shape as (number | null)[][]).map(shapeText).join(', ');
  return `[${(shape as (number | null)[]).map((d) => (d === null || d === undefined ? 'null' : String(d))).join(', ')}]`;
}

function parameterCount(layer: tfjs.layers.Layer): number | undefined {
  return safe(() => (layer.built ? layer.countParams() : undefined));
}

function activationOf(layer: tfjs.layers.Layer): string | undefined {
  const activation = safe(() => (layer.getConfig() as { activation?: unknown }).activation);
  return typeof activation === 'string' && activation !== 'linear' ? activation : undefined;
}

function lossText(loss: unknown): string | undefined {
  if (loss === undefined || loss === null) return undefined;
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function') return 'a function';
  if (Array.isArray(loss)) return loss.map((l) => lossText(l) ?? '?').join(', ');
  if (typeof loss === 'object') return Object.entries(loss).map(([k, l]) => `${k}: ${lossText(l) ?? '?'}`).join(', ');
  return undefined;
}

/** ' (learningRate 0.1, beta1 0.9)': a config's numbers, strings and booleans. */
function configText(config: unknown): string {
  if (typeof config !== 'object' || config === null) return '';
  const parts = Object.entries(config).filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v)).map(([k, v]) => `${k} ${typeof v === 'number' ? formatFigure(v) : String(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatFigure(x: number | undefined): string {
  if (x === undefined) return '–';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString();
}

/** A getter of tfjs's that throws for a model or layer in some state (not built, several inbound nodes) reads as absent. */
function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
