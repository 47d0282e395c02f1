/** Linear and the activations, each with a hand-written backward (see module.ts). */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { Module, type GradTensor } from './module';
import { checkFiniteNumber, checkOptions, checkTensor, optionalNumber } from '../args';

/** y = x @ w + b, with w of shape [fanIn, fanOut] (the lessons' convention). */
export class Linear extends Module {
  constructor(
    public w: GradTensor,
    public b: GradTensor,
  ) {
    super();
    checkTensor('nn.Linear', 'w', w, { rank: 2 });
    checkTensor('nn.Linear', 'b', b, { rank: 1 });
    if (b.shape[0] !== w.shape[1]) throw new RangeError(`nn.Linear: b must be [fanOut] = [${w.shape[1]}] for w [${w.shape.join(', ')}], got [${b.shape.join(', ')}]`);
  }

  get name(): string {
    return `Linear(${this.w.shape[0]}→${this.w.shape[1]})`;
  }

  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    if (inp.rank !== 2 || inp.shape[1] !== this.w.shape[0]) {
      throw new RangeError(`nn.${this.name}.forward: input must be [rows, ${this.w.shape[0]}], got a tensor of shape [${inp.shape.join(', ')}]`);
    }
    return tf.tidy(() => tf.add(tf.matMul(inp as tfjs.Tensor2D, this.w as tfjs.Tensor2D), this.b));
  }

  /** inp.g = out.g @ wᵀ (unless not wanted); w.g = inpᵀ @ out.g; b.g = Σ out.g over the batch. */
  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor, inputGrad: boolean): tfjs.Tensor | undefined {
    this.w.g = this.own(tf.matMul(inp as tfjs.Tensor2D, outGrad as tfjs.Tensor2D, true, false));
    this.b.g = this.own(tf.sum(outGrad, 0));
    return inputGrad ? tf.matMul(outGrad as tfjs.Tensor2D, this.w as tfjs.Tensor2D, false, true) : undefined;
  }

  override parameters(): GradTensor[] {
    return [this.w, this.b];
  }

  /** Replaces the parameters (an SGD step), freeing the old ones. */
  setParameters(w: tfjs.Tensor, b: tfjs.Tensor): void {
    if (w !== this.w) this.w.dispose();
    if (b !== this.b) this.b.dispose();
    this.w = w;
    this.b = b;
  }
}

/** max(0, x) − shift. The lesson subtracts 0.5 in places to re-centre the output; shift defaults to 0. */
export class ReLU extends Module {
  readonly shift: number;
  constructor(options: { shift?: number } = {}) {
    super();
    this.shift = optionalNumber('nn.ReLU', 'options.shift', checkOptions('nn.ReLU', options, ['shift']).shift, 0);
  }
  get name(): string {
    return this.shift ? `ReLU(−${this.shift})` : 'ReLU';
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => (this.shift ? tf.sub(tf.relu(inp), this.shift) : tf.relu(inp)));
  }
  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => tf.mul(outGrad, tf.step(inp)));
  }
}

/** x for x > 0, slope·x otherwise. */
export class LeakyReLU extends Module {
  readonly slope: number;
  /** `slope` is the negative slope, torch's `negative_slope`. Default 0.01. */
  constructor(slope = 0.01) {
    super();
    this.slope = checkFiniteNumber('nn.LeakyReLU', 'slope', slope);
  }
  get name(): string {
    return `LeakyReLU(${this.slope})`;
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    return tf.leakyRelu(inp, this.slope);
  }
  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => tf.where(tf.greater(inp, 0), outGrad, tf.mul(outGrad, this.slope)));
  }
}

/** σ(x) = 1 / (1 + e^−x); σ' = σ(1 − σ), at most 0.25. */
export class Sigmoid extends Module {
  get name(): string {
    return 'Sigmoid';
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    return tf.sigmoid(inp);
  }
  protected computeGrad(_inp: tfjs.Tensor, out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => tf.mul(outGrad, tf.mul(out, tf.sub(1, out))));
  }
}

/** tanh; tanh' = 1 − tanh². */
export class Tanh extends Module {
  get name(): string {
    return 'Tanh';
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    return tf.tanh(inp);
  }
  protected computeGrad(_inp: tfjs.Tensor, out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    return tf.tidy(() => tf.mul(outGrad, tf.sub(1, tf.square(out))));
  }
}

/** The identity, for "no activation". */
export class Identity extends Module {
  get name(): string {
    return 'Identity';
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    return tf.clone(inp);
  }
  protected computeGrad(_inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    return tf.clone(outGrad);
  }
}

export type Activation = ReLU | LeakyReLU | Sigmoid | Tanh | Identity;
