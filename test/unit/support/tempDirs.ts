/**
 * Temporary folders for tests, removed when the test file's process exits, passed or failed:
 * each run used to leave its folders in the system's temp folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

/** A new empty folder named `initlab-<prefix>-XXXXXX` in the system's temp folder. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `initlab-${prefix}-`));
  if (made.length === 0) process.on('exit', () => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  made.push(dir);
  return dir;
}
