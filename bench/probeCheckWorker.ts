/**
 * InitLab's side of the reference check (scripts/benchCheck.mjs): builds one of the benched
 * networks, writes its weights and a small batch of data to `dir` (tensors.json, an index, and
 * tensors.bin, float32 little-endian), probes that batch as the bench does, and prints the
 * report's measurements as one JSON line. The PyTorch reference then loads the same weights and
 * data (bench/torch_probe.py's load_exported, bench/lesson_pass_torch.py) and measures its pass.
 *
 *   cnn        buildCnn on the first `examples` MNIST images, probe(model, { dataGrad: false })
 *   mobilenet  buildMobileNetV1 on `examples` N(0, 1) images, probe(model, { dataGrad: false })
 *   mlp        the lesson's nn.mlp 784-100-100-100-1 on `examples` N(0, 1) rows, probe(model)
 *
 *   node out/bench/probeCheckWorker.js <cnn|mobilenet|mlp> <examples> <dir>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../src/toolkit/engine/engine';
import { mnist } from '../src/toolkit/data/mnist';
import * as nn from '../src/toolkit/nn';
import { probe, type ProbeReport } from '../src/toolkit/probe/probe';
import { shortName } from '../src/toolkit/probe/layersGraph';
import { buildCnn, buildMobileNetV1 } from './benchModels';

/** Seeded weights: a check that fails, fails again on the next run. */
const CHECK_SEED = 7;

interface Entry {
  shape: number[];
  /** In float32 values from the start of tensors.bin. */
  offset: number;
}

/** Collects tensors into one float32 file and an index of where each lies. */
class Export {
  private readonly parts: Float32Array[] = [];
  private values = 0;

  add(t: tfjs.Tensor): Entry {
    const data = t.dataSync() as Float32Array;
    this.parts.push(Float32Array.from(data));
    this.values += data.length;
    return { shape: t.shape, offset: this.values - data.length };
  }

  write(dir: string, index: object): void {
    const all = new Float32Array(this.values);
    let at = 0;
    for (const p of this.parts) {
      all.set(p, at);
      at += p.length;
    }
    fs.writeFileSync(path.join(dir, 'tensors.bin'), new Uint8Array(all.buffer));
    fs.writeFileSync(path.join(dir, 'tensors.json'), JSON.stringify(index));
  }
}

/** The report's measurements: per layer (0-based, in the report's order) and kind. */
function measurements(report: ProbeReport): object[] {
  return report.layers.flatMap((layer, i) =>
    Object.entries(layer.tensors).map(([kind, s]) => ({
      layer: i,
      id: layer.id,
      kind,
      count: s.count,
      mean: s.mean,
      std: s.std,
      min: s.min,
      max: s.max,
      zeros: Math.round(s.zeroFraction * s.count),
      histogram: s.histogram.map((b) => b.count),
    })),
  );
}

async function main(): Promise<void> {
  const [net = 'cnn', examplesText = '8', dir = '.'] = process.argv.slice(2);
  const examples = Number(examplesText);
  await initEngine();
  const out = new Export();
  let report: ProbeReport;
  if (net === 'mlp') {
    const model = nn.mlp([784, 100, 100, 100, 1], { activation: 'relu', init: 'kaimingNormal', seed: 3 });
    const x = tf.randomNormal([examples, 784], 0, 1, 'float32', 1);
    const y = tf.randomNormal([examples], 0, 1, 'float32', 2);
    const linears = model.linears();
    out.write(dir, { weights: linears.map((l, layer) => ({ layer, w: out.add(l.w), b: out.add(l.b) })), x: out.add(x), y: out.add(y) });
    report = probe(model).step(x, y);
  } else if (net === 'cnn' || net === 'mobilenet') {
    const model = net === 'cnn' ? buildCnn(CHECK_SEED) : buildMobileNetV1(CHECK_SEED);
    let x: tfjs.Tensor;
    let y: tfjs.Tensor;
    if (net === 'cnn') {
      const set = mnist({ subset: examples });
      x = tf.reshape(set.xTrain, [-1, 28, 28, 1]);
      y = tf.oneHot(tf.cast(set.yTrain, 'int32'), 10);
    } else {
      x = tf.randomNormal([examples, 224, 224, 3], 0, 1, 'float32', 1);
      y = tf.oneHot(tf.randomUniform([examples], 0, 1000, 'int32', 2), 1000);
    }
    const weights = model.layers.flatMap((layer, i) => layer.weights.map((w) => ({ layer: i, name: shortName(w), ...out.add(w.read()) })));
    out.write(dir, { weights, x: out.add(x), y: out.add(tf.cast(y, 'float32')) });
    report = probe(model, { dataGrad: false }).step(x, y);
    // The report's layers are the model's, in order: the PyTorch side numbers its layers the same way.
    report.layers.forEach((l, i) => {
      if (l.id !== model.layers[i].name) throw new Error(`report layer ${i} is ${l.id}, the model's is ${model.layers[i].name}`);
    });
  } else {
    throw new Error(`unknown network ${net}: cnn, mobilenet or mlp`);
  }
  process.stdout.write(`${JSON.stringify({ loss: report.loss, tensors: measurements(report) })}\n`);
}

void main();
