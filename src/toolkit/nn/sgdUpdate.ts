/**
 * One plain SGD update, p ← p − lr · p.g, of every parameter of an nn model after its backward:
 * Linear and Conv2d weights and biases, BatchNorm's γ and β, and the modules inside a Residual.
 * Each module keeps its parameters in its own fields, so the update replaces them there (and
 * frees the old tensors); BatchNorm's running statistics move in its forward, not here.
 */
import { tf } from '../engine/engine';
import { BatchNorm } from './batchNorm';
import { Conv2d } from './conv';
import { Linear } from './layers';
import type { Sequential } from './model';
import type { GradTensor, Module } from './module';
import { Residual } from './residual';

export function sgdUpdate(model: Sequential, lr: number): void {
  for (const module of model.layers) updateModule(module, lr);
}

function stepped(p: GradTensor, lr: number): GradTensor {
  if (!p.g) throw new Error(`nn: a parameter of shape [${p.shape.join(', ')}] has no gradient: run the model's backward before the update`);
  return tf.tidy(() => tf.sub(p, tf.mul(p.g!, lr)));
}

function updateModule(module: Module, lr: number): void {
  if (module instanceof Linear) {
    module.setParameters(stepped(module.w, lr), stepped(module.b, lr));
  } else if (module instanceof Conv2d) {
    const [w, b] = [stepped(module.w, lr), stepped(module.b, lr)];
    tf.dispose([module.w, module.b]);
    module.w = w;
    module.b = b;
  } else if (module instanceof BatchNorm) {
    const [gamma, beta] = [stepped(module.gamma, lr), stepped(module.beta, lr)];
    tf.dispose([module.gamma, module.beta]);
    module.gamma = gamma;
    module.beta = beta;
  } else if (module instanceof Residual) {
    for (const inner of module.body) updateModule(inner, lr);
    if (module.shortcut) updateModule(module.shortcut, lr);
  } else if (module.parameters().length > 0) {
    throw new TypeError(`nn: ${module.name} has parameters that plain SGD does not know how to update; write the step yourself and pass it to record()`);
  }
}
