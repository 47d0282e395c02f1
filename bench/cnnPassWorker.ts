/**
 * One benchmark process: a tf.layers CNN in training mode, forward and backward on MNIST-sized
 * images [N, 28, 28, 1] ~ N(0, 1): conv 3x3 16, conv 3x3 32 stride 2, conv 3x3 64 stride 2, each
 * with BatchNorm and ReLU, then global average pooling and dense 10, softmax cross-entropy.
 * Prints one JSON line: the median of `rounds` timed passes after a warm-up, peak RSS, and with
 * `--profile` the kernels that took the time in one more pass (tf.profile).
 *
 *   node out/bench/cnnPassWorker.js <images> <rounds> [--profile]
 */
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';

function buildCnn(): ReturnType<typeof tf.sequential> {
  const L = tf.layers;
  const block = (filters: number, strides: number, first: boolean) => [
    L.conv2d({ ...(first ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: 3, strides, padding: 'same', useBias: false }),
    L.batchNormalization(),
    L.activation({ activation: 'relu' }),
  ];
  return tf.sequential({ layers: [...block(16, 1, true), ...block(32, 2, false), ...block(64, 2, false), L.globalAveragePooling2d({}), L.dense({ units: 10 })] });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [imagesText = '1000', roundsText = '3'] = args.filter((a) => !a.startsWith('--'));
  const images = Number(imagesText);
  await initEngine();
  const model = buildCnn();
  const x = tf.randomNormal([images, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([images], 0, 10, 'int32', 2), 10));
  const pass = () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as never) as never);
    // Reading one number waits for the engine, as a cell that prints a result would.
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const timed = () => {
    const started = performance.now();
    pass();
    return performance.now() - started;
  };
  timed(); // warm-up: kernels set up, WASM heap grown
  const times = Array.from({ length: Number(roundsText) }, timed).sort((a, b) => a - b);
  const result: Record<string, unknown> = {
    backend: engineInfo().backend,
    threads: engineInfo().threads,
    images,
    medianMs: Math.round(times[Math.floor(times.length / 2)]),
    timesMs: times.map(Math.round),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (args.includes('--profile')) {
    const profile = await tf.profile(pass);
    const byKernel = new Map<string, number>();
    for (const k of profile.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    result.kernelMs = Object.fromEntries([...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, ms]) => [name, Math.round(ms)]));
    result.kernelTotalMs = Math.round(total);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
