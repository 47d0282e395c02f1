/**
 * One benchmark process: InitLab's convolution-gradient kernels on the WASM engine against the
 * forward convolution of the same size, at the shapes of the CNN in cnnPassWorker.ts (and
 * depthwise at the same shapes). Prints one JSON line per shape: median milliseconds of `rounds`
 * runs after a warm-up, each kernel run on its own through tf.engine().runKernel.
 *
 *   node out/bench/convGradientsWorker.js <images> <rounds>
 */
import type { NamedAttrMap, NamedTensorMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { engineInfo, initEngine, tf } from '../src/toolkit/engine/engine';

function median(run: () => Tensor, rounds: number): number {
  tf.dispose(run()); // warm-up: operators created, heap grown
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    const out = run();
    out.dataSync();
    times.push(performance.now() - started);
    out.dispose();
  }
  return Math.round(times.sort((a, b) => a - b)[Math.floor(rounds / 2)]);
}

const kernel = (name: string, inputs: NamedTensorMap, attrs: NamedAttrMap) => () => tf.engine().runKernel(name, inputs, attrs) as Tensor;

async function main(): Promise<void> {
  const [imagesText = '1000', roundsText = '3'] = process.argv.slice(2);
  const images = Number(imagesText);
  const rounds = Number(roundsText);
  await initEngine();
  const layers = [
    { size: 28, cin: 1, cout: 16, stride: 1 },
    { size: 28, cin: 16, cout: 32, stride: 2 },
    { size: 14, cin: 32, cout: 64, stride: 2 },
  ];
  for (const { size, cin, cout, stride } of layers) {
    const x = tf.randomNormal([images, size, size, cin]);
    const filter = tf.randomNormal([3, 3, cin, cout]);
    const dy = tf.tidy(() => tf.randomNormal(tf.conv2d(x as Tensor4D, filter as Tensor4D, stride, 'same').shape));
    const depthFilter = tf.randomNormal([3, 3, cin, 1]);
    const depthDy = tf.tidy(() => tf.randomNormal(tf.depthwiseConv2d(x as Tensor4D, depthFilter as Tensor4D, stride, 'same').shape));
    const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
    const row = {
      backend: engineInfo().backend,
      threads: engineInfo().threads,
      shape: `[${images},${size},${size},${cin}] 3x3 -> ${cout}, stride ${stride}`,
      conv2d: median(() => tf.conv2d(x as Tensor4D, filter as Tensor4D, stride, 'same'), rounds),
      conv2DBackpropFilter: median(kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }), rounds),
      conv2DBackpropInput: median(kernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }), rounds),
      depthwiseConv2d: median(() => tf.depthwiseConv2d(x as Tensor4D, depthFilter as Tensor4D, stride, 'same'), rounds),
      depthwiseBackpropFilter: median(kernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: depthDy }, { ...attrs, filterShape: depthFilter.shape }), rounds),
      depthwiseBackpropInput: median(kernel('DepthwiseConv2dNativeBackpropInput', { dy: depthDy, filter: depthFilter }, { ...attrs, inputShape: x.shape }), rounds),
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
    tf.dispose([x, filter, dy, depthFilter, depthDy]);
  }
}

void main();
