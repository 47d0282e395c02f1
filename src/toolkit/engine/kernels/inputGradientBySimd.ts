/**
 * A convolution's input gradient by the SIMD function of engine/simd/simdInputGradientCode.ts, on dy
 * and the filter where they lie in the engine's heap, the images split between the main thread
 * and the SIMD passes' worker thread. conv2DBackpropInput.ts takes this way whenever it applies:
 * the WASM engine with the SIMD passes instantiated, float32, input channels in fours.
 *
 * The filter [fh, fw, Cin, Cout] is first transposed to [fh, fw, Cout, Cin] (small: 18 K floats
 * for the MNIST CNN's third layer), so that a tap's input channels are contiguous.
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import { inputGradientGeometry } from '../simd/simdInputGradientCode';
import { convShapeOf } from '../simd/convShape';
import { simdPasses } from '../simd/simdPasses';
import type { BackendCalls } from './backendCalls';
import { heapBackend } from './heapArrays';

let calls = 0;

/** How many input gradients took this way so far: for the tests, which must know the way ran. */
export function inputGradientsBySimd(): number {
  return calls;
}

/** dx [N, H, W, Cin] of the forward convolution `info`, or undefined where this way does not apply. */
export function inputGradientBySimd(backendCalls: BackendCalls, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || info.inChannels % 4 !== 0 || info.batchSize === 0) return undefined;
  const simd = simdPasses();
  if (!simd) return undefined;
  const heap = heapBackend(backendCalls.backend);
  const address = (t: TensorInfo) => heap.typedArrayFromHeap(t).byteOffset;
  const geometry = inputGradientGeometry(convShapeOf(info));
  const weights = backendCalls.transpose(filter, [0, 1, 3, 2]);
  const dx = backendCalls.adopt(heap.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32'));
  simd.convInputGradient(address(dy), address(weights), address(dx), info.batchSize, geometry);
  calls++;
  return dx;
}
