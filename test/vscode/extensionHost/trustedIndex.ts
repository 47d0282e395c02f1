/** Extension-host tests in a trusted workspace: what users do day to day. */
import { runMocha } from './mochaRunner';

export function run(): Promise<void> {
  return runMocha(() => {
    require('./notebookFormat.test');
    require('./kernel.test');
    require('./compare.test');
    require('./lessons.test');
    require('./cellTypes.test');
    require('./layersModel.test');
    require('./watch.test');
    require('./typeCheck.test');
  });
}
