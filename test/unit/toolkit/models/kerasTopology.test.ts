// readModelFile: Keras 3, Keras 2, pre-2.2 list-form and converter model.json files all become a
// topology tfjs-layers 4.22's modelFromJSON builds (layer names, shapes and parameter counts
// checked on the built model); errors name the layer, its path in nested models and the field;
// the input is never changed. The Keras 3 inputs are small copies of what Keras 3 writes
// (module / registered_name on every object, DTypePolicy dtypes, build_config, compile_config,
// {args, kwargs} inbound nodes holding __keras_tensor__ objects).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { readModelFile, type ModelFileParts } from '../../../../src/toolkit/models/kerasTopology';

before(async () => {
  await initEngine();
});

type Dict = Record<string, unknown>;

/** Builds the model tfjs reads from the file's topology. */
async function build(parts: ModelFileParts): Promise<tfjs.LayersModel> {
  return tf.models.modelFromJSON({ modelTopology: parts.topology } as unknown as tfjs.io.ModelJSON);
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < 1e-6, `[${i}] ${a} ≠ ${expected[i]}`));
}

function shapes(tensors: tfjs.SymbolicTensor[]): (number | null)[][] {
  return tensors.map((t) => t.shape);
}

// ---- Keras 3 building blocks, as keras/src/saving/serialization_lib.py writes them ----------

const policy = (name = 'float32') => ({ module: 'keras', class_name: 'DTypePolicy', config: { name }, registered_name: null });
const initializer = (class_name: string, config: Dict = {}) => ({ module: 'keras.initializers', class_name, config, registered_name: null });

/** A Keras 3 layer entry: envelope, DTypePolicy, build_config when built. */
function k3Layer(class_name: string, name: string, config: Dict, inputShape?: unknown[]): Dict {
  const layer: Dict = { module: 'keras.layers', class_name, config: { name, trainable: true, dtype: policy(), ...config }, registered_name: null };
  if (inputShape !== undefined) layer.build_config = { input_shape: inputShape };
  return layer;
}

function k3Input(name: string, batchShape: unknown[]): Dict {
  return { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name }, registered_name: null };
}

function k3Dense(name: string, units: number, activation: string, inputShape: unknown[]): Dict {
  return k3Layer(
    'Dense',
    name,
    {
      units,
      activation,
      use_bias: true,
      kernel_initializer: initializer('GlorotUniform', { seed: null }),
      bias_initializer: initializer('Zeros'),
      kernel_regularizer: null,
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
    inputShape,
  );
}

function k3Tensor(layer: string, shape: unknown[], node = 0, tensor = 0): Dict {
  return { class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, node, tensor] } };
}

/** A layer of a Keras 3 Functional: the entry plus its name and calls. */
function k3Node(layer: Dict, ...calls: { args: unknown[]; kwargs: Dict }[]): Dict {
  return { ...layer, name: (layer.config as Dict).name, inbound_nodes: calls };
}

const call = (args: unknown[], kwargs: Dict = {}) => ({ args, kwargs });

// ---- 1. Keras 3 Sequential ------------------------------------------------------------------

/** A Keras 3.x `model.to_json()` of a small CNN, compiled (compile_config at the top). */
const keras3Sequential = {
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    trainable: true,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' }, registered_name: null },
      {
        module: 'keras.layers',
        class_name: 'Conv2D',
        config: {
          name: 'conv2d',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          filters: 8,
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'valid',
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          groups: 1,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'HeNormal', config: { seed: null }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.0005 }, registered_name: null },
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 28, 28, 1] },
      },
      {
        module: 'keras.layers',
        class_name: 'MaxPooling2D',
        config: {
          name: 'max_pooling2d',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          pool_size: [2, 2],
          padding: 'valid',
          strides: [2, 2],
          data_format: 'channels_last',
        },
        registered_name: null,
      },
      {
        module: 'keras.layers',
        class_name: 'BatchNormalization',
        config: {
          name: 'batch_normalization',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          axis: -1,
          momentum: 0.99,
          epsilon: 0.001,
          center: true,
          scale: true,
          beta_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          gamma_initializer: { module: 'keras.initializers', class_name: 'Ones', config: {}, registered_name: null },
          moving_mean_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          moving_variance_initializer: { module: 'keras.initializers', class_name: 'Ones', config: {}, registered_name: null },
          beta_regularizer: null,
          gamma_regularizer: null,
          beta_constraint: null,
          gamma_constraint: null,
          synchronized: false,
        },
        registered_name: null,
        build_config: { input_shape: [null, 13, 13, 8] },
      },
      {
        module: 'keras.layers',
        class_name: 'LeakyReLU',
        config: {
          name: 'leaky_re_lu',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          negative_slope: 0.1,
        },
        registered_name: null,
      },
      {
        module: 'keras.layers',
        class_name: 'Flatten',
        config: { name: 'flatten', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, data_format: 'channels_last' },
        registered_name: null,
        build_config: { input_shape: [null, 13, 13, 8] },
      },
      {
        module: 'keras.layers',
        class_name: 'Dropout',
        config: { name: 'dropout', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, rate: 0.15, seed: null, noise_shape: null },
        registered_name: null,
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          units: 10,
          activation: 'softmax',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'LecunNormal', config: { seed: null }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: null,
          bias_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 1352] },
      },
    ],
    build_input_shape: [null, 28, 28, 1],
  },
  registered_name: null,
  build_config: { input_shape: [null, 28, 28, 1] },
  compile_config: {
    optimizer: { module: 'keras.optimizers', class_name: 'Adam', config: { name: 'adam', learning_rate: 0.001 }, registered_name: null },
    loss: {
      module: 'keras.losses',
      class_name: 'SparseCategoricalCrossentropy',
      config: { name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: false, ignore_class: null },
      registered_name: null,
    },
    loss_weights: null,
    metrics: ['accuracy'],
  },
};

test('a Keras 3 Sequential (batch_shape, DTypePolicy, L2, LecunNormal, LeakyReLU negative_slope) builds in tfjs', async () => {
  const parts = readModelFile(keras3Sequential, 'cnn.json');
  assert.equal(parts.format, 'keras3');
  assert.equal(parts.loss, 'sparseCategoricalCrossentropy');
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    // tfjs keeps a Sequential's InputLayer in model.layers, as it does for tf.keras 2 files.
    ['input_layer', 'conv2d', 'max_pooling2d', 'batch_normalization', 'leaky_re_lu', 'flatten', 'dropout', 'dense'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 28, 28, 1]]);
  assert.deepEqual(shapes(model.outputs), [[null, 10]]);
  // conv 3·3·1·8 + 8, batch norm 4·8, dense 1352·10 + 10
  assert.equal(model.countParams(), 80 + 32 + 13530);
  // LeakyReLU's negative_slope reached tfjs as alpha; L2 as L1L2.
  const leaky = model.getLayer('leaky_re_lu').getConfig();
  assert.equal(leaky.alpha, 0.1);
  const conv = model.getLayer('conv2d').getConfig() as Dict;
  assert.deepEqual((conv.kernelRegularizer as Dict).config, { l1: 0, l2: 0.0005 });
  assert.equal(((model.getLayer('dense').getConfig() as Dict).kernelInitializer as Dict).className, 'VarianceScaling');
  model.dispose();
});

test('the translated Keras 3 topology keeps no Keras 3 envelope and is Keras 2 in form', () => {
  const { topology } = readModelFile(keras3Sequential, 'cnn.json');
  const text = JSON.stringify(topology);
  for (const gone of ['"module"', '"registered_name"', '"build_config"', '"compile_config"', 'DTypePolicy', '"batch_shape"']) {
    assert.ok(!text.includes(gone), `${gone} left in the topology`);
  }
  const layers = (topology.config as Dict).layers as Dict[];
  assert.deepEqual((layers[0].config as Dict).batch_input_shape, [null, 28, 28, 1]);
  assert.equal((layers[1].config as Dict).dtype, 'float32');
  // Fields tfjs ignores stay (groups, synchronized).
  assert.equal((layers[1].config as Dict).groups, 1);
  assert.equal((layers[3].config as Dict).synchronized, false);
});

// ---- 2. Keras 3 Functional with merge layers -------------------------------------------------

/** input → two Dense → Add; Concatenate(add, input) → Dense softmax. Keras 3 writes merges as args: [[t, t]]. */
const keras3Residual = {
  module: 'keras',
  class_name: 'Functional',
  config: {
    name: 'residual',
    trainable: true,
    layers: [
      k3Node(k3Input('input_layer', [null, 16])),
      k3Node(k3Dense('dense_a', 8, 'relu', [null, 16]), call([k3Tensor('input_layer', [null, 16])])),
      k3Node(k3Dense('dense_b', 8, 'silu', [null, 16]), call([k3Tensor('input_layer', [null, 16])])),
      k3Node(k3Layer('Add', 'add', {}, [[null, 8], [null, 8]]), call([[k3Tensor('dense_a', [null, 8]), k3Tensor('dense_b', [null, 8])]])),
      k3Node(k3Layer('Concatenate', 'concatenate', { axis: -1 }, [[null, 8], [null, 16]]), call([[k3Tensor('add', [null, 8]), k3Tensor('input_layer', [null, 16])]])),
      k3Node(k3Dense('out', 3, 'softmax', [null, 24]), call([k3Tensor('concatenate', [null, 24])])),
    ],
    input_layers: ['input_layer', 0, 0],
    output_layers: ['out', 0, 0],
  },
  registered_name: 'Functional',
  build_config: { input_shape: null },
  compile_config: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: null },
};

test('a Keras 3 Functional with Add and Concatenate (multi-tensor args) builds in tfjs', async () => {
  const parts = readModelFile(keras3Residual, 'residual.json');
  assert.equal(parts.format, 'keras3');
  assert.equal(parts.loss, 'categoricalCrossentropy');
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_layer', 'dense_a', 'dense_b', 'add', 'concatenate', 'out'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 16]]);
  assert.deepEqual(shapes(model.outputs), [[null, 3]]);
  assert.equal(model.countParams(), 2 * (16 * 8 + 8) + (24 * 3 + 3));
  // silu is tfjs's swish.
  assert.equal((model.getLayer('dense_b').getConfig() as Dict).activation, 'swish');
  const concat = ((parts.topology.config as Dict).layers as Dict[])[4];
  assert.deepEqual(concat.inbound_nodes, [[['add', 0, 0, {}], ['input_layer', 0, 0, {}]]]);
  const y = model.predict(tf.ones([2, 16])) as tfjs.Tensor;
  assert.deepEqual(y.shape, [2, 3]);
  y.dispose();
  model.dispose();
});

// ---- 3. Keras 3 model with nested models ----------------------------------------------------

/** A Keras 3 Functional backbone: Input → Conv2D → GlobalAveragePooling2D. */
const backbone = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'backbone',
    trainable: false,
    layers: [
      k3Node(k3Input('image', [null, 8, 8, 3])),
      k3Node(
        k3Layer(
          'Conv2D',
          'conv',
          {
            trainable: false,
            filters: 4,
            kernel_size: [3, 3],
            strides: [1, 1],
            padding: 'same',
            data_format: 'channels_last',
            dilation_rate: [1, 1],
            groups: 1,
            activation: 'relu',
            use_bias: true,
            kernel_initializer: initializer('GlorotUniform', { seed: null }),
            bias_initializer: initializer('Zeros'),
            kernel_regularizer: null,
            bias_regularizer: null,
            activity_regularizer: null,
            kernel_constraint: null,
            bias_constraint: null,
          },
          [null, 8, 8, 3],
        ),
        call([k3Tensor('image', [null, 8, 8, 3])]),
      ),
      k3Node(k3Layer('GlobalAveragePooling2D', 'pool', { data_format: 'channels_last', keepdims: false }, [null, 8, 8, 4]), call([k3Tensor('conv', [null, 8, 8, 4])])),
    ],
    input_layers: [['image', 0, 0]],
    output_layers: [['pool', 0, 0]],
  },
  registered_name: 'Functional',
  build_config: { input_shape: [null, 8, 8, 3] },
  name: 'backbone',
};

/** A Keras 3 Sequential head: InputLayer → Dense softmax. */
const head = {
  module: 'keras',
  class_name: 'Sequential',
  config: { name: 'head', trainable: true, dtype: policy(), layers: [k3Input('features', [null, 4]), k3Dense('classes', 2, 'softmax', [null, 4])], build_input_shape: [null, 4] },
  registered_name: null,
  build_config: { input_shape: [null, 4] },
  name: 'head',
};

/**
 * Transfer learning as Keras 3 writes it: the backbone called with training=False, the head on
 * its output, and both as outputs. Keras 3 counts the nested models' first calls as node 0 in
 * keras_history, and in output_layers as 1 for a Functional, 0 for a Sequential.
 */
const keras3Nested = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'classifier',
    trainable: true,
    layers: [
      k3Node(k3Input('input_layer_1', [null, 8, 8, 3])),
      { ...backbone, inbound_nodes: [call([k3Tensor('input_layer_1', [null, 8, 8, 3])], { training: false, mask: null })] },
      { ...head, inbound_nodes: [call([k3Tensor('backbone', [null, 4])], { mask: null })] },
    ],
    input_layers: [['input_layer_1', 0, 0]],
    output_layers: [
      ['head', 0, 0],
      ['backbone', 1, 0],
    ],
  },
  registered_name: 'Functional',
  build_config: { input_shape: null },
};

test('a Keras 3 model with a nested Functional and a nested Sequential builds in tfjs', async () => {
  const parts = readModelFile(keras3Nested, 'transfer.json');
  assert.equal(parts.format, 'keras3');
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_layer_1', 'backbone', 'head'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 8, 8, 3]]);
  assert.deepEqual(shapes(model.outputs), [
    [null, 2],
    [null, 4],
  ]);
  assert.equal(model.countParams(), 3 * 3 * 3 * 4 + 4 + (4 * 2 + 2));
  const inner = model.getLayer('backbone') as tfjs.LayersModel;
  assert.deepEqual(
    inner.layers.map((l) => l.name),
    ['image', 'conv', 'pool'],
  );
  assert.equal(inner.getLayer('conv').trainable, false);
  const [probs, features] = model.predict(tf.ones([1, 8, 8, 3])) as tfjs.Tensor[];
  assert.deepEqual([probs.shape, features.shape], [
    [1, 2],
    [1, 4],
  ]);
  tf.dispose([probs, features]);
  model.dispose();
});

test('Keras 3 node indices of nested models gain tfjs’s construction node; the training kwarg stays, null kwargs go', () => {
  const { topology } = readModelFile(keras3Nested, 'transfer.json');
  const config = topology.config as Dict;
  const [, nestedFunctional, nestedSequential] = config.layers as Dict[];
  assert.deepEqual(nestedFunctional.inbound_nodes, [[['input_layer_1', 0, 0, { training: false }]]]);
  assert.deepEqual(nestedSequential.inbound_nodes, [[['backbone', 1, 0, {}]]]);
  assert.deepEqual(config.output_layers, [
    ['head', 1, 0],
    ['backbone', 1, 0],
  ]);
  // The nested models are read in full: their own layers are Keras 2 in form too.
  const innerInput = ((nestedFunctional.config as Dict).layers as Dict[])[0];
  assert.deepEqual((innerInput.config as Dict).batch_input_shape, [null, 8, 8, 3]);
});

test('a Keras 3 Sequential inside a Sequential (Teachable Machine shape) builds in tfjs', async () => {
  const outer = {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'outer', trainable: true, dtype: policy(), layers: [k3Input('input_layer', [null, 8, 8, 3]), { ...backbone }, { ...head }] },
    registered_name: null,
  };
  const model = await build(readModelFile(outer, 'tm.json'));
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_layer', 'backbone', 'head'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 8, 8, 3]]);
  assert.deepEqual(shapes(model.outputs), [[null, 2]]);
  assert.equal(model.countParams(), 112 + 10);
  model.dispose();
});

// ---- Keras 3 wrappers and layer kinds -------------------------------------------------------

/** A Keras 3 LSTM as Bidirectional holds it (Keras 3 writes both directions' layers). */
function k3Lstm(name: string, units: number, goBackwards: boolean, inputShape: unknown[]): Dict {
  return k3Layer(
    'LSTM',
    name,
    {
      return_sequences: false,
      return_state: false,
      go_backwards: goBackwards,
      stateful: false,
      unroll: false,
      zero_output_for_mask: true,
      units,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      kernel_initializer: initializer('GlorotUniform', { seed: null }),
      recurrent_initializer: initializer('OrthogonalInitializer', { gain: 1.0, seed: null }),
      bias_initializer: initializer('Zeros'),
      unit_forget_bias: true,
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0.0,
      recurrent_dropout: 0.0,
      seed: null,
    },
    inputShape,
  );
}

function k3Sequence(rnn: Dict): Dict {
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'sequence',
      trainable: true,
      dtype: policy(),
      layers: [
        k3Input('input_layer', [null, 5, 3]),
        k3Layer('TimeDistributed', 'time_distributed', { layer: k3Dense('dense_td', 4, 'linear', [null, 3]) }, [null, 5, 3]),
        k3Layer('Bidirectional', 'bidirectional', { merge_mode: 'concat', layer: rnn, backward_layer: { ...rnn, config: { ...(rnn.config as Dict), name: 'backward_lstm', go_backwards: true } } }, [null, 5, 4]),
        k3Layer('Identity', 'identity', {}),
        k3Dense('dense', 2, 'softmax', [null, 16]),
      ],
      build_input_shape: [null, 5, 3],
    },
    registered_name: null,
  };
}

test('Keras 3 TimeDistributed and Bidirectional(LSTM), and the Identity layer, build in tfjs', async () => {
  const parts = readModelFile(k3Sequence(k3Lstm('forward_lstm', 8, false, [null, 5, 4])), 'seq.json');
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_layer', 'time_distributed', 'bidirectional', 'identity', 'dense'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 5, 3]]);
  assert.deepEqual(shapes(model.outputs), [[null, 2]]);
  // TimeDistributed Dense 3·4 + 4; two LSTMs of 4·8·(4 + 8 + 1); Dense 16·2 + 2
  assert.equal(model.countParams(), 16 + 2 * 416 + 34);
  // keras.layers.Identity has no weights and returns its input: tfjs's linear Activation.
  assert.equal(model.getLayer('identity').getClassName(), 'Activation');
  model.dispose();
});

test('an error inside a wrapper names the wrapped layer by its path', () => {
  const gru: Dict = { ...k3Lstm('forward_gru', 8, false, [null, 5, 4]), class_name: 'GRU' };
  (gru.config as Dict).reset_after = true;
  assert.throws(() => readModelFile(k3Sequence(gru), 'seq.json'), {
    message: 'seq.json: layer "bidirectional/forward_gru" (GRU): field "reset_after" is true, which TensorFlow.js 4.22 does not support for GRU (rebuild it with reset_after=False)',
  });
  const hard = k3Lstm('forward_lstm', 8, false, [null, 5, 4]);
  (hard.config as Dict).recurrent_activation = 'hard_sigmoid';
  assert.throws(() => readModelFile(k3Sequence(hard), 'seq.json'), /layer "bidirectional\/forward_lstm" \(LSTM\): field "recurrent_activation" is "hard_sigmoid", which Keras 3 computes as relu6/);
});

test('augmentation layers inside a model (Keras 3 tutorial shape) read as identity, with a note naming them', async () => {
  const augmentation = {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'data_augmentation',
      trainable: true,
      dtype: policy(),
      layers: [
        k3Layer('RandomFlip', 'random_flip', { mode: 'horizontal', seed: null, data_format: 'channels_last' }),
        k3Layer('RandomRotation', 'random_rotation', { factor: 0.1, fill_mode: 'reflect', fill_value: 0.0, interpolation: 'bilinear', seed: null, value_range: [0, 255], data_format: 'channels_last' }),
      ],
      build_input_shape: [null, 8, 8, 3],
    },
    registered_name: null,
    build_config: { input_shape: [null, 8, 8, 3] },
    name: 'data_augmentation',
  };
  const file = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'flowers',
      trainable: true,
      layers: [
        k3Node(k3Input('input_layer', [null, 8, 8, 3])),
        { ...augmentation, inbound_nodes: [call([k3Tensor('input_layer', [null, 8, 8, 3])])] },
        k3Node(k3Layer('Rescaling', 'rescaling', { scale: 1 / 127.5, offset: -1 }), call([k3Tensor('data_augmentation', [null, 8, 8, 3])])),
        k3Node(
          k3Layer('Conv2D', 'conv2d', { filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, kernel_initializer: initializer('GlorotUniform', { seed: null }), bias_initializer: initializer('Zeros') }),
          call([k3Tensor('rescaling', [null, 8, 8, 3])]),
        ),
        k3Node(k3Layer('GlobalAveragePooling2D', 'pool', { data_format: 'channels_last', keepdims: false }), call([k3Tensor('conv2d', [null, 6, 6, 4])])),
        k3Node(k3Dense('dense', 2, 'softmax', [null, 4]), call([k3Tensor('pool', [null, 4])])),
      ],
      input_layers: [['input_layer', 0, 0]],
      output_layers: [['dense', 0, 0]],
    },
    registered_name: 'Functional',
  };
  const parts = readModelFile(file, 'flowers.json');
  assert.deepEqual(parts.notes, [
    'Augmentation layers read as identity (TensorFlow.js 4.22 has none; they act only in training, so predictions are unchanged, but training here does not augment): data_augmentation/random_flip, data_augmentation/random_rotation.',
  ]);
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_layer', 'data_augmentation', 'rescaling', 'conv2d', 'pool', 'dense'],
  );
  assert.deepEqual(shapes(model.outputs), [[null, 2]]);
  assert.equal(model.countParams(), 3 * 3 * 3 * 4 + 4 + (4 * 2 + 2));
  model.dispose();
});

test('Keras 3 Embedding(mask_zero) masks: the recorded not_equal op is left out and tfjs masks the LSTM itself', async () => {
  /** Input [steps] → Embedding(mask_zero) → LSTM(mask = not_equal(input, 0)), as the tfjs-converter writes Keras 3. */
  const file = (steps: number, maskZero: boolean) => {
    const tokens = k3Tensor('tokens', [null, steps]);
    const layers: Dict[] = [
      k3Node(k3Input('tokens', [null, steps])),
      k3Node(
        k3Layer('Embedding', 'embedding', { input_dim: 10, output_dim: 3, embeddings_initializer: initializer('RandomUniform', { minval: -0.05, maxval: 0.05, seed: null }), mask_zero: maskZero }),
        call([tokens]),
      ),
      k3Node(k3Lstm('lstm', 4, false, [null, steps, 3]), call([k3Tensor('embedding', [null, steps, 3])], maskZero ? { training: false, mask: { class_name: '__keras_tensor__', config: { shape: [null, steps], dtype: 'bool', keras_history: ['not_equal', 0, 0] } } } : {})),
    ];
    if (maskZero) layers.splice(2, 0, { class_name: 'NotEqual', config: { name: 'not_equal' }, name: 'not_equal', inbound_nodes: [call([tokens, 0])] });
    return {
      format: 'layers-model',
      modelTopology: { keras_version: '3.10.0', backend: 'tensorflow', model_config: { class_name: 'Functional', config: { name: 'masked', trainable: true, layers, input_layers: [['tokens', 0, 0]], output_layers: [['lstm', 0, 0]] } } },
      weightsManifest: [],
    };
  };
  const parts = readModelFile(file(4, true), 'masked.json');
  const lstm = ((parts.topology.config as Dict).layers as Dict[]).find((l) => l.name === 'lstm');
  assert.deepEqual(lstm?.inbound_nodes, [[['embedding', 0, 0, { training: false }]]]);
  const masked = await build(parts);
  assert.deepEqual(
    masked.layers.map((l) => l.name),
    ['tokens', 'embedding', 'lstm'],
  );
  // With the mask, [3, 5, 0, 0] gives what [3, 5] gives; without it, the padding counts.
  const short = await build(readModelFile(file(2, false), 'short.json'));
  const unmasked = await build(readModelFile(file(4, false), 'unmasked.json'));
  short.setWeights(masked.getWeights());
  unmasked.setWeights(masked.getWeights());
  const [a, b, c] = [masked.predict(tf.tensor2d([[3, 5, 0, 0]])), short.predict(tf.tensor2d([[3, 5]])), unmasked.predict(tf.tensor2d([[3, 5, 0, 0]]))] as tfjs.Tensor[];
  assertClose(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.ok(Array.from(a.dataSync()).some((v, i) => Math.abs(v - c.dataSync()[i]) > 1e-6), 'the padding changed nothing without a mask');
  tf.dispose([a, b, c]);
  for (const m of [masked, short, unmasked]) m.dispose();
});

test('a custom layer is an error naming it, unless the caller says it registered the class', () => {
  const custom = structuredClone(keras2Functional) as Dict;
  const layers = (custom.config as Dict).layers as Dict[];
  layers[1] = { ...layers[1], class_name: 'StochasticShift', config: { name: 'hidden', shift_max: 3 } };
  assert.throws(() => readModelFile(custom, 'custom.json'), {
    message: 'custom.json: layer "hidden" (StochasticShift): field "class_name" is "StochasticShift", a layer kind TensorFlow.js 4.22 does not have (a custom layer: its code is Python)',
  });
  const parts = readModelFile(custom, 'custom.json', { customLayers: ['StochasticShift'] });
  assert.equal(((parts.topology.config as Dict).layers as Dict[])[1].class_name, 'StochasticShift');
});

test('a Keras 1 file is named as one', () => {
  const keras1 = {
    class_name: 'Sequential',
    config: [
      { class_name: 'Dense', config: { name: 'dense_1', batch_input_shape: [null, 4], output_dim: 8, init: 'glorot_uniform', activation: 'relu' } },
      { class_name: 'Dropout', config: { name: 'dropout_1', p: 0.5 } },
    ],
    keras_version: '1.2.2',
  };
  assert.throws(() => readModelFile(keras1, 'k1.json'), {
    message: 'k1.json: layer "dense_1" (Dense): field "units" is missing, and Dense needs it (this looks like a Keras 1 file, which TensorFlow.js does not read)',
  });
  keras1.config[0] = { class_name: 'Convolution2D', config: { name: 'convolution2d_1', batch_input_shape: [null, 4], output_dim: 8, init: 'glorot_uniform', activation: 'relu' } };
  assert.throws(() => readModelFile(keras1, 'k1.json'), /layer "convolution2d_1" \(Convolution2D\): field "class_name" is "Convolution2D", a layer kind TensorFlow\.js 4\.22 does not have \(a Keras 1 layer name/);
});

// ---- Scalar arithmetic (preprocess_input) -----------------------------------------------------

test('tf.keras 2 TFOpLambda truediv/subtract (preprocess_input) become exact Rescaling layers', async () => {
  const tfOp = (name: string, fn: string, input: string, y: number) => ({
    class_name: 'TFOpLambda',
    config: { name, trainable: true, dtype: 'float32', function: fn },
    name,
    inbound_nodes: [[input, 0, 0, { y, name: null }]],
  });
  const file = {
    class_name: 'Functional',
    config: {
      name: 'preprocess',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, name: 'input_1', inbound_nodes: [] },
        tfOp('tf.math.truediv', 'math.truediv', 'input_1', 127.5),
        tfOp('tf.math.subtract', 'math.subtract', 'tf.math.truediv', 1.0),
      ],
      input_layers: [['input_1', 0, 0]],
      output_layers: [['tf.math.subtract', 0, 0]],
    },
    keras_version: '2.12.0',
    backend: 'tensorflow',
  };
  const model = await build(readModelFile(file, 'pre.json'));
  assert.deepEqual(
    model.layers.map((l) => l.getClassName()),
    ['InputLayer', 'Rescaling', 'Rescaling'],
  );
  const y = model.predict(tf.tensor2d([[255, 0, 127.5, 63.75]])) as tfjs.Tensor;
  assertClose(Array.from(y.dataSync()), [1, -1, 0, -0.5]);
  y.dispose();
  model.dispose();
  const other = structuredClone(file);
  other.config.layers[1] = tfOp('tf.math.reduce_mean', 'math.reduce_mean', 'input_1', 1);
  assert.throws(() => readModelFile(other, 'pre.json'), /layer "tf\.math\.reduce_mean" \(TFOpLambda\): field "class_name" is "TFOpLambda", a layer kind TensorFlow\.js 4\.22 does not have/);
});

test('Keras 3 keras.ops arithmetic on a constant becomes Rescaling; other ops are named errors', async () => {
  const op = (class_name: string, name: string, args: unknown[]) => ({
    module: 'keras.src.ops.numpy',
    class_name,
    config: { name },
    registered_name: class_name,
    name,
    inbound_nodes: [call(args)],
  });
  const file = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'preprocess',
      trainable: true,
      layers: [
        k3Node(k3Input('input_layer', [null, 3])),
        op('TrueDivide', 'true_divide', [k3Tensor('input_layer', [null, 3]), 127.5]),
        op('Subtract', 'subtract', [1.0, k3Tensor('true_divide', [null, 3])]),
      ],
      input_layers: [['input_layer', 0, 0]],
      output_layers: [['subtract', 0, 0]],
    },
    registered_name: 'Functional',
  };
  const model = await build(readModelFile(file, 'ops.json'));
  const y = model.predict(tf.tensor2d([[255, 0, 127.5]])) as tfjs.Tensor;
  assertClose(Array.from(y.dataSync()), [-1, 1, 0]);
  y.dispose();
  model.dispose();
  const mean = structuredClone(file);
  mean.config.layers[2] = op('Mean', 'mean', [k3Tensor('true_divide', [null, 3])]);
  assert.throws(() => readModelFile(mean, 'ops.json'), /ops\.json: layer "mean" \(Mean\): field "class_name" is "Mean", a keras\.ops operation \(keras\.src\.ops\.numpy\)/);
});

// ---- 4. Keras 2 (tf.keras) files ------------------------------------------------------------

/** tf.keras 2.x `to_json()`: list inbound nodes, batch_input_shape, dtype strings, L2 and LecunNormal classes. */
const keras2Functional = {
  class_name: 'Functional',
  config: {
    name: 'model',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 10], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, name: 'input_1', inbound_nodes: [] },
      {
        class_name: 'Dense',
        config: {
          name: 'hidden',
          trainable: true,
          dtype: 'float32',
          units: 6,
          activation: 'tanh',
          use_bias: true,
          kernel_initializer: { class_name: 'LecunNormal', config: { seed: null } },
          bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } },
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } },
          bias_constraint: null,
        },
        name: 'hidden',
        inbound_nodes: [[['input_1', 0, 0, {}]]],
      },
      {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 6], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
            { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'sigmoid', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} } } },
          ],
        },
        name: 'sequential',
        inbound_nodes: [[['hidden', 0, 0, {}]]],
      },
    ],
    input_layers: [['input_1', 0, 0]],
    output_layers: [['sequential', 1, 0]],
  },
  keras_version: '2.13.1',
  backend: 'tensorflow',
};

test('a Keras 2 file (nested Sequential, L2, LecunNormal) builds in tfjs, node indices unchanged', async () => {
  const parts = readModelFile(keras2Functional, 'keras2.json');
  assert.equal(parts.format, 'keras2');
  assert.equal(parts.loss, undefined);
  assert.equal(parts.topology.keras_version, '2.13.1');
  assert.equal(parts.topology.backend, 'tensorflow');
  const config = parts.topology.config as Dict;
  assert.deepEqual(config.output_layers, [['sequential', 1, 0]]);
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_1', 'hidden', 'sequential'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 10]]);
  assert.deepEqual(shapes(model.outputs), [[null, 2]]);
  assert.equal(model.countParams(), 10 * 6 + 6 + (6 * 2 + 2));
  model.dispose();
});

test('tf.keras 2 flat ([layer, node, tensor, kwargs]) and dict nodes become tfjs’s lists; constants are refused', async () => {
  const flat = structuredClone(keras2Functional) as Dict;
  const layers = (flat.config as Dict).layers as Dict[];
  layers[1].inbound_nodes = [['input_1', 0, 0, {}]];
  layers[2].inbound_nodes = [{ features: ['hidden', 0, 0, {}] }];
  const parts = readModelFile(flat, 'flat.json');
  const out = (parts.topology.config as Dict).layers as Dict[];
  assert.deepEqual(out[1].inbound_nodes, [[['input_1', 0, 0, {}]]]);
  assert.deepEqual(out[2].inbound_nodes, [[['hidden', 0, 0, {}]]]);
  const model = await build(parts);
  assert.equal(model.countParams(), 66 + 14);
  model.dispose();
  layers[1].inbound_nodes = [[['_CONSTANT_VALUE', -1, 3.0, {}]]];
  assert.throws(() => readModelFile(flat, 'flat.json'), /flat\.json: layer "hidden" \(Dense\): field "inbound_nodes" passes the constant 3 to the layer/);
});

test('a pre-2.2 Keras Sequential (config is the list of layers) builds in tfjs', async () => {
  const listForm = {
    class_name: 'Sequential',
    config: [
      {
        class_name: 'Dense',
        config: { name: 'dense_1', trainable: true, batch_input_shape: [null, 4], dtype: 'float32', units: 8, activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null },
      },
      { class_name: 'Dropout', config: { name: 'dropout_1', trainable: true, rate: 0.5, noise_shape: null, seed: null } },
      {
        class_name: 'Dense',
        config: { name: 'dense_2', trainable: true, units: 3, activation: 'softmax', use_bias: true, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null },
      },
    ],
    keras_version: '2.1.6',
    backend: 'tensorflow',
  };
  const parts = readModelFile(listForm, 'old.json');
  assert.equal(parts.format, 'keras2-list');
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['dense_1', 'dropout_1', 'dense_2'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 4]]);
  assert.deepEqual(shapes(model.outputs), [[null, 3]]);
  assert.equal(model.countParams(), 4 * 8 + 8 + (8 * 3 + 3));
  model.dispose();
});

test('a Keras 2 Sequential built with model.build(shape) gets its build_input_shape on the first layer', async () => {
  const built = {
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      layers: [{ class_name: 'Dense', config: { name: 'dense', units: 5, activation: 'relu' } }],
      build_input_shape: [null, 7],
    },
    keras_version: '2.15.0',
  };
  const model = await build(readModelFile(built, 'built.json'));
  assert.deepEqual(shapes(model.inputs), [[null, 7]]);
  assert.equal(model.countParams(), 7 * 5 + 5);
  model.dispose();
});

// ---- 5. TensorFlow.js converter model.json --------------------------------------------------

/** tensorflowjs_converter --input_format keras: the topology under modelTopology.model_config. */
const converterModelJson = {
  format: 'layers-model',
  generatedBy: 'keras v2.15.0',
  convertedBy: 'TensorFlow.js Converter v4.22.0',
  modelTopology: {
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'two_heads',
        trainable: true,
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 5], dtype: 'float32', sparse: false, ragged: false, name: 'x' }, name: 'x', inbound_nodes: [] },
          { class_name: 'Dense', config: { name: 'shared', trainable: true, dtype: 'float32', units: 4, activation: 'relu', use_bias: true }, name: 'shared', inbound_nodes: [[['x', 0, 0, {}]]] },
          { class_name: 'Dense', config: { name: 'kind', trainable: true, dtype: 'float32', units: 3, activation: 'softmax', use_bias: true }, name: 'kind', inbound_nodes: [[['shared', 0, 0, {}]]] },
          { class_name: 'Dense', config: { name: 'size', trainable: true, dtype: 'float32', units: 1, activation: 'linear', use_bias: true }, name: 'size', inbound_nodes: [[['shared', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [
          ['kind', 0, 0],
          ['size', 0, 0],
        ],
      },
    },
    training_config: {
      loss: {
        kind: { class_name: 'SparseCategoricalCrossentropy', config: { reduction: 'auto', name: 'sparse_categorical_crossentropy', from_logits: false, ignore_class: null } },
        size: 'mse',
      },
      metrics: null,
      weighted_metrics: null,
      loss_weights: null,
      optimizer_config: { class_name: 'Adam', config: { name: 'Adam', learning_rate: 0.001 } },
    },
  },
  weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'shared/kernel', shape: [5, 4], dtype: 'float32' }] }],
};

test('a converter model.json with a multi-output training_config: topology, per-output losses, weights manifest', async () => {
  const parts = readModelFile(converterModelJson, 'model.json');
  assert.equal(parts.format, 'tfjs-layers');
  assert.deepEqual(parts.loss, { kind: 'sparseCategoricalCrossentropy', size: 'meanSquaredError' });
  assert.deepEqual(parts.weightsManifest, converterModelJson.weightsManifest);
  assert.equal(parts.topology.keras_version, '2.15.0');
  assert.ok(!('training_config' in parts.topology));
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['x', 'shared', 'kind', 'size'],
  );
  assert.deepEqual(shapes(model.inputs), [[null, 5]]);
  assert.deepEqual(shapes(model.outputs), [
    [null, 3],
    [null, 1],
  ]);
  assert.equal(model.countParams(), 5 * 4 + 4 + (4 * 3 + 3) + (4 + 1));
  model.dispose();
});

test('a model.toJSON() from tfjs itself reads back as tfjs-layers and builds the same model', async () => {
  const original = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], name: 'd1' }), tf.layers.dense({ units: 1, name: 'd2' })] });
  const json = JSON.parse(original.toJSON() as string) as unknown;
  const parts = readModelFile(json, 'tfjs.json');
  assert.equal(parts.format, 'tfjs-layers');
  const model = await build(parts);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['d1', 'd2'],
  );
  assert.equal(model.countParams(), original.countParams());
  original.dispose();
  model.dispose();
});

// ---- Losses ---------------------------------------------------------------------------------

test('loss names: Keras snake_case, class objects and lists map to tf.layers names', () => {
  const withLoss = (loss: unknown) => readModelFile({ ...keras2Functional, training_config: { loss } }, 'f.json');
  const cases: [unknown, unknown][] = [
    ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
    ['categorical_crossentropy', 'categoricalCrossentropy'],
    ['binary_crossentropy', 'binaryCrossentropy'],
    ['mse', 'meanSquaredError'],
    ['mean_squared_error', 'meanSquaredError'],
    ['mean_absolute_error', 'meanAbsoluteError'],
    ['mae', 'meanAbsoluteError'],
    [{ class_name: 'BinaryCrossentropy', config: { from_logits: false } }, 'binaryCrossentropy'],
    [{ module: 'keras.losses', class_name: 'function', config: 'mean_squared_error', registered_name: null }, 'meanSquaredError'],
    [['categorical_crossentropy', 'mae'], ['categoricalCrossentropy', 'meanAbsoluteError']],
  ];
  for (const [keras, tfjsName] of cases) assert.deepEqual(withLoss(keras).loss, tfjsName, JSON.stringify(keras));
});

test('a loss tf.layers lacks, or one on logits, is left unset with a note', () => {
  const logits = readModelFile(
    { ...keras2Functional, training_config: { loss: { class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true } } } },
    'f.json',
  );
  assert.equal(logits.loss, undefined);
  assert.match(logits.notes?.join(' ') ?? '', /from_logits=True/);
  const huber = readModelFile({ ...keras2Functional, training_config: { loss: 'huber' } }, 'f.json');
  assert.equal(huber.loss, undefined);
  assert.match(huber.notes?.join(' ') ?? '', /"huber"/);
});

// ---- Errors ---------------------------------------------------------------------------------

/** keras3Residual with one layer's config fields replaced. */
function residualWith(layerName: string, change: (layer: Dict) => Dict): Dict {
  const copy = structuredClone(keras3Residual) as Dict;
  const config = copy.config as Dict;
  config.layers = (config.layers as Dict[]).map((layer) => (layer.name === layerName ? change(layer) : layer));
  return copy;
}

const withConfig = (fields: Dict) => (layer: Dict) => ({ ...layer, config: { ...(layer.config as Dict), ...fields } });

test('errors name the file, the layer, its path in nested models, and the field', () => {
  const causal = structuredClone(keras3Nested) as Dict;
  const backboneLayers = (((causal.config as Dict).layers as Dict[])[1].config as Dict).layers as Dict[];
  backboneLayers[1] = withConfig({ padding: 'causal' })(backboneLayers[1]);
  assert.throws(() => readModelFile(causal, 'model.json'), {
    name: 'ModelFileError',
    message: 'model.json: layer "backbone/conv" (Conv2D): field "padding" is "causal", which TensorFlow.js 4.22 does not support for Conv2D',
  });
  assert.throws(() => readModelFile(residualWith('dense_a', withConfig({ activation: 'leaky_relu' })), 'r.json'), {
    message: 'r.json: layer "dense_a" (Dense): field "activation" is "leaky_relu", an activation TensorFlow.js 4.22 does not have',
  });
  assert.throws(
    () => readModelFile(residualWith('add', (layer) => ({ ...layer, class_name: 'Subtract' })), 'r.json'),
    /r\.json: layer "add" \(Subtract\): field "class_name" is "Subtract", a layer kind TensorFlow\.js 4\.22 does not have/,
  );
  assert.throws(() => readModelFile(residualWith('dense_b', withConfig({ kernel_regularizer: { class_name: 'OrthogonalRegularizer', config: {} } })), 'r.json'), /layer "dense_b" \(Dense\): field "kernel_regularizer" is OrthogonalRegularizer/);
  assert.throws(() => readModelFile(residualWith('dense_b', withConfig({ dtype: { class_name: 'QuantizedDTypePolicy', config: { mode: 'int8', source_name: 'float32' } } })), 'r.json'), /layer "dense_b" \(Dense\): field "dtype"/);
});

test('Keras features tfjs would ignore or refuse without naming the layer are errors naming it', () => {
  const cases: [string, (layer: Dict) => Dict, RegExp][] = [
    ['dense_a', withConfig({ lora_rank: 4 }), /layer "dense_a" \(Dense\): field "lora_rank" is 4, a LoRA layer/],
    ['input_layer', withConfig({ sparse: true }), /layer "input_layer" \(InputLayer\): field "sparse" is true/],
    ['add', (layer) => ({ ...layer, class_name: 'GRU', config: { name: 'add', units: 3, reset_after: true } }), /layer "add" \(GRU\): field "reset_after" is true, which TensorFlow\.js 4\.22 does not support for GRU/],
    ['add', (layer) => ({ ...layer, class_name: 'ReLU', config: { name: 'add', max_value: 6, negative_slope: 0.1, threshold: 0 } }), /layer "add" \(ReLU\): field "negative_slope" is 0\.1/],
    ['add', (layer) => ({ ...layer, class_name: 'Dense', config: { name: 'add', output_dim: 3, init: 'glorot_uniform' } }), /layer "add" \(Dense\): field "units" is missing.*Keras 1/],
  ];
  for (const [name, change, message] of cases) assert.throws(() => readModelFile(residualWith(name, change), 'r.json'), message);
});

test('model-level errors: not an object, no topology, a single layer, a bad endpoint, a broken Keras 3 call', () => {
  assert.throws(() => readModelFile([1, 2], 'a.json'), /^Error: a\.json: expected a JSON object .* but the file holds \[1,2\]$|a\.json: expected a JSON object/);
  assert.throws(() => readModelFile('text', 'a.json'), /a\.json: expected a JSON object.*"text"/);
  assert.throws(() => readModelFile({ weightsManifest: [] }, 'b.json'), /b\.json: no model topology found: expected "class_name" and "config".*"weightsManifest"/);
  assert.throws(() => readModelFile({ modelTopology: 3 }, 'c.json'), /c\.json: field "modelTopology" is 3/);
  assert.throws(() => readModelFile({ class_name: 'Dense', config: { units: 2 } }, 'd.json'), /d\.json: field "class_name" is "Dense": the file holds one layer, not a model/);
  const badOutput = structuredClone(keras3Residual) as Dict;
  (badOutput.config as Dict).output_layers = ['nowhere', 0, 0];
  assert.throws(() => readModelFile(badOutput, 'e.json'), /e\.json: the model \(Functional\): field "output_layers" names layer "nowhere", which the model does not have/);
  const constantArg = residualWith('out', (layer) => ({ ...layer, inbound_nodes: [call([k3Tensor('concatenate', [null, 24]), 2.5])] }));
  assert.throws(() => readModelFile(constantArg, 'f.json'), /f\.json: layer "out" \(Dense\): field "inbound_nodes" passes 2\.5 to the layer/);
  const subclassed = { class_name: 'Model', config: { name: 'my_model', trainable: true } };
  assert.throws(() => readModelFile(subclassed, 'g.json'), /g\.json: the model \(Model\): field "layers" is missing: a subclassed Keras model/);
});

test('the input object is never changed', () => {
  for (const file of [keras3Sequential, keras3Residual, keras3Nested, keras2Functional, converterModelJson]) {
    const before = structuredClone(file);
    const parts = readModelFile(file, 'x.json');
    assert.deepEqual(file, before);
    // And the result shares nothing with it: changing one leaves the other alone.
    ((parts.topology.config as Dict).layers as Dict[])[0].config = {};
    assert.deepEqual(file, before);
  }
});

// ---- The corpus of real files ---------------------------------------------------------------

interface CorpusEntry {
  file: string;
  format?: string;
  /** Input shape(s) without the batch dimension: one shape, or a list for several inputs. */
  inputShape?: unknown;
  /** How many outputs the model has. */
  outputs?: number;
  [key: string]: unknown;
}

const corpusDir = path.join(process.env.INITLAB_REPO_ROOT ?? process.cwd(), 'test', 'fixtures', 'models');
const corpusList = path.join(corpusDir, 'corpus.json');

test('every corpus file: readModelFile + modelFromJSON, listing which fail and why', { skip: !fs.existsSync(corpusList) && 'no test/fixtures/models/corpus.json yet' }, async () => {
  const entries = JSON.parse(fs.readFileSync(corpusList, 'utf8')) as CorpusEntry[];
  const results: string[] = [];
  const unexpected: string[] = [];
  for (const entry of entries) {
    const outcome = await tryCorpusFile(entry);
    results.push(`${outcome.ok ? 'loads' : 'FAILS'}  ${entry.file} [${entry.format ?? '?'}]${outcome.detail === '' ? '' : `: ${outcome.detail}`}`);
    if (!outcome.ok && !outcome.explained) unexpected.push(`${entry.file}: ${outcome.detail}`);
    if (outcome.ok && outcome.mismatch !== '') unexpected.push(`${entry.file}: ${outcome.mismatch}`);
  }
  console.log(`corpus (${entries.length} files):\n  ${results.join('\n  ')}`);
  // A file may fail only with the reader's own error (it names layer and field); an error from
  // tfjs itself means the reader let through something tfjs cannot build.
  assert.deepEqual(unexpected, []);
});

interface CorpusOutcome {
  ok: boolean;
  /** A failure with the reader's own error (naming layer and field), not tfjs's. */
  explained: boolean;
  detail: string;
  /** For a file that loads: how it differs from corpus.json (format, input shapes, output count). */
  mismatch: string;
}

async function tryCorpusFile(entry: CorpusEntry): Promise<CorpusOutcome> {
  let parts: ModelFileParts;
  try {
    parts = readModelFile(JSON.parse(fs.readFileSync(path.join(corpusDir, entry.file), 'utf8')) as unknown, entry.file);
  } catch (err) {
    const error = err as Error;
    return { ok: false, explained: error.name === 'ModelFileError', detail: error.message, mismatch: '' };
  }
  let model: tfjs.LayersModel;
  try {
    model = await build(parts);
  } catch (err) {
    return { ok: false, explained: false, detail: `tfjs: ${(err as Error).message.split('\n')[0]}`, mismatch: '' };
  }
  const inputs = shapes(model.inputs).map((shape) => shape.slice(1));
  const detail = `${parts.format}, ${model.layers.length} layers, ${model.countParams()} params, in ${JSON.stringify(shapes(model.inputs))} out ${JSON.stringify(shapes(model.outputs))}${parts.loss === undefined ? '' : `, loss ${JSON.stringify(parts.loss)}`}`;
  const mismatch = corpusMismatch(entry, parts.format, inputs, model.outputs.length);
  model.dispose();
  return { ok: true, explained: true, detail, mismatch };
}

/** Teachable Machine's files are tfjs-layers model.json files; the reader has no format of its own for them. */
function corpusMismatch(entry: CorpusEntry, format: string, inputs: (number | null)[][], outputs: number): string {
  const problems: string[] = [];
  const expectedFormat = entry.format === 'teachable-machine' ? 'tfjs-layers' : entry.format;
  if (expectedFormat !== undefined && expectedFormat !== format) problems.push(`format ${format}, corpus says ${expectedFormat}`);
  if (entry.inputShape !== undefined) {
    const expected = inputs.length === 1 ? inputs[0] : inputs;
    if (JSON.stringify(expected) !== JSON.stringify(entry.inputShape)) problems.push(`input ${JSON.stringify(expected)}, corpus says ${JSON.stringify(entry.inputShape)}`);
  }
  if (entry.outputs !== undefined && entry.outputs !== outputs) problems.push(`${outputs} outputs, corpus says ${entry.outputs}`);
  return problems.join('; ');
}
