/**
 * Runs mocha inside the extension host. Test modules are passed as functions that `require`
 * them, so they load after mocha has defined its globals (describe, it, ...), and esbuild can
 * still bundle them.
 *
 * The reporter writes whole lines prefixed `initlab-mocha:`: the extension host's console reaches
 * the harness through the browser, and mocha's own reporters print printf-style format strings
 * that arrive there unexpanded.
 */
import Mocha from 'mocha';

function say(text: string): void {
  console.log(`initlab-mocha: ${text}`);
}

class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL } = Mocha.Runner.constants;
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.title) say(`  ${suite.title}`);
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => say(`    ✔ ${test.title} (${test.duration ?? 0} ms)`));
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, err: Error) => {
      say(`    ✖ ${test.title}\n      ${String(err.stack ?? err.message).split('\n').slice(0, 12).join('\n      ')}`);
    });
  }
}

export function runMocha(loadTests: () => void, timeoutMs = 120_000): Promise<void> {
  // INITLAB_TEST_GREP=<regex> runs only matching tests, for local iterations (the extension host
  // inherits code-server's environment, which inherits the harness's).
  const grep = process.env.INITLAB_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: timeoutMs, color: false, reporter: LineReporter as never, ...(grep ? { grep: new RegExp(grep) } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'extension-host', mocha);
  loadTests();
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      console.log(`initlab-ext-host: ${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} extension-host tests failed`));
      else resolve();
    });
  });
}
