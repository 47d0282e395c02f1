/** The Jacobian spectrum of a model at its current weights: `spectrum(model, x)`, and how it shows. */
export { spectrum, SPECTRUM_METHODS, type SpectrumOptions, type SpectrumReport, type SpectrumSummary, type PartialJacobianNorm } from './spectrum';
export { compareSpectra, spectrumChartOf, isSpectrumReport, type SpectrumComparison } from './spectrumDisplay';
