/**
 * The `initlab` command: InitLab without VS Code.
 *   initlab compare [flags]      compares initializations (compareCommand.ts)
 *   initlab lesson <a|b|c|d> ...   writes a lesson notebook (lessonCommand.ts)
 *   initlab run <file.initnb> [--out <file>] [--inplace] [--timeout <s>]
 */
import { parseArgs } from 'node:util';
import { COMPARE_USAGE, parseCompareArgs, runCompare } from './compareCommand';
import { LESSON_USAGE, lessonCommand } from './lessonCommand';
import { NotebookFormatError } from '../format/initnbFormat';
import { runNotebook } from './runNotebook';

const USAGE = `Usage:
${COMPARE_USAGE}${LESSON_USAGE}  initlab run <file.initnb> [--out <file>] [--inplace] [--timeout <seconds>]
      Runs every code cell in order with InitLab's kernel and prints their output.
      --out writes the executed notebook to <file>; --inplace writes it back into the notebook.
      Exits 1 when a cell fails (its error is printed), 2 on bad arguments or an unreadable file.
`;

/**
 * The longest --timeout: Node's timers hold at most 2^31 - 1 ms (about 24.8 days), and one set
 * longer (Infinity, 1e9) fires after 1 ms, which would interrupt every cell at once.
 */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run') return runCommand(rest);
  if (command === 'lesson') return lessonCommand(rest, process.stdout, process.stderr);
  if (command === 'compare') {
    const run = parseCompareArgs(rest);
    if (typeof run === 'string') {
      process.stderr.write(`${run}\n\nUsage:\n${COMPARE_USAGE}`);
      return 2;
    }
    return runCompare(run, { stdout: process.stdout, stderr: process.stderr });
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`Unknown command "${command}".\n${USAGE}`);
  return 2;
}

async function runCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, inplace: { type: 'boolean' }, timeout: { type: 'string' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const timeout = parsed.values.timeout === undefined ? undefined : Number(parsed.values.timeout);
  if (timeout !== undefined && !(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
    process.stderr.write(`--timeout takes a number of seconds above 0 and up to ${MAX_TIMEOUT_SECONDS}, not "${parsed.values.timeout}".\n`);
    return 2;
  }
  try {
    const summary = await runNotebook({ file, out: parsed.values.out, inplace: parsed.values.inplace, timeoutSeconds: timeout });
    if (summary.written) process.stdout.write(`Wrote ${summary.written}\n`);
    if (!summary.ok) {
      process.stderr.write(`Cell ${summary.failedCell} failed; the cells after it did not run.\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof NotebookFormatError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
