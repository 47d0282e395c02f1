/**
 * The lesson's building blocks: a module keeps its input and output from `forward`, and its
 * hand-written `backward` reads `out.g` and writes `inp.g` (and its parameters' `.g`), exactly
 * like the lesson's `Lin`, `Relu` and `Mse`. Gradients live on the tensors themselves, as `.g`.
 *
 * Memory: a module owns every tensor it creates in a pass (its output, gradients) and frees them
 * when the next pass starts, or on dispose(). So a training loop holds one pass's tensors at a
 * time, and 100 forward/backward runs leave tf.memory().numTensors where it was.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { checkBoolean, checkOptions, checkTensor } from '../args';

/** A tensor that may carry its gradient, as the lesson's `w.g`. */
export type GradTensor = tfjs.Tensor & { g?: tfjs.Tensor };

/** The tensors a module or loss made in its last pass, freed together when the next starts. */
export class PassTensors {
  private tensors: tfjs.Tensor[] = [];

  own<T extends tfjs.Tensor>(t: T): T {
    this.tensors.push(t);
    return t;
  }

  release(): void {
    for (const t of this.tensors) t.dispose();
    this.tensors = [];
  }
}

export abstract class Module {
  /** The input of the last forward pass (not owned: the caller's, or the previous module's). */
  inp?: GradTensor;
  /** The output of the last forward pass. */
  out?: GradTensor;
  private readonly pass = new PassTensors();

  /** A short name for charts and tables, e.g. "Linear(784→100)". */
  abstract get name(): string;

  /** Computes and keeps the output. */
  forward(inp: GradTensor): GradTensor {
    checkTensor(`nn.${this.name}.forward`, 'input', inp);
    this.release();
    this.inp = inp;
    this.out = this.own(this.compute(inp));
    return this.out;
  }

  /**
   * Reads `this.out.g` and sets `this.inp.g`, plus parameter gradients. `inputGrad: false` skips
   * `inp.g` (and leaves it undefined) where nothing needs it: the first layer's input is the data.
   */
  backward(options: { inputGrad?: boolean } = {}): void {
    if (!this.inp || !this.out) throw new Error(`${this.name}: backward() before forward()`);
    if (!this.out.g) throw new Error(`${this.name}: backward() needs out.g; run the layers after it (or the loss) backward first`);
    const o = checkOptions(`nn.${this.name}.backward`, options, ['inputGrad']);
    const inputGrad = o.inputGrad === undefined ? true : checkBoolean(`nn.${this.name}.backward`, 'options.inputGrad', o.inputGrad);
    const g = this.computeGrad(this.inp, this.out, this.out.g, inputGrad);
    this.inp.g = g && inputGrad ? this.own(g) : undefined;
    if (g && !inputGrad) g.dispose();
  }

  /** Parameters, which carry `.g` after backward. */
  parameters(): GradTensor[] {
    return [];
  }

  protected abstract compute(inp: tfjs.Tensor): tfjs.Tensor;
  /**
   * The gradient with respect to the input, after setting the parameters' own. When
   * `inputGrad` is false a module may skip it and return undefined (Linear does: it is its
   * costliest product); an activation's is cheap and returned anyway.
   */
  protected abstract computeGrad(inp: tfjs.Tensor, out: tfjs.Tensor, outGrad: tfjs.Tensor, inputGrad: boolean): tfjs.Tensor | undefined;

  /** Records a tensor this module made in the current pass, to free it at the next one. */
  protected own<T extends tfjs.Tensor>(t: T): T {
    return this.pass.own(t);
  }

  /** Frees the tensors of the last pass. Parameters are kept. */
  release(): void {
    this.pass.release();
  }

  /** Frees everything, parameters included. */
  dispose(): void {
    this.release();
    for (const p of this.parameters()) {
      p.g?.dispose();
      p.dispose();
    }
  }
}
