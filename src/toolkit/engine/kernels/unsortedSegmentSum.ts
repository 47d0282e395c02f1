/**
 * `UnsortedSegmentSum` for the WASM engine: the gradient of `tf.gather` (so of every
 * `tf.layers.embedding`), as one `ScatterNd`, the backend's native scatter that adds the rows
 * that share an index.
 *
 * out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]. Ids outside [0, numSegments) are dropped, as the
 * CPU backend does; the scatter would write out of bounds, so they go to one extra row that is
 * cut off. Reading the ids (a small int32 tensor) to check is cheap beside the scatter.
 */
import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { withBackendCalls } from './backendCalls';

interface Readable {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: ArrayLike<number>): TensorInfo;
}

export function unsortedSegmentSumConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
    withBackendCalls(backendName, backend, (calls) => {
      const x = inputs.x as TensorInfo;
      const segmentIds = inputs.segmentIds as TensorInfo;
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const count = util.sizeFromShape(segmentIds.shape);
      const rowShape = x.shape.slice(segmentIds.shape.length);
      const ids = (backend as unknown as Readable).readSync(segmentIds.dataId);
      let outside = false;
      for (let i = 0; i < count && !outside; i++) outside = ids[i] < 0 || ids[i] >= numSegments || !Number.isInteger(ids[i]);
      let indices: TensorInfo;
      if (outside) {
        const moved = Int32Array.from({ length: count }, (_, i) => (ids[i] >= 0 && ids[i] < numSegments ? ids[i] : numSegments));
        indices = (backend as unknown as Readable).makeOutput([count, 1], 'int32', undefined, moved);
        calls.adopt(indices);
      } else {
        indices = calls.reshape(segmentIds, [count, 1]);
      }
      const updates = calls.reshape(x, [count, ...rowShape]);
      const rows = numSegments + (outside ? 1 : 0);
      const summed = calls.run('ScatterNd', { indices, updates }, { shape: [rows, ...rowShape] });
      return outside ? calls.slice(summed, Array(rowShape.length + 1).fill(0), [numSegments, ...rowShape]) : summed;
    });
  return { kernelName: UnsortedSegmentSum, backendName, kernelFunc };
}
