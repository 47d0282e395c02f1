/**
 * A model config with every initializer replaced by Zeros, for a model whose weights all come
 * from elsewhere (the original's, a file's, a scheme's): the layers' own draws would be thrown
 * away, and some cost much (an Orthogonal one is a QR per recurrent kernel). `classKey` is how
 * the config spells a class: `className` in tf.layers' getConfig(), `class_name` in a Keras file.
 */
export function withZeroInitializers(config: unknown, classKey: 'className' | 'class_name'): unknown {
  if (Array.isArray(config)) return config.map((c) => withZeroInitializers(c, classKey));
  if (typeof config !== 'object' || config === null) return config;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      /[iI]nitializer$/.test(key) && value !== null && typeof value === 'object' ? { [classKey]: 'Zeros', config: {} } : withZeroInitializers(value, classKey),
    ]),
  );
}
