/** A mean-field report as a chart value: what display(report) and charts.phaseDiagram(report) show. */
import { argumentError } from '../../args';
import { phaseDiagramChart } from '../../charts/phaseDiagramChart';
import type { VegaLiteSpec } from '../../charts/specCommon';
import { figure, type MeanFieldReport } from './meanFieldReport';

export interface PhaseDiagramChartValue {
  kind: 'initlab.chart';
  chart: 'phaseDiagram';
  spec: VegaLiteSpec;
  text: string;
}

/** The depth slider's start when no depth was given: a depth the diagram has room to judge. */
const DEFAULT_DEPTH = 50;

export function phaseDiagramOf(report: MeanFieldReport): PhaseDiagramChartValue {
  const fn = 'charts.phaseDiagram';
  if (typeof report !== 'object' || report === null || (report as { kind?: unknown }).kind !== 'initlab.meanField') throw argumentError(fn, 'report', 'what meanField(...) or meanField.ofModel(model) returns', report);
  const { grid } = report;
  if (!grid) throw new TypeError(`${fn}: this report has no grid to draw (it was made with grid: false); call meanField again without it`);
  const label = report.model ? report.model.label : `σ_w² = ${figure(report.sigmaW2)}, σ_b² = ${figure(report.sigmaB2)}`;
  const spec = phaseDiagramChart({
    title: `Mean-field phase diagram: ${report.activation}${report.model ? `, ${report.model.label}` : ''}`,
    sigmaW2: grid.sigmaW2,
    sigmaB2: grid.sigmaB2,
    size: grid.size,
    phase: grid.phase,
    chi1: grid.chi1,
    depthScale: grid.depthScale,
    boundary: grid.boundary,
    point: { sigmaW2: report.sigmaW2, sigmaB2: report.sigmaB2, label },
    depth: report.depth ?? DEFAULT_DEPTH,
  });
  return { kind: 'initlab.chart', chart: 'phaseDiagram', spec, text: report.text };
}
