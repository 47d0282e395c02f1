/**
 * The toolkit every cell has without imports (and `import { ... } from 'initlab'`):
 * `init`, `nn`, `probe`, `train`, `watch`, `record`, `sgdSteps`, `data`, `charts`, `compareReports`, `verdict`, `manualSeed`, `loadModel`, `coordCheck`, `muP`, `spectrum`, `meanField`.
 */
import * as init from './init';
import * as nn from './nn';
import * as mnistData from './data/mnist';
import * as display from './display';
import * as watchCharts from './watch/watchCharts';
import { forModel } from './data/forModel';
import { spectrumChartOf } from './theory/spectrum';
import { coordCheckChartOf } from './theory/widthScaling';
import { phaseDiagramOf } from './theory/meanField';
export { probe, Probe, type ProbeReport, type LayerProbe, type TensorKind } from './probe/probe';
export { train, type TrainingRecord, type TrainOptions } from './probe/train';
export { manualSeed } from './random';
export { loadModel, type ModelFileInfo, type LoadModelOptions } from './models/loadModel';
export { watch, type Watcher } from './watch/watch';
export { record, type RecordOptions, type StepFunction } from './watch/record';
export { sgdSteps, type SgdOptions } from './watch/sgdSteps';
export type { WatchOptions } from './watch/recordOptions';
export type { WatchRecord } from './watch/watchRecord';
export { verdict, type Verdict, type SchemeVerdict } from './probe/verdict';
export { compareReports, type Comparison, type ChartValue } from './display';
export { init, nn };
export { spectrum, type SpectrumReport, type SpectrumOptions, type SpectrumComparison } from './theory/spectrum';
export { coordCheck, muP, type CoordCheckReport, type CoordCheckOptions, type MuPModel } from './theory/widthScaling';
export { meanField, type MeanFieldReport, type MeanFieldOptions, type CorrelationMapResult } from './theory/meanField';

export const data = { mnist: mnistData.mnist, normalize: mnistData.normalize, meanStd: mnistData.meanStd, synthetic: mnistData.synthetic, readIdx: mnistData.readIdx, forModel };

export const charts = {
  layerStats: display.layerStats,
  histograms: display.histograms,
  theory: display.theory,
  training: display.training,
  derivatives: display.derivatives,
  watch: watchCharts.watchChartOf,
  colorful: watchCharts.colorfulOf,
  table: display.stdTable,
  spectrum: spectrumChartOf,
  coordCheck: coordCheckChartOf,
  phaseDiagram: phaseDiagramOf,
};
