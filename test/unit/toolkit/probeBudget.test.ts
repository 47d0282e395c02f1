// data.forModel's default count (data/probeBudget.ts) never exceeds what a probe pass can take in
// the WASM engine's heap as it is now: with 3.5 GB of tensors held, the count drops below what
// the work budget allows, and the probe accepts it (it refuses a pass that does not fit:
// probe/passMemory.ts).
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import { PASS_SECONDS, probeBudget } from '../../../src/toolkit/data/probeBudget';
import { planPassMemory } from '../../../src/toolkit/probe/passMemory';

before(async () => {
  await initEngine();
});

/** 3.5 MB of outputs per example: three 48 × 48 × 128 tensors. */
function wideModel(): tfjs.LayersModel {
  const input = tf.input({ shape: [48, 48, 4] });
  const wide = tf.layers.conv2d({ filters: 128, kernelSize: 1, useBias: false }).apply(input) as tfjs.SymbolicTensor;
  const normalized = tf.layers.batchNormalization().apply(wide) as tfjs.SymbolicTensor;
  const active = tf.layers.activation({ activation: 'relu' }).apply(normalized) as tfjs.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(active) as tfjs.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4, activation: 'softmax' }).apply(pooled) as tfjs.SymbolicTensor });
}

test('the default count is what the work budget allows, and no more than a probe pass fits in the heap now', () => {
  const model = wideModel();
  const one = tf.zeros([1, 48, 48, 4]);
  // Held first, on a young heap: one large block (tfjs's own malloc is not the kernel's guarded one here).
  const held = tf.zeros([Math.floor(3.5e9 / 4)]);
  let crowded;
  try {
    crowded = probeBudget(model, [one], 100_000);
  } finally {
    held.dispose();
  }
  const free = probeBudget(model, [one], 100_000);
  tf.dispose(one);
  assert.equal(free.bytesPerExample, 3 * 48 * 48 * 128 * 4 + 4 * 128 + 2 * 4 * 4, 'three wide outputs, the pooled one, logits and softmax');
  assert.equal(free.limitedBy, 'work');
  assert.equal(free.examples, Math.floor(PASS_SECONDS / free.secondsPerExample), 'an empty heap: the work budget');
  if (tf.getBackend() !== 'wasm') {
    assert.equal(crowded.examples, free.examples, 'no bounded heap elsewhere');
    return;
  }
  assert.equal(crowded.limitedBy, 'memory');
  assert.ok(crowded.examples < free.examples && crowded.examples > 20, `with 3.5 GB held: ${crowded.examples} examples, against ${free.examples}`);
  // And with that much held again, the probe's own check accepts the count (it would throw ProbeTooLarge otherwise).
  const again = tf.zeros([Math.floor(3.5e9 / 4)]);
  try {
    const sizes = { outputs: [3, 3, 3].map(() => 48 * 48 * 128 * 4).concat([512, 16, 16]), largest: 48 * 48 * 128 * 4, data: 48 * 48 * 4 * 4 };
    assert.doesNotThrow(() => planPassMemory(sizes, crowded.examples, 16 * 2 ** 20));
  } finally {
    again.dispose();
  }
});
