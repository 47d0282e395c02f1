/**
 * Products with each example's Jacobian J (outputs × inputs of one example), many at once: row r
 * of a batch is one product with the Jacobian of example `exampleOfRow[r]`, since the target's
 * rows are independent (jacobianTarget.ts).
 *
 *   vjp  vᵀJ for a vector v in the output space: reverse mode, one tf.grads of Σ f(x)·v. With
 *        `layers`, also ‖vᵀ ∂f/∂h_l‖² for every layer output h_l, from the taps' gradients.
 *   jvp  Ju for a vector u in the input space. TensorFlow.js has no forward mode; vᵀJ is linear
 *        in v, so Ju = ∇_v ⟨vᵀJ, u⟩: the gradient of a gradient ("double backward"), exact. Where
 *        an op still has no second derivative (ResizeNearestNeighborGrad, ResizeBilinearGrad: the
 *        engine's secondOrderGradients.ts adds pooling's, convolutions' and ELU's to tfjs 4.22's),
 *        it falls back to central differences (f(x + εu) − f(x − εu)) / 2ε with
 *        ε = 1e-3 max(‖x‖, 1)/‖u‖: off by the model's float32 error over that relative step, plus
 *        a term of order ε where the network bends within the step, about 1e-3 relative;
 *        `jvpMethod` says which ran, and the spectrum's method says so.
 *
 * Rows go through the engine in chunks sized so that a chunk's tensors stay near a fixed budget.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../../engine/engine';
import { releaseFailedTape } from '../../engine/tfjsInternals';
import { sizeOf, type JacobianTarget } from './jacobianTarget';

/** About 128 MB of float32 per chunk, for its activations, taps, gradients and temporaries together. */
const CHUNK_FLOATS = 2 ** 25;
/** A double backward keeps the forward, the backward and the backward's own tape: about three times a VJP's tensors. */
const DOUBLE_BACKWARD_FACTOR = 3;
/** The central difference's step, relative to the example's norm. */
const DIFFERENCE_STEP = 1e-3;

export interface JvpMethod {
  kind: 'double backward' | 'central differences';
  /** The op TensorFlow.js had no second derivative for, when central differences ran. */
  missing?: string;
}

export interface VjpResult {
  /** rows × n: each row's vᵀJ. */
  input: Float32Array;
  /** rows × layers: ‖vᵀ ∂f/∂h_l‖² per row and layer, when asked. */
  layerSquares?: Float64Array;
}

export class JacobianProducts {
  readonly n: number;
  readonly m: number;
  private readonly perRowFloats: number;
  private jvpKind: JvpMethod = { kind: 'double backward' };

  /** `examples` ([E, ...inputShape]) stays the caller's. */
  constructor(
    private readonly target: JacobianTarget,
    private readonly examples: tfjs.Tensor,
  ) {
    this.n = sizeOf(target.inputShape);
    this.m = sizeOf(target.outputShape);
    // Each row holds the input, every layer's output and, when tapped, as much again for the taps
    // and their gradients.
    this.perRowFloats = 2 * this.n + 3 * target.layers.reduce((s, l) => s + l.size, 0);
  }

  /** How many layers the target has (taps, and squared norms per row). */
  get layerCount(): number {
    return this.target.layers.length;
  }

  get jvpMethod(): JvpMethod {
    return this.jvpKind;
  }

  /** Rows per chunk for a pass of `factor` times a plain VJP's tensors. */
  private chunkRows(factor: number): number {
    return Math.max(1, Math.floor(CHUNK_FLOATS / (this.perRowFloats * factor)));
  }

  /** Example rows: the examples gathered by `indices` ([rows, ...inputShape]). */
  private rowsOf(indices: Int32Array): tfjs.Tensor {
    return tf.gather(this.examples, tf.tensor1d(indices, 'int32'));
  }

  /** vᵀJ for each row of `v` (rows × m), and the layers' squared norms when `layers`. */
  vjp(exampleOfRow: Int32Array, v: Float32Array, layers = false): VjpResult {
    const rows = exampleOfRow.length;
    const { n, m, target } = this;
    const input = new Float32Array(rows * n);
    const layerSquares = layers ? new Float64Array(rows * target.layers.length) : undefined;
    const step = this.chunkRows(1);
    for (let start = 0; start < rows; start += step) {
      const end = Math.min(rows, start + step);
      const r = end - start;
      tf.tidy(() => {
        const x = this.rowsOf(exampleOfRow.subarray(start, end));
        const seed = tf.tensor(v.subarray(start * m, end * m), [r, ...target.outputShape]);
        const taps = layers ? target.layers.map((l) => tf.zeros([r, ...l.shape])) : [];
        const grads = tf.grads((...args: tfjs.Tensor[]) => tf.sum(tf.mul(target.run(args[0], layers ? args.slice(1) : undefined), seed)))([x, ...taps]);
        input.set(grads[0].dataSync(), start * n);
        if (layerSquares) {
          const squares = tf.stack(grads.slice(1).map((g) => tf.sum(tf.square(tf.reshape(g, [r, -1])), 1)), 1);
          const values = squares.dataSync();
          for (let k = 0; k < values.length; k++) layerSquares[start * target.layers.length + k] = values[k];
        }
      });
    }
    return { input, layerSquares };
  }

  /** Ju for each row of `u` (rows × n), by double backward where TensorFlow.js can, else by central differences. */
  jvp(exampleOfRow: Int32Array, u: Float32Array): Float32Array {
    const rows = exampleOfRow.length;
    const { n, m } = this;
    const out = new Float32Array(rows * m);
    let step = this.chunkRows(this.jvpKind.kind === 'double backward' ? DOUBLE_BACKWARD_FACTOR : 1);
    // The next chunk starts where this one ended, not one (new) step on: the fallback makes the
    // step larger, and the rows between the two would be left at 0.
    for (let start = 0, end = 0; start < rows; start = end) {
      end = Math.min(rows, start + step);
      const indices = exampleOfRow.subarray(start, end);
      const directions = u.subarray(start * n, end * n);
      if (this.jvpKind.kind === 'double backward') {
        try {
          out.set(this.doubleBackward(indices, directions), start * m);
          continue;
        } catch (err) {
          // tfjs leaves the failed backward's saved tensors on its tape: free them either way.
          releaseFailedTape(tf);
          const missing = err instanceof Error ? /gradient function not found for (\w+)/.exec(err.message)?.[1] : undefined;
          if (!missing) throw err;
          this.jvpKind = { kind: 'central differences', missing };
          step = this.chunkRows(1);
        }
      }
      out.set(this.centralDifference(indices, directions), start * m);
    }
    return out;
  }

  private doubleBackward(indices: Int32Array, directions: Float32Array): Float32Array {
    const { target } = this;
    const r = indices.length;
    return tf.tidy(() => {
      const x = this.rowsOf(indices);
      const u = tf.tensor(directions, [r, ...target.inputShape]);
      // ⟨vᵀJ, u⟩ is linear in v: its gradient is Ju at any v, zeros included.
      const v0 = tf.zeros([r, ...target.outputShape]);
      const ju = tf.grad((v: tfjs.Tensor) => {
        const vjp = tf.grad((xx: tfjs.Tensor) => tf.sum(tf.mul(target.run(xx), v)))(x);
        return tf.sum(tf.mul(vjp, u));
      })(v0);
      return ju.dataSync() as Float32Array;
    });
  }

  private centralDifference(indices: Int32Array, directions: Float32Array): Float32Array {
    const { target } = this;
    const r = indices.length;
    return tf.tidy(() => {
      const x = this.rowsOf(indices);
      const u = tf.tensor(directions, [r, ...target.inputShape]);
      const perRow = [r, ...target.inputShape.map(() => 1)];
      const norm = (t: tfjs.Tensor) => tf.reshape(tf.norm(tf.reshape(t, [r, -1]), 'euclidean', 1), perRow);
      // ε per row: 1e-3 of the example's norm (at least 1e-3) over the direction's; 0 for u = 0.
      const uNorm = norm(u);
      const eps = tf.div(tf.mul(tf.maximum(norm(x), 1), DIFFERENCE_STEP), tf.maximum(uNorm, 1e-30));
      const step = tf.mul(u, eps);
      const plus = target.run(tf.add(x, step));
      const minus = target.run(tf.sub(x, step));
      const outPerRow = [r, ...target.outputShape.map(() => 1)];
      return tf.div(tf.sub(plus, minus), tf.reshape(tf.mul(eps, 2), outPerRow)).dataSync() as Float32Array;
    });
  }
}
