/**
 * Interrupt requests that reach the kernel while a cell's synchronous code holds its main thread.
 *
 * IPC messages and signal handlers both wait for the main thread's event loop, which a busy cell
 * never yields. So a small worker thread, with an event loop of its own, reads the kernel's stdin, where KernelClient writes the
 * request id of the cell to stop, one per line, and stores it in shared memory. The main thread
 * reads it between tensor ops (engine/opGuard.ts), where stopping is always safe.
 */
import { Worker } from 'node:worker_threads';

/**
 * The watcher's code. It reads fd 0 through a socket on its own event loop, never a blocking
 * read: a thread stuck in read() could not be stopped, and `process.exit` in a cell waits for
 * every thread to stop.
 */
const WATCHER_SOURCE = `
const net = require('node:net');
const { workerData } = require('node:worker_threads');
const requested = new Int32Array(workerData);
let line = '';
const input = new net.Socket({ fd: 0, readable: true, writable: false });
input.setEncoding('latin1');
input.on('data', (text) => {
  line += text;
  let end;
  while ((end = line.indexOf('\\n')) >= 0) {
    const id = Number(line.slice(0, end));
    line = line.slice(end + 1);
    if (Number.isInteger(id) && id > 0) Atomics.store(requested, 0, id);
  }
});
input.on('error', () => input.destroy());
`;

export interface InterruptRequests {
  /** Whether the client asked to stop this request. */
  isRequested(requestId: number): boolean;
}

export function watchInterrupts(): InterruptRequests {
  const shared = new SharedArrayBuffer(4);
  const requested = new Int32Array(shared);
  const worker = new Worker(WATCHER_SOURCE, { eval: true, workerData: shared });
  worker.unref(); // never what keeps the kernel alive
  worker.on('error', () => undefined); // without it, only SIGINT stops a busy cell: still correct
  return { isRequested: (requestId) => Atomics.load(requested, 0) === requestId };
}
