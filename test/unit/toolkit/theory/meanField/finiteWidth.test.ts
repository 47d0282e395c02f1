// Mean-field theory against a real random network: two inputs' correlation across the layers of
// a 1000-wide, 20-deep tanh chain built with tf follows meanField.correlationMap, and the
// pre-activation variance at depth is q*, in the chaotic phase (c falls from 0.9 towards c* = 0)
// and the ordered one (c climbs from 0.1 to 1).
//
// Tolerances come from the finite width. A correlation measured over N = 1000 units has a
// sampling spread of (1 − c²)/√N ≤ 0.032 at each layer, and each layer's error is carried into
// the next; over 20 seeds of this very protocol (float64, 8 input pairs) the worst deviation
// along the 20 layers was 0.068 (median 0.032). The tolerance is 3/√N ≈ 0.095. The variance
// averaged over layers 11 to 20 was within 3.6% of q* in the worst of those seeds (median 1.7%):
// the tolerance is 6%. Theory is exact only as N → ∞; these are what 1000 units leave.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../../src/toolkit/engine/engine';
import { meanField } from '../../../../../src/toolkit/theory/meanField';

before(async () => {
  await initEngine();
});

const WIDTH = 1000;
const DEPTH = 20;
const PAIRS = 8;
const C_TOLERANCE = 3 / Math.sqrt(WIDTH);
const Q_TOLERANCE = 0.06;

interface Setting {
  name: string;
  sigmaW2: number;
  sigmaB2: number;
  /** The inputs' correlation. */
  c0: number;
}

const SETTINGS: Setting[] = [
  { name: 'chaotic', sigmaW2: 2.5, sigmaB2: 0, c0: 0.9 },
  { name: 'ordered', sigmaW2: 0.9, sigmaB2: 0.3, c0: 0.1 },
];

/** Per layer, the mean over pairs of the measured correlation and the mean squared pre-activation. */
interface Measured {
  c: number[];
  q: number[];
}

/**
 * Rows 0…7 of each setting's inputs are x_a, rows 8…15 the x_b. h¹ = xW¹ + b¹ and
 * h^l = tanh(h^(l−1)) W^l + b^l with W ~ N(0, σ_w²/N) and b ~ N(0, σ_b²). Each layer's standard
 * normal draws are shared by the settings (scaled by each one's σ): two nets for one set of 20
 * million draws.
 */
function measure(inputs: tfjs.Tensor2D[]): Measured[] {
  const results: Measured[] = SETTINGS.map(() => ({ c: [], q: [] }));
  let hs: tfjs.Tensor2D[] = inputs.map((x) => tf.clone(x));
  for (let layer = 1; layer <= DEPTH; layer++) {
    const next = tf.tidy(() => {
      const z = tf.randomNormal([WIDTH, WIDTH], 0, 1, 'float32', 1000 + layer);
      const zb = tf.randomNormal([WIDTH], 0, 1, 'float32', 2000 + layer);
      return SETTINGS.map((s, k) => {
        const input = layer === 1 ? hs[k] : tf.tanh(hs[k]);
        const h = tf.add(tf.matMul(input, tf.mul(z, Math.sqrt(s.sigmaW2 / WIDTH))), tf.mul(zb, Math.sqrt(s.sigmaB2))) as tfjs.Tensor2D;
        const [a, b] = tf.split(h, 2, 0);
        const c = tf.div(tf.sum(tf.mul(a, b), 1), tf.sqrt(tf.mul(tf.sum(tf.square(a), 1), tf.sum(tf.square(b), 1))));
        results[k].c.push(tf.mean(c).dataSync()[0]);
        results[k].q.push(tf.mean(tf.square(h)).dataSync()[0]);
        return tf.keep(h);
      });
    });
    hs.forEach((h) => h.dispose());
    hs = next;
  }
  hs.forEach((h) => h.dispose());
  return results;
}

/**
 * Theory's path, averaged over the pairs, each starting from its own first layer: q = σ_w² |x|²/N + σ_b²
 * for each input and c = (σ_w² x_a·x_b/N + σ_b²)/√(q_a q_b), as the first layer makes them.
 */
function predict(s: Setting, rows: number[][]): { c: number[]; qStar: number } {
  const mean = (a: number[], b: number[]) => a.reduce((sum, v, k) => sum + v * b[k], 0) / WIDTH;
  const paths = rows.slice(0, PAIRS).map((xa, p) => {
    const xb = rows[PAIRS + p];
    const qa = s.sigmaW2 * mean(xa, xa) + s.sigmaB2;
    const qb = s.sigmaW2 * mean(xb, xb) + s.sigmaB2;
    const c = (s.sigmaW2 * mean(xa, xb) + s.sigmaB2) / Math.sqrt(qa * qb);
    return meanField.correlationMap({ activation: 'tanh', sigmaW: Math.sqrt(s.sigmaW2), sigmaB: Math.sqrt(s.sigmaB2), q: [qa, qb], c, depth: DEPTH }).layers;
  });
  const qStar = meanField({ activation: 'tanh', sigmaW: Math.sqrt(s.sigmaW2), sigmaB: Math.sqrt(s.sigmaB2), grid: false }).qStar!;
  return { c: paths[0].map((_, l) => paths.reduce((sum, path) => sum + path[l].c!, 0) / PAIRS), qStar };
}

test(`a ${WIDTH}-wide, ${DEPTH}-deep random tanh net: the measured correlation follows the correlation map within 3/√N, and the variance at depth is q* within 6%`, () => {
  const before = tf.memory().numTensors;
  const xa = tf.randomNormal([PAIRS, WIDTH], 0, 1, 'float32', 11);
  const z = tf.randomNormal([PAIRS, WIDTH], 0, 1, 'float32', 12);
  const inputs = SETTINGS.map((s) => tf.tidy(() => tf.concat([xa, tf.add(tf.mul(xa, s.c0), tf.mul(z, Math.sqrt(1 - s.c0 * s.c0)))], 0) as tfjs.Tensor2D));
  xa.dispose();
  z.dispose();
  const predicted = SETTINGS.map((s, k) => predict(s, inputs[k].arraySync()));
  const measured = measure(inputs);
  inputs.forEach((t) => t.dispose());
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  SETTINGS.forEach((s, k) => {
    const m = measured[k];
    const p = predicted[k];
    const deviations = m.c.map((c, l) => Math.abs(c - p.c[l]));
    const worst = Math.max(...deviations);
    const at = deviations.indexOf(worst) + 1;
    const deep = m.q.slice(10).reduce((a, b) => a + b, 0) / 10;
    console.log(
      `${s.name} (σ_w² = ${s.sigmaW2}, σ_b² = ${s.sigmaB2}): c ${p.c[0].toFixed(3)} → ${p.c[DEPTH - 1].toFixed(3)} predicted, ${m.c[0].toFixed(3)} → ${m.c[DEPTH - 1].toFixed(3)} measured, worst |Δc| ${worst.toFixed(4)} at layer ${at}; q* ${p.qStar.toFixed(4)}, measured ${deep.toFixed(4)} (layers 11–20)`,
    );
    assert.ok(worst <= C_TOLERANCE, `${s.name}: the measured correlation leaves the map by ${worst} at layer ${at} (tolerance ${C_TOLERANCE.toFixed(3)})`);
    // The prediction must move: a map that left c where it started would fail here.
    assert.ok(Math.abs(p.c[DEPTH - 1] - p.c[0]) > 3 * C_TOLERANCE, `${s.name}: the predicted correlation moves by ${Math.abs(p.c[DEPTH - 1] - p.c[0])}`);
    assert.ok(Math.abs(deep / p.qStar - 1) <= Q_TOLERANCE, `${s.name}: pre-activation variance at depth ${deep} against q* = ${p.qStar}`);
  });
});
