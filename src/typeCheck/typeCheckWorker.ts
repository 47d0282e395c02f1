/**
 * The worker thread (dist/typeCheckWorker.js) that type-checks cells for the extension host:
 * TypeScript's checker is synchronous and its first check parses megabytes of declarations, so
 * on VS Code's extension host thread it would stall every extension while a user types.
 * One NotebookChecker per open notebook; requests are answered in order.
 *
 * Plain Node and TypeScript, no `vscode`: the extension spawns it (src/extension/typeCheck/).
 */
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckResponse, TypeCheckRequest } from '../shared/typeCheckMessages';
import { NotebookChecker, type CheckerFiles } from './notebookChecker';

const port = parentPort;
if (!port) throw new Error('typeCheckWorker.js runs as a worker thread');

const files: CheckerFiles = {
  declarations: (workerData as { declarations: string }).declarations,
  // Bundled, the library files sit next to this file (scripts/build.mjs copies them).
  libDir: path.join(__dirname, 'typescript-lib'),
};
const checkers = new Map<string, NotebookChecker>();

port.on('message', (request: TypeCheckRequest) => {
  if (request.type === 'forget') {
    checkers.delete(request.notebook);
    return;
  }
  const started = performance.now();
  let response: CheckResponse;
  try {
    let checker = checkers.get(request.notebook);
    if (!checker) checkers.set(request.notebook, (checker = new NotebookChecker(files)));
    response = { type: 'checked', id: request.id, cells: checker.check(request.cells), ms: performance.now() - started };
  } catch (err) {
    response = { type: 'checked', id: request.id, cells: request.cells.map(() => []), ms: performance.now() - started, failure: String((err as Error).stack ?? err) };
  }
  port.postMessage(response);
});
