/**
 * Renders a Vega-Lite spec to a static SVG in plain Node, with no browser (vega's headless View).
 * Chart outputs carry this SVG next to their spec, so a saved notebook still shows its charts in
 * tools that lack InitLab's renderer (Jupyter, a GitHub preview) and in HTML reports.
 *
 * vega and vega-lite are ES modules; they are imported lazily so a kernel that draws no chart
 * never pays for loading them (about half a second cold).
 */
type VegaModules = {
  vega: typeof import('vega', { with: { 'resolution-mode': 'import' } });
  vegaLite: typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });
};

let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return modules;
}

/**
 * Light colours: a static SVG is for documents and previews, which are mostly light. No ARIA
 * description per mark: in a picture of thousands of marks (a colorful-dimension heatmap has a
 * rect per step and bin) they made up 60% of the file, and the live chart keeps its tooltips.
 * Legend labels get more room than Vega's 160 px: with no browser to measure text, Vega
 * estimates widths generously and cut "predicted, deeper net" short.
 */
const EXPORT_CONFIG = { background: '#ffffff', font: 'Liberation Sans, Arial, sans-serif', aria: false, legend: { labelLimit: 320 } };

/** Coordinates beyond a hundredth of a pixel change nothing drawn; they were a third of what was left. */
function roundCoordinates(svg: string): string {
  return svg.replace(/ (d|transform)="([^"]*)"/g, (_, name: string, value: string) => ` ${name}="${value.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))}"`);
}

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  // Errors only: Vega-Lite's optimizer warns about large faceted specs it draws correctly anyway.
  const compiled = vegaLite.compile(spec as never, { config: EXPORT_CONFIG as never, logger: vega.logger(vega.Error) }).spec;
  // A loader that refuses everything: charts carry their data inline.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`static chart rendering loads nothing (refused: ${uri})`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return roundCoordinates(await view.toSVG());
  } finally {
    view.finalize();
  }
}
