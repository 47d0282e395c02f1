/**
 * tf.layers' 'Orthogonal' initializer, as InitLab draws it: what a model file's
 * `recurrent_initializer: Orthogonal` (every Keras LSTM and GRU) builds with.
 *
 * Why replace tf.layers' own: it runs tf.linalg.qr, which takes minutes for a recurrent kernel
 * of a large model (orthonormalColumns.ts has the figures), and loadModel and nn.reinit build
 * every layer from its config, initializers included, before they put the file's or the
 * scheme's weights in. Registered under the same class name, it is what deserialization finds;
 * `tf.initializers.orthogonal()` in a cell is left as tf.layers has it. The draw is Keras' rule:
 * the shape flattened to [all but the last, last], (semi-)orthogonal, times the gain.
 */
import { tf } from '../engine/engine';
import { orthogonal } from './structured';

let registered: object | undefined;

/** Registers the initializer with the engine's tf.layers, once per tf module. */
export function useFastOrthogonalInitializer(): void {
  if (registered === tf) return;
  class Orthogonal extends tf.serialization.Serializable {
    static className = 'Orthogonal';
    readonly gain: number;
    readonly seed: number | null;
    constructor(args: { gain?: number; seed?: number | null } = {}) {
      super();
      this.gain = args.gain ?? 1;
      this.seed = args.seed ?? null;
    }
    override getClassName(): string {
      return Orthogonal.className;
    }
    apply(shape: number[]): ReturnType<typeof orthogonal> {
      return orthogonal(shape, this.gain, this.seed === null ? {} : { seed: this.seed });
    }
    getConfig() {
      return { gain: this.gain, seed: this.seed };
    }
  }
  tf.serialization.registerClass(Orthogonal);
  registered = tf;
}
