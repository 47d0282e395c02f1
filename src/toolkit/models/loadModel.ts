/**
 * `loadModel(path)`: a model file a user already has, as a compiled tf.LayersModel. Every form
 * kerasTopology.ts reads: a TensorFlow.js model.json (converter or `model.save()` output),
 * `model.toJSON()`, a Keras 2 or 3 `to_json()` file. When a model.json's weight files sit beside
 * it, the model gets those weights, so a trained model can be probed and compared against fresh
 * starts; otherwise each layer draws from its own initializers.
 *
 * Why not `tf.loadLayersModel('file://…')`: that IO handler is tfjs-node's, absent on the WASM
 * engine, and it hands the topology to tfjs-layers as it is, Keras 3 files included, which
 * tfjs 4.22 refuses. So the file is read here, translated, and given to tfjs's own loader through
 * an IOHandler (the interface tfjs's loaders are built on), which matches weights to layers by
 * name as it does for any model.json.
 *
 * The model is compiled with the loss the file names (each output's, for several), or else the
 * one its output layer implies: softmax → categorical cross-entropy, sigmoid → binary
 * cross-entropy, anything else → mean squared error. `modelFileInfo(model)` says which, and
 * whether the weights came from the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { checkBoolean, checkOptions, checkString } from '../args';
import { readModelFile, type ModelFileParts } from './kerasTopology';
import { stepsOf } from '../probe/layersGraph';
import { disposingFully } from '../nn/disposeModel';
import { withZeroInitializers } from '../nn/zeroInitializers';
import { useFastOrthogonalInitializer } from '../init/layersOrthogonal';

export interface ModelFileInfo {
  /** The file, as given. */
  file: string;
  /** 'tfjs-layers', 'keras2', 'keras2-list' or 'keras3'. */
  format: string;
  /** One loss per output, as compiled. */
  losses: string[];
  /** Where the losses came from: the file's training config, or the output layers' activations. */
  lossFrom: 'file' | 'output activation';
  /** The weight files read, when the model has the file's weights; empty when it drew its own. */
  weightFiles: string[];
  /** What the reader changed or could not keep, and weights that were named but not found. */
  notes: string[];
}

const infos = new WeakMap<tfjs.LayersModel, ModelFileInfo>();

/** What `loadModel` read for this model, or undefined for a model built another way. */
export function modelFileInfo(model: unknown): ModelFileInfo | undefined {
  return typeof model === 'object' && model !== null ? infos.get(model as tfjs.LayersModel) : undefined;
}

export interface LoadModelOptions {
  /** Read the weight files a model.json names, when they are beside it. Default true. */
  weights?: boolean;
}

/**
 * Example: `const model = await loadModel('model.json')`, then `probe(model).step(x, y)`;
 * `loadModel.info(model)` says what was read (ModelFileInfo).
 */
export const loadModel = Object.assign(readModel, { info: modelFileInfo });

/** Checks its arguments at once (a bad call throws, as every toolkit function's does), then reads. */
function readModel(file: string, options: LoadModelOptions = {}): Promise<tfjs.LayersModel> {
  const fn = 'loadModel';
  checkString(fn, 'file', file);
  const o = checkOptions(fn, options, ['weights']);
  const withWeights = o.weights === undefined ? true : checkBoolean(fn, 'options.weights', o.weights);
  return readChecked(fn, file, withWeights);
}

async function readChecked(fn: string, file: string, withWeights: boolean): Promise<tfjs.LayersModel> {
  const where = path.basename(file);
  const full = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    throw new Error(`${fn}: cannot read ${full}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fn}: ${where} is not JSON: ${(err as Error).message}`);
  }
  const parts = readModelFile(json, where);
  useFastOrthogonalInitializer();
  const notes = [...(parts.notes ?? [])];
  const weights = withWeights && parts.weightsManifest ? readWeights(parts.weightsManifest, path.dirname(full), notes) : undefined;
  const model = weights
    ? await tf.loadLayersModel({ load: async () => ({ modelTopology: withZeroInitializers(parts.topology, 'class_name') as object, weightSpecs: weights.specs, weightData: weights.data }) })
    : await tf.models.modelFromJSON({ modelTopology: parts.topology as never });
  const { losses, from } = lossesOf(model, parts);
  model.compile({ optimizer: 'sgd', loss: losses.length === 1 ? losses[0] : losses });
  disposingFully(model);
  infos.set(model, { file, format: parts.format, losses, lossFrom: from, weightFiles: weights?.files ?? [], notes });
  return model;
}

interface WeightGroup {
  paths: string[];
  weights: tfjs.io.WeightsManifestEntry[];
}

/** The weight files a manifest names, read from `dir` and joined, or undefined (with a note) when one is missing. */
function readWeights(manifest: unknown[], dir: string, notes: string[]): { specs: tfjs.io.WeightsManifestEntry[]; data: ArrayBuffer; files: string[] } | undefined {
  const groups = manifest as WeightGroup[];
  const files = groups.flatMap((g) => g.paths ?? []);
  const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (files.length === 0) return undefined;
  if (missing.length > 0) {
    notes.push(`the weight file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not beside the model file: each layer drew its own initial weights instead`);
    return undefined;
  }
  const buffers = files.map((f) => fs.readFileSync(path.join(dir, f)));
  const joined = Buffer.concat(buffers);
  const data = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
  return { specs: groups.flatMap((g) => g.weights ?? []), data, files };
}

/** The loss for each output: the file's, else what each output layer's activation implies. */
function lossesOf(model: tfjs.LayersModel, parts: ModelFileParts): { losses: string[]; from: ModelFileInfo['lossFrom'] } {
  // A Sequential's outputs are its inner graph's, built on first use (stepsOf builds it).
  const graph = stepsOf(model, 'loadModel').container as unknown as tfjs.LayersModel;
  const names = graph.outputNames;
  const given = parts.loss;
  const fromFile = names.map((name, k) => (typeof given === 'string' ? given : Array.isArray(given) ? given[k] : given?.[name]));
  if (fromFile.every((l): l is string => typeof l === 'string')) return { losses: fromFile, from: 'file' };
  return { losses: names.map((_, k) => impliedLoss(graph, k)), from: 'output activation' };
}

function impliedLoss(model: tfjs.LayersModel, output: number): string {
  // The layer that wrote this output: the last layer of a nested model, when a model is last.
  let layer: tfjs.layers.Layer = model.outputLayers[output];
  while (layer instanceof tf.LayersModel) layer = layer.outputLayers[0];
  const activation = String((layer.getConfig() as { activation?: unknown }).activation ?? '').toLowerCase();
  if (activation === 'softmax' || layer.getClassName() === 'Softmax') return 'categoricalCrossentropy';
  if (activation === 'sigmoid') return 'binaryCrossentropy';
  return 'meanSquaredError';
}
