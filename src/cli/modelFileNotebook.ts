/**
 * `initlab compare --model model.json`: the comparison notebook for a tf.LayersModel given as a
 * topology file, as `model.toJSON()` writes it or as the `model.json` of `model.save()` (its
 * weights are not read: each scheme draws its own). The first cell rebuilds the model and
 * compiles it with its own loss, or the one its output layer implies; the rest are the cells
 * "Compare initializations" appends to a notebook that defines a model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareOnModelCells } from '../host/compare/compareNotebook';
import type { CompareOptions } from '../host/compare/compareOptions';
import { defaultNotebookMetadata, NBFORMAT_MINOR, type Notebook } from '../shared/notebookFormat';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The topology inside whatever shape of file this is: bare, `{ modelTopology }`, or Keras' `model_config`. */
function topologyOf(file: Json): Json {
  let topology = isObject(file.modelTopology) ? file.modelTopology : file;
  if (isObject(topology.model_config)) topology = topology.model_config;
  if (typeof topology.class_name !== 'string' || !isObject(topology.config)) {
    throw new Error('expected a tf.LayersModel topology ({ class_name, config }), as model.toJSON() writes it');
  }
  return topology;
}

function layersOf(topology: Json): Json[] {
  const config = topology.config as Json;
  const layers = Array.isArray(config) ? config : config.layers;
  return Array.isArray(layers) ? layers.filter(isObject) : [];
}

/** The loss the file names, else the one its output layer implies: softmax → cross-entropy. */
function lossOf(file: Json, layers: Json[]): string {
  const training = isObject(file.trainingConfig) ? file.trainingConfig : isObject(file.training_config) ? file.training_config : undefined;
  if (training && typeof training.loss === 'string') return training.loss.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const last = layers[layers.length - 1];
  const activation = isObject(last?.config) ? last.config.activation : undefined;
  if (activation === 'softmax') return 'categoricalCrossentropy';
  if (activation === 'sigmoid') return 'binaryCrossentropy';
  return 'meanSquaredError';
}

const kindCounts = (layers: Json[]) => {
  const counts = new Map<string, number>();
  for (const l of layers) if (typeof l.class_name === 'string' && l.class_name !== 'InputLayer') counts.set(l.class_name, (counts.get(l.class_name) ?? 0) + 1);
  return [...counts].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', ');
};

export function modelFileNotebook(file: string, options: CompareOptions): { notebook: Notebook; ids: { probe: string; verdict: string } } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`initlab compare --model ${file}: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error(`initlab compare --model ${file}: expected a JSON object`);
  let topology: Json;
  try {
    topology = topologyOf(parsed);
  } catch (err) {
    throw new Error(`initlab compare --model ${file}: ${(err as Error).message}`);
  }
  const layers = layersOf(topology);
  const loss = lossOf(parsed, layers);
  const description = `tf.LayersModel from ${path.basename(file)}, ${layers.filter((l) => l.class_name !== 'InputLayer').length} layers: ${kindCounts(layers)}`;
  const build = [
    `// ${path.basename(file)}: its topology (no weights: each scheme draws its own), compiled with ${loss}.`,
    `const model = await tf.models.modelFromJSON({ modelTopology: ${JSON.stringify(topology)} });`,
    `model.compile({ optimizer: 'sgd', loss: '${loss}' });`,
    `model.summary();`,
  ].join('\n');
  const cells = compareOnModelCells({ model: 'model', description, schemes: options.schemes, data: options.data, seed: options.seed, trainSteps: options.trainSteps }, 'cli');
  const codeIds = cells.filter((c) => c.cell_type === 'code').map((c) => c.id!);
  return {
    notebook: {
      nbformat: 4,
      nbformat_minor: NBFORMAT_MINOR,
      metadata: { ...defaultNotebookMetadata },
      cells: [{ cell_type: 'code', id: 'compare-model-build', metadata: {}, source: build, outputs: [], execution_count: null }, ...cells],
    },
    ids: { probe: codeIds[0], verdict: codeIds[codeIds.length - 1] },
  };
}
