// The tfjs internals the engine touches (tfjsInternals.ts): every one is as expected on the
// installed TensorFlow.js, and a simulated other version or a missing or changed internal is
// reported clearly, as an error or as a warning with its fallback. The objects are passed in,
// so nothing real is patched to simulate them; the patches then take their fallbacks.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BackendWasm, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { engineInfo, initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { nodeOsModule } from '../../../../src/toolkit/engine/threadedWasm';
import {
  TFJS_INTERNALS,
  TFJS_VERSION,
  checkTfjsInternals,
  closeOpenScopes,
  onDataDisposed,
  replaceFusedConv2d,
  withCpusReported,
  type TfjsSubject,
} from '../../../../src/toolkit/engine/tfjsInternals';

before(async () => {
  await initEngine();
});

const installed = (): TfjsSubject => ({
  source: 'the bundled TensorFlow.js',
  versions: { ...tf.version, 'tfjs-backend-wasm': version_wasm },
  tf,
  osModule: nodeOsModule(),
  BackendWasm,
  ...(tf.getBackend() === 'wasm' ? { wasmBackend: tf.backend() } : {}),
});

/** A tf module as tfjs 4.22 shapes it, built from the real one, with `engine` and other parts replaced. */
function fakeTf(engine: Record<string, unknown>, parts: Record<string, unknown> = {}): unknown {
  const real = tf.engine();
  return {
    engine: () => ({ state: { scopeStack: [], gradientDepth: 0 }, endScope() {}, gradients: real.gradients, makeTensorFromTensorInfo: real.makeTensorFromTensorInfo, ...engine }),
    fused: { conv2d: tf.fused.conv2d },
    getGradient: tf.getGradient,
    serialization: tf.serialization,
    ...parts,
  };
}

test(`on the installed TensorFlow.js (${TFJS_VERSION}.x) every internal is as the patches expect, and the engine started without a warning about them`, (t) => {
  assert.equal(tf.version['tfjs-core'].startsWith(`${TFJS_VERSION}.`), true);
  const report = checkTfjsInternals(installed());
  assert.deepEqual(report, { errors: [], warnings: [], failed: [] });
  assert.ok(!engineInfo().warnings.some((w) => /is not as InitLab expects|internals written for/.test(w)), engineInfo().warnings.join('\n'));
  if (tf.getBackend() !== 'wasm') return t.skip(`the WASM backend's own members are checked only when it runs; the engine is ${tf.getBackend()}`);
  // Every entry of the table was checked: each one's object was in the subject.
  const subject = installed();
  for (const internal of TFJS_INTERNALS) assert.notEqual(subject[internal.needs], undefined, `${internal.id} needs ${internal.needs}`);
});

test('another tfjs version is an error that names the package, the version found, the one expected and where the internals are listed', () => {
  for (const version of ['4.23.0', '5.0.0', '4.2.0', '4.220.1']) {
    const report = checkTfjsInternals({ source: 'the bundled TensorFlow.js', versions: { 'tfjs-core': version, 'tfjs-layers': '4.22.0', 'tfjs-backend-wasm': '4.22.0' } });
    assert.equal(report.errors.length, 1, version);
    assert.equal(
      report.errors[0],
      `InitLab's engine patches TensorFlow.js internals written for 4.22.x, but the bundled TensorFlow.js has @tensorflow/tfjs-core ${version}. ` +
        `Use 4.22.x, or check each internal in src/toolkit/engine/tfjsInternals.ts against ${version} and update TFJS_VERSION.`,
    );
  }
  // Each package is checked: tfjs-node brings its own tfjs-layers.
  const layers = checkTfjsInternals({ source: '@tensorflow/tfjs-node', versions: { 'tfjs-core': '4.22.0', 'tfjs-layers': '4.10.0' } });
  assert.match(layers.errors.join('\n'), /@tensorflow\/tfjs-node has @tensorflow\/tfjs-layers 4\.10\.0/);
  // Any 4.22 patch release is the version they were written for; a version that cannot be told is an error.
  assert.deepEqual(checkTfjsInternals({ versions: { 'tfjs-core': '4.22.3', 'tfjs-layers': '4.22.3' } }).errors, []);
  assert.match(checkTfjsInternals({ versions: {} }).errors.join('\n'), /cannot tell which TensorFlow\.js/);
});

test('a missing internal with a fallback is a warning that says what is missing, who needs it and what the engine does instead', () => {
  const report = checkTfjsInternals({ source: 'the bundled TensorFlow.js', tf: fakeTf({ state: { gradientDepth: 0 } }) });
  assert.deepEqual(report.failed, ['engine.scopeStack']);
  assert.deepEqual(report.errors, []);
  assert.equal(
    report.warnings[0],
    'the bundled TensorFlow.js: tf.engine().state.scopeStack (the open tf.tidy scopes) and tf.engine().endScope() is not as InitLab expects ' +
      '(tf.engine().state.scopeStack is not an array); opGuard.ts (resetAfterStop closes the scopes a stopped cell left open) needs it. ' +
      'After a stopped cell, the tensors of the tf.tidy scopes it left open will stay in memory.',
  );
  // A changed shape, not only a missing name: the conv gradients saving their tensors in another order.
  const swapped = (name: string) => ({ ...tf.getGradient(name)!, inputsToSave: ['filter', 'x'] });
  const changed = checkTfjsInternals({ tf: fakeTf({}, { getGradient: swapped }) });
  assert.deepEqual(changed.failed, ['gradient.conv']);
  assert.match(changed.warnings[0], /Conv2D's gradient saves \["filter","x"\].*convolutions with a dilation rate above 1 have no gradient/);
  // tf.fused frozen: its conv2d cannot be replaced.
  const frozen = checkTfjsInternals({ tf: fakeTf({}, { fused: Object.freeze({ conv2d: tf.fused.conv2d }) }) });
  assert.deepEqual(frozen.failed, ['fused.conv2d']);
  assert.match(frozen.warnings[0], /tf\.fused\.conv2d cannot be replaced/);
  // No BatchNormalization in tf.serialization's registry: the layer trains through tfjs's own ops.
  const noLayers = checkTfjsInternals({ tf: fakeTf({}, { serialization: { SerializationMap: { getMap: () => ({ classNameMap: {} }) } } }) });
  assert.deepEqual(noLayers.failed, ['layers.BatchNormalization']);
  assert.match(noLayers.warnings[0], /no BatchNormalization class.*BatchNormalization trains through tfjs's own ops/);
  // os.cpus that cannot be swapped, and a BackendWasm of another shape.
  const os = checkTfjsInternals({ osModule: Object.freeze({ cpus: () => [] }), BackendWasm: class {} });
  assert.deepEqual(os.failed, ['os.cpus', 'BackendWasm']);
  assert.match(os.warnings[0], /os\.cpus cannot be replaced.*XNNPACK will compute on half the threads/);
  assert.match(os.warnings[1], /BackendWasm takes 0 arguments.*single-threaded WASM backend will be used/);
});

test('a missing internal without a fallback is an error naming it', () => {
  const report = checkTfjsInternals({ source: '@tensorflow/tfjs-node', tf: fakeTf({ gradients: undefined }) });
  assert.deepEqual(report.failed, ['engine.gradients']);
  assert.deepEqual(report.warnings, []);
  assert.match(report.errors[0], /^@tensorflow\/tfjs-node: tf\.engine\(\)\.gradients\(f, xs, dy, allowNoGradients\).* is not as InitLab expects \(tf\.engine\(\) has no gradients\); probe\/layersAdapter\.ts/);
  // A WASM backend without the members InitLab's kernels write through: the engine then takes the CPU backend.
  const wasm = checkTfjsInternals({ source: 'the WASM backend', wasmBackend: { wasm: { HEAPU8: new Uint8Array(1), _malloc() {}, _free() {} }, getMemoryOffset() {}, disposeData() {} } });
  assert.deepEqual(wasm.failed, ['wasm.outputs']);
  assert.match(wasm.errors[0], /^the WASM backend: the WASM backend's makeOutput.* \(the WASM backend has no makeOutput, typedArrayFromHeap\); kernels\//);
  const noHeap = checkTfjsInternals({ wasmBackend: { makeOutput() {}, typedArrayFromHeap() {}, getMemoryOffset() {}, disposeData() {} } });
  assert.deepEqual(noHeap.failed, ['wasm.heap']);
  assert.match(noHeap.errors[0], /backend\.wasm is missing/);
});

test("the patches take their fallbacks when their internal is not as expected, and patch as before when it is", async () => {
  // os.cpus: swapped while the start runs, put back after; left alone when it cannot be.
  const cpus = [{ model: 'a' }, { model: 'b' }];
  const osModule = { cpus: () => cpus };
  const real = osModule.cpus;
  const seen = await withCpusReported(osModule, 4, async () => osModule.cpus().map((c) => (c as { model: string }).model));
  assert.deepEqual(seen, ['a', 'b', 'a', 'b']);
  assert.equal(osModule.cpus, real, 'put back');
  const frozenOs = Object.freeze({ cpus: () => cpus });
  assert.equal(await withCpusReported(frozenOs, 4, async () => frozenOs.cpus().length), 2, 'a frozen os.cpus is left as it is');

  // disposeData: wrapped to tell which data went; a backend that cannot be wrapped says so.
  const freed: unknown[] = [];
  const backend = { disposeData: (dataId: unknown) => dataId !== 'kept' };
  assert.equal(onDataDisposed(backend, (dataId) => freed.push(dataId)), true);
  assert.equal(backend.disposeData('a'), true);
  assert.equal(backend.disposeData('kept'), false);
  assert.deepEqual(freed, ['a'], 'only data actually freed is told');
  assert.equal(onDataDisposed(Object.freeze({ disposeData: () => true }), () => undefined), false);

  // The open scopes: closed when they can be read, nothing when they cannot.
  let ended = 0;
  const scopes = [1, 2];
  closeOpenScopes({ engine: () => ({ state: { scopeStack: scopes }, endScope: () => (ended++, scopes.pop()) }) });
  assert.equal(ended, 2);
  assert.doesNotThrow(() => closeOpenScopes({ engine: () => ({ state: {}, endScope() {} }) }));

  // tf.fused.conv2d: replaced, or left when frozen or when the gradient depth cannot be read.
  const original = () => 'original';
  const fused = { conv2d: original };
  assert.equal(replaceFusedConv2d(fakeTf({}, { fused }) as never, (f: () => string) => () => `routed ${f()}`), true);
  assert.equal(fused.conv2d(), 'routed original');
  const frozenFused = Object.freeze({ conv2d: original });
  assert.equal(replaceFusedConv2d(fakeTf({}, { fused: frozenFused }) as never, () => () => 'routed'), false);
  assert.equal(replaceFusedConv2d(fakeTf({ state: { scopeStack: [] } }, { fused: { conv2d: original } }) as never, () => () => 'routed'), false);
});
