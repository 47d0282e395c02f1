/**
 * Reads the model files users bring (Keras 3 and Keras 2 `to_json()` text, a Keras model's
 * config, a TensorFlow.js model.json) into the one topology form tfjs-layers 4.22's
 * `tf.models.modelFromJSON` reads: Keras 2's.
 *
 * Why a translator: tfjs-layers 4.22 was written against Keras 2. Keras 3 (TensorFlow 2.16+, and
 * tfjs-converter 4.21/4.22 run on Keras 3 models) writes `batch_shape` on InputLayer, DTypePolicy
 * objects for dtypes, `{args, kwargs}` inbound nodes holding `__keras_tensor__` objects, L1/L2
 * regularizer classes, `negative_slope` on LeakyReLU, `silu` for swish, and counts a nested
 * model's calls from 0 where tfjs counts its construction node first; it records an
 * Embedding's mask as a not_equal op, and arithmetic on constants as ops. tf.keras 2 records that
 * arithmetic as TFOpLambda layers (preprocess_input), writes LecunNormal and L1/L2 classes tfjs
 * lacks, and a Sequential built by `build()` keeps its input shape aside. tfjs refuses or silently
 * misreads each of these; the reader rewrites each into what tfjs builds exactly (Rescaling for
 * arithmetic, L1L2, LeCunNormal, alpha, swish...). Where a Keras feature has no tfjs equivalent
 * (a layer kind, a GRU with `reset_after`, causal padding), the reader stops with an error that
 * names the layer, its path inside nested models and the field, instead of tfjs's own error that
 * names neither. Augmentation layers, which act only in training, are read as identity with a note.
 *
 * Pure JSON in, JSON out: no tfjs import, and the input is never changed.
 */

type Dict = Record<string, unknown>;

export interface ModelFileParts {
  /** The topology tfjs-layers 4.22 reads: { class_name, config, keras_version?, backend? } in Keras 2 form. */
  topology: Record<string, unknown>;
  /** The loss the file's training config names, as tf.layers spells it ('sparseCategoricalCrossentropy'), per output when there are several, or undefined. */
  loss?: string | string[] | Record<string, string>;
  /** The file's weightsManifest when it has one (converter output). */
  weightsManifest?: unknown[];
  /** What the file was: 'tfjs-layers' | 'keras2' | 'keras2-list' | 'keras3'. */
  format: string;
  /**
   * What the reader changed or left out that the user should hear about, one sentence each: a
   * loss tf.layers lacks (loss is then undefined), a mixed-precision policy read as float32.
   * Absent when there is nothing to say.
   */
  notes?: string[];
}

export interface ReadModelFileOptions {
  /**
   * Layer classes the caller registered with tfjs (`tf.serialization.registerClass`), which the
   * reader lets through; any other class tfjs-layers 4.22 lacks is an error naming the layer.
   */
  customLayers?: Iterable<string>;
}

/** An error about the file's content; its message names the file, the layer and the field. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** Where the reader is: the file, and the layer (its path through nested models) and its class. */
interface LayerAt {
  file: string;
  path: string;
  className: string;
}

/** State shared by one read: the file name, which Keras wrote it, and the notes gathered. */
interface ReadContext {
  file: string;
  keras3: boolean;
  /** Keras 1 (keras_version 1.x): its layer configs use names tfjs never read. */
  keras1: boolean;
  customLayers: Set<string>;
  notes: string[];
  /** Paths of the augmentation layers read as identity. */
  augmentation: string[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Serialization envelope keys Keras 3 (and tf.keras 2.13+) add; tfjs has no use for them. */
const ENVELOPE_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

/**
 * Reads a parsed model file. `where` (the file name) starts every error message.
 * Throws ModelFileError when the file is not a model, or holds something tfjs 4.22 cannot build
 * (a layer kind it lacks, unless `options.customLayers` names it).
 */
export function readModelFile(json: unknown, where: string, options: ReadModelFileOptions = {}): ModelFileParts {
  if (!isDict(json)) {
    throw new ModelFileError(
      `${where}: expected a JSON object (a TensorFlow.js model.json, or a Keras model's to_json() text or config), but the file holds ${describe(json)}`,
    );
  }
  // A private copy: nothing below can reach the caller's object, and the caller's later changes
  // cannot reach the topology we return.
  const found = locateTopology(structuredClone(json), where);
  const version = found.topology.keras_version ?? found.container.keras_version;
  const ctx: ReadContext = {
    file: where,
    keras3: isKeras3(found.topology, found.container),
    keras1: typeof version === 'string' && /^1\./.test(version),
    customLayers: new Set(options.customLayers ?? []),
    notes: [],
    augmentation: [],
  };
  const model = translateModel(found.topology, ctx, []);
  if (ctx.augmentation.length > 0) {
    ctx.notes.push(
      `Augmentation layers read as identity (TensorFlow.js 4.22 has none; they act only in training, so predictions are unchanged, but training here does not augment): ${ctx.augmentation.join(', ')}.`,
    );
  }
  const topology: Dict = { class_name: model.class_name, config: model.config };
  for (const key of ['keras_version', 'backend']) {
    const value = found.topology[key] ?? found.container[key];
    if (value !== undefined) topology[key] = value;
  }
  const parts: ModelFileParts = { topology, format: formatOf(found, ctx) };
  const loss = readLoss(found.training, ctx);
  if (loss !== undefined) parts.loss = loss;
  if (found.weightsManifest !== undefined) parts.weightsManifest = found.weightsManifest;
  if (ctx.notes.length > 0) parts.notes = ctx.notes;
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Finding the topology in the file

interface Located {
  /** The model: { class_name, config, ... }. */
  topology: Dict;
  /** The object the topology sat in (the file itself, or model.json's modelTopology). */
  container: Dict;
  /** A Keras 2 training_config or Keras 3 compile_config, when the file has one. */
  training: unknown;
  weightsManifest?: unknown[];
  /** Whether the file is a TensorFlow.js model.json (it has modelTopology or format layers-model). */
  isModelJson: boolean;
}

/**
 * The topology may sit at the top (a bare `to_json()` or `model.toJSON()`), under model.json's
 * `modelTopology`, or under `model_config` in either (old converters, Keras's full-model JSON);
 * `model_config` may even be the JSON text an H5 file keeps in its attributes.
 */
function locateTopology(root: Dict, where: string): Located {
  let container = root;
  const isModelJson = 'modelTopology' in root || root.format === 'layers-model';
  if ('modelTopology' in root) {
    if (!isDict(root.modelTopology)) {
      throw new ModelFileError(`${where}: field "modelTopology" is ${describe(root.modelTopology)}, expected an object holding the model`);
    }
    container = root.modelTopology;
  }
  let topology: unknown = container;
  if (container.model_config != null) topology = parseIfText(container.model_config, where, 'model_config');
  if (!isDict(topology) || typeof topology.class_name !== 'string' || !(isDict(topology.config) || Array.isArray(topology.config))) {
    throw new ModelFileError(
      `${where}: no model topology found: expected "class_name" and "config" (Keras to_json()), or "modelTopology" (a TensorFlow.js model.json); ` +
        `the ${container === root ? 'file' : 'modelTopology'} has ${keysOf(isDict(topology) ? topology : container)}`,
    );
  }
  if (!MODEL_CLASSES.has(topology.class_name)) {
    throw new ModelFileError(`${where}: field "class_name" is "${topology.class_name}": the file holds one layer, not a model (Sequential, Functional or Model)`);
  }
  const training =
    container.training_config ?? root.training_config ?? root.trainingConfig ?? topology.training_config ?? topology.compile_config ?? container.compile_config;
  const located: Located = { topology, container, training: parseIfText(training, where, 'training_config'), isModelJson };
  if (Array.isArray(root.weightsManifest)) located.weightsManifest = root.weightsManifest;
  return located;
}

/** Keras's H5 attributes keep JSON as text; a file made from them may hold the text itself. */
function parseIfText(value: unknown, where: string, field: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new ModelFileError(`${where}: field "${field}" is text that is not JSON: ${JSON.stringify(value.slice(0, 60))}`);
  }
}

/**
 * Keras 3 is told by its version, or by what only Keras 3 writes: `{args, kwargs}` inbound
 * nodes, `batch_shape` on InputLayer, DTypePolicy dtypes (a file may have lost its version, and
 * Keras 3's legacy H5 saving writes Keras 3 nodes). tf.keras 2.13+ also writes `module` and
 * `registered_name`, so those do not count.
 */
function isKeras3(topology: Dict, container: Dict): boolean {
  const version = topology.keras_version ?? container.keras_version;
  return (typeof version === 'string' && /^3\./.test(version)) || hasKeras3Mark(topology);
}

function hasKeras3Mark(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasKeras3Mark);
  if (!isDict(value)) return false;
  if (value.class_name === 'DTypePolicy' || value.class_name === '__keras_tensor__') return true;
  if (value.class_name === 'InputLayer' && isDict(value.config) && 'batch_shape' in value.config) return true;
  return Object.values(value).some(hasKeras3Mark);
}

/**
 * Keras 3 first (it decides the translation), then TensorFlow.js's own files (a model.json, or
 * a topology tfjs-layers wrote, whatever its config's shape), then the pre-2.2 list form.
 */
function formatOf(found: Located, ctx: ReadContext): string {
  if (ctx.keras3) return 'keras3';
  const version = found.topology.keras_version ?? found.container.keras_version;
  if (found.isModelJson || (typeof version === 'string' && version.startsWith('tfjs'))) return 'tfjs-layers';
  if (Array.isArray(found.topology.config)) return 'keras2-list';
  return 'keras2';
}

// ---------------------------------------------------------------------------------------------
// Models

/** A model (the file's, or one nested as a layer) as { class_name, config } in Keras 2 form. */
function translateModel(model: Dict, ctx: ReadContext, path: string[]): { class_name: string; config: unknown } {
  const className = String(model.class_name);
  if (className === 'Sequential') return { class_name: className, config: translateSequential(model.config, ctx, path) };
  return { class_name: className, config: translateFunctional(model.config, ctx, path, className) };
}

/**
 * A Sequential's config: Keras before 2.2 wrote the bare list of layers, which tfjs still reads;
 * it becomes `{ layers }` so callers meet one shape. Every Sequential tfjs builds needs an input
 * shape on its first layer; Keras 2 models built with `model.build(shape)` keep it only in
 * `build_input_shape`, so it moves onto the first layer.
 */
function translateSequential(config: unknown, ctx: ReadContext, path: string[]): Dict {
  const at = modelAt(ctx, path, 'Sequential');
  const source: Dict = Array.isArray(config) ? { layers: config } : isDict(config) ? config : {};
  if (!Array.isArray(source.layers)) failModel(at, 'layers', `is ${describe(source.layers)}, expected the list of the model's layers`);
  const out = translateFields(source, at, ctx, ['layers']);
  const layers = source.layers.map((layer, i) => translateLayer(layer, ctx, path, i));
  out.layers = withFirstInputShape(layers, source.build_input_shape, at);
  return out;
}

/** Puts `build_input_shape` on a Sequential's first layer when that layer has no input shape. */
function withFirstInputShape(layers: Dict[], buildInputShape: unknown, at: LayerAt): Dict[] {
  const first = layers[0];
  if (first === undefined || first.class_name === 'InputLayer' || MODEL_CLASSES.has(String(first.class_name))) return layers;
  const config = first.config as Dict;
  if (config.batch_input_shape != null || config.input_shape != null) return layers;
  if (!Array.isArray(buildInputShape)) {
    failModel(
      at,
      'build_input_shape',
      `is ${describe(buildInputShape)} and the first layer "${String(config.name)}" has no batch_input_shape: TensorFlow.js needs the input shape to build a Sequential`,
    );
  }
  return [{ ...first, config: { ...config, batch_input_shape: buildInputShape } }, ...layers.slice(1)];
}

/**
 * A Functional (or Keras 2 `Model`) config. Inbound nodes become Keras 2's lists; input and
 * output endpoints become lists of [layer, node, tensor]. Keras 3 counts a nested model's calls
 * from 0 and tfjs from 1 (tfjs gives every model a construction node first), so references to a
 * nested model shift by one, except Keras 3's endpoints on a nested Functional, which Keras 3
 * already counts from 1 (functional.py get_config: `kept_nodes = 1` for Functional only).
 */
function translateFunctional(config: unknown, ctx: ReadContext, path: string[], className: string): Dict {
  const at = modelAt(ctx, path, className);
  if (!isDict(config)) failModel(at, 'config', `is ${describe(config)}, expected an object`);
  if (!Array.isArray(config.layers)) {
    failModel(at, 'layers', `is ${describe(config.layers)}: a subclassed Keras model keeps its architecture in Python code, which no JSON file holds`);
  }
  const rawLayers = config.layers;
  const nestedModels = new Map<string, string>();
  for (const layer of rawLayers) {
    if (isDict(layer) && MODEL_CLASSES.has(String(layer.class_name))) nestedModels.set(layerName(layer, -1), String(layer.class_name));
  }
  const out = translateFields(config, at, ctx, ['layers', 'input_layers', 'output_layers']);
  const refs: NodeRefs = { nestedModels, autoMasks: autoMaskOps(rawLayers) };
  const layers = rawLayers.flatMap((layer, i) => {
    if (isDict(layer) && refs.autoMasks.has(layerName(layer, i))) return [];
    const rescaling = scalarArithmetic(layer, nestedModels);
    if (rescaling !== undefined) return [rescaling];
    const translated = translateLayer(layer, ctx, path, i);
    const layerAt = { file: ctx.file, path: [...path, String(translated.name ?? layerName(translated, i))].join('/'), className: String(translated.class_name) };
    translated.inbound_nodes = translateInboundNodes((layer as Dict).inbound_nodes, layerAt, refs);
    return [translated];
  });
  const names = new Set(layers.map((layer, i) => layerName(layer, i)));
  const endpointShift = (name: string) => (ctx.keras3 && nestedModels.get(name) === 'Sequential' ? 1 : 0);
  out.layers = layers;
  out.input_layers = translateEndpoints(config.input_layers, 'input_layers', at, names, endpointShift);
  out.output_layers = translateEndpoints(config.output_layers, 'output_layers', at, names, endpointShift);
  checkReferences(layers, names, refs.autoMasks, ctx, path);
  return out;
}

/** Every tensor a call reads comes from a layer of the model (a left-out mask op read as data does not). */
function checkReferences(layers: Dict[], names: Set<string>, autoMasks: Set<string>, ctx: ReadContext, path: string[]): void {
  for (const layer of layers) {
    for (const node of layer.inbound_nodes as unknown[][][]) {
      for (const [name] of node) {
        if (names.has(String(name))) continue;
        const at = { file: ctx.file, path: [...path, String(layer.name)].join('/'), className: String(layer.class_name) };
        const problem = autoMasks.has(String(name))
          ? `reads the Embedding mask op "${String(name)}" as data, which TensorFlow.js 4.22 cannot rebuild`
          : `reads layer "${String(name)}", which the model does not have`;
        fail(at, 'inbound_nodes', problem);
      }
    }
  }
}

/**
 * Keras 3 records the mask an Embedding(mask_zero=True) makes as an op, not_equal(x, 0), and
 * passes it to the next layers' `mask` argument; Keras 2 and tfjs pass that mask implicitly
 * (tfjs's Embedding computes it and the layers after it receive it). The names of such ops, whose
 * mask arguments are dropped and which are left out of the model.
 */
function autoMaskOps(layers: unknown[]): Set<string> {
  const maskedInputs = new Set<string>();
  for (const layer of layers) {
    if (isDict(layer) && layer.class_name === 'Embedding' && isDict(layer.config) && layer.config.mask_zero === true) {
      for (const node of Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : []) {
        const input = isDict(node) && Array.isArray(node.args) ? tensorHistory(node.args[0]) : undefined;
        if (input !== undefined) maskedInputs.add(input.join('/'));
      }
    }
  }
  const ops = new Set<string>();
  layers.forEach((layer, i) => {
    if (!isDict(layer) || layer.class_name !== 'NotEqual' || !Array.isArray(layer.inbound_nodes) || layer.inbound_nodes.length !== 1) return;
    const node = layer.inbound_nodes[0];
    const args = isDict(node) && Array.isArray(node.args) ? node.args : [];
    const input = tensorHistory(args[0]);
    if (args.length === 2 && args[1] === 0 && input !== undefined && maskedInputs.has(input.join('/'))) ops.add(layerName(layer, i));
  });
  return ops;
}

/** A Keras 3 tensor's [layer, node, tensor], or undefined for anything else. */
function tensorHistory(value: unknown): [string, number, number] | undefined {
  const history = isDict(value) && value.class_name === '__keras_tensor__' && isDict(value.config) ? value.config.keras_history : undefined;
  return isHistory(history) ? [history[0], history[1], history[2]] : undefined;
}

/**
 * `input_layers` / `output_layers`: Keras 2 writes a list of [layer, node, tensor]; Keras 3 a
 * single triple for a single tensor, a list, or a dict by input name. tfjs wants the list.
 */
function translateEndpoints(value: unknown, field: string, at: LayerAt, names: Set<string>, shift: (name: string) => number): unknown[][] {
  const triples: unknown[][] = [];
  const collect = (v: unknown): void => {
    if (isHistory(v)) triples.push([v[0], v[1] + shift(v[0]), v[2]]);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isDict(v)) Object.values(v).forEach(collect);
    else failModel(at, field, `holds ${describe(v)}, expected ["layer name", node index, tensor index] entries`);
  };
  collect(value);
  if (triples.length === 0) failModel(at, field, 'is empty: the model names no tensor there');
  for (const [name] of triples) {
    if (!names.has(String(name))) failModel(at, field, `names layer "${String(name)}", which the model does not have`);
  }
  return triples;
}

// ---------------------------------------------------------------------------------------------
// Inbound nodes

/**
 * A layer's inbound nodes in the form tfjs reads: one list per call, one
 * [layer, node, tensor, kwargs] per input tensor. Keras 3 `{args, kwargs}` nodes are flattened
 * (Add and Concatenate take `args: [[t1, t2]]`). tf.keras 2 mostly writes tfjs's form already,
 * but also a bare [layer, node, tensor, kwargs] (layers that keep their input structure) and a
 * dict for dict inputs; those are flattened too.
 */
/** What a Functional's calls may reference: its nested models (by class) and the mask ops left out. */
interface NodeRefs {
  nestedModels: Map<string, string>;
  autoMasks: Set<string>;
}

function translateInboundNodes(nodes: unknown, at: LayerAt, refs: NodeRefs): unknown[] {
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes)) fail(at, 'inbound_nodes', `is ${describe(nodes)}, expected a list of the layer's calls`);
  return nodes.map((node) => {
    if (isDict(node) && 'args' in node) return fromKeras3Node(node, at, refs);
    if (Array.isArray(node) || isDict(node)) return fromKeras2Node(node, at);
    return fail(at, 'inbound_nodes', `holds ${describe(node)}, expected a Keras 2 list or a Keras 3 {args, kwargs} call`);
  });
}

/** A tf.keras 2 call: its [layer, node, tensor, kwargs?] entries, wherever they are nested. */
function fromKeras2Node(node: unknown[] | Dict, at: LayerAt): unknown[][] {
  const entries: unknown[][] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v) && v[0] === '_CONSTANT_VALUE') {
      fail(at, 'inbound_nodes', `passes the constant ${describe(v[2])} to the layer; TensorFlow.js 4.22 layers take only tensors`);
    }
    if (isHistory(v)) entries.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isDict(v)) Object.values(v).forEach(collect);
    else fail(at, 'inbound_nodes', `holds ${describe(v)}, expected ["layer name", node index, tensor index, kwargs] entries`);
  };
  collect(node);
  if (entries.length === 0) fail(at, 'inbound_nodes', 'holds a call with no input tensor');
  return entries;
}

function fromKeras3Node(node: Dict, at: LayerAt, refs: NodeRefs): unknown[][] {
  const histories: [string, number, number][] = [];
  collectTensors(node.args, at, histories);
  if (histories.length === 0) fail(at, 'inbound_nodes', 'holds a call with no input tensor');
  const kwargs = callKwargs(node.kwargs, at, refs.autoMasks);
  return histories.map(([name, nodeIndex, tensorIndex]) => [name, nodeIndex + (refs.nestedModels.has(name) ? 1 : 0), tensorIndex, kwargs]);
}

/** The tensors a Keras 3 call's args hold, in order; any other argument tfjs cannot pass. */
function collectTensors(value: unknown, at: LayerAt, out: [string, number, number][]): void {
  if (value == null) return;
  if (Array.isArray(value)) {
    value.forEach((v) => collectTensors(v, at, out));
    return;
  }
  if (isDict(value) && value.class_name === '__keras_tensor__') {
    const history = isDict(value.config) ? value.config.keras_history : undefined;
    if (!isHistory(history)) fail(at, 'inbound_nodes', `holds a tensor whose keras_history is ${describe(history)}, expected ["layer name", node index, tensor index]`);
    out.push([history[0], history[1], history[2]]);
    return;
  }
  if (isDict(value) && !('class_name' in value)) {
    // A dict of inputs (a nested model called on {name: tensor}).
    Object.values(value).forEach((v) => collectTensors(v, at, out));
    return;
  }
  fail(at, 'inbound_nodes', `passes ${describe(value)} to the layer; TensorFlow.js 4.22 layers take only tensors as positional arguments`);
}

/**
 * A call's keyword arguments (`training: false` on a frozen base model): nulls and Embedding
 * masks (tfjs passes those itself) dropped, other tensors refused.
 */
function callKwargs(kwargs: unknown, at: LayerAt, autoMasks: Set<string>): Dict {
  if (kwargs == null) return {};
  if (!isDict(kwargs)) fail(at, 'inbound_nodes', `holds keyword arguments ${describe(kwargs)}, expected an object`);
  const out: Dict = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (value == null) continue;
    if (key === 'mask' && autoMasks.has(tensorHistory(value)?.[0] ?? '')) continue;
    if (hasTensor(value)) fail(at, 'inbound_nodes', `passes a tensor as keyword argument "${key}", which TensorFlow.js 4.22 cannot rebuild`);
    out[key] = value;
  }
  return out;
}

function hasTensor(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasTensor);
  return isDict(value) && (value.class_name === '__keras_tensor__' || Object.values(value).some(hasTensor));
}

// ---------------------------------------------------------------------------------------------
// Scalar arithmetic recorded as a layer

/**
 * Arithmetic with a constant, recorded in a Functional's graph: tf.keras 2 writes `x / 127.5`
 * or `tf.math.subtract(x, 1.0)` as TFOpLambda layers (keras.applications' preprocess_input does
 * this in transfer-learning models), Keras 3 as keras.ops operations (Add, Subtract, Multiply,
 * Divide, TrueDivide) called on [tensor, number]. Each is x·scale + offset, which tfjs's Rescaling
 * layer computes exactly; other TFOpLambdas stay errors.
 */
const TF_OP_ARITHMETIC: Record<string, ArithmeticOp> = {
  'math.truediv': 'divide',
  'math.divide': 'divide',
  '__operators__.truediv': 'divide',
  'math.multiply': 'multiply',
  '__operators__.mul': 'multiply',
  'math.add': 'add',
  '__operators__.add': 'add',
  'math.subtract': 'subtract',
  '__operators__.sub': 'subtract',
};
const KERAS3_ARITHMETIC: Record<string, ArithmeticOp> = { Add: 'add', Subtract: 'subtract', Multiply: 'multiply', Divide: 'divide', TrueDivide: 'divide' };
type ArithmeticOp = 'add' | 'subtract' | 'multiply' | 'divide';

/** The Rescaling layer a scalar arithmetic op becomes, or undefined when the entry is not one. */
function scalarArithmetic(layer: unknown, nestedModels: Map<string, string>): Dict | undefined {
  if (!isDict(layer) || !Array.isArray(layer.inbound_nodes) || layer.inbound_nodes.length !== 1 || !isDict(layer.config)) return undefined;
  const node = layer.inbound_nodes[0];
  let found: { op: ArithmeticOp; tensor: [string, number, number]; constant: number; constantFirst: boolean } | undefined;
  if (layer.class_name === 'TFOpLambda' && Array.isArray(node)) found = tfOpArithmetic(String(layer.config.function), node);
  else if (String(layer.class_name) in KERAS3_ARITHMETIC && isDict(node)) found = keras3Arithmetic(KERAS3_ARITHMETIC[String(layer.class_name)], node, nestedModels);
  if (found === undefined) return undefined;
  const affine = affineOf(found.op, found.constant, found.constantFirst);
  if (affine === undefined) return undefined;
  const name = layerName(layer, -1);
  return {
    class_name: 'Rescaling',
    config: { name, trainable: false, dtype: 'float32', scale: affine.scale, offset: affine.offset },
    name,
    inbound_nodes: [[[...found.tensor, {}]]],
  };
}

/** A TFOpLambda call `op(x, y=number)`: tf.keras 2 writes x as the node, y among its kwargs. */
function tfOpArithmetic(fn: string, node: unknown[]) {
  const op = TF_OP_ARITHMETIC[fn];
  const entry = isHistory(node) ? node : node.length === 1 && isHistory(node[0]) ? node[0] : undefined;
  const y = entry !== undefined && isDict(entry[3]) ? entry[3].y : undefined;
  if (op === undefined || entry === undefined || typeof y !== 'number' || !Number.isFinite(y)) return undefined;
  return { op, tensor: [entry[0], entry[1], entry[2]] as [string, number, number], constant: y, constantFirst: false };
}

/** A Keras 3 op called on [tensor, number] or [number, tensor]. */
function keras3Arithmetic(op: ArithmeticOp, node: Dict, nestedModels: Map<string, string>) {
  const args = node.args;
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const constantFirst = typeof args[0] === 'number';
  const [constant, tensor] = constantFirst ? args : [args[1], args[0]];
  const history = tensorHistory(tensor);
  if (typeof constant !== 'number' || !Number.isFinite(constant) || history === undefined) return undefined;
  const shift = nestedModels.has(history[0]) ? 1 : 0;
  return { op, tensor: [history[0], history[1] + shift, history[2]] as [string, number, number], constant, constantFirst };
}

/** op(x, c) (or op(c, x)) as x·scale + offset; c / x is not affine. */
function affineOf(op: ArithmeticOp, c: number, constantFirst: boolean): { scale: number; offset: number } | undefined {
  switch (op) {
    case 'add':
      return { scale: 1, offset: c };
    case 'multiply':
      return { scale: c, offset: 0 };
    case 'subtract':
      return constantFirst ? { scale: -1, offset: c } : { scale: 1, offset: -c };
    case 'divide':
      return constantFirst || c === 0 ? undefined : { scale: 1 / c, offset: 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Layers

/** The layer classes tfjs-layers 4.22 registers (its SerializationMap, models and cells included). */
const TFJS_LAYERS = new Set([
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'BatchNormalization',
  'Bidirectional', 'CategoryEncoding', 'CenterCrop', 'Concatenate', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose',
  'ConvLSTM2D', 'ConvLSTM2DCell', 'Cropping2D', 'Dense', 'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding', 'Flatten', 'Functional',
  'GRU', 'GRUCell', 'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU', 'Masking', 'MaxPooling1D', 'MaxPooling2D',
  'MaxPooling3D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU', 'Permute', 'RNN', 'RandomWidth', 'ReLU', 'RepeatVector', 'Rescaling',
  'Reshape', 'Resizing', 'SeparableConv2D', 'Sequential', 'SimpleRNN', 'SimpleRNNCell', 'Softmax', 'SpatialDropout1D', 'StackedRNNCells',
  'ThresholdedReLU', 'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D',
]);

/**
 * Keras's own layers tfjs-layers 4.22 does not have (listed so the error does not call them
 * custom), with what to tell the user where there is something to tell.
 */
const KERAS1_NAME = 'a Keras 1 layer name; TensorFlow.js reads Keras 2 files';
const MISSING_LAYERS: Record<string, string> = {
  Convolution1D: KERAS1_NAME,
  Convolution2D: KERAS1_NAME,
  Convolution3D: KERAS1_NAME,
  AtrousConvolution1D: KERAS1_NAME,
  AtrousConvolution2D: KERAS1_NAME,
  Deconvolution2D: KERAS1_NAME,
  MaxoutDense: KERAS1_NAME,
  Highway: KERAS1_NAME,
  TimeDistributedDense: KERAS1_NAME,
  Lambda: 'its function is Python code',
  TFOpLambda: 'it is a TensorFlow op recorded as a layer (Python code)',
  SlicingOpLambda: 'it is a TensorFlow slicing op recorded as a layer (Python code)',
  Subtract: 'use Add with a negated input, or rebuild the model without it',
  Normalization: 'fold its mean and variance into the data, or into a Rescaling layer',
  Discretization: '',
  Hashing: '',
  StringLookup: '',
  IntegerLookup: '',
  TextVectorization: '',
  RandomCrop: 'at inference it crops the image centre; use CenterCrop',
  ZeroPadding1D: '',
  ZeroPadding3D: '',
  UpSampling1D: '',
  UpSampling3D: '',
  Cropping1D: '',
  Cropping3D: '',
  Conv1DTranspose: '',
  SeparableConv1D: '',
  DepthwiseConv1D: '',
  GlobalAveragePooling3D: '',
  GlobalMaxPooling3D: '',
  SpatialDropout2D: '',
  SpatialDropout3D: '',
  GroupNormalization: '',
  UnitNormalization: '',
  SpectralNormalization: '',
  MultiHeadAttention: '',
  Attention: '',
  AdditiveAttention: '',
  GroupedQueryAttention: '',
  EinsumDense: '',
  ActivityRegularization: '',
  ConvLSTM1D: '',
  ConvLSTM3D: '',
  TorchModuleWrapper: 'it wraps PyTorch code',
  KerasLayer: 'it wraps a TensorFlow Hub module',
  TFSMLayer: 'it wraps a TensorFlow SavedModel',
  CuDNNLSTM: 'rebuild it as LSTM',
  CuDNNGRU: 'rebuild it as GRU',
  Merge: 'the Keras 1 merge layer; rebuild the model with Add, Concatenate or Multiply',
};

/**
 * Augmentation layers tfjs 4.22 lacks that return their input unchanged outside training: read
 * as identity (a linear Activation), with a note, since transfer-learning models keep them inside
 * the model. Predictions are Keras's; training in tfjs does not augment.
 */
const TRAINING_ONLY_AUGMENTATION = new Set([
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomContrast',
  'RandomTranslation',
  'RandomBrightness',
  'RandomHeight',
]);

/** Keras layer kinds tfjs has under another form, rewritten exactly. */
const LAYER_RENAMES: Record<string, (config: Dict) => { class_name: string; config: Dict }> = {
  // keras.layers.Identity: no weights, output = input; tfjs reads "Identity" as the initializer.
  Identity: (config) => ({ class_name: 'Activation', config: { ...config, activation: 'linear' } }),
  // TensorFlow 1.13 wrote these names for the standard layers (tfjs-converter renames them too).
  BatchNormalizationV1: (config) => ({ class_name: 'BatchNormalization', config }),
  UnifiedGRU: (config) => ({ class_name: 'GRU', config }),
  UnifiedLSTM: (config) => ({ class_name: 'LSTM', config }),
};

/** One layer in Keras 2 form: envelope keys gone, its config translated, nested models read in full. */
function translateLayer(layer: unknown, ctx: ReadContext, path: string[], index: number): Dict {
  if (!isDict(layer) || typeof layer.class_name !== 'string') {
    const at = { file: ctx.file, path: [...path, `#${index}`].join('/'), className: '?' };
    fail(at, 'class_name', `is missing: the entry is ${describe(layer)}, expected an object with "class_name" and "config"`);
  }
  const name = layerName(layer, index);
  const at: LayerAt = { file: ctx.file, path: [...path, name].join('/'), className: layer.class_name };
  const out: Dict = {};
  for (const [key, value] of Object.entries(layer)) {
    if (!ENVELOPE_KEYS.has(key) && key !== 'inbound_nodes') out[key] = value;
  }
  if (MODEL_CLASSES.has(layer.class_name)) {
    Object.assign(out, translateModel(layer, ctx, [...path, name]));
    return out;
  }
  checkLayerKind(layer, at, ctx);
  if (!isDict(layer.config)) fail(at, 'config', `is ${describe(layer.config)}, expected an object`);
  if (TRAINING_ONLY_AUGMENTATION.has(layer.class_name)) ctx.augmentation.push(at.path);
  const rename = TRAINING_ONLY_AUGMENTATION.has(layer.class_name) ? LAYER_RENAMES.Identity : LAYER_RENAMES[layer.class_name];
  const renamed = rename?.(layer.config) ?? { class_name: layer.class_name, config: layer.config };
  const config = translateFields(renamed.config, at, ctx, [], [...path, name]);
  out.class_name = renamed.class_name;
  out.config = fixLayerConfig(renamed.class_name, config, at, ctx);
  return out;
}

/** Refuses a layer kind tfjs 4.22 cannot build, unless the caller registered it (`customLayers`). */
function checkLayerKind(layer: Dict, at: LayerAt, ctx: ReadContext): void {
  const className = String(layer.class_name);
  if (ctx.customLayers.has(className) || TFJS_LAYERS.has(className) || className in LAYER_RENAMES || TRAINING_ONLY_AUGMENTATION.has(className)) return;
  if (typeof layer.module === 'string' && layer.module.startsWith('keras.src.ops')) {
    fail(at, 'class_name', `is "${className}", a keras.ops operation (${layer.module}) recorded in the model, which TensorFlow.js 4.22 cannot rebuild`);
  }
  const hint = MISSING_LAYERS[className] ?? 'a custom layer: its code is Python';
  fail(at, 'class_name', `is "${className}", a layer kind TensorFlow.js 4.22 does not have${hint === '' ? '' : ` (${hint})`}`);
}

function layerName(layer: Dict, index: number): string {
  if (typeof layer.name === 'string') return layer.name;
  if (isDict(layer.config) && typeof layer.config.name === 'string') return layer.config.name;
  return `#${index}`;
}

/**
 * A config's fields, each by what it holds: dtypes, initializers, regularizers, constraints,
 * activations and wrapped layers are translated; anything else loses Keras's serialization
 * envelope and is kept, since tfjs ignores fields it does not know.
 */
function translateFields(config: Dict, at: LayerAt, ctx: ReadContext, skip: string[], path: string[] = []): Dict {
  const out: Dict = {};
  for (const [key, value] of Object.entries(config)) {
    if (skip.includes(key)) continue;
    out[key] = translateField(key, value, at, ctx, path);
  }
  return out;
}

function translateField(key: string, value: unknown, at: LayerAt, ctx: ReadContext, path: string[]): unknown {
  if (key === 'dtype') return translateDtype(value, at, ctx);
  if (key.endsWith('_initializer')) return translateInitializer(key, value, at);
  if (key.endsWith('_regularizer')) return translateRegularizer(key, value, at);
  if (key.endsWith('_constraint')) return stripEnvelope(value);
  if (key === 'activation' || key === 'recurrent_activation') return translateActivation(key, value, at, ctx);
  if (key === 'layer' || key === 'backward_layer' || key === 'cell') {
    // Wrappers (TimeDistributed, Bidirectional) and RNN hold a layer; StackedRNNCells a list.
    return isDict(value) ? translateLayer(value, ctx, path, 0) : value;
  }
  if (key === 'cells' && Array.isArray(value)) return value.map((cell, i) => translateLayer(cell, ctx, path, i));
  return stripEnvelope(value);
}

/** Drops Keras's envelope keys from every serialized object inside a value. */
function stripEnvelope(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripEnvelope);
  if (!isDict(value)) return value;
  const out: Dict = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!('class_name' in value && ENVELOPE_KEYS.has(key))) out[key] = stripEnvelope(inner);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-kind fixes and refusals

interface FieldRule {
  /** The classes the rule is for; undefined: every class. */
  classes?: readonly string[];
  field: string;
  /** Whether the field's value is one tfjs 4.22 would refuse or misread. */
  wrong: (value: unknown) => boolean;
  /** Why, after `field "x" is <value>, `. */
  why: string;
}

const CONVS = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv2D', 'DepthwiseConv2D'];
const GLOBAL_POOLS = ['GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D'];
const isSet = (value: unknown) => value != null && value !== false && value !== 0;
const notIn = (...allowed: unknown[]) => (value: unknown) => value != null && !allowed.includes(value);

/**
 * Values Keras writes that tfjs 4.22 refuses (it throws without naming the layer) or, worse,
 * ignores and builds a different network: each becomes an error naming the layer and field.
 */
const FIELD_RULES: FieldRule[] = [
  { field: 'padding', wrong: (v) => v === 'causal', why: 'which TensorFlow.js 4.22 does not support for {class}' },
  { classes: CONVS, field: 'groups', wrong: notIn(1), why: 'and TensorFlow.js 4.22 has no grouped convolution' },
  { field: 'lora_rank', wrong: isSet, why: 'a LoRA layer, whose extra weights TensorFlow.js 4.22 cannot hold' },
  { field: 'quantization_config', wrong: isSet, why: 'a quantized layer, which TensorFlow.js 4.22 cannot build' },
  { classes: GLOBAL_POOLS, field: 'keepdims', wrong: (v) => v === true, why: 'and TensorFlow.js 4.22 always drops the pooled axes' },
  { classes: ['ReLU'], field: 'negative_slope', wrong: isSet, why: 'and TensorFlow.js 4.22 ReLU has only max_value' },
  { classes: ['ReLU'], field: 'threshold', wrong: isSet, why: 'and TensorFlow.js 4.22 ReLU has only max_value' },
  { classes: ['ELU'], field: 'alpha', wrong: notIn(1), why: 'and TensorFlow.js 4.22 ELU supports only alpha 1' },
  { classes: ['GRU', 'GRUCell'], field: 'reset_after', wrong: (v) => v === true, why: 'which TensorFlow.js 4.22 does not support for GRU (rebuild it with reset_after=False)' },
  { classes: ['LSTM', 'GRU', 'SimpleRNN', 'RNN'], field: 'time_major', wrong: (v) => v === true, why: 'which TensorFlow.js 4.22 does not support' },
  { classes: ['LayerNormalization'], field: 'rms_scaling', wrong: (v) => v === true, why: 'which TensorFlow.js 4.22 does not support' },
  { classes: ['BatchNormalization'], field: 'renorm', wrong: (v) => v === true, why: 'which TensorFlow.js 4.22 does not support' },
  { classes: ['BatchNormalization'], field: 'virtual_batch_size', wrong: isSet, why: 'which TensorFlow.js 4.22 does not support' },
  { classes: ['Conv2DTranspose', 'Conv3DTranspose'], field: 'output_padding', wrong: isSet, why: 'which TensorFlow.js 4.22 does not support' },
  { classes: ['UpSampling2D'], field: 'interpolation', wrong: notIn('nearest', 'bilinear'), why: 'and TensorFlow.js 4.22 has only "nearest" and "bilinear"' },
  { classes: ['Resizing'], field: 'interpolation', wrong: notIn('nearest', 'bilinear'), why: 'and TensorFlow.js 4.22 has only "nearest" and "bilinear"' },
  { classes: ['Resizing'], field: 'pad_to_aspect_ratio', wrong: (v) => v === true, why: 'which TensorFlow.js 4.22 does not support' },
  { classes: ['GlobalAveragePooling1D', 'GlobalMaxPooling1D'], field: 'data_format', wrong: (v) => v === 'channels_first', why: 'and TensorFlow.js 4.22 pools 1D inputs channels-last only' },
  { classes: ['InputLayer'], field: 'sparse', wrong: (v) => v === true, why: 'and TensorFlow.js 4.22 has no sparse tensors' },
  { classes: ['InputLayer'], field: 'ragged', wrong: (v) => v === true, why: 'and TensorFlow.js 4.22 has no ragged tensors' },
];

/** Fields only Keras 1 wrote (Keras 2 renamed them: units, filters, kernel_initializer, padding, rate...). */
const KERAS1_FIELDS = ['output_dim', 'nb_filter', 'nb_row', 'init', 'border_mode', 'dim_ordering', 'W_regularizer', 'p', 'input_dtype'];

/** Fields a layer cannot be built without: missing ones mean a Keras 1 file or a broken one. */
const REQUIRED_FIELDS: Record<string, string[]> = {
  Dense: ['units'],
  Conv1D: ['filters', 'kernel_size'],
  Conv2D: ['filters', 'kernel_size'],
  Conv3D: ['filters', 'kernel_size'],
  Conv2DTranspose: ['filters', 'kernel_size'],
  SeparableConv2D: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  Embedding: ['input_dim', 'output_dim'],
  LSTM: ['units'],
  GRU: ['units'],
  SimpleRNN: ['units'],
  Dropout: ['rate'],
  Reshape: ['target_shape'],
};

/** The per-kind fixes, then the refusals. */
function fixLayerConfig(className: string, config: Dict, at: LayerAt, ctx: ReadContext): Dict {
  const fixed = renameFields(className, config);
  for (const rule of FIELD_RULES) {
    if ((rule.classes === undefined || rule.classes.includes(className)) && rule.field in fixed && rule.wrong(fixed[rule.field])) {
      fail(at, rule.field, `is ${JSON.stringify(fixed[rule.field])}, ${rule.why.replace('{class}', className)}`);
    }
  }
  for (const field of REQUIRED_FIELDS[className] ?? []) {
    if (fixed[field] == null) {
      const keras1 = ctx.keras1 || KERAS1_FIELDS.some((old) => old in fixed);
      fail(at, field, `is missing, and ${className} needs it${keras1 ? ' (this looks like a Keras 1 file, which TensorFlow.js does not read)' : ''}`);
    }
  }
  if (className === 'InputLayer' && fixed.batch_input_shape == null && fixed.input_shape == null) {
    fail(at, 'batch_input_shape', 'is missing (Keras 3 writes batch_shape): the model input has no shape');
  }
  return fixed;
}

/** Fields Keras 3 renamed: InputLayer's batch_shape, LeakyReLU's negative_slope (tfjs: alpha). */
function renameFields(className: string, config: Dict): Dict {
  const out = { ...config };
  if (className === 'InputLayer' && 'batch_shape' in out) {
    if (out.batch_input_shape == null) out.batch_input_shape = out.batch_shape;
    delete out.batch_shape;
  }
  if (className === 'LeakyReLU' && 'negative_slope' in out) {
    if (out.alpha == null) out.alpha = out.negative_slope;
    delete out.negative_slope;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dtypes, initializers, regularizers, activations

const FLOAT_POLICIES = new Set(['DTypePolicy', 'FloatDTypePolicy', 'Policy']);

/**
 * Keras 3 writes a DTypePolicy object where Keras 2 wrote a dtype string (tf.keras 2 mixed
 * precision a `Policy`). tfjs wants the string. Mixed precision keeps float32 variables, which is
 * what tfjs computes in; quantized policies have weights tfjs cannot hold.
 */
function translateDtype(value: unknown, at: LayerAt, ctx: ReadContext): unknown {
  if (value == null || typeof value === 'string') return value;
  const name = isDict(value) && isDict(value.config) ? value.config.name : undefined;
  if (!isDict(value) || !FLOAT_POLICIES.has(String(value.class_name)) || typeof name !== 'string') {
    return fail(at, 'dtype', `is ${describe(value)}, a dtype policy TensorFlow.js 4.22 cannot use (a quantized model?)`);
  }
  const mixed = /^mixed_(b?float16)$/.exec(name);
  if (mixed === null) return name;
  const note = `Mixed-precision policy "${name}" read as float32: TensorFlow.js 4.22 computes in float32.`;
  if (!ctx.notes.includes(note)) ctx.notes.push(note);
  return 'float32';
}

/** Keras class names tfjs spells differently (tfjs: LeCun), and Keras 3's compatibility aliases. */
const INITIALIZER_CLASSES: Record<string, string> = {
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
  IdentityInitializer: 'Identity',
  OrthogonalInitializer: 'Orthogonal',
};

/** Keras initializer strings tfjs's camel-casing does not turn into one of its names. */
const INITIALIZER_STRINGS: Record<string, string> = {
  lecun_normal: 'LeCunNormal',
  lecun_uniform: 'LeCunUniform',
  normal: 'RandomNormal',
  uniform: 'RandomUniform',
  one: 'Ones',
  zero: 'Zeros',
};

function translateInitializer(field: string, value: unknown, at: LayerAt): unknown {
  if (typeof value === 'string') return INITIALIZER_STRINGS[value] ?? value;
  if (!isDict(value)) return value;
  const className = String(value.class_name);
  if (className === 'STFT' || className === 'STFTInitializer') fail(at, field, `is ${className}, an initializer TensorFlow.js 4.22 does not have`);
  return stripEnvelope({ ...value, class_name: INITIALIZER_CLASSES[className] ?? className });
}

/**
 * tfjs 4.22 has only L1L2 (it writes every regularizer so); Keras writes L1 and L2 classes, and
 * strings with Keras's defaults (l1=0.01, l2=0.01; 'l1_l2' is L1L2() with zeros).
 */
function translateRegularizer(field: string, value: unknown, at: LayerAt): unknown {
  if (value == null) return value;
  if (typeof value === 'string') {
    const strings: Record<string, Dict> = { l1: { l1: 0.01, l2: 0 }, l2: { l1: 0, l2: 0.01 }, l1_l2: { l1: 0, l2: 0 } };
    const config = strings[value];
    if (config === undefined) fail(at, field, `is "${value}", a regularizer TensorFlow.js 4.22 does not have`);
    return { class_name: 'L1L2', config };
  }
  if (!isDict(value)) return value;
  const config = isDict(value.config) ? value.config : {};
  const number = (key: string) => (typeof config[key] === 'number' ? config[key] : 0);
  switch (value.class_name) {
    case 'L1':
      return { class_name: 'L1L2', config: { l1: number('l1'), l2: 0 } };
    case 'L2':
      return { class_name: 'L1L2', config: { l1: 0, l2: number('l2') } };
    case 'L1L2':
      return { class_name: 'L1L2', config: { l1: number('l1'), l2: number('l2') } };
    default:
      return fail(at, field, `is ${String(value.class_name)}, a regularizer TensorFlow.js 4.22 does not have (it has L1, L2 and L1L2)`);
  }
}

/** Activation names tfjs 4.22 has, as Keras writes them (tfjs camel-cases snake_case on reading). */
const TFJS_ACTIVATIONS = new Set([
  'elu', 'gelu', 'hard_sigmoid', 'linear', 'log_softmax', 'mish', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'swish', 'tanh',
  'hardSigmoid', 'logSoftmax',
]);

/** Keras names for activations tfjs has under another name (Keras 3 writes swish as silu). */
const ACTIVATION_ALIASES: Record<string, string> = { silu: 'swish' };

/**
 * An activation: a string, or (Keras 3, for functions it did not register by name) an object
 * `{class_name: "function", config: "relu"}`. Layer objects as activations have no tfjs form.
 * Keras 3 redefined hard_sigmoid as relu6(x + 3) / 6; tfjs keeps Keras 2's clip(0.2x + 0.5), so a
 * Keras 3 hard_sigmoid would load as a different function.
 */
function translateActivation(field: string, value: unknown, at: LayerAt, ctx: ReadContext): unknown {
  if (value == null) return value;
  let name = value;
  if (isDict(value)) {
    if (value.class_name !== 'function' || typeof value.config !== 'string') {
      return fail(at, field, `is ${describe(value)}: an activation object TensorFlow.js 4.22 cannot rebuild; use a named activation`);
    }
    name = value.config;
  }
  if (typeof name !== 'string') return fail(at, field, `is ${describe(value)}, expected an activation name`);
  const tfjsName = ACTIVATION_ALIASES[name] ?? name;
  if (!TFJS_ACTIVATIONS.has(tfjsName)) fail(at, field, `is "${name}", an activation TensorFlow.js 4.22 does not have`);
  if (ctx.keras3 && (tfjsName === 'hard_sigmoid' || tfjsName === 'hardSigmoid')) {
    fail(at, field, 'is "hard_sigmoid", which Keras 3 computes as relu6(x + 3) / 6 and TensorFlow.js 4.22 as clip(0.2x + 0.5, 0, 1)');
  }
  return tfjsName;
}

// ---------------------------------------------------------------------------------------------
// Loss

/** tf.layers loss names (tfjs-layers losses.ts lossesMap), keyed by the Keras name without _ and case. */
const LOSSES: Record<string, string> = {
  meansquarederror: 'meanSquaredError',
  mse: 'meanSquaredError',
  meanabsoluteerror: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  meanabsolutepercentageerror: 'meanAbsolutePercentageError',
  mape: 'meanAbsolutePercentageError',
  meansquaredlogarithmicerror: 'meanSquaredLogarithmicError',
  msle: 'meanSquaredLogarithmicError',
  squaredhinge: 'squaredHinge',
  hinge: 'hinge',
  categoricalhinge: 'categoricalHinge',
  logcosh: 'logcosh',
  categoricalcrossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy',
  binarycrossentropy: 'binaryCrossentropy',
  kldivergence: 'kullbackLeiblerDivergence',
  kullbackleiblerdivergence: 'kullbackLeiblerDivergence',
  kld: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  cosineproximity: 'cosineProximity',
  // Keras's cosine_similarity loss is minus the cosine, as tfjs's cosineProximity is.
  cosinesimilarity: 'cosineProximity',
};

/**
 * The training config's loss in tf.layers's names: one, a list (outputs in order) or a dict
 * (by output name). A loss tf.layers lacks, or one on logits (tf.layers losses take
 * probabilities), leaves the loss undefined with a note rather than failing the whole file.
 */
function readLoss(training: unknown, ctx: ReadContext): ModelFileParts['loss'] {
  if (!isDict(training) || training.loss == null) return undefined;
  const loss = training.loss;
  if (Array.isArray(loss)) return allOrNothing(loss.map((l) => lossName(l, ctx)));
  if (isDict(loss) && !('class_name' in loss)) {
    const entries = Object.entries(loss).map(([output, l]) => [output, lossName(l, ctx)] as const);
    if (entries.some(([, name]) => name === undefined)) return undefined;
    return Object.fromEntries(entries) as Record<string, string>;
  }
  return lossName(loss, ctx);
}

function allOrNothing(names: (string | undefined)[]): string[] | undefined {
  return names.every((n) => n !== undefined) ? (names as string[]) : undefined;
}

function lossName(loss: unknown, ctx: ReadContext): string | undefined {
  let name: unknown = loss;
  if (isDict(loss)) {
    const config = loss.config;
    if (isDict(config) && config.from_logits === true) {
      ctx.notes.push(`Loss ${String(loss.class_name)} with from_logits=True left unset: tf.layers losses take probabilities.`);
      return undefined;
    }
    // {class_name: "function", config: "mse"} (Keras 3) or {class_name: "MeanSquaredError", config: {...}}.
    name = typeof config === 'string' ? config : loss.class_name;
  }
  const tfjs = typeof name === 'string' ? LOSSES[name.replace(/_/g, '').toLowerCase()] : undefined;
  if (tfjs === undefined) ctx.notes.push(`Loss ${describe(name)} left unset: tf.layers has no such loss.`);
  return tfjs;
}

// ---------------------------------------------------------------------------------------------
// Errors and small helpers

function fail(at: LayerAt, field: string, problem: string): never {
  throw new ModelFileError(`${at.file}: layer "${at.path}" (${at.className}): field "${field}" ${problem}`);
}

/** A model-level error: the top model is "model", a nested one is named by its path. */
function failModel(at: LayerAt, field: string, problem: string): never {
  const who = at.path === '' ? 'the model' : `model "${at.path}"`;
  throw new ModelFileError(`${at.file}: ${who} (${at.className}): field "${field}" ${problem}`);
}

function modelAt(ctx: ReadContext, path: string[], className: string): LayerAt {
  return { file: ctx.file, path: path.join('/'), className };
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tensor reference: ["layer name", node index, tensor index] (Keras 2 adds kwargs after). */
function isHistory(value: unknown): value is [string, number, number, ...unknown[]] {
  return Array.isArray(value) && value.length >= 3 && typeof value[0] === 'string' && Number.isInteger(value[1]) && Number.isInteger(value[2]);
}

/** A short description of a value for a message: its JSON, cut, or its kind. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value) && value.length > 8) return `a list of ${value.length} items`;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keysOf(value: Dict): string {
  const keys = Object.keys(value);
  return keys.length === 0 ? 'no fields' : `fields ${keys.slice(0, 8).map((k) => `"${k}"`).join(', ')}${keys.length > 8 ? ', ...' : ''}`;
}
