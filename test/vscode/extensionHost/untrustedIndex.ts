/** Extension-host tests in an untrusted (restricted) workspace. */
import { runMocha } from './mochaRunner';

export function run(): Promise<void> {
  return runMocha(() => {
    require('./untrusted.test');
  });
}
