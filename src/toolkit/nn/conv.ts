/**
 * Convolution and the layers a CNN needs around it, in the lessons' style: `forward` keeps its
 * input and output, and a hand-written `backward` reads `out.g` and writes `inp.g` and the
 * parameters' `.g`. Images are NHWC ([batch, height, width, channels]) and kernels
 * [kh, kw, inChannels, outChannels], TensorFlow.js's layouts.
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { checkOptions, checkPositiveInteger, checkTensor, argumentError } from '../args';
import { Module, type GradTensor } from './module';

export type Padding = 'same' | 'valid' | number;

export interface Conv2dOptions {
  stride?: number;
  /** 'valid' (no padding, the default, as torch), 'same', or a number of zeros on every side. */
  padding?: Padding;
}

function checkImages(fn: string, inp: tfjs.Tensor, channels: number): void {
  if (inp.rank !== 4 || inp.shape[3] !== channels) throw new RangeError(`${fn}: input must be images [batch, height, width, ${channels}], got a tensor of shape [${inp.shape.join(', ')}]`);
}

/**
 * y = x ⋆ w + b, a 2-D convolution. Its gradients, written out:
 *   inp.g  the output gradient convolved back through the kernel (a transposed convolution);
 *   w.g    the input correlated with the output gradient, one kernel tap at a time: for each
 *          tap (i, j), Σ over the batch and positions of x[.., p + i, q + j, cin] · out.g[.., p, q, cout];
 *   b.g    Σ out.g over the batch and positions.
 * Example: `new nn.Conv2d(init.kaimingNormal([3, 3, 1, 16], { seed: 0 }), tf.zeros([16]), { padding: 'same' })`
 */
export class Conv2d extends Module {
  readonly stride: number;
  readonly padding: Padding;

  constructor(
    public w: GradTensor,
    public b: GradTensor,
    options: Conv2dOptions = {},
  ) {
    super();
    const fn = 'nn.Conv2d';
    checkTensor(fn, 'w', w, { rank: 4 });
    checkTensor(fn, 'b', b, { rank: 1 });
    if (b.shape[0] !== w.shape[3]) throw new RangeError(`${fn}: b must be [outChannels] = [${w.shape[3]}] for w [${w.shape.join(', ')}], got [${b.shape.join(', ')}]`);
    const o = checkOptions(fn, options, ['stride', 'padding']);
    this.stride = o.stride === undefined ? 1 : checkPositiveInteger(fn, 'options.stride', o.stride);
    const padding = o.padding ?? 'valid';
    if (padding !== 'same' && padding !== 'valid' && !(Number.isInteger(padding) && (padding as number) >= 0)) throw argumentError(fn, 'options.padding', "'same', 'valid' or a whole number of zeros", padding);
    this.padding = padding as Padding;
  }

  get name(): string {
    const [kh, kw, cin, cout] = this.w.shape;
    return `Conv2d(${cin}→${cout}, ${kh}×${kw}${this.stride > 1 ? `, stride ${this.stride}` : ''})`;
  }

  /** tfjs's padding argument: a number of zeros becomes explicit [[0,0],[p,p],[p,p],[0,0]]. */
  private get pad(): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
    const p = this.padding;
    return typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p;
  }

  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    checkImages(`nn.${this.name}.forward`, inp, this.w.shape[2]!);
    return tf.tidy(() => tf.add(tf.conv2d(inp as tfjs.Tensor4D, this.w as tfjs.Tensor4D, this.stride, this.pad), this.b));
  }

  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor, inputGrad: boolean): tfjs.Tensor | undefined {
    const x = inp as tfjs.Tensor4D;
    const dy = outGrad as tfjs.Tensor4D;
    const pad = this.pad;
    // The filter gradient is a kernel of its own: InitLab registers it on the WASM engine as one
    // convolution with the batch as channels (engine/kernels/conv2DBackpropFilter.ts).
    this.w.g = this.own(
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [this.stride, this.stride], pad, dataFormat: 'NHWC', filterShape: this.w.shape }) as tfjs.Tensor,
    );
    this.b.g = this.own(tf.sum(dy, [0, 1, 2]));
    if (!inputGrad) return undefined;
    return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: this.w }, { strides: [this.stride, this.stride], pad, dataFormat: 'NHWC', inputShape: x.shape }) as tfjs.Tensor;
  }

  override parameters(): GradTensor[] {
    return [this.w, this.b];
  }
}

/** [batch, ...] → [batch, rest]; the gradient goes back to the input's shape. */
export class Flatten extends Module {
  get name(): string {
    return 'Flatten';
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    return tf.reshape(inp, [inp.shape[0], -1]);
  }
  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    return tf.reshape(outGrad, inp.shape);
  }
}

/** The mean of each channel over height and width: [b, h, w, c] → [b, c]. inp.g = out.g / (h·w) at every position. */
export class GlobalAvgPool extends Module {
  get name(): string {
    return 'GlobalAvgPool';
  }
  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    if (inp.rank !== 4) throw new RangeError(`nn.GlobalAvgPool.forward: input must be images [batch, height, width, channels], got [${inp.shape.join(', ')}]`);
    return tf.mean(inp, [1, 2]);
  }
  protected computeGrad(inp: tfjs.Tensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    const [b, h, w, c] = inp.shape;
    return tf.tidy(() => tf.broadcastTo(tf.div(tf.reshape(outGrad, [b, 1, 1, c]), h * w), [b, h, w, c]));
  }
}
