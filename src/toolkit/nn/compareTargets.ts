/**
 * The notebook variables "Compare initializations" can offer: an nn model of Linear layers (as
 * nn.mlp builds) or any built tf.LayersModel, each with a one-line description for the picker.
 */
import type { NotebookModel } from '../../shared/kernelProtocol';
import { describeModel } from './architecture';
import { describeConvModel } from './convModels';
import { describeLayersModel, isLayersModel } from './layersModels';

const MNIST_PIXELS = 784;

export function describeCompareTarget(name: string, value: unknown): NotebookModel | undefined {
  if (isLayersModel(value)) {
    if (value.inputs.length !== 1 || value.outputs.length !== 1) return undefined;
    const s = describeLayersModel(value);
    const image = s.inputShape.join(',') === '28,28,1';
    return {
      name,
      description: `tf.LayersModel, ${s.layers} layers: ${s.kinds}`,
      takesMnist: s.outputUnits === 10 && (image || s.inputShape.join(',') === String(MNIST_PIXELS)),
    };
  }
  const conv = describeConvModel(value);
  if (conv) return { name, description: `nn CNN: ${conv.kinds}`, takesMnist: conv.inChannels === 1 && conv.outputs === 10 };
  const summary = describeModel(value);
  if (!summary) return undefined;
  return { name, description: `${summary.sizes.join(' → ')}, ${summary.activation}`, takesMnist: summary.sizes[0] === MNIST_PIXELS };
}
