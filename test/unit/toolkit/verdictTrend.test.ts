// The verdict's trends against theory: a ReLU net whose layers each multiply the std by √2 (the
// lesson's double-gain "Kaiming") or by 1/√2 is healthy at five layers; the verdict predicts from
// those five layers where a deeper net leaves the band, and deeper nets, measured, leave it there.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as nn from '../../../src/toolkit/nn';
import { probe, type ProbeReport } from '../../../src/toolkit/probe/probe';
import { activationFunctions, predictStds } from '../../../src/toolkit/probe/theory';
import { stepsToLeave, type BackwardTrend, type ForwardTrend } from '../../../src/toolkit/probe/trend';
import { verdict } from '../../../src/toolkit/probe/verdict';
import { theory } from '../../../src/toolkit/display';
import { fromStatNumber } from '../../../src/toolkit/charts/finite';
import { DEEPER } from '../../../src/toolkit/charts/theoryChart';

before(async () => {
  await initEngine();
});

const WIDTH = 256;
const num = fromStatNumber;
/** std = scale / √fanIn: 2 is the original's double gain (×√2 per ReLU layer), 1 halves the second moment. */
const scaled =
  (scale: number): nn.WeightInit =>
  (shape, _layer, seed) =>
    tf.randomNormal(shape, 0, scale / Math.sqrt(shape[0]), 'float32', seed);

function run(depth: number, weights: nn.WeightInit | nn.InitName, inputStd: number, label = 'net', seed = 1): ProbeReport {
  const x = tf.tidy(() => tf.mul(tf.randomNormal([2000, WIDTH], 0, 1, 'float32', 21), inputStd));
  const y = tf.randomNormal([2000], 0, 1, 'float32', 22);
  const model = nn.mlp([WIDTH, ...new Array(depth - 1).fill(WIDTH), 1], { activation: 'relu', init: weights, seed });
  const report = probe(model, { label }).step(x, y);
  model.dispose();
  tf.dispose([x, y]);
  return report;
}

const activationStd = (report: ProbeReport, layer: number) => num(report.layers[layer - 1].tensors.activation!.std);
/** The first hidden layer whose activation std is outside [0.1, 10]. */
const firstOutOfBand = (report: ProbeReport) => report.layers.slice(0, -1).find((l) => !(num(l.tensors.activation!.std) >= 0.1 && num(l.tensors.activation!.std) <= 10))?.layer;
/** What theory says: the first layer of a deep ReLU net with weight variance scale²/fanIn whose activation std leaves [0.1, 10]. */
function theoryLeaves(scale: number, inputStd: number): number {
  const layers = Array.from({ length: 30 }, () => ({ fanIn: WIDTH, fanOut: WIDTH, weightVariance: scale ** 2 / WIDTH, activation: activationFunctions.relu() }));
  const { activationStd: stds } = predictStds(layers, inputStd ** 2, 1);
  return stds.findIndex((s) => !(s >= 0.1 && s <= 10)) + 1;
}

// Random data: its first-layer weight gradients are incoherent sums (√n) while the output layer's
// are coherent (n), so the verdict calls these nets' gradients vanishing at layer 1; the trends
// are read regardless. The text for a healthy drifting scheme is tested on a report built by hand.
test('a ×√2-per-layer ReLU net of 5 layers: the verdict says it leaves the band by layer 8, as theory and a 10-layer net do', () => {
  const inputStd = 0.9; // puts layer 7 at std 8.4 and layer 8 at 11.9 in theory: a margin on each side
  const shallow = run(5, scaled(2), inputStd, 'double gain');
  const [scheme] = verdict(shallow).schemes;
  const forward = scheme.trends.find((t): t is ForwardTrend => t.direction === 'forward')!;
  assert.equal(forward.drifts, true);
  assert.deepEqual(forward.layers, [2, 3, 4], 'the hidden layers after the first repeat');
  assert.ok(Math.abs(forward.factor / Math.SQRT2 - 1) < 0.05, `forward factor ${forward.factor}`);
  assert.equal(theoryLeaves(2, inputStd), 8);
  assert.equal(forward.leavesBandAtLayer, 8);
  const deep = run(10, scaled(2), inputStd, 'deep', 2);
  assert.equal(firstOutOfBand(deep), 8, `measured in a 10-layer net: ${deep.layers.map((l) => l.tensors.activation?.std)}`);
  assert.ok(activationStd(deep, 7) < 10 && activationStd(deep, 8) > 10);
});

test('the backward trend: gradients ×√2 per layer going back, and the depth at which they leave 10× of the gradient entering the hidden layers, as deeper nets measure it', () => {
  const shallow = run(5, scaled(2), 1);
  const backward = verdict(shallow).schemes[0].trends.find((t): t is BackwardTrend => t.direction === 'backward')!;
  assert.ok(Math.abs(backward.factor / Math.SQRT2 - 1) < 0.05, `backward factor ${backward.factor}`);
  assert.equal(backward.drifts, true);
  const depth = backward.leavesBandAtDepth!;
  // Theory: each hidden layer after the first passes back ×√2, so in a net of depth D the gradient
  // reaching layer 2 is √2^(D−2) times the one entering the hidden layers: 8 at D = 8, 11.3 at 9.
  assert.equal(depth, 9);
  assert.equal(depth, 5 + stepsToLeave(backward.from.ratio, backward.factor, [0.1, 10])!);
  const reaching = (depth: number) => {
    const report = run(depth, scaled(2), 1, 'deep', depth);
    const top = report.layers[report.layers.length - 1];
    return num(report.layers[1].tensors.inputGrad!.std) / num(top.tensors.inputGrad!.std);
  };
  const before = reaching(depth - 1);
  const at = reaching(depth);
  assert.ok(before < 10 && at > 10, `predicted depth ${depth} from ratio ${backward.from.ratio}; measured ${before} at depth ${depth - 1}, ${at} at depth ${depth}`);
});

test('a ×1/√2-per-layer net vanishes on schedule, and He’s initialization does not drift', () => {
  const inputStd = 1.2; // layer 6 at std 0.124, layer 7 at 0.088 in theory
  const shrinking = verdict(run(5, scaled(1), inputStd, 'half')).schemes[0];
  const forward = shrinking.trends.find((t): t is ForwardTrend => t.direction === 'forward')!;
  assert.ok(Math.abs(forward.factor * Math.SQRT2 - 1) < 0.05, `forward factor ${forward.factor}`);
  assert.equal(theoryLeaves(1, inputStd), 7);
  assert.equal(forward.leavesBandAtLayer, 7);
  assert.equal(firstOutOfBand(run(9, scaled(1), inputStd, 'deep half', 3)), 7);

  const he = verdict(run(5, 'kaimingNormal', 1, 'He')).schemes[0];
  assert.equal(he.trends.length, 2);
  he.trends.forEach((t) => {
    assert.ok(Math.abs(t.factor - 1) < 0.05, `He's ${t.direction} factor ${t.factor}`);
    assert.equal(t.drifts, false);
  });
});

/** A ReLU report with the given activation std per hidden layer (measured, and as theory predicts), weight-gradient std 1 everywhere. */
function handmade(label: string, stds: number[], predicted = stds): ProbeReport {
  const stat = (std: number) => ({ std, mean: 0 }) as never;
  const layers = [...stds, stds[stds.length - 1]].map((std, i) => {
    const hidden = i < stds.length;
    const previous = i === 0 ? 1 : stds[i - 1];
    return {
      layer: i + 1,
      id: `layer${i + 1}`,
      name: 'Linear',
      kind: 'linear',
      inputs: [i === 0 ? 'input' : `layer${i}`],
      activation: hidden ? 'ReLU' : 'none',
      tensors: { preActivation: stat(std), ...(hidden ? { activation: stat(std) } : {}), weightGrad: stat(1), inputGrad: stat(1) },
      forwardGain: std / previous,
      backwardGain: 1,
      theory: { preActivationStd: predicted[Math.min(i, stds.length - 1)], activationStd: predicted[Math.min(i, stds.length - 1)], inputGradStd: 1 },
    };
  });
  return { kind: 'initlab.probe', label, loss: 1, layers };
}

test('the verdict’s text tells a healthy scheme from one healthy only at this depth', () => {
  // "He on MNIST": one draw's measured gains read ×0.88 while theory, from the weights, reads ×1.
  const result = verdict([handmade('steady', [1, 1.02, 0.99]), handmade('He on MNIST', [0.8, 0.78, 0.62], [0.8, 0.8, 0.8]), handmade('double', [1.2, 1.7, 2.4]), handmade('double, one draw', [1.14, 1.56, 1.76], [1.14, 1.61, 2.28])]);
  assert.deepEqual(
    result.schemes.map((s) => [s.healthy, s.drifts]),
    [
      [true, false],
      [true, false],
      [true, true],
      [true, true],
    ],
  );
  assert.equal(
    result.text,
    [
      'Healthy at every layer: steady, He on MNIST. Healthy at this depth only: double, double, one draw.',
      '✓ steady: healthy at every layer',
      '✓ He on MNIST: healthy at every layer',
      '⚠ double: healthy at these 4 layers, but activations ×1.41 per layer: out of the band by layer 8',
      '⚠ double, one draw: healthy at these 4 layers, but activations ×1.41 per layer (measured ×1.24): out of the band by layer 9',
    ].join('\n'),
  );
});

test('stepsToLeave counts layers to the band’s edge', () => {
  assert.equal(stepsToLeave(2.38, Math.SQRT2, [0.1, 10]), 5); // 2.38·√2⁴ = 9.5, ·√2⁵ = 13.5
  assert.equal(stepsToLeave(1, 0.5, [0.1, 10]), 4); // 0.125, then 0.0625
  assert.equal(stepsToLeave(20, 2, [0.1, 10]), 1, 'already out: the next layer');
  assert.equal(stepsToLeave(1, 1, [0.1, 10]), null);
});

test('the theory chart continues a ×√2 net’s prediction to layer 20 with the factor theory gives', () => {
  const report = run(5, scaled(2), 1);
  const chart = theory(report, { extendTo: 20 });
  const values = (chart.spec as { data: { values: { source: string; layer: number; quantity: string; plotted: number }[] } }).data.values;
  const deeper = values.filter((v) => v.source === DEEPER);
  assert.deepEqual(
    deeper.map((v) => v.layer),
    Array.from({ length: 17 }, (_, i) => i + 4),
    'from the last repeating layer, 4, to 20',
  );
  assert.ok(deeper.every((v) => v.quantity === 'pre-activation'));
  // Theory's own iteration of a 20-layer net with the measured weights' variance of layers 2–4.
  const variance = num(report.layers[3].tensors.weights!.std) ** 2;
  const predicted4 = num(report.layers[3].theory.preActivationStd!);
  const at20 = deeper.find((v) => v.layer === 20)!.plotted;
  const layers = Array.from({ length: 16 }, () => ({ fanIn: WIDTH, fanOut: WIDTH, weightVariance: variance, activation: activationFunctions.relu() }));
  const continued = predictStds(layers, predicted4 ** 2 / 2, 1).preActivationStd[15];
  assert.ok(Math.abs(at20 / continued - 1) < 0.05, `chart ${at20}, theory ${continued}`);
  assert.match(chart.text, /layer 20 pre-activation in a deeper net: predicted/);
  assert.throws(() => theory(report, { extendTo: 2.5 }), /charts\.theory: options\.extendTo must be a layer number/);
  assert.equal(theory(report).spec.title, 'Theory against measurement');
});

test("an embedding's sparse gradient is not called vanishing: only the rows of the tokens seen get one", async () => {
  await initEngine();
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 20000, outputDim: 16, inputLength: 8, name: 'words' }),
      tf.layers.flatten({ name: 'flat' }),
      // Small head weights, so the rows the tokens reach get small gradients too.
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.constant({ value: 0.01 }), name: 'out' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(Array.from({ length: 64 }, (_, i) => (i * 7919) % 20000), [8, 8], 'int32');
  const y = tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0], [8, 1]);
  const report = probe(model, { label: 'sparse' }).step(x, y);
  const words = report.layers.find((l) => l.name === 'words')!;
  const out = report.layers.find((l) => l.name === 'out')!;
  // 64 of 20,000 rows get a gradient: its std is far below 1/100 of the head's.
  assert.ok(fromStatNumber(words.tensors.weightGrad!.std) < 1e-2 * fromStatNumber(out.tensors.weightGrad!.std));
  assert.doesNotMatch(verdict(report).text, /gradients vanish/, verdict(report).text);
  tf.dispose([x, y]);
  model.dispose();
});
