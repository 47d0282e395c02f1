/**
 * `initlab compare --model model.json`: the comparison notebook for a model file a user has: a
 * TensorFlow.js model.json (its weights too, when they sit beside it), `model.toJSON()`, or a
 * Keras 2 or 3 `to_json()` file. The first cell loads it with `loadModel`, as a notebook would,
 * which compiles it with the file's loss or the one its output layer implies; the rest are the
 * cells "Compare initializations" appends to a notebook that defines a model. The file is read
 * here only to name what it holds: the kernel's loader says whether it can build it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareOnModelCells } from '../host/compare/compareNotebook';
import type { CompareOptions } from '../host/compare/compareOptions';
import { defaultNotebookMetadata, NBFORMAT_MINOR, type Notebook } from '../shared/notebookFormat';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every layer's class name, nested models opened: the file's own words for what it holds. */
function layerKinds(node: unknown, counts = new Map<string, number>()): Map<string, number> {
  if (!isObject(node)) return counts;
  const config = node.config;
  const layers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (layers) for (const layer of layers) layerKinds(layer, counts);
  else if (typeof node.class_name === 'string' && node.class_name !== 'InputLayer') counts.set(node.class_name, (counts.get(node.class_name) ?? 0) + 1);
  return counts;
}

export function modelFileNotebook(file: string, options: CompareOptions & { examples?: number }): { notebook: Notebook; ids: { probe: string; verdict: string } } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`initlab compare --model ${file}: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error(`initlab compare --model ${file}: expected a JSON object (a TensorFlow.js model.json, or a Keras model's to_json() text)`);
  const topology = isObject(parsed.modelTopology) ? parsed.modelTopology : parsed;
  const counts = layerKinds(isObject(topology.model_config) ? topology.model_config : topology);
  const layers = [...counts.values()].reduce((a, b) => a + b, 0);
  const kinds = [...counts].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', ');
  const description = `from ${path.basename(file)}, ${layers} layers: ${kinds}`;
  const build = [
    `// ${path.basename(file)}: loadModel reads it (with its weights when they are beside it) and`,
    `// compiles it with the file's loss, or the one its output layer implies.`,
    `const model = await loadModel(${JSON.stringify(path.resolve(file))});`,
    `const info = loadModel.info(model)!;`,
    `console.log(\`format: \${info.format}; \${model.countParams().toLocaleString('en-US')} parameters; loss: \${info.losses.join(', ')} (from the \${info.lossFrom}); weights: \${info.weightFiles.length ? info.weightFiles.join(', ') : 'drawn by each layer (none in the file)'}\`);`,
    `for (const note of info.notes) console.log(\`note: \${note}\`);`,
    `model.summary();`,
  ].join('\n');
  const cells = compareOnModelCells({ model: 'model', description, schemes: options.schemes, data: options.data, seed: options.seed, trainSteps: options.trainSteps, examples: options.examples }, 'cli');
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
