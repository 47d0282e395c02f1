/** A coordinate check's report as a chart value: what display(report) and charts.coordCheck(report) show. */
import { argumentError } from '../../args';
import { coordCheckChart } from '../../charts/coordCheckChart';
import type { VegaLiteSpec } from '../../charts/specCommon';
import type { CoordCheckReport } from './coordCheckReport';

export interface CoordCheckChartValue {
  kind: 'initlab.chart';
  chart: 'coordCheck';
  spec: VegaLiteSpec;
  text: string;
}

export function coordCheckChartOf(report: CoordCheckReport): CoordCheckChartValue {
  if (typeof report !== 'object' || report === null || (report as { kind?: unknown }).kind !== 'initlab.coordCheck') {
    throw argumentError('charts.coordCheck', 'report', 'what coordCheck(...) returns', report);
  }
  const optimizer = report.optimizer === 'adam' ? 'Adam' : 'SGD';
  const rates = report.layerwiseLr ? 'per-layer learning rates' : 'one learning rate';
  const title = `Coordinate check: ${optimizer}, lr ${report.lr}, ${rates}, ${report.seeds.length} seed${report.seeds.length === 1 ? '' : 's'}`;
  const spec = coordCheckChart({ layers: report.layers.map((l) => l.label), widths: report.widths, sizes: report.sizes, fits: report.fits, threshold: report.threshold, title });
  return { kind: 'initlab.chart', chart: 'coordCheck', spec, text: report.text };
}
