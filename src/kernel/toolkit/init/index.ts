/** `init`: torch.nn.init's family and more. Weight shapes are [fanIn, fanOut]; see fans.ts. */
export * from './initializers';
export { calculateGain, type Nonlinearity } from './gain';
export { calculateFanInAndFanOut, type Fans, type FanMode, type Shape } from './fans';
export { truncatedNormalStd } from './normalQuantile';
export { lsuv, type LsuvOptions, type LsuvLayerReport } from './lsuv';
export { manualSeed } from '../random';
