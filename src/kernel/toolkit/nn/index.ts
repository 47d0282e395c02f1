/** `nn`: the lesson's modules with hand-written backward passes. */
export { Module, type GradTensor } from './module';
export { Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Identity, type Activation } from './layers';
export { Loss, MSE, CrossEntropy } from './losses';
export { Sequential, Model } from './model';
export { mlp, namedInit, activationModule, type MlpOptions, type InitName, type ActivationName, type WeightInit } from './mlp';
export { describeModel, reinit, type ModelSummary } from './architecture';
