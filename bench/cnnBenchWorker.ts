/**
 * One benchmark process for the CNN rows of `npm run bench`: MNIST images [N, 28, 28, 1] through a
 * tf.layers CNN (conv 3×3 16, conv 3×3 32 stride 2, conv 3×3 64 stride 2, each with BatchNorm and
 * ReLU, then global average pooling, dense 10 with softmax, categorical cross-entropy).
 *
 *   pass   one forward and backward (BatchNorm with batch statistics), no statistics
 *   probe  the same pass through probe(model).step(x, y): every layer's statistics
 *   fit    one epoch of model.fit, batch 128, SGD at 0.01
 *
 * Prints one JSON line: the median of `rounds` timed runs after a warm-up (fit: one epoch, after
 * a one-batch warm-up), and the process's peak RSS.
 *
 *   node out/bench/cnnBenchWorker.js <pass|probe|fit> <images> <rounds>
 */
import { engineInfo, initEngine, tf } from '../src/kernel/engine/engine';
import { mnist } from '../src/kernel/toolkit/data/mnist';
import { probe } from '../src/kernel/toolkit/probe/probe';

function buildCnn(): ReturnType<typeof tf.sequential> {
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

async function main(): Promise<void> {
  const [mode = 'probe', imagesText = '10000', roundsText = '3'] = process.argv.slice(2);
  const images = Number(imagesText);
  await initEngine();
  const model = buildCnn();
  const set = mnist({ subset: images });
  const x = tf.reshape(set.xTrain, [-1, 28, 28, 1]);
  const y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);
  const loss = (model as unknown as { model: { lossFunctions: ((a: unknown, b: unknown) => never)[] } }).model.lossFunctions[0];
  const runs: Record<string, () => Promise<void> | void> = {
    pass: () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(loss(y, model.apply(x, { training: true }))) as never);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    probe: () => {
      probe(model, { dataGrad: false }).step(x, y);
    },
    fit: async () => {
      await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
    },
  };
  const run = runs[mode];
  if (!run) throw new Error(`unknown mode ${mode}: pass, probe or fit`);
  const timed = async () => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  if (mode === 'fit') await model.fit(tf.slice(x, 0, 128), tf.slice(y, 0, 128), { epochs: 1, batchSize: 128, verbose: 0 });
  else await timed();
  const times: number[] = [];
  for (let i = 0; i < (mode === 'fit' ? 1 : Number(roundsText)); i++) times.push(await timed());
  times.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ backend: `${engineInfo().backend} (${engineInfo().threads ?? 1} threads)`, mode, images, medianMs: times[Math.floor(times.length / 2)], timesMs: times.map(Math.round), peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

void main();
