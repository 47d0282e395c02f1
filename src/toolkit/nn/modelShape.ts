/**
 * One description of every model kind InitLab can compare: nn models of Linear layers (as
 * nn.mlp builds), nn CNNs (as nn.cnn builds) and tf.LayersModels. "Compare initializations"
 * offers a notebook's models by it (compareTargets.ts), and data.forModel shapes inputs and
 * targets from it. The kind-specific readers (architecture.ts, convModels.ts, layersModels.ts)
 * feed it; nothing else decides what a model takes or what its loss wants.
 */
import { describeModel } from './architecture';
import { describeConvModel } from './convModels';
import { describeLayersModel, isLayersModel } from './layersModels';

/** What the model's loss wants as targets. */
export type TargetForm =
  /** Class ids [N] (nn cross-entropy, sparseCategoricalCrossentropy). */
  | 'classIds'
  /** One-hot rows [N, classes] (categoricalCrossentropy). */
  | 'oneHot'
  /** 0 or 1 in [N, 1] (binaryCrossentropy). */
  | 'binary'
  /** Numbers, one per output (mean squared error). */
  | 'values';

export interface ModelShape {
  kind: 'mlp' | 'cnn' | 'layers';
  /** One line for the picker: "784 → 100 → 1, relu", "nn CNN: Conv2d ×3, …" or "tf.LayersModel, 9 layers: conv2d ×3, …". */
  text: string;
  /** One example's shape, without the batch: [784], or [28, 28, 1] for an MNIST CNN (nn CNNs take any size; 28 × 28 is what data.forModel draws). A tf.LayersModel that takes any length has null there, as tfjs gives it. */
  inputShape: number[];
  /** Inputs are token ids in [0, inputTokens) when the model starts with an Embedding of that many rows. */
  inputTokens?: number;
  /** One example's output without the batch: [outputs] for a classifier or regressor, [28, 28, 1] for an autoencoder. */
  outputShape: number[];
  /** Units of the last output axis: classes, or values per position. */
  outputs: number;
  targets: TargetForm;
  /** Whether MNIST fits it: 784 inputs or 28 × 28 × 1 images, and 10 outputs (or 1, for digits as numbers). */
  takesMnist: boolean;
  /** Every input, in the model's order (the fields above describe the first). */
  inputs: { shape: number[]; tokens?: number }[];
  /** Every output with its loss's target form, in the model's order (the fields above describe the first). */
  heads: { shape: number[]; units: number; targets: TargetForm; loss?: string }[];
}

export const MNIST_PIXELS = 784;

/** Whether one example of this shape is an MNIST digit: 784 pixels in a row, or a 28 × 28 × 1 image. */
export function takesMnistDigits(inputShape: readonly number[]): boolean {
  const input = inputShape.join(',');
  return input === String(MNIST_PIXELS) || input === '28,28,1';
}

function fitsMnist(shape: Omit<ModelShape, 'takesMnist'>): boolean {
  const { inputShape, outputShape, outputs, targets } = shape;
  return shape.inputs.length === 1 && shape.heads.length === 1 && takesMnistDigits(inputShape) && outputShape.length === 1 && !shape.inputTokens && (outputs === 10 || (targets === 'values' && outputs === 1));
}

function layersTargets(loss: string | undefined): TargetForm {
  if (loss === 'sparseCategoricalCrossentropy') return 'classIds';
  if (loss === 'binaryCrossentropy') return 'binary';
  if (loss && /crossentropy/i.test(loss)) return 'oneHot';
  return 'values'; // mean squared error, or no loss compiled yet
}

/** The shape of any model kind InitLab compares, or undefined for anything else. */
export function modelShape(value: unknown): ModelShape | undefined {
  let shape: Omit<ModelShape, 'takesMnist'> | undefined;
  if (isLayersModel(value)) {
    const s = describeLayersModel(value);
    const heads = s.outputs.map((o) => ({ shape: o.shape, units: o.units, targets: layersTargets(o.loss), ...(o.loss ? { loss: o.loss } : {}) }));
    const io = s.inputs.length > 1 || heads.length > 1 ? ` (${s.inputs.length} input${s.inputs.length > 1 ? 's' : ''}, ${heads.length} output${heads.length > 1 ? 's' : ''})` : '';
    shape = {
      kind: 'layers',
      text: `tf.LayersModel${io}, ${s.layers} layers: ${s.kinds}`,
      inputShape: s.inputs[0].shape,
      ...(s.inputs[0].tokens ? { inputTokens: s.inputs[0].tokens } : {}),
      outputShape: heads[0].shape,
      outputs: heads[0].units,
      targets: heads[0].targets,
      inputs: s.inputs,
      heads,
    };
  } else {
    const conv = describeConvModel(value);
    const mlp = conv ? undefined : describeModel(value);
    if (conv) {
      const targets = conv.loss === 'crossEntropy' ? 'classIds' : 'values';
      const inputShape = [28, 28, conv.inChannels];
      shape = { kind: 'cnn', text: `nn CNN: ${conv.kinds}`, inputShape, outputShape: [conv.outputs], outputs: conv.outputs, targets, inputs: [{ shape: inputShape }], heads: [{ shape: [conv.outputs], units: conv.outputs, targets }] };
    } else if (mlp) {
      const targets = mlp.loss === 'crossEntropy' ? 'classIds' : 'values';
      const outputs = mlp.sizes[mlp.sizes.length - 1];
      shape = { kind: 'mlp', text: `${mlp.sizes.join(' → ')}, ${mlp.activation}`, inputShape: [mlp.sizes[0]], outputShape: [outputs], outputs, targets, inputs: [{ shape: [mlp.sizes[0]] }], heads: [{ shape: [outputs], units: outputs, targets }] };
    }
  }
  return shape && { ...shape, takesMnist: fitsMnist(shape) };
}
