/** Vega-Lite spec builders: plain data in, spec out. Shared by the kernel and the tests. */
export * from './finite';
export * from './specCommon';
export * from './layerStatsChart';
export * from './histogramChart';
export * from './trainingChart';
export * from './derivativeChart';
export * from './theoryChart';
export * from './colorfulDimension';
export * from './watchChart';
export * from './coordCheckChart';
export * from './spectrumChart';
export * from './phaseDiagramChart';
