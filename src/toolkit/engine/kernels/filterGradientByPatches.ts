/**
 * The filter gradient of a convolution with few input channels (a network's first layer: 1 for
 * MNIST, 3 for RGB), as one matrix product of its input's patches with dy.
 *
 * dW[i, j, ci, co] = Σ_{n, y, x} P[(n, y, x), (ci, i, j)] · dy[(n, y, x), co]
 *
 * where P holds each output pixel's patch of x. conv2DBackpropFilter.ts's way, one convolution
 * with the batch as channels and dy as the filter, handles such a layer badly: its output has
 * only fh·fw·Cin pixels, the package transposes the dy-sized filter in a C++ loop before XNNPACK
 * packs it, and both of x and dy are transposed first (179 ms for the MNIST CNN's 1 → 16 layer on
 * 128 images, one thread, loaded machine, against 28 ms this way).
 *
 * Here XNNPACK makes the patches: a depthwise convolution of x with one-hot filters (channel
 * multiplier fh·fw, the forward's strides, dilations and padding) writes P [N·Ho·Wo, Cin·fh·fw];
 * P is transposed (small while Cin·fh·fw is), and one product Pᵀ · dy on XNNPACK's fully
 * connected path gives dW, its rows in (ci, i, j) order, reordered to [fh, fw, Cin, Cout].
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import type { BackendCalls } from './backendCalls';
import type { ConvGradAttrs } from './convGeometry';

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** Whether the patches are the cheaper way: no wider than twice dy (fh·fw·Cin ≤ 2·Cout). */
export function patchesApply(info: backend_util.Conv2DInfo): boolean {
  return info.filterHeight * info.filterWidth * info.inChannels <= 2 * info.outChannels;
}

/** dW [fh, fw, Cin, Cout] for x [N, H, W, Cin] and dy [N, Ho, Wo, Cout] of the forward convolution `info`. */
export function filterGradientByPatches(calls: BackendCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, attrs: ConvGradAttrs): TensorInfo {
  const heap = calls.backend as unknown as HeapBackend;
  const { filterHeight: fh, filterWidth: fw, inChannels: cin, outChannels: cout } = info;
  const taps = fh * fw;
  const [n, outH, outW] = dy.shape;
  const rows = n * outH * outW;
  // oneHot[i, j, c, t] = 1 where t = i·fw + j: output channel c·taps + t is x's channel c at tap t.
  const oneHot = calls.adopt(heap.makeOutput([fh, fw, cin, taps], 'float32'));
  const values = heap.typedArrayFromHeap(oneHot);
  values.fill(0);
  for (let t = 0; t < taps; t++) for (let c = 0; c < cin; c++) values[(t * cin + c) * taps + t] = 1;
  const patches = calls.run(
    'DepthwiseConv2dNative',
    { x, filter: oneHot },
    {
      strides: [info.strideHeight, info.strideWidth],
      pad: attrs.pad,
      dilations: [info.dilationHeight, info.dilationWidth],
      ...(attrs.dimRoundingMode ? { dimRoundingMode: attrs.dimRoundingMode } : {}),
    },
  );
  const patchesT = calls.transpose(calls.reshape(patches, [rows, cin * taps]), [1, 0]);
  const product = calls.run('BatchMatMul', { a: calls.reshape(patchesT, [1, cin * taps, rows]), b: calls.reshape(dy, [1, rows, cout]) }, { transposeA: false, transposeB: false });
  if (cin === 1) return calls.reshape(product, [fh, fw, 1, cout]);
  const byTap = calls.transpose(calls.reshape(product, [cin, taps, cout]), [1, 0, 2]);
  return calls.reshape(byTap, [fh, fw, cin, cout]);
}
