/** `nn`: the lesson's modules with hand-written backward passes. */
export { Module, type GradTensor } from './module';
export { Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Identity, type Activation } from './layers';
export { Loss, MSE, CrossEntropy } from './losses';
export { Sequential, Model } from './model';
export { mlp, namedInit, activationModule, type MlpOptions, type InitName, type ActivationName, type WeightInit } from './mlp';
export { describeModel, reinit, type ModelSummary } from './architecture';
export { Conv2d, Flatten, GlobalAvgPool, type Conv2dOptions, type Padding } from './conv';
export { BatchNorm, type BatchNormOptions } from './batchNorm';
export { Residual } from './residual';
export { cnn, type CnnOptions } from './cnn';
