// The Jacobian spectrum against theory. A deep linear network with orthogonal weights is an
// isometry: every singular value, and every layer's partial Jacobian norm, is 1. Pennington,
// Schoenholz & Ganguli (2017): at equal depth, ReLU with He init spreads its singular values
// far wider than tanh with orthogonal weights at criticality. And the numbers themselves: the
// exact route against the Jacobian written out in float64 from the weights, against the model's
// own hand-written backward, and the estimate against the exact route.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import * as nn from '../../../../../src/toolkit/nn';
import * as init from '../../../../../src/toolkit/init';
import { spectrum } from '../../../../../src/toolkit/theory/spectrum/spectrum';
import { spectrumText } from '../../../../../src/toolkit/theory/spectrum/spectrumReport';
import { singularValues } from '../../../../../src/toolkit/theory/spectrum/symmetricEigen';

before(async () => {
  await initEngine();
});

const orthogonalGain1 = (shape: [number, number], _layer: number, seed: number) => init.orthogonal(shape, 1, { seed });
const values = (r: ReturnType<typeof spectrum>) => r.perExample.flatMap((e) => e.values);
const worstFromOne = (xs: readonly number[]) => Math.max(...xs.map((v) => Math.abs(v - 1)));

/** Runs `body` and checks it leaves no tensor behind. */
function noLeak(body: () => void): void {
  const before = tf.memory().numTensors;
  body();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
}

test('a 32-layer linear nn network with orthogonal weights: every singular value and every partial Jacobian norm is 1 within 1e-4, exact and estimated', () => {
  const model = nn.mlp(Array(33).fill(64), { activation: 'none', init: 'orthogonal', seed: 1 });
  const x = tf.randomNormal([4, 64], 0, 1, 'float32', 2);
  noLeak(() => {
    const exact = spectrum(model, x, { seed: 0 });
    assert.equal(exact.method, 'exact');
    assert.equal(values(exact).length, 4 * 64);
    const deviation = worstFromOne(values(exact));
    console.log(`    exact: worst |σ − 1| = ${deviation.toExponential(2)} over ${values(exact).length} singular values; var σ² = ${exact.summary.varianceSquared!.toExponential(2)}`);
    assert.ok(deviation < 1e-4, `worst |σ − 1| = ${deviation}`);
    assert.equal(exact.layers.length, 33, 'the input and 32 layers');
    assert.ok(worstFromOne(exact.layers.map((l) => l.norm!)) < 1e-4, 'every partial Jacobian norm is 1');
    const estimate = spectrum(model, x, { method: 'estimate', seed: 0 });
    assert.equal(estimate.method, 'estimate');
    // An isometry's Krylov space is one vector: Lanczos stops after one step.
    assert.equal(estimate.steps, 1);
    assert.ok(worstFromOne(values(estimate)) < 1e-4, `estimated nodes ${worstFromOne(values(estimate))} from 1`);
    // Hutchinson's trick is exact on an isometry: ‖zᵀQ‖² = ‖z‖² for every z.
    assert.ok(worstFromOne(estimate.layers.map((l) => l.norm!)) < 1e-4);
  });
  model.dispose();
  x.dispose();
});

test('the same network as a tf.layers model (32 dense layers, orthogonal kernels): every singular value is 1 within 1e-4', () => {
  const model = tf.sequential({ layers: Array.from({ length: 32 }, (_, i) => tf.layers.dense({ units: 64, useBias: false, ...(i === 0 ? { inputShape: [64] } : {}) })) });
  // InitLab's orthogonal draw: tf.layers' own runs tf.linalg.qr, 10 s for these 32 kernels.
  const kernels = model.layers.map((_, i) => init.orthogonal([64, 64], 1, { seed: 10 + i }));
  model.setWeights(kernels);
  tf.dispose(kernels);
  const x = tf.randomNormal([3, 64], 0, 1, 'float32', 2);
  noLeak(() => {
    const report = spectrum(model, x, { seed: 0 });
    const deviation = worstFromOne(values(report));
    console.log(`    tf.layers: worst |σ − 1| = ${deviation.toExponential(2)}`);
    assert.ok(deviation < 1e-4, `worst |σ − 1| = ${deviation}`);
    assert.match(report.model, /^tf\.LayersModel/);
    assert.equal(report.layers[32].name, model.layers[31].name);
  });
  model.dispose();
  x.dispose();
});

test('Pennington et al. 2017: at depth 32, ReLU with He init spreads its singular values far wider than tanh with orthogonal weights at criticality (σ_w = 1, σ_b = 0)', () => {
  // Inputs of variance 0.01: with σ_b = 0, tanh's fixed point is q* = 0, and inputs near it keep
  // every layer near criticality (from variance 1, q decays only as 1/(2l) and the first layers
  // saturate). ReLU's Jacobian is the same at any input scale (zero biases, positive homogeneity).
  const x = tf.randomNormal([8, 64], 0, 0.1, 'float32', 3);
  const relu = nn.mlp(Array(33).fill(64), { activation: 'relu', init: 'kaimingNormal', seed: 2 });
  const tanh = nn.mlp(Array(33).fill(64), { activation: 'tanh', init: orthogonalGain1, seed: 2 });
  noLeak(() => {
    const r = spectrum(relu, x, { seed: 0, label: 'ReLU, He' });
    const t = spectrum(tanh, x, { seed: 0, label: 'tanh, orthogonal' });
    const spread = (s: typeof r.summary) => s.varianceSquared! / s.meanSquared! ** 2;
    const nonzero = (rep: typeof r) => values(rep).filter((v) => v > 1e-5 * rep.summary.max!);
    const ratio = (rep: typeof r) => rep.summary.max! / Math.min(...nonzero(rep));
    console.log(`    ReLU/He: mean σ² ${r.summary.meanSquared!.toFixed(3)}, var σ² ${r.summary.varianceSquared!.toFixed(2)}, var/mean² ${spread(r.summary).toFixed(2)}, σ max/min (nonzero) ${ratio(r).toExponential(2)}, ${(r.summary.zeroShare! * 100).toFixed(0)}% of σ are 0`);
    console.log(`    tanh/orthogonal: mean σ² ${t.summary.meanSquared!.toFixed(3)}, var σ² ${t.summary.varianceSquared!.toExponential(2)}, var/mean² ${spread(t.summary).toExponential(2)}, σ max/min ${ratio(t).toFixed(2)}, ${(t.summary.zeroShare! * 100).toFixed(0)}% of σ are 0`);
    assert.ok(spread(r.summary) > 100 * spread(t.summary), 'ReLU’s variance of σ² (relative to its mean squared) is over 100 times tanh’s');
    assert.ok(spread(t.summary) < 0.05, 'tanh with orthogonal weights is close to isometry');
    assert.ok(ratio(r) > 1000 * ratio(t), 'ReLU’s σ span over 1000 times the range of tanh’s');
    assert.ok(r.summary.zeroShare! > 0.3 && t.summary.zeroShare === 0, 'dead ReLUs remove directions; tanh removes none');
  });
  tf.dispose(x);
  relu.dispose();
  tanh.dispose();
});

/** The weights and biases of an nn MLP, in float64. */
function weightsOf(model: nn.Model): { w: Float64Array; b: Float64Array; fanIn: number; fanOut: number }[] {
  return model.linears().map((l) => ({ w: Float64Array.from(l.w.dataSync()), b: Float64Array.from(l.b.dataSync()), fanIn: l.w.shape[0], fanOut: l.w.shape[1]! }));
}

/**
 * One example's Jacobian of a tanh MLP (Linear, Tanh, …, Linear) written out in float64:
 * J = W_Lᵀ D_{L−1} W_{L−1}ᵀ ⋯ D_1 W_1ᵀ, D_l = diag(1 − tanh²(h_l)); and each layer's ∂out/∂a_l.
 */
function closedForm(layers: ReturnType<typeof weightsOf>, x: Float64Array): { jacobian: Float64Array; rows: number; cols: number; toLayer: Float64Array[] } {
  // Forward, keeping each hidden layer's derivative.
  let a = x;
  const derivatives: Float64Array[] = [];
  layers.forEach(({ w, b, fanIn, fanOut }, l) => {
    const h = Float64Array.from(b);
    for (let j = 0; j < fanOut; j++) for (let i = 0; i < fanIn; i++) h[j] += a[i] * w[i * fanOut + j];
    if (l < layers.length - 1) {
      derivatives.push(h.map((v) => 1 - Math.tanh(v) ** 2));
      a = h.map(Math.tanh);
    }
  });
  // Backward from the output: G = ∂out/∂(current), m × width, starting at the identity.
  const m = layers[layers.length - 1].fanOut;
  let g = Float64Array.from({ length: m * m }, (_, k) => (Math.floor(k / m) === k % m ? 1 : 0));
  let width = m;
  const toLayer: Float64Array[] = [g];
  for (let l = layers.length - 1; l >= 0; l--) {
    const { w, fanIn, fanOut } = layers[l];
    // Through the Linear: ∂out/∂a_{l−1} = G Wᵀ (G is m × fanOut).
    const next = new Float64Array(m * fanIn);
    for (let r = 0; r < m; r++) for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) next[r * fanIn + i] += g[r * width + j] * w[i * fanOut + j];
    g = next;
    width = fanIn;
    if (l > 0) {
      toLayer.unshift(Float64Array.from(g));
      // Through the tanh: scale column i by D_i.
      const d = derivatives[l - 1];
      for (let r = 0; r < m; r++) for (let i = 0; i < width; i++) g[r * width + i] *= d[i];
    }
  }
  return { jacobian: g, rows: m, cols: width, toLayer };
}

test('the exact route against the Jacobian written out in float64 from the weights: singular values within 1e-5 relative, partial Jacobian norms within 1e-5', () => {
  const model = nn.mlp([12, 16, 16, 10], { activation: 'tanh', init: 'xavierNormal', seed: 4 });
  // Non-zero biases, so D_l depends on them too.
  for (const l of model.linears()) l.setParameters(l.w, tf.randomNormal(l.b.shape, 0, 0.3, 'float32', 7));
  const x = tf.randomNormal([5, 12], 0, 1, 'float32', 5);
  const layers = weightsOf(model);
  const rows = x.arraySync() as number[][];
  noLeak(() => {
    const report = spectrum(model, x, { seed: 0 });
    let worst = 0;
    const norms = new Float64Array(report.layers.length);
    rows.forEach((row, e) => {
      const { jacobian, rows: m, cols: n, toLayer } = closedForm(layers, Float64Array.from(row));
      const want = singularValues(jacobian, m, n);
      const got = report.perExample[e].values;
      assert.equal(got.length, want.length);
      got.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - want[i]) / want[0])));
      // Input, then each layer's output (Linear + Tanh, then the last Linear): ‖∂out/∂a‖²_F / m.
      norms[0] += want.reduce((s, v) => s + v * v, 0) / m / rows.length;
      toLayer.forEach((g, l) => (norms[l + 1] += g.reduce((s, v) => s + v * v, 0) / m / rows.length));
    });
    console.log(`    worst |σ − σ_closed form| / σ_max = ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-5, `${worst}`);
    report.layers.forEach((l, i) => assert.ok(Math.abs(l.norm! - norms[i]) < 1e-5 * norms[i], `layer ${i}: ${l.norm} against ${norms[i]}`));
    assert.equal(report.layerNormMethod, 'exact');
  });
  model.dispose();
  x.dispose();
});

test('the exact route’s Jacobian is the one the model’s own hand-written backward gives, row by row', () => {
  const model = nn.mlp([9, 20, 20, 6], { activation: 'leakyRelu', slope: 0.1, init: 'kaimingNormal', seed: 6 });
  const x = tf.randomNormal([3, 9], 0, 1, 'float32', 8);
  const before = tf.memory().numTensors;
  const report = spectrum(model, x, { seed: 0 });
  // The hand-written backward: each example repeated 6 times, the output gradient the identity.
  const chain = new nn.Sequential(model.layers);
  const repeated = tf.tidy(() => tf.gather(x, tf.tensor1d([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2], 'int32')));
  chain.predict(repeated);
  const last = model.layers[model.layers.length - 1];
  last.out!.g = tf.tidy(() => tf.tile(tf.eye(6), [3, 1]));
  chain.backward();
  const rows = model.layers[0].inp!.g!.dataSync();
  for (let e = 0; e < 3; e++) {
    const want = singularValues(rows.subarray(e * 54, (e + 1) * 54), 6, 9);
    report.perExample[e].values.forEach((s, i) => assert.ok(Math.abs(s - want[i]) < 1e-5 * want[0], `example ${e}, σ${i}: ${s} against ${want[i]}`));
  }
  last.out!.g!.dispose();
  chain.release();
  repeated.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  x.dispose();
  model.dispose();
});

test('a network with more outputs than inputs goes column by column (Jacobian-vector products, as a gradient of a gradient), and agrees with the closed form', () => {
  const model = nn.mlp([6, 20, 30], { activation: 'tanh', init: 'xavierNormal', seed: 9 });
  const x = tf.randomNormal([4, 6], 0, 1, 'float32', 10);
  const layers = weightsOf(model);
  const rows = x.arraySync() as number[][];
  noLeak(() => {
    const report = spectrum(model, x, { seed: 1, probes: 256 });
    assert.match(report.methodText, /6 Jacobian-vector products \(as the gradient of a gradient\)/);
    let worst = 0;
    rows.forEach((row, e) => {
      const { jacobian, rows: m, cols: n } = closedForm(layers, Float64Array.from(row));
      const want = singularValues(jacobian, m, n);
      report.perExample[e].values.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - want[i]) / want[0])));
    });
    console.log(`    column route: worst relative deviation ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-5, `${worst}`);
    // Its layer norms are Hutchinson's estimate then: unbiased, within a few percent with 256 probes.
    assert.equal(report.layerNormMethod, 'estimate');
    const input = report.layers[0].norm!;
    const exact = report.summary.meanSquared! * 6 / 30;
    console.log(`    Hutchinson with 256 probes: input norm ${input.toFixed(4)}, exact Σσ²/m ${exact.toFixed(4)}`);
    assert.ok(Math.abs(input - exact) < 0.1 * exact);
  });
  model.dispose();
  x.dispose();
});

// Tolerances from ten seeds of the estimate on this network (docs/spectrum.md): the mean of σ² fell
// within 2.8 standard errors of the exact one, the variance of σ² within 25%, the distributions
// within 0.144 (Wasserstein-1 over the mean σ), the layer norms within 20%; the largest σ exact.
test('the estimate (8 probes × 24 Lanczos steps) against the exact route on a chaotic tanh network (8 layers of 96, σ_w = 1.5): mean σ² within 3 standard errors, variance of σ² within 35%, largest σ within 1%, the distributions within 0.15 (Wasserstein-1 over mean σ), layer norms within 30%', () => {
  const model = nn.mlp(Array(9).fill(96), { activation: 'tanh', init: (shape, _l, seed) => init.normal(shape, 0, 1.5 / Math.sqrt(96), { seed }), seed: 11 });
  const x = tf.randomNormal([4, 96], 0, 1, 'float32', 12);
  noLeak(() => {
    const exact = spectrum(model, x, { method: 'exact', seed: 3 });
    const estimate = spectrum(model, x, { method: 'estimate', seed: 3 });
    const e = exact.summary;
    const s = estimate.summary;
    const w1 = wasserstein(exact, estimate);
    const meanSigma = values(exact).reduce((a, b) => a + b, 0) / values(exact).length;
    const worstNorm = Math.max(...exact.layers.map((l, i) => Math.abs(estimate.layers[i].norm! / l.norm! - 1)));
    console.log(
      `    mean σ² ${s.meanSquared!.toFixed(3)} ± ${s.meanSquaredError!.toFixed(3)} (exact ${e.meanSquared!.toFixed(3)}), var σ² ${s.varianceSquared!.toFixed(2)} (${e.varianceSquared!.toFixed(2)}), ` +
        `max σ ${s.max!.toFixed(4)} (${e.max!.toFixed(4)}), W1/mean σ ${(w1 / meanSigma).toFixed(3)}, worst layer norm ${(worstNorm * 100).toFixed(1)}% off; ${estimate.probes} probes × ${estimate.steps} steps`,
    );
    assert.ok(s.meanSquaredError! > 0 && s.meanSquaredError! < 0.15 * e.meanSquared!, 'a standard error that says something');
    assert.ok(Math.abs(s.meanSquared! - e.meanSquared!) < 3 * s.meanSquaredError!);
    assert.ok(Math.abs(s.varianceSquared! - e.varianceSquared!) < 0.35 * e.varianceSquared!);
    assert.ok(Math.abs(s.max! - e.max!) < 0.01 * e.max!);
    assert.ok(w1 < 0.15 * meanSigma);
    assert.ok(worstNorm < 0.3);
    assert.equal(s.min, null, 'the estimate does not claim the smallest σ');
    assert.equal(e.meanSquaredError, null);
  });
  model.dispose();
  x.dispose();
});

// A ReLU network's zero singular values, which the exact route counts, are not resolved by the
// estimate: Lanczos puts their weight on its lowest Ritz values, a little above 0. So the estimate
// claims no zero share, and the exact share of σ below 1% of the largest is what the estimate
// places there.
test('a ReLU network’s zero singular values: counted exactly by the exact route; the estimate claims no share of zeros and puts their weight below 1% of the largest σ', () => {
  const model = nn.mlp(Array(9).fill(128), { activation: 'relu', init: 'kaimingNormal', seed: 17 });
  const x = tf.randomNormal([4, 128], 0, 1, 'float32', 18);
  noLeak(() => {
    const exact = spectrum(model, x, { method: 'exact', seed: 0 });
    const estimate = spectrum(model, x, { method: 'estimate', seed: 0 });
    const below = (r: typeof exact, share: number) =>
      r.perExample.reduce((s, e) => s + e.values.reduce((a, v, i) => a + (v < share * Math.max(...e.values) ? (e.weights ? e.weights[i] : 1 / e.values.length) : 0), 0), 0) / r.perExample.length;
    console.log(`    ReLU 8 × 128: exact zero share ${exact.summary.zeroShare!.toFixed(3)}; below 1% of σ max: exact ${below(exact, 0.01).toFixed(3)}, estimate ${below(estimate, 0.01).toFixed(3)}; estimate below 1e-5 of σ max ${below(estimate, 1e-5).toFixed(3)}`);
    assert.ok(exact.summary.zeroShare! > 0.3, 'dead ReLUs remove directions');
    assert.equal(estimate.summary.zeroShare, null, 'the estimate does not count zeros');
    assert.ok(Math.abs(below(estimate, 0.01) - below(exact, 0.01)) < 0.1, 'the zeros’ weight lies below 1% of the largest σ');
  });
  model.dispose();
  x.dispose();
});

/** Wasserstein-1 distance between two reports' pooled distributions of σ (each example weighing the same). */
function wasserstein(a: ReturnType<typeof spectrum>, b: ReturnType<typeof spectrum>): number {
  const atoms = (r: typeof a) =>
    r.perExample.flatMap((e) => e.values.map((v, i) => ({ v, w: (e.weights ? e.weights[i] : 1 / e.values.length) / r.perExample.length })));
  const all = [...atoms(a).map((p) => ({ ...p, s: 1 })), ...atoms(b).map((p) => ({ ...p, s: -1 }))].sort((p, q) => p.v - q.v);
  let cdf = 0;
  let distance = 0;
  for (let i = 0; i + 1 < all.length; i++) {
    cdf += all[i].s * all[i].w;
    distance += Math.abs(cdf) * (all[i + 1].v - all[i].v);
  }
  return distance;
}

// A tanh network's Jacobian through `to`: the last hidden layer of a one-output network.
test('options.to ends the Jacobian at a layer: a one-output network’s last hidden layer, as the same layers on their own', () => {
  const model = nn.mlp([20, 32, 32, 1], { activation: 'tanh', seed: 13 });
  const x = tf.randomNormal([3, 20], 0, 1, 'float32', 14);
  noLeak(() => {
    const output = spectrum(model, x, { seed: 0 });
    assert.equal(output.summary.perExample, 1, 'one output: one singular value per example, the gradient’s norm');
    const hidden = spectrum(model, x, { to: -2, seed: 0 });
    assert.equal(hidden.outputSize, 32);
    assert.equal(hidden.layers.length, 3, 'the input and two layers');
    assert.match(hidden.to, /^layer 2 /);
    const alone = new nn.Sequential(model.layers.slice(0, 4));
    const same = spectrum(alone, x, { seed: 0 });
    hidden.perExample.forEach((e, k) => e.values.forEach((v, i) => assert.ok(Math.abs(v - same.perExample[k].values[i]) < 1e-6 * e.values[0])));
  });
  model.dispose();
  x.dispose();
});

test('a network that overflows float32 gives a report that says so, not NaN figures or an error', () => {
  const model = nn.mlp(Array(13).fill(32), { activation: 'none', init: (shape, _l, seed) => init.normal(shape, 0, 1e4, { seed }), seed: 15 });
  const x = tf.randomNormal([2, 32], 0, 1, 'float32', 16);
  noLeak(() => {
    const report = spectrum(model, x, { seed: 0 });
    assert.equal(report.summary.nonFiniteExamples, 2);
    assert.equal(report.summary.meanSquared, null);
    assert.ok(report.perExample.every((e) => e.nonFinite && e.values.length === 0));
    assert.match(spectrumText(report), /no example's Jacobian is finite \(NaN or ±Infinity\): the network overflowed float32/);
  });
  model.dispose();
  x.dispose();
});
