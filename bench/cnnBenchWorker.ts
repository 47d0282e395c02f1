/**
 * One benchmark process for the convolutional rows of `npm run bench`, on one of two networks
 * (bench/benchModels.ts; their PyTorch twins are bench/cnn_torch.py and bench/mobilenet_torch.py):
 *
 *   cnn        MNIST images [N, 28, 28, 1] through buildCnn (conv 3×3 16, conv 3×3 32 stride 2,
 *              conv 3×3 64 stride 2, each with BatchNorm and ReLU, then global average pooling,
 *              dense 10 with softmax, categorical cross-entropy)
 *   mobilenet  N(0, 1) images [N, 224, 224, 3] with random labels through buildMobileNetV1
 *
 *   pass   one forward and backward (BatchNorm with batch statistics), no statistics: tf's own
 *          autodiff of the whole model, which keeps every activation and gradient at once. On
 *          the WASM engine the CNN needs about 1.9 MB per image (3.8 GB resident at 2,000), so
 *          above MAX_WASM_PASS_IMAGES it is not run and says why: it would fill the 4 GiB heap
 *          and stall.
 *   probe  the same pass through probe(model).step(x, y): every layer's statistics, layer by
 *          layer, so it fits the heap at 10,000 images
 *   fit    one epoch of model.fit, batch 128, SGD at 0.01
 *
 * Prints one JSON line: the median of `rounds` timed runs after a warm-up (fit: one epoch, after
 * a one-batch warm-up), the process's peak RSS and the WASM engine's heap.
 *
 *   node out/bench/cnnBenchWorker.js <cnn|mobilenet> <pass|probe|fit> <images> <rounds>
 */
import type * as tfjs from '@tensorflow/tfjs';
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';
import { mnist } from '../src/toolkit/data/mnist';
import { probe } from '../src/toolkit/probe/probe';
import { buildCnn, buildMobileNetV1 } from './benchModels';

/** The WASM engine's heap, which grows to its high-water mark and never shrinks (at most 4 GiB). */
function engineHeapMb(): number | undefined {
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8;
  return heap && Math.round(heap.length / 2 ** 20);
}

/** Above these many images tf's whole-model autodiff does not fit the WASM engine's 4 GiB heap (MobileNet: 1.3 GB at 4 images). */
const MAX_WASM_PASS_IMAGES: Record<string, number> = { cnn: 2_500, mobilenet: 8 };
/** The warm-up's batch: enough to compile every kernel and grow the heap. */
const WARM_UP_IMAGES: Record<string, number> = { cnn: 500, mobilenet: 2 };

/** The network's inputs and one-hot targets. */
function data(net: string, images: number): { x: tfjs.Tensor; y: tfjs.Tensor } {
  if (net === 'mobilenet') return { x: tf.randomNormal([images, 224, 224, 3], 0, 1, 'float32', 1), y: tf.oneHot(tf.randomUniform([images], 0, 1000, 'int32', 2), 1000) };
  const set = mnist({ subset: images });
  return { x: tf.reshape(set.xTrain, [-1, 28, 28, 1]), y: tf.oneHot(tf.cast(set.yTrain, 'int32'), 10) };
}

async function main(): Promise<void> {
  const [net = 'cnn', mode = 'probe', imagesText = '10000', roundsText = '3'] = process.argv.slice(2);
  if (!['cnn', 'mobilenet'].includes(net)) throw new Error(`unknown network ${net}: cnn or mobilenet`);
  const images = Number(imagesText);
  await initEngine();
  if (mode === 'pass' && engineInfo().backend === 'wasm' && images > MAX_WASM_PASS_IMAGES[net]) {
    const note = `not run: tf's autodiff of the whole model keeps every activation and gradient at once, more than the 4 GiB WASM heap holds above ${MAX_WASM_PASS_IMAGES[net].toLocaleString('en-US')} images`;
    process.stdout.write(`${JSON.stringify({ note })}\n`);
    return;
  }
  const model = net === 'cnn' ? buildCnn() : buildMobileNetV1();
  const { x, y } = data(net, images);
  const loss = (model as unknown as { model: { lossFunctions: ((a: unknown, b: unknown) => never)[] } }).model.lossFunctions[0];
  const runs: Record<string, (xs?: tfjs.Tensor, ys?: tfjs.Tensor) => Promise<void> | void> = {
    pass: (xs = x, ys = y) => {
      const { value, grads } = tf.variableGrads(() => tf.mean(loss(ys, model.apply(xs, { training: true }))) as never);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    probe: (xs = x, ys = y) => {
      probe(model, { dataGrad: false }).step(xs, ys);
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
  // The warm-up is a pass on the first few images, not the whole batch: it compiles every kernel
  // and builds XNNPACK's operators in a few seconds, where a whole pass would take as long as the
  // measured one (the PyTorch side does the same).
  const warmUp = Math.min(images, WARM_UP_IMAGES[net]);
  if (mode === 'fit') await model.fit(tf.slice(x, 0, 128), tf.slice(y, 0, 128), { epochs: 1, batchSize: 128, verbose: 0 });
  else await run(tf.slice(x, 0, warmUp), tf.slice(y, 0, warmUp));
  const times: number[] = [];
  for (let i = 0; i < (mode === 'fit' ? 1 : Number(roundsText)); i++) times.push(await timed());
  times.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ backend: `${engineInfo().backend} (${engineInfo().threads ?? 1} threads${engineInfo().relaxedSimd ? ', relaxed SIMD' : ''})`, net, mode, images, medianMs: times[Math.floor(times.length / 2)], timesMs: times.map(Math.round), peakRssMb: process.resourceUsage().maxRSS / 1024, engineHeapMb: engineHeapMb() })}\n`,
  );
}

void main();
