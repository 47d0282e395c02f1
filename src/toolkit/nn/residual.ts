/**
 * A residual connection (He et al., 2016): out = body(x) + shortcut(x), the shortcut being the
 * identity unless given. Backward, written out: the output gradient reaches both branches whole,
 * and the input's gradient is the sum of what comes back through each.
 */
import { tf } from '../engine/engine';
import type * as tfjs from '@tensorflow/tfjs';
import { argumentError } from '../args';
import { Module, type GradTensor } from './module';

export class Residual extends Module {
  readonly body: Module[];

  constructor(
    body: Module[],
    readonly shortcut?: Module,
  ) {
    super();
    if (!Array.isArray(body) || body.length === 0 || !body.every((m) => m instanceof Module)) throw argumentError('nn.Residual', 'body', 'a non-empty array of nn modules', body);
    if (shortcut !== undefined && !(shortcut instanceof Module)) throw argumentError('nn.Residual', 'shortcut', 'an nn module', shortcut);
    this.body = body;
  }

  get name(): string {
    return `Residual(${this.body.map((m) => m.name).join(', ')})`;
  }

  protected compute(inp: tfjs.Tensor): tfjs.Tensor {
    let h: GradTensor = inp;
    for (const module of this.body) h = module.forward(h);
    const skip = this.shortcut ? this.shortcut.forward(inp) : inp;
    if (h.shape.join() !== skip.shape.join()) throw new RangeError(`nn.Residual: the body's output [${h.shape.join(', ')}] and the shortcut's [${skip.shape.join(', ')}] must have one shape to be added`);
    return tf.add(h, skip);
  }

  protected computeGrad(inp: GradTensor, _out: tfjs.Tensor, outGrad: tfjs.Tensor): tfjs.Tensor {
    // Each branch's first module writes inp.g: read the body's before the shortcut overwrites it.
    const last = this.body[this.body.length - 1];
    last.out!.g = outGrad;
    for (let i = this.body.length - 1; i >= 0; i--) this.body[i].backward();
    const throughBody = inp.g!;
    if (!this.shortcut) return tf.add(throughBody, outGrad);
    this.shortcut.out!.g = outGrad;
    this.shortcut.backward();
    return tf.add(throughBody, inp.g!);
  }

  override parameters(): GradTensor[] {
    return [...this.body.flatMap((m) => m.parameters()), ...(this.shortcut?.parameters() ?? [])];
  }

  override release(): void {
    super.release();
    for (const m of this.body) m.release();
    this.shortcut?.release();
  }

  override dispose(): void {
    super.dispose();
    for (const m of this.body) m.release();
    this.shortcut?.release();
  }
}

/** The modules a forward pass runs, in its order: each Residual replaced by its body's, then its shortcut's. */
export function leafModules(modules: readonly Module[]): Module[] {
  return modules.flatMap((m) => (m instanceof Residual ? leafModules([...m.body, ...(m.shortcut ? [m.shortcut] : [])]) : [m]));
}
