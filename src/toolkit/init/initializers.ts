/**
 * torch.nn.init's family, with the same formulas and defaults, named in camelCase. Every
 * initializer takes torch's keyword names in one options object (`init.normal(shape, { std: 0.1 })`)
 * or torch's positional order (`init.normal(shape, 0, 0.1)`); every random one takes an optional
 * `seed`, and without one draws from the stream `manualSeed` fixes.
 *
 * Shapes follow the lessons' `x @ w` convention, output units last: a dense weight is
 * [fanIn, fanOut], a conv kernel [...kernel, in, out] (fans.ts, structured.ts).
 */
export { uniform, normal, truncNormal, constant, ones, zeros, type UniformOptions, type NormalOptions, type TruncNormalOptions } from './distributions';
export { xavierUniform, xavierNormal, kaimingUniform, kaimingNormal, lecunNormal, lecunUniform, TRUNCATED_STD_AT_2, type XavierOptions, type KaimingOptions } from './scaled';
export { eye, dirac, orthogonal, sparse, type DiracOptions, type OrthogonalOptions, type SparseOptions } from './structured';
export { deltaOrthogonal, type DeltaOrthogonalOptions } from './deltaOrthogonal';
export { zerO } from './zerO';
export type { ShapeOrTensor, SeedOption } from './target';
