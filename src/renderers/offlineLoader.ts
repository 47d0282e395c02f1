/**
 * A Vega loader that loads nothing: a chart's data must be inline in its spec. Specs come from
 * notebook files, which may come from anyone, so no spec may reach the network or the disk.
 */
const refuse = async (uri: string): Promise<never> => {
  throw new Error(`InitLab charts load nothing from outside the notebook (refused: ${uri})`);
};

export const offlineLoader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };
