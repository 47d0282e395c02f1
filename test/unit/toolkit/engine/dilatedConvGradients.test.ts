// The gradients of dilated convolutions (src/toolkit/engine/dilatedConvGradients.ts), which
// tfjs-core 4.22 refuses (tensorflow/tfjs#7906). Each op's gradients with respect to its input and
// filters are checked three ways: against central finite differences of a scalar loss, against
// the same gradients on the CPU backend, and against the package's own (undilated) gradients of
// the op with an explicitly zero-spread filter, on CPU. Every gradient computation must leave
// tf.memory().numTensors as it found it. At dilation 1 the package's gradient still runs.
import { before, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { originalGradient, registerDilatedConvGradients } from '../../../../src/toolkit/engine/dilatedConvGradients';
import type { Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs';

before(async () => {
  await initEngine();
  assert.equal(tf.getBackend(), 'wasm');
});

/** Deterministic values in [-1, 1), the same on every backend. */
function values(size: number, seed: number): Float32Array {
  const data = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return data;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A filter with (r − 1) zeros between its taps along `axis`, built from slices, zeros and concat:
 * a construction independent of the module's pad/reshape one, whose gradient is the package's.
 */
function spreadAxis(f: Tensor, axis: number, r: number): Tensor {
  if (r === 1) return f;
  const k = f.shape[axis];
  const gapShape = f.shape.map((s, i) => (i === axis ? r - 1 : s));
  const parts: Tensor[] = [];
  for (let i = 0; i < k; i++) {
    const begin = f.shape.map((_, a) => (a === axis ? i : 0));
    const size = f.shape.map((s, a) => (a === axis ? 1 : s));
    parts.push(tf.slice(f, begin, size));
    if (i < k - 1) parts.push(tf.zeros(gapShape));
  }
  return tf.concat(parts, axis);
}
const spread2d = (f: Tensor, rh: number, rw: number) => spreadAxis(spreadAxis(f, 0, rh), 1, rw);

interface Case {
  label: string;
  /** The op's inputs: the input first, then its filters (and bias). */
  shapes: number[][];
  /** The dilated op. */
  op: (t: Tensor[]) => Tensor;
  /** The same op at dilation 1 with its filters spread explicitly: its gradients are the package's. */
  reference: (t: Tensor[]) => Tensor;
}

type Pad2d = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Largest |a − b| over the largest |b|. */
function relativeError(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  assert.ok(scale > 0, 'the reference is not all zeros');
  return worst / scale;
}

/** The gradients of sum(op(inputs) · weights) on `backend`, with the tensor count checked. */
async function gradientsOn(backend: string, c: Case, which: 'op' | 'reference', inputData: Float32Array[], weights: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    const inputs = c.shapes.map((s, i) => tf.tensor(inputData[i], s));
    const outShape = tf.tidy(() => c.op(inputs).shape);
    const w = tf.tensor(weights, outShape);
    const tensorsBefore = tf.memory().numTensors;
    const grads = tf.grads((...t: Tensor[]) => tf.sum(tf.mul(c[which](t), w)))(inputs);
    const result = grads.map((g) => Float32Array.from(g.dataSync()));
    tf.dispose(grads);
    assert.equal(tf.memory().numTensors, tensorsBefore, `${c.label}: ${which} on ${backend} leaves no tensor behind`);
    tf.dispose([...inputs, w]);
    return result;
  } finally {
    await tf.setBackend('wasm');
  }
}

const EPS = 1e-2;

/**
 * Central differences of the loss, summed in float64 from the float32 outputs: the loss is linear
 * in each single input, so the difference is exact but for float32 rounding of the outputs.
 */
function finiteDifferences(c: Case, inputData: Float32Array[], weights: Float32Array): Float64Array[] {
  const loss = (data: Float32Array[]) => {
    const out = tf.tidy(() => c.op(c.shapes.map((s, i) => tf.tensor(data[i], s))).dataSync());
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i] * weights[i];
    return sum;
  };
  return inputData.map((data, k) => {
    const grad = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const shifted = inputData.map((d) => d.slice());
      shifted[k][i] = data[i] + EPS;
      const up = loss(shifted);
      shifted[k][i] = data[i] - EPS;
      grad[i] = (up - loss(shifted)) / (2 * EPS);
    }
    return grad;
  });
}

/** Worst relative errors seen, per comparison, for the report. */
const worst = { finiteDifferences: 0, cpu: 0, reference: 0 };

async function check(t: TestContext, c: Case, seed: number): Promise<void> {
  const inputData = c.shapes.map((s, i) => values(sizeOf(s), seed + 7 * i));
  const outShape = tf.tidy(() => c.op(c.shapes.map((s) => tf.zeros(s))).shape);
  const weights = values(sizeOf(outShape), seed + 101);
  const tensorsBefore = tf.memory().numTensors;
  const wasm = await gradientsOn('wasm', c, 'op', inputData, weights);
  const cpu = await gradientsOn('cpu', c, 'op', inputData, weights);
  const reference = await gradientsOn('cpu', c, 'reference', inputData, weights);
  const numeric = finiteDifferences(c, inputData, weights);
  assert.equal(tf.memory().numTensors, tensorsBefore, `${c.label}: no tensor leaked`);
  const errors = wasm.map((g, k) => ({
    finiteDifferences: relativeError(g, numeric[k]),
    cpu: relativeError(g, cpu[k]),
    reference: relativeError(g, reference[k]),
  }));
  errors.forEach((e, k) => {
    assert.ok(e.finiteDifferences < 1e-3, `${c.label}, input ${k}: off the finite differences by ${e.finiteDifferences}`);
    assert.ok(e.cpu < 1e-5, `${c.label}, input ${k}: off the CPU backend's by ${e.cpu}`);
    assert.ok(e.reference < 1e-5, `${c.label}, input ${k}: off the spread filter's by ${e.reference}`);
    worst.finiteDifferences = Math.max(worst.finiteDifferences, e.finiteDifferences);
    worst.cpu = Math.max(worst.cpu, e.cpu);
    worst.reference = Math.max(worst.reference, e.reference);
  });
  t.diagnostic(`${c.label}: ${errors.map((e) => `fd ${e.finiteDifferences.toExponential(1)}, cpu ${e.cpu.toExponential(1)}, ref ${e.reference.toExponential(1)}`).join(' | ')}`);
}

const CONV_2D_CASES: { pad: Pad2d; r: number | [number, number]; dimRoundingMode?: 'floor' }[] = [
  { pad: 'same', r: 2 },
  { pad: 'valid', r: 2 },
  { pad: 'same', r: 3 },
  { pad: 'valid', r: [2, 3] },
  { pad: 1, r: 2, dimRoundingMode: 'floor' },
  { pad: [[0, 0], [2, 1], [0, 3], [0, 0]], r: 2 },
];
const ratePair = (r: number | [number, number]): [number, number] => (typeof r === 'number' ? [r, r] : r);

test('tf.conv2d, dilations 2, 3 and [2, 3], every kind of padding: input and filter gradients', async (t) => {
  for (const { pad, r, dimRoundingMode } of CONV_2D_CASES) {
    const [rh, rw] = ratePair(r);
    await check(
      t,
      {
        label: `conv2d pad ${JSON.stringify(pad)} dilation ${r}`,
        shapes: [[2, 7, 9, 3], [3, 3, 3, 4]],
        op: ([x, f]) => tf.conv2d(x as Tensor4D, f as Tensor4D, 1, pad, 'NHWC', r, dimRoundingMode),
        reference: ([x, f]) => tf.conv2d(x as Tensor4D, spread2d(f, rh, rw) as Tensor4D, 1, pad, 'NHWC', 1, dimRoundingMode),
      },
      11,
    );
  }
});

test('tf.conv1d, dilations 2 and 3, same and valid: input and filter gradients', async (t) => {
  for (const [pad, r] of [['same', 2], ['valid', 2], ['same', 3]] as const) {
    await check(
      t,
      {
        label: `conv1d pad ${pad} dilation ${r}`,
        shapes: [[2, 13, 3], [3, 3, 4]],
        op: ([x, f]) => tf.conv1d(x as Tensor3D, f as Tensor3D, 1, pad, 'NWC', r),
        reference: ([x, f]) => tf.conv1d(x as Tensor3D, spreadAxis(f, 0, r) as Tensor3D, 1, pad, 'NWC', 1),
      },
      23,
    );
  }
});

test('tf.depthwiseConv2d, dilations 2 and 3, channel multiplier 1 and 2: input and filter gradients', async (t) => {
  for (const [pad, r, multiplier] of [['same', 2, 2], ['valid', 2, 1], ['valid', 3, 2], ['same', 3, 1]] as const) {
    await check(
      t,
      {
        label: `depthwiseConv2d pad ${pad} dilation ${r} multiplier ${multiplier}`,
        shapes: [[2, 7, 9, 3], [3, 3, 3, multiplier]],
        op: ([x, f]) => tf.depthwiseConv2d(x as Tensor4D, f as Tensor4D, 1, pad, 'NHWC', r),
        reference: ([x, f]) => tf.depthwiseConv2d(x as Tensor4D, spread2d(f, r, r) as Tensor4D, 1, pad, 'NHWC', 1),
      },
      37,
    );
  }
});

test('tf.separableConv2d, dilations 2 and 3: input, depthwise and pointwise filter gradients', async (t) => {
  for (const [pad, r] of [['same', 2], ['valid', 2], ['same', 3]] as const) {
    await check(
      t,
      {
        label: `separableConv2d pad ${pad} dilation ${r}`,
        shapes: [[2, 7, 9, 3], [3, 3, 3, 2], [1, 1, 6, 5]],
        op: ([x, d, p]) => tf.separableConv2d(x as Tensor4D, d as Tensor4D, p as Tensor4D, 1, pad, r),
        reference: ([x, d, p]) => tf.separableConv2d(x as Tensor4D, spread2d(d, r, r) as Tensor4D, p as Tensor4D, 1, pad, 1),
      },
      53,
    );
  }
});

test('tf.fused.conv2d with a bias and a linear activation (what tf.layers.conv2d runs), dilation 2: input, filter and bias gradients', async (t) => {
  for (const pad of ['same', 'valid'] as const) {
    await check(
      t,
      {
        label: `fused conv2d pad ${pad} dilation 2`,
        shapes: [[2, 7, 9, 3], [3, 3, 3, 4], [4]],
        op: ([x, f, b]) => tf.fused.conv2d({ x: x as Tensor4D, filter: f as Tensor4D, strides: 1, pad, dilations: 2, bias: b }),
        reference: ([x, f, b]) => tf.fused.conv2d({ x: x as Tensor4D, filter: spread2d(f, 2, 2) as Tensor4D, strides: 1, pad, bias: b }),
      },
      71,
    );
  }
  t.diagnostic(`worst relative errors over every case: finite differences ${worst.finiteDifferences.toExponential(2)}, CPU ${worst.cpu.toExponential(2)}, spread filter ${worst.reference.toExponential(2)}`);
});

/** Grads of sum(op²), as raw values. */
function gradsNow(op: (t: Tensor[]) => Tensor, inputs: Tensor[]): Float32Array[] {
  const grads = tf.grads((...t: Tensor[]) => tf.sum(tf.square(op(t))))(inputs);
  const result = grads.map((g) => Float32Array.from(g.dataSync()));
  tf.dispose(grads);
  return result;
}

test("at dilation 1 the package's gradients run: the same numbers, bit for bit; at dilation 2 the package's refuse (tfjs#7906)", () => {
  const x = tf.tensor(values(2 * 7 * 9 * 3, 3), [2, 7, 9, 3]) as Tensor4D;
  const f = tf.tensor(values(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]) as Tensor4D;
  const d = tf.tensor(values(3 * 3 * 3 * 2, 7), [3, 3, 3, 2]) as Tensor4D;
  const p = tf.tensor(values(6 * 5, 9), [1, 1, 6, 5]) as Tensor4D;
  const x1 = tf.tensor(values(2 * 13 * 3, 13), [2, 13, 3]) as Tensor3D;
  const f1 = tf.tensor(values(3 * 3 * 4, 17), [3, 3, 4]) as Tensor3D;
  const ops: [string, (t: Tensor[]) => Tensor, Tensor[]][] = [
    ['conv2d', ([a, b]) => tf.conv2d(a as Tensor4D, b as Tensor4D, 1, 'same'), [x, f]],
    ['conv2d strided', ([a, b]) => tf.conv2d(a as Tensor4D, b as Tensor4D, 2, 'valid'), [x, f]],
    ['conv1d', ([a, b]) => tf.conv1d(a as Tensor3D, b as Tensor3D, 1, 'same'), [x1, f1]],
    ['depthwiseConv2d', ([a, b]) => tf.depthwiseConv2d(a as Tensor4D, b as Tensor4D, 1, 'valid'), [x, d]],
    ['separableConv2d', ([a, b, c]) => tf.separableConv2d(a as Tensor4D, b as Tensor4D, c as Tensor4D, 1, 'same'), [x, d, p]],
  ];
  const ours = ['Conv2D', 'DepthwiseConv2dNative'].map((k) => tf.getGradient(k));
  const packages = ours.map((g) => originalGradient(g));
  assert.ok(packages.every((g) => g !== undefined), 'both gradients are ours, each keeping the package’s');
  const tensorsBefore = tf.memory().numTensors;
  const withOurs = ops.map(([, op, inputs]) => gradsNow(op, inputs));
  try {
    packages.forEach((g) => tf.registerGradient(g!));
    ops.forEach(([label, op, inputs], i) => assert.deepEqual(gradsNow(op, inputs), withOurs[i], `${label}: the package's numbers`));
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
    // (A gradient that throws leaves the tensors tf.grads saved for it: not counted.)
    assert.throws(() => gradsNow(([a, b]) => tf.conv2d(a as Tensor4D, b as Tensor4D, 1, 'same', 'NHWC', 2), [x, f]), /dilation rates greater than 1 are not yet supported/);
    assert.throws(() => gradsNow(([a, b]) => tf.depthwiseConv2d(a as Tensor4D, b as Tensor4D, 1, 'same', 'NHWC', 2), [x, d]), /dilation rates greater than 1 are not yet supported/);
  } finally {
    ours.forEach((g) => tf.registerGradient(g));
  }
  // A second registration (another engine start) keeps ours, wrapping nothing twice.
  const fusedConv2d = tf.fused.conv2d;
  registerDilatedConvGradients(tf);
  assert.deepEqual(['Conv2D', 'DepthwiseConv2dNative'].map((k) => tf.getGradient(k)), ours);
  assert.equal(tf.fused.conv2d, fusedConv2d);
  tf.dispose([x, f, d, p, x1, f1]);
});

/** Trains `model` on fixed data for a few SGD steps on WASM; returns the losses. */
async function trainSteps(model: ReturnType<typeof tf.sequential>, inputShape: number[], seed: number): Promise<number[]> {
  assert.equal(tf.getBackend(), 'wasm');
  const xs = tf.tensor(values(8 * sizeOf(inputShape), seed), [8, ...inputShape]);
  const ys = tf.tensor(values(8 * 2, seed + 1), [8, 2]);
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  const losses: number[] = [];
  // The first step builds what training keeps (none with SGD); later steps must leave no tensor.
  losses.push((await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 })).history.loss[0] as number);
  const tensorsBefore = tf.memory().numTensors;
  for (let step = 0; step < 5; step++) losses.push((await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 })).history.loss[0] as number);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'training steps leave no tensor behind');
  tf.dispose([xs, ys]);
  model.dispose();
  return losses;
}

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

test('tf.layers models with dilated separableConv2d, conv1d and conv2d layers train on WASM, and their loss falls', async (t) => {
  const L = tf.layers;
  const models: [string, () => ReturnType<typeof tf.sequential>, number[]][] = [
    [
      'separableConv2d({ dilationRate: 2 })',
      () =>
        tf.sequential({
          layers: [
            L.separableConv2d({ inputShape: [11, 9, 3], filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', depthMultiplier: 2, depthwiseInitializer: seeded(1), pointwiseInitializer: seeded(2) }),
            L.flatten(),
            L.dense({ units: 2, kernelInitializer: seeded(3) }),
          ],
        }),
      [11, 9, 3],
    ],
    [
      'conv1d({ dilationRate: 2 }) same, and 3 valid',
      () =>
        tf.sequential({
          layers: [
            L.conv1d({ inputShape: [15, 3], filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(4) }),
            L.conv1d({ filters: 4, kernelSize: 2, dilationRate: 3, padding: 'valid', kernelInitializer: seeded(5) }),
            L.flatten(),
            L.dense({ units: 2, kernelInitializer: seeded(6) }),
          ],
        }),
      [15, 3],
    ],
    [
      'conv2d({ dilationRate: 2 }), linear (fused) and relu',
      () =>
        tf.sequential({
          layers: [
            L.conv2d({ inputShape: [11, 9, 3], filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', kernelInitializer: seeded(7) }),
            L.conv2d({ filters: 4, kernelSize: 3, dilationRate: [2, 1], padding: 'valid', activation: 'relu', kernelInitializer: seeded(8) }),
            L.flatten(),
            L.dense({ units: 2, kernelInitializer: seeded(9) }),
          ],
        }),
      [11, 9, 3],
    ],
  ];
  for (const [label, build, inputShape] of models) {
    const losses = await trainSteps(build(), inputShape, 89);
    t.diagnostic(`${label}: losses ${losses.map((l) => l.toFixed(4)).join(', ')}`);
    assert.ok(losses.every(Number.isFinite), `${label}: finite losses`);
    assert.ok(losses[losses.length - 1] < losses[0], `${label}: the loss falls (${losses.join(', ')})`);
  }
});
