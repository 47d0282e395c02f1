/**
 * The notebook variables "Compare initializations" can offer: any model modelShape.ts
 * describes, with its one-line description for the picker.
 */
import type { NotebookModel } from '../../shared/kernelProtocol';
import { modelShape } from './modelShape';

export function describeCompareTarget(name: string, value: unknown): NotebookModel | undefined {
  const shape = modelShape(value);
  return shape && { name, description: shape.text, takesMnist: shape.takesMnist };
}
