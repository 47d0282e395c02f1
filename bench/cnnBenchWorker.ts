/**
 * One benchmark process for the CNN rows of `npm run bench`: MNIST images [N, 28, 28, 1] through a
 * tf.layers CNN (conv 3×3 16, conv 3×3 32 stride 2, conv 3×3 64 stride 2, each with BatchNorm and
 * ReLU, then global average pooling, dense 10 with softmax, categorical cross-entropy).
 *
 *   pass   one forward and backward (BatchNorm with batch statistics), no statistics: tf's own
 *          autodiff of the whole model, which keeps every activation and gradient at once. On
 *          the WASM engine it needs about 1.9 MB per image (3.8 GB resident at 2,000), so above
 *          MAX_WASM_PASS_IMAGES it is not run and says why: it would fill the 4 GiB heap and stall.
 *   probe  the same pass through probe(model).step(x, y): every layer's statistics, layer by
 *          layer, so it fits the heap at 10,000 images
 *   fit    one epoch of model.fit, batch 128, SGD at 0.01
 *
 * Prints one JSON line: the median of `rounds` timed runs after a warm-up (fit: one epoch, after
 * a one-batch warm-up), the process's peak RSS and the WASM engine's heap.
 *
 *   node out/bench/cnnBenchWorker.js <pass|probe|fit> <images> <rounds>
 */
import type * as tfjs from '@tensorflow/tfjs';
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';
import { mnist } from '../src/toolkit/data/mnist';
import { probe } from '../src/toolkit/probe/probe';
import { buildCnn } from './benchModels';

/** The WASM engine's heap, which grows to its high-water mark and never shrinks (at most 4 GiB). */
function engineHeapMb(): number | undefined {
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8;
  return heap && Math.round(heap.length / 2 ** 20);
}

const MAX_WASM_PASS_IMAGES = 2_500;
const WARM_UP_IMAGES = 500;

async function main(): Promise<void> {
  const [mode = 'probe', imagesText = '10000', roundsText = '3'] = process.argv.slice(2);
  const images = Number(imagesText);
  await initEngine();
  if (mode === 'pass' && engineInfo().backend === 'wasm' && images > MAX_WASM_PASS_IMAGES) {
    const note = `not run: tf's autodiff of the whole model keeps every activation and gradient at once, about 1.9 MB per image, more than the 4 GiB WASM heap holds above ${MAX_WASM_PASS_IMAGES.toLocaleString('en-US')} images`;
    process.stdout.write(`${JSON.stringify({ note })}\n`);
    return;
  }
  const model = buildCnn();
  const set = mnist({ subset: images });
  const x = tf.reshape(set.xTrain, [-1, 28, 28, 1]);
  const y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);
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
  // The warm-up is a pass on the first 500 images, not the whole batch: after one 10,000-image
  // probe the engine's 4 GiB heap is too fragmented for a second (cnn_torch.py does the same).
  if (mode === 'fit') await model.fit(tf.slice(x, 0, 128), tf.slice(y, 0, 128), { epochs: 1, batchSize: 128, verbose: 0 });
  else await run(tf.slice(x, 0, Math.min(images, WARM_UP_IMAGES)), tf.slice(y, 0, Math.min(images, WARM_UP_IMAGES)));
  const times: number[] = [];
  for (let i = 0; i < (mode === 'fit' ? 1 : Number(roundsText)); i++) times.push(await timed());
  times.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ backend: `${engineInfo().backend} (${engineInfo().threads ?? 1} threads)`, mode, images, medianMs: times[Math.floor(times.length / 2)], timesMs: times.map(Math.round), peakRssMb: process.resourceUsage().maxRSS / 1024, engineHeapMb: engineHeapMb() })}\n`,
  );
}

void main();
