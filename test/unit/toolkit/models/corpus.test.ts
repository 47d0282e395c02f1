// The corpus of real model files (test/fixtures/models, SOURCES.md names each one's repository,
// commit and licence): every file loads with loadModel, is probed on a few examples with every
// layer it has on a row of its own, and is compared as "Compare initializations" compares it (each
// default scheme's copy probed, and the verdict). A few go through `initlab compare --model`
// end to end. A file that tfjs 4.22 cannot build is listed in the corpus with the error it must
// give, naming the layer.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../../src/toolkit/engine/engine';
import { loadModel } from '../../../../src/toolkit/models/loadModel';
import { probe, type ProbeReport } from '../../../../src/toolkit/probe/probe';
import { stepsOf } from '../../../../src/toolkit/probe/layersGraph';
import { forModel } from '../../../../src/toolkit/data/forModel';
import { reinit } from '../../../../src/toolkit/nn';
import { verdict } from '../../../../src/toolkit/probe/verdict';
import { compareReports } from '../../../../src/toolkit/display';
import { DEFAULT_COMPARE_OPTIONS } from '../../../../src/host/compare/compareOptions';
import { parseCompareArgs, runCompare } from '../../../../src/cli/compareCommand';
import { kernelEntry } from '../../support/kernelBuild';
import { tempDir } from '../../support/tempDirs';
import { fixturesDir } from '../../support/paths';

interface CorpusEntry {
  file: string;
  format: string;
  inputShape?: (number | null)[] | (number | null)[][];
  outputs: number;
  kinds: string[];
  note?: string;
  /** What loading must say instead, for a file tfjs 4.22 cannot build. */
  error?: string;
  /** What the probe must say instead, for a model tfjs 4.22 builds but cannot differentiate. */
  probeError?: string;
}

const dir = path.join(fixturesDir, 'models');
const corpus: CorpusEntry[] = JSON.parse(fs.readFileSync(path.join(dir, 'corpus.json'), 'utf8'));

before(async () => {
  await initEngine();
});

/**
 * Classes that are no row: models hold layers (opened into them), and the reader leaves out
 * Keras 3's NotEqual mask op (tf.layers' Embedding passes its mask itself).
 */
const NOT_ROWS = new Set(['Sequential', 'Functional', 'Model', 'InputLayer', 'NotEqual']);

test('the corpus has at least 20 real files of every format, each named in SOURCES.md', () => {
  const sources = fs.readFileSync(path.join(dir, 'SOURCES.md'), 'utf8');
  assert.ok(corpus.length >= 20, `${corpus.length} files`);
  for (const format of ['tfjs-layers', 'keras2', 'keras2-list', 'keras3', 'teachable-machine', 'keras1']) assert.ok(corpus.some((e) => e.format === format), `a ${format} file`);
  for (const entry of corpus) {
    assert.ok(fs.existsSync(path.join(dir, entry.file)), entry.file);
    assert.ok(sources.includes(entry.file), `${entry.file} is in SOURCES.md`);
  }
});

for (const entry of corpus) {
  const what = entry.error ? 'is refused with an error naming the layer and the field' : entry.probeError ? 'loads, and its probe names the layer tfjs cannot differentiate' : 'loads, is probed with every layer on a row, and compares';
  test(`${entry.file} (${entry.format}): ${what}`, async () => {
    const before = tf.memory().numTensors;
    if (entry.error) {
      await assert.rejects(loadModel(path.join(dir, entry.file)), (err: Error) => err.message.includes(entry.error!), `the error names what tfjs lacks: ${entry.error}`);
      return;
    }
    const model = await loadModel(path.join(dir, entry.file));
    const { steps } = stepsOf(model);
    // A wrapper's row (Bidirectional, TimeDistributed) stands for the layer it wraps too.
    const wrapped = (layer: tfjs.layers.Layer) => (layer as unknown as { layer?: tfjs.layers.Layer }).layer;
    const kinds = new Set(steps.flatMap((s) => [s.layer.getClassName(), ...(wrapped(s.layer) ? [wrapped(s.layer)!.getClassName()] : [])]));
    for (const kind of entry.kinds.filter((k) => !NOT_ROWS.has(k))) assert.ok(kinds.has(kind), `${entry.file}: a ${kind} layer is a row (rows have ${[...kinds].join(', ')})`);
    const lstmCells = steps.reduce((n, s) => n + (s.kind === 'lstm' ? 1 : s.kind === 'bidirectional' && wrapped(s.layer)?.getClassName() === 'LSTM' ? 2 : 0), 0);
    const { x, y, examples } = forModel(model, { data: 'synthetic', examples: 2, seed: 0 });
    assert.equal(examples, 2);
    try {
      if (entry.probeError) {
        assert.throws(() => probe(model, { dataGrad: false }).step(x, y), (err: Error) => err.message.startsWith(entry.probeError!), `the probe names the layer: ${entry.probeError}`);
        return;
      }
      const reports: ProbeReport[] = [probe(model, { label: 'as loaded', dataGrad: false }).step(x, y)];
      assert.deepEqual(reports[0].layers.map((l) => l.id), steps.map((s) => s.id), 'a row per layer, nested models opened');
      for (const [k, step] of steps.entries()) {
        const row = reports[0].layers[k];
        if (step.layer.weights.some((w) => /kernel|embeddings/.test(w.name))) assert.ok(row.tensors.weights, `${row.id}: its weights are measured`);
        if (step.frozen) assert.equal(row.frozen, true, `${row.id} is marked frozen`);
      }
      // The comparison: each default scheme's copy, probed the same way.
      for (const scheme of DEFAULT_COMPARE_OPTIONS.schemes) {
        const copy = reinit(model, scheme as 'normal' | 'xavierNormal' | 'kaimingNormal', { seed: 0 });
        try {
          reports.push(probe(copy, { label: scheme, dataGrad: false }).step(x, y));
        } finally {
          copy.dispose();
        }
      }
      const judged = verdict(compareReports(reports));
      assert.equal(judged.schemes.length, reports.length);
      assert.doesNotMatch(judged.text, /undefined|NaN(?! )/, judged.text);
    } finally {
      tf.dispose([x, y] as tfjs.TensorContainer);
      model.dispose();
    }
    // tf.layers itself leaves 4 tensors per LSTM cell it builds with unitForgetBias (the loaded
    // model's; the copies are built in a scope of their own), and a few more: bounded.
    assert.ok(tf.memory().numTensors - before <= 20 + 4 * lstmCells, `${tf.memory().numTensors - before} tensors left (${lstmCells} LSTM cells)`);
  });
}

test('initlab compare --model runs end to end on real files of each format', async () => {
  const work = tempDir('corpus');
  for (const format of ['tfjs-layers', 'keras3', 'teachable-machine']) {
    const entry = corpus.find((e) => e.format === format && !e.error && !e.probeError)!;
    const run = parseCompareArgs(['--model', path.join(dir, entry.file), '--examples', '2', '--out', path.join(work, `${format}.html`)]);
    assert.ok(typeof run !== 'string', String(run));
    const out: string[] = [];
    const err: string[] = [];
    const sink = (lines: string[]) => ({ write: (chunk: string) => (lines.push(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
    const code = await runCompare(run, { stdout: sink(out), stderr: sink(err), kernelEntry: await kernelEntry() });
    assert.equal(code, 0, `${entry.file}: ${err.join('')}`);
    assert.match(err.join(''), /^data: .*2 /m, `${entry.file} says what data ran`);
    assert.match(out.join(''), /^[✓✗⚠] Kaiming normal/m, `${entry.file}: the verdict`);
  }
});
