/**
 * The README's speed figures come from kept runs of `npm run bench` (scripts/benchReadme.mjs):
 * every figure in its Speed section lies in the part written from bench/results and appears in
 * the kept run that part names, and that part is what the latest kept runs give, so no figure
 * drifts from the code. Then the writer itself: the latest run is chosen by when it started, its
 * tables are copied as printed, and a figure changed by hand, or outside the written part, is
 * caught.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/paths';
import { tempDir } from '../support/tempDirs';

interface Run {
  name: string;
  started: string;
  text: string;
}
interface BenchReadme {
  BEGIN: string;
  END: string;
  FULL_RUN: RegExp;
  latestRun(dir: string, pattern: RegExp): Run | undefined;
  speedFigures(dir: string): string;
  withFigures(readme: string, figures: string): string;
  figuresNotInRuns(readme: string, dir: string): string[];
}

let writer: BenchReadme;
before(async () => {
  writer = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'benchReadme.mjs')).href)) as BenchReadme;
});

const readme = () => fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const results = path.join(repoRoot, 'bench', 'results');

test("every figure in the README's Speed section appears in the kept run it names", () => {
  assert.deepEqual(writer.figuresNotInRuns(readme(), results), []);
});

test('the README quotes the latest kept runs (npm run bench:readme leaves it as it is)', () => {
  const current = readme();
  assert.equal(writer.withFigures(current, writer.speedFigures(results)), current, 'run npm run bench:readme');
});

/** A kept run as scripts/bench.mjs writes it, with the figures given. */
function keptRun(started: string, probeMs: string, ratio: string): string {
  return [
    `InitLab npm run bench, ${started}`,
    'machine: testhost, Some CPU, 2 cores, 8 GiB, Linux 6.1, Node v20.20.2',
    'command: npm run bench',
    'PyTorch: 1.13.0a0 2 threads, BLAS_INFO=generic, BLAS openblas-pthread; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for its process',
    'load average at start: 0.04 0.10 0.20 (1, 5 and 15 minutes)',
    '',
    '### Goals: InitLab (tfjs WASM, the default engine) against PyTorch 1.13 in this run',
    '',
    '| row | InitLab | PyTorch | InitLab / PyTorch | goal | met |',
    '|---|---|---|---|---|---|',
    `| CNN probe pass, 10,000 MNIST images | ${probeMs} ms | 10,377 ms | ${ratio}x | ≤ 1.0x | no |`,
    '',
    '### The kernel, headless (dist/kernel.js, as the extension runs it)',
    '',
    '| headless kernel | measured | target |',
    '|---|---|---|',
    '| trivial cell `1 + 1` on a warm kernel (median of 50) | 3.1 ms | ≤ 30 ms |',
    '',
    'load average at end: 1.90 0.80 0.30; the run took 12.3 minutes',
    '',
  ].join('\n');
}

const README_BEFORE = '# InitLab\n\n## Speed\n\nWords without figures.\n\n';
const README_AFTER = '\n\nMore words.\n\n## Tests\n\nSome 12 ms elsewhere.\n';

test('the figures come from the latest run by its start time, tables as printed, and a figure changed by hand is caught', () => {
  const dir = tempDir('bench-readme');
  // The later run has the earlier date in its name's order: the start time decides.
  fs.writeFileSync(path.join(dir, '2026-12-07-b-bench.txt'), keptRun('2026-12-07T09:00:00.000Z', '32,934', '3.17'));
  fs.writeFileSync(path.join(dir, '2026-12-07-a-bench.txt'), keptRun('2026-12-07T18:00:00.000Z', '9,870', '0.95'));
  fs.writeFileSync(path.join(dir, '2026-12-08-a-bench-cnn.txt'), keptRun('2026-12-08T10:00:00.000Z', '1,111', '0.11'));
  assert.equal(writer.latestRun(dir, writer.FULL_RUN)?.name, '2026-12-07-a-bench.txt', 'an --only run is not a full run');

  const written = writer.withFigures(`${README_BEFORE}${writer.BEGIN}\n${writer.END}${README_AFTER}`, writer.speedFigures(dir));
  assert.match(written, /\| CNN probe pass, 10,000 MNIST images \| 9,870 ms \| 10,377 ms \| 0\.95x \| ≤ 1\.0x \| no \|/);
  assert.match(written, /kept in \[`bench\/results\/2026-12-07-a-bench\.txt`\]/);
  assert.match(written, /load average 0\.04 at the start and 1\.90 at the end/);
  assert.ok(!written.includes('32,934') && !written.includes('1,111'), 'only the latest full run is quoted');
  assert.ok(written.endsWith(README_AFTER), 'the text after the figures is left as it was');
  assert.deepEqual(writer.figuresNotInRuns(written, dir), []);

  const edited = writer.figuresNotInRuns(written.replace('9,870 ms', '9,780 ms'), dir);
  assert.equal(edited.length, 1);
  assert.match(edited[0], /^"9,780" in "\| CNN probe pass.*" is not in bench\/results\/2026-12-07-a-bench\.txt$/);
  assert.deepEqual(writer.figuresNotInRuns(written.replace('Words without figures.', 'Words, and 2.5x faster.'), dir), ['"2.5x" is outside the figures written from bench/results']);
  assert.deepEqual(writer.figuresNotInRuns(written.replaceAll('2026-12-07-a-bench.txt', '2026-12-09-a-bench.txt'), dir)[0], 'bench/results/2026-12-09-a-bench.txt is named but not kept');
});

/** A kept run's training section, as `npm run bench -- --only ...,train` prints it. */
const trainingSection = (stepMs: string) =>
  ['### Training with statistics recorded: plain SGD', '', '| net | recorded | tfjs WASM |', '|---|---|---|', `| cnn | nothing | ${stepMs} ms |`, ''].join('\n');

test('the training rows come from the latest run that has them: a full run with the training group, or a training run alone', () => {
  const dir = tempDir('bench-readme');
  const fullWithTraining = keptRun('2026-12-07T09:00:00.000Z', '9,870', '0.95').replace('### The kernel', `${trainingSection('3,004')}\n### The kernel`);
  fs.writeFileSync(path.join(dir, '2026-12-07-a-bench-2.txt'), fullWithTraining.replace('command: npm run bench', 'command: npm run bench -- --only lesson,cnn,mobilenet,kernel,train'));
  fs.writeFileSync(path.join(dir, '2026-12-06-a-bench-train.txt'), keptRun('2026-12-06T09:00:00.000Z', '1,111', '0.11').replace('### The kernel', `${trainingSection('5,555')}\n### The kernel`));
  let written = writer.withFigures(`${README_BEFORE}${writer.BEGIN}\n${writer.END}${README_AFTER}`, writer.speedFigures(dir));
  assert.match(written, /\| cnn \| nothing \| 3,004 ms \|/);
  assert.ok(!written.includes('5,555'), 'the older training run is not quoted');
  assert.equal(written.match(/kept in \[/g)?.length, 1, 'the training rows of the full run need no second provenance');
  assert.deepEqual(writer.figuresNotInRuns(written, dir), []);
  // A later training run alone wins, and is named before its rows.
  fs.writeFileSync(path.join(dir, '2026-12-08-a-bench-train.txt'), keptRun('2026-12-08T09:00:00.000Z', '2,222', '0.22').replace('### The kernel', `${trainingSection('2,900')}\n### The kernel`));
  written = writer.withFigures(`${README_BEFORE}${writer.BEGIN}\n${writer.END}${README_AFTER}`, writer.speedFigures(dir));
  assert.match(written, /kept in \[`bench\/results\/2026-12-08-a-bench-train\.txt`\][^]*\| cnn \| nothing \| 2,900 ms \|/);
  assert.deepEqual(writer.figuresNotInRuns(written, dir), []);
});

test('with no kept run the README says so, with no figure', () => {
  const dir = tempDir('bench-readme');
  const written = writer.withFigures(`${README_BEFORE}${writer.BEGIN}\n${writer.END}${README_AFTER}`, writer.speedFigures(dir));
  assert.match(written, /No run of `npm run bench` is kept yet/);
  assert.deepEqual(writer.figuresNotInRuns(written, dir), []);
});
