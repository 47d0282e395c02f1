/**
 * One benchmark process: the lesson pass (x [50000, 784] ~ N(0, 1) through a 784-100-100-100-1
 * ReLU MLP with MSE, forward and hand-written backward), optionally with every layer's probe
 * statistics. Prints one JSON line: the median of `rounds` timed passes after a warm-up, the
 * backend, and the process's peak RSS. scripts/bench.mjs runs one of these per variant.
 *
 *   node out/bench/lessonPassWorker.js <pass|probe> <rounds>
 */
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';
import * as nn from '../src/toolkit/nn';
import { probe } from '../src/toolkit/probe/probe';

async function main(): Promise<void> {
  const [mode = 'pass', roundsText = '3'] = process.argv.slice(2);
  await initEngine();
  const x = tf.randomNormal([50000, 784], 0, 1, 'float32', 1);
  const y = tf.randomNormal([50000], 0, 1, 'float32', 2);
  const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 3 });
  const p = probe(model);
  const once = () => {
    const started = performance.now();
    if (mode === 'probe') {
      p.step(x, y);
    } else {
      model.forward(x, y);
      model.backward();
      // Reading one number waits for the engine, as a cell that prints a result would.
      tf.tidy(() => tf.sum(model.linears()[0].w.g!).dataSync());
    }
    const ms = performance.now() - started;
    model.release();
    return ms;
  };
  once(); // warm-up: kernels compiled, WASM heap grown
  const times = Array.from({ length: Number(roundsText) }, once).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  process.stdout.write(`${JSON.stringify({ backend: engineInfo().backend, mode, medianMs: median, timesMs: times, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

void main();
