/**
 * One process of the training rows of `npm run bench -- --only train`: `steps` training steps
 * (a tf.train optimizer's `minimize`, written by hand, batches of 64 drawn from 4,096 MNIST
 * images) on the lesson's MLP (784-100-100-100-10, ReLU, Kaiming) or the CNN of the CNN rows,
 * with nothing recorded, or through `record(model, step, { every, live: false })` every step,
 * every 10 steps or every: 'auto' (the default). Every variant calls the same step function and
 * reads its loss each step (as `record` does), so the difference is the recording alone.
 *
 * Prints one JSON line: the median of `rounds` timed runs after a warm-up (a short recording in
 * every variant, so the probe's code is compiled and the WASM heap grown), and, for the median
 * run, the record's own split of its time (`timing.trainingMs`, `timing.recordingMs`), the
 * `every` it ended with and how many steps it recorded.
 *
 *   node out/bench/trainBenchWorker.js <mlp|cnn> <none|1|10|auto> <steps> <rounds> [sgd|adam]
 */
import type * as tfjs from '@tensorflow/tfjs';
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';
import { mnist } from '../src/toolkit/data/mnist';
import { record } from '../src/toolkit/watch/record';
import type { WatchRecord } from '../src/toolkit/watch/watchRecord';
import { buildCnn, buildMlp } from './benchModels';

const IMAGES = 4_096;
const BATCH = 64;
const WARM_UP_STEPS = 5;

/** A seeded stream of batch indices, the same in every process (a small LCG: the draw is not what is timed). */
function batches(rows: number, seed: number): () => tfjs.Tensor1D {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return () => tf.tensor1d(Array.from({ length: BATCH }, () => Math.floor(next() * rows)), 'int32');
}

async function main(): Promise<void> {
  const [net = 'mlp', variant = 'none', stepsText = '200', roundsText = '3', optimizerName = 'sgd'] = process.argv.slice(2);
  if (!['mlp', 'cnn'].includes(net) || !['none', '1', '10', 'auto'].includes(variant) || !['sgd', 'adam'].includes(optimizerName)) {
    throw new Error(`usage: trainBenchWorker <mlp|cnn> <none|1|10|auto> <steps> <rounds> [sgd|adam], got ${process.argv.slice(2).join(' ')}`);
  }
  const steps = Number(stepsText);
  await initEngine();
  const set = mnist({ subset: IMAGES });
  const x = net === 'cnn' ? tf.reshape(set.xTrain, [-1, 28, 28, 1]) : set.xTrain;
  const y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);
  const model = net === 'cnn' ? buildCnn() : buildMlp();
  const optimizer = optimizerName === 'adam' ? tf.train.adam(0.001) : tf.train.sgd(0.01);
  const nextBatch = batches(IMAGES, 1);

  // The hand-written step every variant runs: the same as a cell's
  // `() => optimizer.minimize(() => loss, true)`.
  const step = (): tfjs.Scalar => {
    const rows = nextBatch();
    try {
      return optimizer.minimize(() => {
        const xb = tf.gather(x, rows);
        const yb = tf.gather(y, rows);
        return tf.mean(tf.metrics.categoricalCrossentropy(yb, model.apply(xb, { training: true }) as tfjs.Tensor)) as tfjs.Scalar;
      }, true)!;
    } finally {
      rows.dispose();
    }
  };
  const plain = (n: number): void => {
    for (let i = 1; i <= n; i++) {
      const loss = step();
      // record reads every step's loss (and so waits for the engine): so does the plain loop.
      loss.dataSync();
      loss.dispose();
    }
  };
  const every = variant === 'auto' ? 'auto' : Number(variant);
  const run = async (n: number): Promise<WatchRecord | undefined> => {
    if (variant === 'none') {
      plain(n);
      return undefined;
    }
    return record(model, step, { x, y, steps: n, every, live: false });
  };

  // The warm-up records in every variant, the unrecorded one too, so that all start from the same
  // engine state (code compiled, WASM heap grown by the probe's tensors), as PyTorch's do.
  await record(model, step, { x, y, steps: WARM_UP_STEPS, every: WARM_UP_STEPS, live: false });
  const runs: { ms: number; rec?: WatchRecord }[] = [];
  for (let i = 0; i < Number(roundsText); i++) {
    const started = performance.now();
    const rec = await run(steps);
    runs.push({ ms: performance.now() - started, rec });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(runs.length / 2)];
  const rec = median.rec;
  process.stdout.write(
    `${JSON.stringify({
      backend: `${engineInfo().backend} (${engineInfo().threads ?? 1} threads${engineInfo().relaxedSimd ? ', relaxed SIMD' : ''})`,
      net,
      variant,
      optimizer: optimizerName,
      steps,
      medianMs: median.ms,
      timesMs: runs.map((r) => Math.round(r.ms)),
      every: rec?.every,
      recordedSteps: rec ? new Set(rec.stats.map((s) => s.step)).size : 0,
      trainingMs: rec?.timing.trainingMs,
      recordingMs: rec?.timing.recordingMs,
      tensors: tf.memory().numTensors,
      engineHeapMb: ((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0) / 2 ** 20,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
