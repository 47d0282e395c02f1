/** The networks the benches time, built the same way in every worker (their PyTorch twins are in bench/*_torch.py). */
import { tf } from '../src/toolkit/engine/engine';

/** conv 3×3 16, conv 3×3 32 stride 2, conv 3×3 64 stride 2, each with BatchNorm and ReLU, GAP, dense 10 softmax. */
export function buildCnn(): ReturnType<typeof tf.sequential> {
  const L = tf.layers;
  const block = (filters: number, strides: number, first: boolean) => [
    L.conv2d({ ...(first ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: 'heNormal' }),
    L.batchNormalization(),
    L.activation({ activation: 'relu' }),
  ];
  const model = tf.sequential({ layers: [...block(16, 1, true), ...block(32, 2, false), ...block(64, 2, false), L.globalAveragePooling2d({}), L.dense({ units: 10, activation: 'softmax' })] });
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
