/** The figures npm run bench:vscode prints, measured inside VS Code's extension host. */
import { runMocha } from '../../../test/vscode/extensionHost/mochaRunner';

export function run(): Promise<void> {
  return runMocha(() => {
    require('./kernelFigures');
    require('./compareFigures');
    require('./lessonFigures');
  }, 300_000);
}
