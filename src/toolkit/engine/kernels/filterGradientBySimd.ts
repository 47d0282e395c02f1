/**
 * A convolution's filter gradient by the SIMD function of engine/simd/simdFilterGradientCode.ts, on x
 * and dy where they lie in the engine's heap, the images split between the main thread and the
 * SIMD passes' worker thread. conv2DBackpropFilter.ts takes this way whenever it applies: the
 * WASM engine with the SIMD passes instantiated, float32, output channels in fours.
 *
 * For the MNIST CNN of `npm run bench` (128 images, two threads) the three layers' filter
 * gradients took 10, 15 and 10 ms by XNNPACK (patches × dy for the first, the batch-as-channels
 * convolution for the others); docs/speed-history.md has what this way takes.
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import { filterGeometry } from '../simd/simdFilterGradientCode';
import { convShapeOf } from '../simd/convShape';
import { simdPasses } from '../simd/simdPasses';
import type { BackendCalls } from './backendCalls';
import { heapBackend } from './heapArrays';

let calls = 0;

/** How many filter gradients took this way so far: for the tests, which must know the way ran. */
export function filterGradientsBySimd(): number {
  return calls;
}

/** dW [fh, fw, Cin, Cout] of the forward convolution `info`, or undefined where this way does not apply. */
export function filterGradientBySimd(backendCalls: BackendCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || info.outChannels % 4 !== 0 || info.batchSize === 0) return undefined;
  const simd = simdPasses();
  if (!simd) return undefined;
  const heap = heapBackend(backendCalls.backend);
  const address = (t: TensorInfo) => heap.typedArrayFromHeap(t).byteOffset;
  const geometry = filterGeometry(convShapeOf(info));
  const out = backendCalls.adopt(heap.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32'));
  simd.convFilterGradient(address(x), address(dy), address(out), info.batchSize, geometry);
  calls++;
  return out;
}
