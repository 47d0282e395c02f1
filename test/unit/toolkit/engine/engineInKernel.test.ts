// The engine's kernels as a notebook user meets them, in the real kernel process: a tf.layers CNN
// trains on WASM with the CPU backend's gradients, a kernel that falls back on the CPU backend
// says so once, and a missing kernel's error explains itself.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { NbOutput } from '../../../../src/shared/notebookFormat';
import { KernelClient } from '../../../../src/host/kernelClient';
import { kernelEntry } from '../../support/kernelBuild';

let client: KernelClient;

before(async () => {
  client = new KernelClient({ entry: await kernelEntry() });
});
after(() => client.dispose());

async function run(code: string) {
  const outputs: NbOutput[] = [];
  const result = await client.execute('cell', code, { onOutput: (o) => outputs.push(o) });
  const stream = (name: string) =>
    outputs
      .filter((o) => o.output_type === 'stream' && o.name === name)
      .map((o) => (o.output_type === 'stream' ? (typeof o.text === 'string' ? o.text : o.text.join('')) : ''))
      .join('');
  const value = outputs.map((o) => (o.output_type === 'execute_result' ? String(o.data['text/plain'] ?? '') : '')).join('');
  return { result, stdout: stream('stdout'), stderr: stream('stderr'), value };
}

test('a small tf.layers CNN trains on WASM (the loss falls) and its gradients equal the CPU backend’s', async () => {
  const cell = String.raw`
const L = tf.layers;
// Seeded initializers: the same network, and the same training curve, on every run.
const seeded = (seed) => tf.initializers.glorotUniform({ seed });
function build() {
  const m = tf.sequential({ layers: [
    L.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: seeded(1) }),
    L.batchNormalization(), L.activation({ activation: 'relu' }), L.maxPooling2d({ poolSize: 2 }),
    L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: seeded(2) }),
    L.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: seeded(3), pointwiseInitializer: seeded(4) }),
    L.globalAveragePooling2d({}), L.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(5) }),
  ] });
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return m;
}
const xs = Array.from({ length: 32 * 144 }, (_, i) => Math.sin(i * 0.37) + (Math.floor(i / 144) % 3) * Math.cos(i * 0.11));
const labels = Array.from({ length: 32 }, (_, i) => i % 3);
function gradients(model) {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, [32, 12, 12, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const { grads } = tf.variableGrads(() => tf.losses.logLoss(y, model.apply(x, { training: true })));
    return model.trainableWeights.map((w) => Array.from(grads[w.originalName].dataSync()));
  });
}
const wasmModel = build();
const onWasm = gradients(wasmModel);
// The same weights on both backends, as plain arrays.
const weights = wasmModel.getWeights().map((w) => ({ values: w.dataSync().slice(), shape: w.shape }));
await tf.setBackend('cpu');
const cpuModel = build();
cpuModel.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
const onCpu = gradients(cpuModel);
await tf.setBackend('wasm');
let worst = 0;
onCpu.forEach((g, k) => g.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - onWasm[k][i]) / (1e-3 + Math.abs(v))); }));
const history = await wasmModel.fit(tf.tensor4d(xs, [32, 12, 12, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 3), { epochs: 20, batchSize: 32, verbose: 0 });
console.log(JSON.stringify({ backend: tf.getBackend(), worst, count: onCpu.length, losses: history.history.loss }));`;
  const { result, stdout, stderr } = await run(cell);
  assert.equal(result.status, 'ok', JSON.stringify(result));
  assert.equal(stderr, '', 'no kernel fell back on the CPU backend');
  const { backend, worst, count, losses } = JSON.parse(stdout) as { backend: string; worst: number; count: number; losses: number[] };
  assert.equal(backend, 'wasm');
  assert.equal(count, 11, 'conv, depthwise and dense kernel + bias, BN gamma + beta, separable depthwise + pointwise + bias');
  assert.ok(worst < 1e-3, `gradients differ from the CPU backend's by ${worst} (relative)`);
  assert.ok(losses[19] < losses[0] * 0.85, `the loss fell: ${losses.map((l) => l.toFixed(3)).join(', ')}`);
});

test('a kernel the WASM engine lacks runs on the CPU backend’s, and says so once, in the cell and in engineInfo()', async () => {
  const first = await run("const a = tf.tensor2d([[1, 2], [3, 4]]);\ntf.einsum('ij,jk->ik', a, a).arraySync()");
  assert.equal(first.result.status, 'ok');
  assert.equal(first.value, '[ [ 7, 10 ], [ 15, 22 ] ]');
  assert.match(first.stderr, /The WASM engine has no 'Einsum' kernel: InitLab runs the CPU backend's on copies/);
  const second = await run("tf.einsum('ij,jk->ik', a, a).arraySync()");
  assert.equal(second.stderr, '', 'warned once per kernel');
  const info = await run('engineInfo().warnings.join("\\n")');
  assert.match(info.value, /no 'Einsum' kernel/);
});

test('an op whose kernel the engine lacks fails with an error that names the engine and kernel and says what to do', async () => {
  const { result } = await run('const re = tf.tensor1d([1, 2]);\nconst z = tf.complex(re, re);');
  assert.equal(result.status, 'error');
  const error = result.status === 'error' ? result.error : undefined;
  assert.match(error?.evalue ?? '', /^The WASM engine has no 'Complex' kernel, so this op cannot run on it\./);
  assert.match(error?.evalue ?? '', /INITLAB_BACKEND=cpu/);
  assert.match(error?.traceback[0] ?? '', /The WASM engine has no 'Complex' kernel/);
  assert.match(error?.traceback.join('\n') ?? '', /Cell \[\d+\]:2:/, 'the traceback still points at the cell line');
});
