/** Width scaling: μP's coordinate check (coordCheck) and the μP parametrization (muP). */
import { mlp, parametrize, trainer } from './muP';

export { coordCheck, type CoordCheckOptions, type CoordCheckModel } from './coordCheck';
export type { CoordCheckReport, CoordCheckFit, CoordCheckFlag, CoordCheckSize } from './coordCheckReport';
export { coordCheckChartOf } from './coordCheckDisplay';
export type { MuPModel, MuPLayer, MuPMlpOptions, ParametrizeOptions, TrainerOptions, MuPTrainer } from './muP';

/** μP (Tensor Programs V) for chains of dense layers: `muP.mlp`, `muP.parametrize`, `muP.trainer`. */
export const muP = { mlp, parametrize, trainer };
