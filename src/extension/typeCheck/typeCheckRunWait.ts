/**
 * How long a run of cells waits for their type check: RUN_TYPE_CHECK_WAIT_MS (or until its
 * kernel has started, if that is later), then the cells run unchecked and the status bar says so
 * (kernelController.ts; a check that failed is noted above the first cell's output). The check itself goes on: the editor
 * shows its errors when it answers. Plain Node, no `vscode`, so a unit test
 * (test/unit/typeCheck/typeCheckWorkerClient.test.ts) runs it with a real, a hung and a dead worker.
 */

/**
 * A check of a notebook's current text usually answers at once (the editor checked it while the
 * user typed, and on open) and otherwise in well under a second. A new worker's first check takes
 * 3 s of CPU, 8 to 10 s on a heavily loaded 2-core machine; a notebook's first run also waits for
 * its kernel to start, and the check has that long too. Past 5 s a run should not stall.
 */
export const RUN_TYPE_CHECK_WAIT_MS = 5_000;

/** What a run knows of its cells' type errors: the check's answer, or why it has none. */
export type RunCheck<T> = { status: 'checked'; errors: T } | { status: 'timeout'; waitedMs: number } | { status: 'failed'; error: unknown };

/**
 * Waits up to `waitMs` for `check`, and in any case until `notBefore` settles: the kernel
 * starting, which the cells wait for anyway (a notebook's first run waits for both, and a new
 * worker's first check then has the kernel's start-up to answer in). Never rejects: a check that
 * fails or does not answer in time is a run without type errors and with a note, not a run that
 * never starts.
 */
export async function checkForRun<T>(check: () => Promise<T>, waitMs = RUN_TYPE_CHECK_WAIT_MS, notBefore?: Promise<unknown>): Promise<RunCheck<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = Date.now();
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  const deadline = Promise.all([waited, notBefore?.catch(() => undefined)]).then((): RunCheck<T> => ({ status: 'timeout', waitedMs: Date.now() - started }));
  const answer = (async (): Promise<RunCheck<T>> => {
    try {
      return { status: 'checked', errors: await check() };
    } catch (error) {
      return { status: 'failed', error };
    }
  })();
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
