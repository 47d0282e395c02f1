/**
 * The networks the benches time, built the same way in every worker (their PyTorch twins are in
 * bench/*_torch.py). With a seed, the initializers draw from seed, seed + 1, ... in layer order, so
 * the reference check (bench/probeCheckWorker.ts) compares the same weights from run to run.
 */
import { tf } from '../src/toolkit/engine/engine';

type Initializer = 'heNormal' | 'glorotUniform';

/** tf.layers' initializer by name, or the same one seeded (a fresh seed per call). */
function initializers(seed: number | undefined): (name: Initializer) => Initializer | ReturnType<typeof tf.initializers.heNormal> {
  let next = seed ?? 0;
  return (name) => (seed === undefined ? name : tf.initializers[name]({ seed: next++ }));
}

/** conv 3×3 16, conv 3×3 32 stride 2, conv 3×3 64 stride 2, each with BatchNorm and ReLU, GAP, dense 10 softmax. */
export function buildCnn(seed?: number): ReturnType<typeof tf.sequential> {
  const L = tf.layers;
  const init = initializers(seed);
  const block = (filters: number, strides: number, first: boolean) => [
    L.conv2d({ ...(first ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: init('heNormal') }),
    L.batchNormalization(),
    L.activation({ activation: 'relu' }),
  ];
  const model = tf.sequential({ layers: [...block(16, 1, true), ...block(32, 2, false), ...block(64, 2, false), L.globalAveragePooling2d({}), L.dense({ units: 10, activation: 'softmax', kernelInitializer: init('glorotUniform') })] });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

/** The lesson's MLP as a tf.layers model: 784-100-100-100-10, ReLU, Kaiming normal, softmax cross-entropy. */
export function buildMlp(): ReturnType<typeof tf.sequential> {
  const L = tf.layers;
  const hidden = (first: boolean) => L.dense({ ...(first ? { inputShape: [784] } : {}), units: 100, activation: 'relu', kernelInitializer: 'heNormal' });
  const model = tf.sequential({ layers: [hidden(true), hidden(false), hidden(false), L.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

/**
 * MobileNet v1 (alpha 1.0, depth multiplier 1) as Keras builds it, at 224 × 224 × 3: conv 3×3 32
 * stride 2, then 13 depthwise-separable blocks (depthwise 3×3, BatchNorm, ReLU6, pointwise 1×1,
 * BatchNorm, ReLU6) of 64, 128, 128, 256, 256, 512 ×6, 1024, 1024 channels (stride 2 at the
 * 2nd, 4th, 6th and 12th), global average pooling and dense 1000 with softmax: 4.2 M parameters,
 * 83 layers. Keras pads a stride-2 layer with ZeroPadding2D((0, 1), (0, 1)) and 'valid', which is
 * what 'same' does on these even sizes; its head (reshape, dropout, 1×1 conv, reshape) is a dense
 * layer here. No biases before BatchNorm, as Keras.
 */
export function buildMobileNetV1(seed?: number): ReturnType<typeof tf.sequential> {
  const L = tf.layers;
  const init = initializers(seed);
  const bnRelu6 = () => [L.batchNormalization(), L.reLU({ maxValue: 6 })];
  const blocks: [number, number][] = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  const model = tf.sequential({
    layers: [
      L.conv2d({ inputShape: [224, 224, 3], filters: 32, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init('glorotUniform') }),
      ...bnRelu6(),
      ...blocks.flatMap(([filters, strides]) => [
        L.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: init('glorotUniform') }),
        ...bnRelu6(),
        L.conv2d({ filters, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: init('glorotUniform') }),
        ...bnRelu6(),
      ]),
      L.globalAveragePooling2d({}),
      L.dense({ units: 1000, activation: 'softmax', kernelInitializer: init('glorotUniform') }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return model;
}
