/**
 * Every public toolkit function, fed bad arguments: each call must throw a TypeError or
 * RangeError whose message starts with the function's name as a cell writes it and names the
 * argument, and must leave no tensor behind. The list of functions is walked from the
 * toolkit's exports, so a new function without a row here fails this test.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as tfjs from '@tensorflow/tfjs';
import { initEngine, tf } from '../../../src/toolkit/engine/engine';
import * as toolkit from '../../../src/toolkit';
import type { ProbeReport } from '../../../src/toolkit';
import { emptyRecord } from '../../../src/toolkit/watch/watchRecord';

const { init, nn, data, charts } = toolkit;

before(async () => {
  await initEngine();
  fixtures();
});

/** A bad call: the message must start with `fn` and mention `argument`. */
interface BadCall {
  fn: string;
  argument: string;
  call: () => unknown;
}

/** "init.normal", "nn.Linear", "probe", …: every function and class the toolkit exports. */
function publicFunctionNames(): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(toolkit)) {
    if (typeof value === 'function') names.push(name);
    else if (typeof value === 'object' && value !== null) {
      for (const [member, inner] of Object.entries(value)) if (typeof inner === 'function') names.push(`${name}.${member}`);
    }
  }
  return names.sort();
}

// Fixtures, made once: a small model, data that fits it, and a probe report.
let model: toolkit.nn.Model;
let x: tfjs.Tensor2D;
let y: tfjs.Tensor1D;
let report: ProbeReport;
/** Tensors the bad calls pass, made before any call so the leak check sees only what a call makes. */
const z: Record<string, tfjs.Tensor> = {};

function fixtures() {
  for (const shape of [[1], [2], [3], [5], [3, 2], [5, 4], [4, 1], [4, 3], [6, 5], [2, 4], [1, 1, 3, 2]]) z[shape.join('x')] = tf.zeros(shape);
  model = nn.mlp([4, 3, 1], { seed: 0 });
  x = tf.randomNormal([6, 4], 0, 1, 'float32', 0);
  y = tf.randomNormal([6], 0, 1, 'float32', 1);
  report = toolkit.probe(model, { label: 'fixture' }).step(x, y);
}

class Custom extends nn.Module {
  get name() {
    return 'Custom';
  }
  protected compute(inp: tfjs.Tensor) {
    return tf.clone(inp);
  }
  protected computeGrad(_inp: tfjs.Tensor, _out: tfjs.Tensor, g: tfjs.Tensor) {
    return tf.clone(g);
  }
}

class CustomLoss extends nn.Loss {
  get name() {
    return 'CustomLoss';
  }
  protected prepareTarget(_pred: tfjs.Tensor, target: tfjs.Tensor) {
    return tf.clone(target);
  }
  protected compute(pred: tfjs.Tensor) {
    return tf.sum(pred) as tfjs.Scalar;
  }
  protected computeGrad(pred: tfjs.Tensor) {
    return tf.onesLike(pred);
  }
}

const bad = (fn: string, argument: string, call: () => unknown): BadCall => ({ fn, argument, call });
const any = (v: unknown) => v as never;
/** A function as a cell without types may call it. */
const loose = (f: unknown) => f as (...args: unknown[]) => unknown;

/** Functions that accept any argument by design, with the behaviour that shows it. */
const ACCEPTS_ANYTHING: Record<string, { because: string; check: () => void }> = {
  'loadModel.info': {
    because: 'it answers "what did loadModel read for this?", undefined for anything loadModel did not make',
    check: () => {
      for (const v of [3, 'x', null, {}, model]) assert.equal(toolkit.loadModel.info(v), undefined);
    },
  },
  'nn.describeModel': {
    because: 'it answers "what is this model made of?", undefined for anything it cannot read',
    check: () => {
      for (const v of [3, 'x', null, {}, z['1']]) assert.equal(nn.describeModel(v), undefined);
    },
  },
};

function rows(): Record<string, BadCall[]> {
  const linear = new nn.Linear(z['3x2'], z['2']);
  const layers = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1 })] });
  layers.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const conv = new nn.Conv2d(z['1x1x3x2'], z['2']);
  return {
    // init
    'init.calculateGain': [bad('init.calculateGain', 'nonlinearity', () => init.calculateGain(any('swish'))), bad('init.calculateGain', 'param', () => init.calculateGain('leaky_relu', NaN))],
    'init.calculateFanInAndFanOut': [bad('init.calculateFanInAndFanOut', 'shape', () => init.calculateFanInAndFanOut([10])), bad('init.calculateFanInAndFanOut', 'shape', () => init.calculateFanInAndFanOut([3, 2.5]))],
    'init.truncatedNormalStd': [bad('init.truncatedNormalStd', 'std', () => init.truncatedNormalStd(0, -1, -2, 2)), bad('init.truncatedNormalStd', 'a', () => init.truncatedNormalStd(0, 1, NaN, 2))],
    'init.lsuv': [
      bad('init.lsuv', 'model', () => init.lsuv(any({}), x)),
      bad('init.lsuv', 'batch', () => init.lsuv(model, z['4x3'])),
      bad('init.lsuv', '"tol"', () => init.lsuv(model, x, any({ tol: 0.1 }))),
      bad('init.lsuv', 'options.maxIterations', () => init.lsuv(model, x, { maxIterations: -1 })),
    ],
    'init.deltaOrthogonal': [bad('init.deltaOrthogonal', 'shape', () => init.deltaOrthogonal([3])), bad('init.deltaOrthogonal', 'options.gain', () => init.deltaOrthogonal([3, 3, 2, 2], { gain: NaN }))],
    'init.zerO': [bad('init.zerO', 'shape', () => init.zerO([3])), bad('init.zerO', 'shape only', () => loose(init.zerO)([3, 3], { seed: 1 }))],
    'init.fixup': [
      bad('init.fixup', 'model', () => init.fixup(any({}))),
      bad('init.fixup', 'residual branch', () => init.fixup(model)),
      bad('init.fixup', 'argument', () => loose(init.fixup)(model, {})),
    ],
    'init.metaInit': [
      bad('init.metaInit', 'model', () => init.metaInit(any({}), x, y)),
      bad('init.metaInit', 'x', () => init.metaInit(model, z['4x3'], y)),
      bad('init.metaInit', 'options.steps', () => init.metaInit(model, x, y, { steps: -1 })),
    ],
    'init.gradInit': [
      bad('init.gradInit', 'y', () => init.gradInit(model, x, any('y'))),
      bad('init.gradInit', 'options.optimizer', () => init.gradInit(model, x, y, { optimizer: any('rmsprop') })),
      bad('init.gradInit', 'options.lr', () => init.gradInit(model, x, y, { lr: 0 })),
    ],
    'init.manualSeed': [bad('manualSeed', 'seed', () => init.manualSeed(NaN))],
    'init.uniform': [bad('init.uniform', 'shape', () => init.uniform([3, 0])), bad('init.uniform', 'options.a', () => init.uniform([3, 3], { a: 1, b: 0 })), bad('init.uniform', 'b', () => init.uniform([3], 0, any('1')))],
    'init.normal': [bad('init.normal', 'options.std', () => init.normal([3, 3], { std: -1 })), bad('init.normal', 'mean', () => init.normal([3, 3], Infinity)), bad('init.normal', 'options.seed', () => init.normal([3], { seed: any('0') }))],
    'init.truncNormal': [bad('init.truncNormal', 'options.std', () => init.truncNormal([3, 3], { std: 0 })), bad('init.truncNormal', 'a', () => init.truncNormal([3], 0, 1, 2, -2))],
    'init.constant': [bad('init.constant', 'val', () => init.constant([2], any('x'))), bad('init.constant', 'val', () => init.constant(any([2]), any(undefined))), bad('init.constant', '"value"', () => init.constant([2], any({ value: 1 })))],
    'init.ones': [bad('init.ones', 'shape', () => init.ones(any('3'))), bad('init.ones', 'the extra one', () => loose(init.ones)([2], 1))],
    'init.zeros': [bad('init.zeros', 'shape', () => init.zeros([-2])), bad('init.zeros', 'the extra one', () => loose(init.zeros)([2], 0))],
    'init.eye': [bad('init.eye', 'shape', () => init.eye([2, 2, 2]))],
    'init.dirac': [bad('init.dirac', 'shape', () => init.dirac([3, 3])), bad('init.dirac', 'options.groups', () => init.dirac([3, 4, 6], { groups: 0 })), bad('init.dirac', 'groups', () => init.dirac([3, 4, 6], 1.5))],
    'init.xavierUniform': [bad('init.xavierUniform', 'options.gain', () => init.xavierUniform([3, 3], { gain: -1 })), bad('init.xavierUniform', 'shape', () => init.xavierUniform([5]))],
    'init.xavierNormal': [bad('init.xavierNormal', 'options.gain', () => init.xavierNormal([300, 500], { gain: any('2') })), bad('init.xavierNormal', '"gian"', () => init.xavierNormal([3, 3], any({ gian: 2 })))],
    'init.kaimingUniform': [bad('init.kaimingUniform', 'options.mode', () => init.kaimingUniform([3, 3], { mode: any('fan_avg') })), bad('init.kaimingUniform', 'options.a', () => init.kaimingUniform([3, 3], { a: NaN }))],
    'init.kaimingNormal': [bad('init.kaimingNormal', 'options.nonlinearity', () => init.kaimingNormal([3, 3], { nonlinearity: any('swish') })), bad('init.kaimingNormal', 'options', () => init.kaimingNormal([3, 3], any('fan_in')))],
    'init.lecunNormal': [bad('init.lecunNormal', 'shape', () => init.lecunNormal([3])), bad('init.lecunNormal', '"gain"', () => init.lecunNormal([3, 3], any({ gain: 2 })))],
    'init.lecunUniform': [bad('init.lecunUniform', 'options.seed', () => init.lecunUniform([3, 3], { seed: any('a') }))],
    'init.orthogonal': [bad('init.orthogonal', 'shape', () => init.orthogonal([3])), bad('init.orthogonal', 'options.gain', () => init.orthogonal([3, 3], { gain: Infinity }))],
    'init.sparse': [bad('init.sparse', 'shape', () => init.sparse([3, 3, 3], 0.5)), bad('init.sparse', 'sparsity', () => init.sparse([3, 3], 1.5)), bad('init.sparse', 'sparsity', () => init.sparse([3, 3], any({ std: 0.1 })))],

    // nn
    'nn.Module': [bad('nn.Custom.forward', 'input', () => new Custom().forward(any([1, 2])))],
    'nn.Linear': [
      bad('nn.Linear', 'w', () => new nn.Linear(z['3'], z['3'])),
      bad('nn.Linear', 'b', () => new nn.Linear(z['3x2'], z['3'])),
      bad('nn.Linear(3→2).forward', 'input', () => linear.forward(z['5x4'])),
    ],
    'nn.ReLU': [bad('nn.ReLU', '"shfit"', () => new nn.ReLU(any({ shfit: 1 }))), bad('nn.ReLU', 'options.shift', () => new nn.ReLU({ shift: NaN }))],
    'nn.LeakyReLU': [bad('nn.LeakyReLU', 'slope', () => new nn.LeakyReLU(any('0.1')))],
    'nn.Sigmoid': [bad('nn.Sigmoid.forward', 'input', () => new nn.Sigmoid().forward(any(undefined)))],
    'nn.Tanh': [bad('nn.Tanh.forward', 'input', () => new nn.Tanh().forward(any('x')))],
    'nn.Identity': [bad('nn.Identity.forward', 'input', () => new nn.Identity().forward(any(3)))],
    'nn.Loss': [bad('nn.CustomLoss.forward', 'target', () => new CustomLoss().forward(z['2'], any([1, 2])))],
    'nn.MSE': [bad('nn.MSE.forward', 'target', () => new nn.MSE().forward(z['4x1'], z['3'])), bad('nn.MSE.forward', 'pred', () => new nn.MSE().forward(any(null), z['3']))],
    'nn.CrossEntropy': [bad('nn.CrossEntropy.forward', 'target', () => new nn.CrossEntropy().forward(z['4x3'], z['5']))],
    'nn.Sequential': [
      bad('nn.Sequential', 'layers[1]', () => new nn.Sequential(any([new nn.ReLU(), 2]))),
      bad('nn.Sequential', 'layers', () => new nn.Sequential(any('relu'))),
      bad('nn.Sequential.backward', '"datagrad"', () => new nn.Sequential([]).backward(any({ datagrad: false }))),
    ],
    'nn.Model': [
      bad('nn.Model', 'loss', () => new nn.Model([], any('mse'))),
      bad('nn.Model.forward', 'y', () => model.forward(x)),
      bad('nn.Model.forward', 'x', () => model.forward(any([[1, 2, 3, 4]]), y)),
      bad('nn.Model.backward', 'options.dataGrad', () => model.backward(any({ dataGrad: 'no' }))),
    ],
    'nn.mlp': [
      bad('nn.mlp', 'sizes', () => nn.mlp([784, 0])),
      bad('nn.mlp', 'options.activation', () => nn.mlp([4, 2], { activation: any('gelu') })),
      bad('nn.mlp', 'options.init', () => nn.mlp([4, 2], { init: any('he') })),
      bad('nn.mlp', '"sed"', () => nn.mlp([4, 2], any({ sed: 1 }))),
      bad('nn.mlp', 'init function', () => nn.mlp([4, 2], { init: () => z['2x4'] })),
    ],
    'nn.namedInit': [bad('nn.namedInit', 'name', () => nn.namedInit(any('he'), 'relu')), bad('nn.namedInit', 'activation', () => nn.namedInit('normal', any('gelu')))],
    'nn.activationModule': [bad('nn.activationModule', 'name', () => nn.activationModule(any('gelu')))],
    'nn.reinit': [
      bad('nn.reinit', 'model', () => nn.reinit(any({}), 'normal')),
      bad('nn.reinit', 'init', () => nn.reinit(model, any('he'))),
      bad('nn.reinit', 'options.seed', () => nn.reinit(model, 'normal', { seed: any('x') })),
    ],

    // probe, train, verdict, comparisons
    probe: [bad('probe', 'model', () => toolkit.probe(any({}))), bad('probe', '"bin"', () => toolkit.probe(model, any({ bin: 3 }))), bad('probe', 'options.bins', () => toolkit.probe(model, { bins: 0 }))],
    // Probe's constructor is reached through probe(); its public method is checked here.
    Probe: [bad('probe.step', 'x', () => new toolkit.Probe(model).step(any('x'), y)), bad('probe.step', 'y', () => toolkit.probe(model).step(x, z['5']))],
    train: [
      bad('train', 'model', () => toolkit.train(any({}), x, y, { lr: 0.1, steps: 1 })),
      bad('train', 'options', () => toolkit.train(model, x, y, any(undefined))),
      bad('train', 'options.lr', () => toolkit.train(model, x, y, { lr: -1, steps: 1 })),
      bad('train', 'options.steps', () => toolkit.train(model, x, y, { lr: 0.1, steps: 1.5 })),
      bad('train', 'y', () => toolkit.train(model, x, z['5'], { lr: 0.1, steps: 1 })),
      bad('train', 'x', () => toolkit.train(model, z['6x5'], y, { lr: 0.1, steps: 1 })),
    ],
    manualSeed: [bad('manualSeed', 'seed', () => toolkit.manualSeed(any('1')))],
    loadModel: [
      bad('loadModel', 'file', () => void toolkit.loadModel(any(3))),
      bad('loadModel', '"weight"', () => void toolkit.loadModel('model.json', any({ weight: false }))),
      bad('loadModel', 'options.weights', () => void toolkit.loadModel('model.json', { weights: any('yes') })),
    ],
    watch: [
      bad('watch', 'model', () => toolkit.watch(any(model), { x, y })),
      bad('watch', 'options', () => toolkit.watch(layers, any(undefined))),
      bad('watch', 'options.x', () => toolkit.watch(layers, { x: any([1, 2]), y })),
      bad('watch', 'options.every', () => toolkit.watch(layers, { x, y, every: 0 })),
      bad('watch', 'options.every', () => toolkit.watch(layers, { x, y, every: any('often') })),
      bad('watch', 'options.y', () => toolkit.watch(layers, { x, y: z['5'] })),
      bad('watch', '"evry"', () => toolkit.watch(layers, any({ x, y, evry: 2 }))),
    ],
    record: [
      bad('record', 'stepFn', () => toolkit.record(model, any('step'), { x, y, steps: 2 })),
      bad('record', 'options.steps', () => toolkit.record(model, () => 0, any({ x, y }))),
      bad('record', 'options.steps', () => toolkit.record(model, () => 0, { x, y, steps: 0 })),
      bad('record', 'options.maxOverhead', () => toolkit.record(model, () => 0, { x, y, steps: 2, maxOverhead: -1 })),
      bad('record', 'model', () => toolkit.record(any({}), () => 0, { x, y, steps: 2 })),
    ],
    sgdSteps: [
      bad('sgdSteps', 'options.lr', () => toolkit.sgdSteps(model, x, y, { lr: 0 })),
      bad('sgdSteps', 'y', () => toolkit.sgdSteps(model, x, z['5'])),
      bad('sgdSteps', 'model', () => toolkit.sgdSteps(any({}), x, y)),
    ],
    verdict: [
      bad('verdict', 'reports', () => toolkit.verdict([])),
      bad('verdict', 'reports[0]', () => toolkit.verdict(any([{}]))),
      bad('verdict', 'options.trainings', () => toolkit.verdict(report, { trainings: any([report]) })),
    ],
    compareReports: [bad('compareReports', 'reports', () => toolkit.compareReports([])), bad('compareReports', 'reports[1]', () => toolkit.compareReports(any([report, 3])))],
    spectrum: [
      bad('spectrum', 'model', () => toolkit.spectrum(any({}), x)),
      bad('spectrum', 'x', () => toolkit.spectrum(model, any([1, 2]))),
      bad('spectrum', 'options.method', () => toolkit.spectrum(model, x, { method: any('svd') })),
      bad('spectrum', '"example"', () => toolkit.spectrum(model, x, any({ example: 2 }))),
    ],
    coordCheck: [
      bad('coordCheck', 'build', () => toolkit.coordCheck(any(3), { widths: [8, 16] })),
      bad('coordCheck', 'options.widths', () => toolkit.coordCheck((w) => nn.mlp([4, w, 1]), { widths: [8] })),
      bad('coordCheck', 'options.widths', () => toolkit.coordCheck((w) => nn.mlp([4, w, 1]), { widths: [8, 8] })),
      bad('coordCheck', 'options.optimizer', () => toolkit.coordCheck((w) => nn.mlp([4, w, 1]), { widths: [8, 16], optimizer: any('lbfgs') })),
    ],
    'muP.mlp': [
      bad('muP.mlp', 'options', () => toolkit.muP.mlp(any(64))),
      bad('muP.mlp', 'options.width', () => toolkit.muP.mlp({ inputs: 4, width: 0, outputs: 1, baseWidth: 8 })),
    ],
    'muP.parametrize': [
      bad('muP.parametrize', 'model', () => toolkit.muP.parametrize(any({}), { baseWidth: 8 })),
      bad('muP.parametrize', 'options.baseWidth', () => toolkit.muP.parametrize(model, { baseWidth: -1 })),
    ],
    'muP.trainer': [bad('muP.trainer', 'options.lr', () => toolkit.muP.trainer(toolkit.muP.parametrize(model, { baseWidth: 3 }), { lr: any('fast') }))],
    meanField: [
      bad('meanField', 'options.activation', () => toolkit.meanField(any({ activation: 'gelu', sigmaW: 1 }))),
      bad('meanField', 'options.sigmaW', () => toolkit.meanField({ activation: 'tanh', sigmaW: -1 })),
      bad('meanField', '"sigmaw"', () => toolkit.meanField(any({ activation: 'tanh', sigmaw: 1 }))),
      bad('meanField.ofModel', 'model', () => toolkit.meanField.ofModel(any({}))),
      bad('meanField.correlationMap', 'options.c', () => toolkit.meanField.correlationMap({ activation: 'tanh', sigmaW: 1, q: 1, c: 2, depth: 3 })),
      bad('meanField.criticalPoint', 'options.sigmaB', () => toolkit.meanField.criticalPoint({ activation: 'tanh', sigmaB: NaN })),
    ],

    // data
    'data.mnist': [bad('data.mnist', 'options.subset', () => data.mnist({ subset: -1 })), bad('data.mnist', '"normalise"', () => data.mnist(any({ normalise: false })))],
    'data.normalize': [bad('data.normalize', 'std', () => data.normalize(x, 0, 0)), bad('data.normalize', 'x', () => data.normalize(any('x'), 0, 1))],
    'data.meanStd': [bad('data.meanStd', 'x', () => data.meanStd(any([1, 2])))],
    'data.synthetic': [bad('data.synthetic', 'columns', () => data.synthetic(10, 0)), bad('data.synthetic', 'rows', () => data.synthetic(-1, 3))],
    'data.readIdx': [bad('data.readIdx', 'file', () => data.readIdx(any(3)))],
    'data.forModel': [bad('data.forModel', 'model', () => data.forModel(any({}))), bad('data.forModel', 'options.data', () => data.forModel(model, { data: any('cifar') }))],

    // charts
    'charts.layerStats': [bad('charts.layerStats', 'value', () => charts.layerStats(any({}))), bad('charts.layerStats', 'kinds[0]', () => charts.layerStats(report, any(['activations'])))],
    'charts.histograms': [bad('charts.histograms', 'kind', () => charts.histograms(report, any('grad')))],
    'charts.theory': [bad('charts.theory', 'value', () => charts.theory(any([report])))],
    'charts.watch': [bad('charts.watch', 'record', () => charts.watch(any(report))), bad('charts.watch', 'records', () => charts.watch(any([])))],
    'charts.colorful': [bad('charts.colorful', 'record', () => charts.colorful(any({}))), bad('charts.colorful', 'options.quantity', () => charts.colorful(emptyRecord('r'), any({ quantity: 'grads' })))],
    'charts.training': [bad('charts.training', 'records', () => charts.training(any({}))), bad('charts.training', 'records', () => charts.training([]))],
    'charts.derivatives': [
      bad('charts.derivatives', 'options.from', () => charts.derivatives({ from: 5, to: 1 })),
      bad('charts.derivatives', 'options.marks[0].z', () => charts.derivatives({ marks: [{ z: any('a'), activation: 'sigmoid' }] })),
      bad('charts.derivatives', '"activation"', () => charts.derivatives(any({ activation: ['relu'] }))),
    ],
    'charts.table': [bad('charts.table', 'reports', () => charts.table([]))],
    'charts.coordCheck': [bad('charts.coordCheck', 'report', () => charts.coordCheck(any(report)))],
    'charts.spectrum': [bad('charts.spectrum', 'value', () => charts.spectrum(any(report))), bad('charts.spectrum', 'value[0]', () => charts.spectrum(any([3])))],
    'charts.phaseDiagram': [bad('charts.phaseDiagram', 'report', () => charts.phaseDiagram(any(report)))],
    'nn.Conv2d': [
      bad('nn.Conv2d', 'w', () => new nn.Conv2d(z['3x2'], z['2'])),
      bad('nn.Conv2d', 'options.padding', () => new nn.Conv2d(conv.w, conv.b, { padding: any('full') })),
      bad('nn.Conv2d', 'options.stride', () => new nn.Conv2d(conv.w, conv.b, { stride: 0 })),
      bad('nn.Conv2d(3→2, 1×1).forward', 'input', () => conv.forward(z['5x4'])),
    ],
    'nn.BatchNorm': [bad('nn.BatchNorm', 'channels', () => new nn.BatchNorm(0)), bad('nn.BatchNorm', 'options.eps', () => new nn.BatchNorm(3, { eps: -1 }))],
    'nn.Flatten': [bad('nn.Flatten.forward', 'input', () => new nn.Flatten().forward(any([1, 2])))],
    'nn.GlobalAvgPool': [bad('nn.GlobalAvgPool.forward', 'input', () => new nn.GlobalAvgPool().forward(z['5x4']))],
    'nn.Residual': [bad('nn.Residual', 'body', () => new nn.Residual([])), bad('nn.Residual', 'shortcut', () => new nn.Residual([new nn.ReLU()], any(3)))],
    'nn.cnn': [
      bad('nn.cnn', 'options.input', () => nn.cnn({ input: any([28, 28]), channels: [4] })),
      bad('nn.cnn', 'options.channels[0]', () => nn.cnn({ input: [28, 28, 1], channels: [0] })),
      bad('nn.cnn', 'options.strides', () => nn.cnn({ input: [28, 28, 1], channels: [4], strides: [1, 2] })),
    ],
  };
}

test('every public toolkit function has a row of bad arguments', () => {
  const table = rows();
  const missing = publicFunctionNames().filter((name) => !(name in table) && !(name in ACCEPTS_ANYTHING));
  assert.deepEqual(missing, [], `add a row for: ${missing.join(', ')}`);
  const stale = Object.keys(table).filter((name) => !publicFunctionNames().includes(name));
  assert.deepEqual(stale, [], 'rows for functions that are no longer exported');
});

test('each bad call throws a TypeError or RangeError naming the function and the argument, and leaks no tensor', () => {
  const table = rows();
  let calls = 0;
  for (const [name, calls_] of Object.entries(table)) {
    for (const { fn, argument, call } of calls_) {
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof TypeError || error instanceof RangeError, `${name}: a bad ${argument} must throw a TypeError or RangeError, got ${String(error)}`);
      const message = (error as Error).message;
      assert.ok(message.startsWith(`${fn}:`), `${name}: the message starts with "${fn}:": ${message}`);
      assert.ok(message.includes(argument), `${name}: the message names ${argument}: ${message}`);
      assert.doesNotMatch(message, /undefined is not|Cannot read prop|is not a function|is not iterable/, `${name}: a checked message, not a JavaScript one`);
      assert.equal(tf.memory().numTensors, before, `${name} (${argument}): no tensor left behind`);
      if (process.env.INITLAB_SHOW_MESSAGES) console.log(`    ${message}`);
      calls++;
    }
  }
  console.log(`    ${calls} bad calls over ${Object.keys(table).length} functions`);
});

test('functions that accept anything do so by design', () => {
  for (const { check } of Object.values(ACCEPTS_ANYTHING)) check();
});
