/**
 * `initlab compare`: "Compare initializations" without VS Code. It writes the same notebook the
 * command palette creates, runs it with the same kernel, prints the per-layer std table and the
 * verdict, and writes a self-contained HTML report (and, with --notebook, the executed notebook).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { COMPARE_CELL_IDS, compareNotebook } from '../host/compare/compareNotebook';
import { modelFileNotebook } from './modelFileNotebook';
import { DEFAULT_COMPARE_OPTIONS, describeCompareProblem, RESIDUAL_ONLY_SCHEMES, SCHEME_IDS, schemeLabel, validateCompareOptions, type CompareOptions } from '../host/compare/compareOptions';
import { MimeTypes } from '../shared/mimeTypes';
import type { CodeCell, Notebook } from '../shared/notebookFormat';
import { joinLines, serializeNotebook } from '../format/initnbFormat';
import { notebookToHtml } from './htmlReport';
import { executeNotebook } from './runNotebook';

/** Breaks a comma-separated list into lines of at most 90 characters, each after `indent`. */
function wrap(list: string, indent: string): string {
  const lines: string[] = [];
  for (const word of list.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + word.length < 80) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join(`\n${indent}`);
}

export const COMPARE_USAGE = `  initlab compare [--schemes a,b,...] [--activation relu] [--depth 4] [--width 100]
                  [--data mnist|mnist-subset|synthetic] [--seed 0] [--train-steps 0] [--out report.html]
                  [--notebook file.initnb] [--model model.json] [--examples N]
      Initializes the same network with each scheme, runs one forward and backward pass, and
      prints per-layer std and a verdict. Defaults: ${DEFAULT_COMPARE_OPTIONS.schemes.join(',')}, a ${DEFAULT_COMPARE_OPTIONS.depth}-layer ${DEFAULT_COMPARE_OPTIONS.activation} MLP of width ${DEFAULT_COMPARE_OPTIONS.width}, ${DEFAULT_COMPARE_OPTIONS.data}, seed ${DEFAULT_COMPARE_OPTIONS.seed}.
      Schemes: ${wrap([...SCHEME_IDS, 'std:<number>'].join(', '), '      ')}.
      ${RESIDUAL_ONLY_SCHEMES.join(', ')} applies to residual models only (--model).
      --train-steps N then trains each scheme for N steps of plain SGD on the same batches, and
      the verdict also says which schemes trained.
      --out writes an HTML report with the charts (default initlab-compare.html).
      --model compares on a model file: a TensorFlow.js model.json (with its weights, when
      they are beside it: the trained model is compared too), model.toJSON(), or a Keras 2 or 3
      to_json() file. --activation, --depth and --width then do not apply.
      --examples N sets how many examples the probe takes; by default as many as fit in the
      engine's memory and in a few seconds per pass (at most 10,000 rows, 2,000 images).
`;

export interface CompareRun {
  options: CompareOptions;
  out: string;
  notebookOut?: string;
  /** A model file to compare on instead of an MLP. */
  modelFile?: string;
  /** How many examples the probe takes, with --model. */
  examples?: number;
}

/** Parses the flags; returns an error message for bad ones. */
export function parseCompareArgs(args: string[]): CompareRun | string {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        schemes: { type: 'string' },
        activation: { type: 'string' },
        depth: { type: 'string' },
        width: { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        'train-steps': { type: 'string' },
        out: { type: 'string' },
        notebook: { type: 'string' },
        model: { type: 'string' },
        examples: { type: 'string' },
      },
    });
  } catch (err) {
    return (err as Error).message;
  }
  const v = parsed.values;
  const number = (text: string | undefined, fallback: number) => (text === undefined ? fallback : text.trim() === '' ? NaN : Number(text));
  const options = {
    schemes: v.schemes === undefined ? [...DEFAULT_COMPARE_OPTIONS.schemes] : v.schemes.split(',').map((s) => s.trim()).filter(Boolean),
    activation: v.activation ?? DEFAULT_COMPARE_OPTIONS.activation,
    depth: number(v.depth, DEFAULT_COMPARE_OPTIONS.depth),
    width: number(v.width, DEFAULT_COMPARE_OPTIONS.width),
    data: v.data ?? DEFAULT_COMPARE_OPTIONS.data,
    seed: number(v.seed, DEFAULT_COMPARE_OPTIONS.seed),
    trainSteps: number(v['train-steps'], DEFAULT_COMPARE_OPTIONS.trainSteps),
  } as CompareOptions;
  const problem = validateCompareOptions(options);
  if (problem) return describeCompareProblem(problem);
  const residualOnly = v.model ? undefined : options.schemes.find((id) => (RESIDUAL_ONLY_SCHEMES as readonly string[]).includes(id));
  if (residualOnly) return `${schemeLabel(residualOnly)} re-initializes residual networks, and the MLP initlab compare builds has no residual branch: compare it on a residual model with --model.`;
  const examples = v.examples === undefined ? undefined : Number(v.examples);
  if (examples !== undefined && !(Number.isInteger(examples) && examples > 0)) return `--examples must be a whole number above 0, got "${v.examples}"`;
  if (examples !== undefined && !v.model) return '--examples applies to --model only (the MLP comparison takes its rows from --data)';
  return { options, out: v.out ?? 'initlab-compare.html', notebookOut: v.notebook, modelFile: v.model, examples };
}

function cellText(notebook: Notebook, id: string): string {
  const cell = notebook.cells.find((c): c is CodeCell => c.id === id && c.cell_type === 'code');
  const output = cell?.outputs.find((o) => o.output_type === 'execute_result');
  return output?.output_type === 'execute_result' ? joinLines((output.data[MimeTypes.plain] as string | string[]) ?? '') : '';
}

/** The lines of the comparison cells that say what ran and how far it is (not model.summary()'s table). */
const PROGRESS_LINE = /^(format|note|data|loss|scheme \d+\/\d+)[: ]|^ {2}\S.*: (forward|backward) \d+\/\d+/;

export async function runCompare(run: CompareRun, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; kernelEntry?: string }): Promise<number> {
  let notebook: Notebook;
  let ids: { probe: string; verdict: string } = COMPARE_CELL_IDS;
  if (run.modelFile) {
    try {
      ({ notebook, ids } = modelFileNotebook(run.modelFile, { ...run.options, examples: run.examples }));
    } catch (err) {
      io.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
  } else {
    notebook = compareNotebook(run.options);
  }
  const started = Date.now();
  // The cells' own output is in the report; the terminal gets the table and the verdict.
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  // What the cells print as they go (what was loaded, the data, each scheme and long layers) is
  // the run's progress: it goes to stderr, so stdout stays the table and the verdict.
  const progress = (text: string) => {
    for (const line of text.split('\n')) if (PROGRESS_LINE.test(line)) io.stderr.write(`${line}\n`);
  };
  const summary = await executeNotebook(notebook, { cwd: process.cwd(), stdout: quiet, stderr: io.stderr, kernelEntry: io.kernelEntry, onStream: progress });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.notebookOut) fs.writeFileSync(run.notebookOut, serializeNotebook(notebook));
  if (!summary.ok) {
    io.stderr.write(`The comparison failed at cell ${summary.failedCell}; its error is above.\n`);
    return 1;
  }
  io.stdout.write(`${cellText(notebook, ids.probe)}\n\n${cellText(notebook, ids.verdict)}\n\n`);
  fs.writeFileSync(run.out, notebookToHtml(notebook, 'InitLab: compare initializations'));
  io.stdout.write(`Wrote ${path.resolve(run.out)}${run.notebookOut ? ` and ${path.resolve(run.notebookOut)}` : ''} (${seconds} s)\n`);
  return 0;
}
