/** `init`: torch.nn.init's family and more. Output units are the last axis: dense [fanIn, fanOut], conv [...kernel, in, out]; see fans.ts and structured.ts. */
export * from './initializers';
export { calculateGain, type Nonlinearity } from './gain';
export { calculateFanInAndFanOut, type Fans, type FanMode, type Shape } from './fans';
export { truncatedNormalStd } from './normalQuantile';
export { lsuv, type LsuvOptions, type LsuvLayerReport } from './lsuv';
export { fixup, type FixupReport, type FixupBranchReport } from './fixup';
export { metaInit, type MetaInitOptions, type MetaInitReport, type MetaInitLayerReport } from './metaInit';
export { gradInit, type GradInitOptions, type GradInitReport, type GradInitIteration } from './gradInit';
export { manualSeed } from '../random';
