/**
 * A tf.LayersModel whose dispose() frees every weight, nested models' included.
 *
 * Why: tf.layers counts a nested model's references from its own construction and from each call
 * in an outer model, and the outer model's dispose() takes off only one; a transfer-learning
 * model's base (a MobileNet inside a Sequential) keeps every weight after dispose(). Measured on
 * a converter's MobileNetV2 inside a Sequential: 260 tensors left per copy. A comparison makes a
 * copy per scheme, so the engine's heap filled with bases nobody could reach.
 *
 * The models InitLab makes (loadModel's, nn.reinit's copies) get this dispose; a user's own
 * model keeps tf.layers' behaviour.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';

/** Every layer of `model`, nested models' layers included (each once). */
function everyLayer(model: tfjs.LayersModel, into = new Set<tfjs.layers.Layer>()): Set<tfjs.layers.Layer> {
  for (const layer of model.layers) {
    if (into.has(layer)) continue;
    into.add(layer);
    if (layer instanceof tf.LayersModel) everyLayer(layer, into);
  }
  return into;
}

/** Gives `model` a dispose() that also frees what tf.layers' leaves of its nested models. Returns the model. */
export function disposingFully<M extends tfjs.LayersModel>(model: M): M {
  const own = model.dispose.bind(model);
  model.dispose = () => {
    const layers = everyLayer(model);
    const result = own();
    for (const layer of layers) {
      for (const variable of layer.weights) if (!(variable as unknown as { val: tfjs.Tensor }).val.isDisposed) variable.dispose();
      disposeDropoutMasks(layer);
    }
    return result;
  };
  return model;
}

/** What an RNN cell keeps between calls: tf.layers makes its dropout masks on the first call in training and never frees them. */
interface CellMasks {
  dropoutMask?: tfjs.Tensor | tfjs.Tensor[] | null;
  recurrentDropoutMask?: tfjs.Tensor | tfjs.Tensor[] | null;
}

/**
 * Frees the dropout masks of an RNN layer's cells (a Bidirectional's two RNNs'). tf.layers keeps
 * them on the cell for the next call, and a probe runs each RNN once: a copy of a BiLSTM with
 * dropout 0.1 left 16 tensors behind per probe.
 */
function disposeDropoutMasks(layer: tfjs.layers.Layer): void {
  const holder = layer as unknown as { cell?: CellMasks; forwardLayer?: { cell?: CellMasks }; backwardLayer?: { cell?: CellMasks } };
  for (const cell of [holder.cell, holder.forwardLayer?.cell, holder.backwardLayer?.cell]) {
    if (!cell) continue;
    for (const key of ['dropoutMask', 'recurrentDropoutMask'] as const) {
      const mask = cell[key];
      if (mask) tf.dispose(mask);
      if (key in cell) cell[key] = null;
    }
  }
}
