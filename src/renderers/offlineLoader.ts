/**
 * A Vega loader that loads nothing: a chart's data must be inline in its spec. Specs come from
 * notebook files, which may come from anyone, so no spec may reach the network or the disk.
 * `refused` words its error, in the UI's language (rendererStrings.ts).
 */
export function offlineLoader(refused: (uri: string) => string) {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(refused(uri));
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}
