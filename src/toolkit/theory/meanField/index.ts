/** Mean-field theory of deep random chains: `meanField`, its report and its phase diagram. */
export { meanField, type MeanFieldOptions, type MeanFieldActivation, type GridOptions, type CorrelationMapOptions, type CorrelationMapResult, type OfModelOptions } from './meanField';
export type { MeanFieldReport, ModelPoint } from './meanFieldReport';
export type { PhaseGrid } from './phaseGrid';
export type { CorrelationStep } from './correlationMap';
export { phaseDiagramOf, type PhaseDiagramChartValue } from './meanFieldDisplay';
