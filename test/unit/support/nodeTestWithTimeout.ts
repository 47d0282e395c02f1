/**
 * `node:test` as the unit tests import it: scripts/unitTests.mjs bundles every `from 'node:test'`
 * to this module, which gives each test and hook that sets no `timeout` of its own the per-test
 * limit INITLAB_TEST_TIMEOUT_MS (unitTests.mjs sets it). A test over it fails as "test timed out
 * after N ms" and the file goes on with its next test.
 *
 * Node's `--test-timeout` cannot do this on Node 20: there it bounds each test file as a whole
 * (nodejs/node#57656), so a file of many slow tests fails as one. Wrapping `test()` would do it,
 * but Node takes a test's location ("test at file:line" in failure reports) from test()'s caller,
 * which would then be this file. So tests get the limit the way Node gives a subtest its parent's:
 * every test without a `timeout` takes its parent's, and a file's top-level tests have the file's
 * root test as parent. Its timeout is set as the root is made: Node's tests are AsyncResources
 * of type 'Test', and the root is the first one a file makes (test/unit/harness/testTimeout.test.ts
 * checks that this still works). Hooks do not inherit: before() and the others are wrapped, their
 * location matters less.
 */
import { createHook } from 'node:async_hooks';
import * as nodeTest from 'node:test';

// Everything else as Node has it (node:test is an `export =` module: no `export *` from it).
export { describe, it, mock, only, run, skip, suite, test, todo } from 'node:test';
export type { SuiteContext, TestContext } from 'node:test';

const fromEnv = Number(process.env.INITLAB_TEST_TIMEOUT_MS);
/** The per-test limit in this process; Infinity (Node's default) when the runner set none. */
export const TEST_TIMEOUT_MS = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : Infinity;

if (TEST_TIMEOUT_MS !== Infinity) {
  let root: { timeout?: number } | undefined;
  const watch = createHook({
    init(_id, type, _trigger, resource) {
      if (type !== 'Test') return;
      // The first is the root, still in its constructor; by the next one (its first test or
      // hook, made just after it) it is complete, and what it holds is what its tests inherit.
      if (!root) {
        root = resource as { timeout?: number };
        return;
      }
      root.timeout = TEST_TIMEOUT_MS;
      watch.disable();
    },
  }).enable();
}

type Options = { timeout?: number } & Record<string, unknown>;

function wrapHook<T>(original: T): T {
  const call = original as unknown as (fn: unknown, options?: Options) => unknown;
  return ((fn: unknown, options?: Options) => call(fn, { timeout: TEST_TIMEOUT_MS, ...options })) as unknown as T;
}

export const before = wrapHook(nodeTest.before);
export const after = wrapHook(nodeTest.after);
export const beforeEach = wrapHook(nodeTest.beforeEach);
export const afterEach = wrapHook(nodeTest.afterEach);
export default nodeTest.test;
