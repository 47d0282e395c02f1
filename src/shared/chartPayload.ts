/**
 * The payload of InitLab's chart mime type (`application/vnd.initlab.chart+json`).
 *
 * A chart output carries its data and the Vega-Lite spec built from it by the kernel, plus an
 * optional static SVG rendering for tools that lack our renderer (Jupyter, GitHub previews).
 */
export interface ChartPayload {
  /** Which chart this is, e.g. "layerStats", "histograms", "training": for tests and tooling. */
  kind: string;
  /** A Vega-Lite spec (v5 or v6 schema). */
  spec: { [key: string]: unknown };
  title?: string;
  /** The figures the chart was built from (a probe report, a training record...), for tools. */
  data?: unknown;
}

export function isChartPayload(value: unknown): value is ChartPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ChartPayload).kind === 'string' &&
    typeof (value as ChartPayload).spec === 'object' &&
    (value as ChartPayload).spec !== null
  );
}
