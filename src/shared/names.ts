/**
 * The names a user types for activations and initializations: one list each, shared by the
 * toolkit (nn.mlp's options, reinit), the Compare command's questions, `initlab compare`'s
 * flags and the model descriptions the kernel sends the host. Everything else derives from these.
 */
export const ACTIVATION_NAMES = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'none'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** Initializations that draw each layer's weights on their own (nn.mlp's `init`). */
export const INIT_NAMES = [
  'normal',
  'xavierNormal',
  'xavierUniform',
  'kaimingNormal',
  'kaimingUniform',
  'kaimingNormalFanOut',
  'kaimingUniformFanOut',
  'lecunNormal',
  'lecunUniform',
  'orthogonal',
  'deltaOrthogonal',
  'zerO',
] as const;
export type InitName = (typeof INIT_NAMES)[number];

/**
 * Schemes that set a whole model rather than each layer alone: Fixup reads its residual branches,
 * MetaInit and GradInit tune it on a batch of data (nn.reinit's `x` and `y`).
 */
export const MODEL_SCHEME_NAMES = ['fixup', 'metaInit', 'gradInit'] as const;
export type ModelSchemeName = (typeof MODEL_SCHEME_NAMES)[number];

/** What a comparison can compare: every InitName, LSUV, which also needs a batch of data, and the model schemes. */
export const SCHEME_NAMES = [...INIT_NAMES, 'lsuv', ...MODEL_SCHEME_NAMES] as const;
export type SchemeName = (typeof SCHEME_NAMES)[number];
