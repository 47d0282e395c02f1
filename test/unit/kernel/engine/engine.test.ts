import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initEngine, tf } from '../../../../src/kernel/engine/engine';

test('the engine picks the WASM backend when tfjs-node is absent', async () => {
  const info = await initEngine();
  assert.equal(info.backend, tf.getBackend());
  assert.ok(['tensorflow', 'wasm'].includes(info.backend), `backend was ${info.backend}: ${info.warnings.join('; ')}`);
  assert.equal(info.tfjsVersion, tf.version.tfjs);
});
