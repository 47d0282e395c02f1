/**
 * Sequential runs modules in order; Model adds a loss, like the lesson's `Model`:
 * `model.forward(x, y)` returns the loss and `model.backward()` runs every backward in reverse.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError, checkBoolean, checkOptions, checkTensor, describeValue } from '../args';
import { Linear } from './layers';
import { Loss, MSE } from './losses';
import { Module, type GradTensor } from './module';

function checkLayers(fn: string, layers: unknown): Module[] {
  if (!Array.isArray(layers)) throw argumentError(fn, 'layers', 'an array of modules (nn.Linear, nn.ReLU, ...)', layers);
  const wrong = layers.findIndex((l) => !(l instanceof Module));
  if (wrong >= 0) throw new TypeError(`${fn}: layers[${wrong}] must be an nn.Module (nn.Linear, nn.ReLU, ...), got ${describeValue(layers[wrong])}`);
  return layers as Module[];
}

function readDataGrad(fn: string, options: unknown): boolean {
  const o = checkOptions(fn, options, ['dataGrad']);
  return o.dataGrad === undefined ? true : checkBoolean(fn, 'options.dataGrad', o.dataGrad);
}

export interface BackwardOptions {
  /** The gradient with respect to the network's input, `x.g`. Default true, as in the lesson's hand-written backward. */
  dataGrad?: boolean;
}

export class Sequential {
  readonly layers: Module[];

  constructor(layers: Module[]) {
    this.layers = checkLayers(this instanceof Model ? 'nn.Model' : 'nn.Sequential', layers);
  }

  forward(x: GradTensor): GradTensor {
    return this.predict(x);
  }

  /** The network's output for x (no loss). */
  predict(x: GradTensor): GradTensor {
    let out = x;
    for (const layer of this.layers) out = layer.forward(out);
    return out;
  }

  /**
   * Needs the last layer's `out.g` to be set (by a loss, or by hand). `dataGrad: false` skips
   * the gradient with respect to the network's input, as PyTorch does for data that does not
   * require grad: nothing trains on it, and on MNIST it is a [50000, 784] product per pass.
   */
  backward(options: BackwardOptions = {}): void {
    const dataGrad = readDataGrad(this instanceof Model ? 'nn.Model.backward' : 'nn.Sequential.backward', options);
    for (let i = this.layers.length - 1; i >= 0; i--) this.layers[i].backward({ inputGrad: i > 0 || dataGrad });
  }

  /** The Linear layers, in order: where the weights are. */
  linears(): Linear[] {
    return this.layers.filter((l): l is Linear => l instanceof Linear);
  }

  parameters(): GradTensor[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Frees the tensors of the last pass (outputs and gradients); parameters stay. */
  release(): void {
    for (const layer of this.layers) layer.release();
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }
}

export class Model extends Sequential {
  readonly loss: Loss;

  constructor(layers: Module[], loss: Loss = new MSE()) {
    super(layers);
    if (!(loss instanceof Loss)) throw argumentError('nn.Model', 'loss', 'an nn.Loss such as new nn.MSE() or new nn.CrossEntropy()', loss);
    this.loss = loss;
  }

  /** The loss of the batch; outputs of every layer are kept for backward() and for probes. */
  override forward(x: GradTensor, y?: tfjs.Tensor): tfjs.Scalar {
    checkTensor('nn.Model.forward', 'x', x);
    if (y === undefined) throw new TypeError('nn.Model.forward: y (the targets) is required; use predict(x) for outputs alone');
    checkTensor('nn.Model.forward', 'y', y);
    return this.loss.forward(this.predict(x), y);
  }

  override backward(options: BackwardOptions = {}): void {
    readDataGrad('nn.Model.backward', options);
    this.loss.backward();
    super.backward(options);
  }

  override release(): void {
    super.release();
    this.loss.release();
  }

  override dispose(): void {
    super.dispose();
    this.loss.release();
  }
}
