/**
 * One process of the training rows of `npm run bench`: `steps` steps of plain SGD (lr 0.01,
 * batches of 64 drawn from 4,096 MNIST images) on the lesson's MLP or the CNN of the CNN rows,
 * with nothing recorded, or with `record(...)` every step, every 10 steps, or every: 'auto'.
 * Every variant runs the same step function (sgdSteps), so the difference is the recording.
 *
 * Prints one JSON line: the median of `rounds` timed runs after a warm-up of 10 steps (and one
 * short recording, so the probe's code is warm too), the chosen `every`, and the record's own
 * split of its time (training steps and recording).
 *
 *   node out/bench/recordBenchWorker.js <mlp|cnn> <none|1|10|auto> <steps> <rounds>
 */
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';
import { mnist } from '../src/toolkit/data/mnist';
import { record } from '../src/toolkit/watch/record';
import { sgdSteps } from '../src/toolkit/watch/sgdSteps';
import { buildCnn, buildMlp } from './benchModels';

const IMAGES = 4_096;

async function main(): Promise<void> {
  const [net = 'mlp', variant = 'none', stepsText = '200', roundsText = '3'] = process.argv.slice(2);
  const steps = Number(stepsText);
  await initEngine();
  const set = mnist({ subset: IMAGES });
  const x = net === 'cnn' ? tf.reshape(set.xTrain, [-1, 28, 28, 1]) : set.xTrain;
  const y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);
  const model = net === 'cnn' ? buildCnn() : buildMlp();
  const step = sgdSteps(model, x, y, { lr: 0.01, batchSize: 64, seed: 0 });
  const every = variant === 'auto' ? 'auto' : Number(variant);
  const run = async (n: number) => {
    if (variant === 'none') for (let i = 1; i <= n; i++) step(i);
    else return record(model, step, { x, y, steps: n, every, live: false });
    return undefined;
  };
  await run(10);
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof run>>;
  for (let i = 0; i < Number(roundsText); i++) {
    const started = performance.now();
    last = await run(steps);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const timing = last?.timing;
  process.stdout.write(
    `${JSON.stringify({ backend: `${engineInfo().backend} (${engineInfo().threads ?? 1} threads)`, net, variant, steps, medianMs: times[Math.floor(times.length / 2)], timesMs: times.map(Math.round), every: last?.every, recordingShare: timing && timing.recordingMs / timing.trainingMs, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

void main();
