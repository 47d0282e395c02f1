// `npm run bench:readme`: writes the README's speed figures from the latest run of `npm run bench`
// kept in bench/results, so that every speed figure in the README names the kept file it comes
// from and none drifts from the code (test/unit/harness/benchReadme.test.ts checks both).
//
// The figures go between two markers in the README's "## Speed" section; the text around them
// is written by hand and holds no figure. The tables are copied as the run printed them: its
// goals, each group's rows and the kernel's latency from the latest full run (<date>-<host>-
// bench[-N].txt), and the training rows from the latest --only train run, if one is kept.
//
//   npm run bench:readme [-- --check]   --check changes nothing and exits 1 if the README is not
//                                        what the latest kept runs give
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BEGIN = '<!-- speed figures: written by npm run bench:readme from bench/results; do not edit by hand -->';
export const END = '<!-- end of speed figures -->';

/** A kept run: its file name, when it started and its text. */
function readRun(dir, name) {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  const started = /^InitLab npm run bench, (\S+)$/m.exec(text)?.[1];
  return started ? { name, started, text } : undefined;
}

/** The latest kept run whose file name matches `pattern`, by the time it started. */
export function latestRun(dir, pattern) {
  if (!fs.existsSync(dir)) return undefined;
  const runs = fs
    .readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => readRun(dir, name))
    .filter(Boolean);
  return runs.sort((a, b) => (a.started < b.started ? -1 : 1)).pop();
}

/** Full runs (every default group, with or without the training group): <date>-<host>-bench.txt, or -bench-2.txt when a day has several. */
export const FULL_RUN = /^\d{4}-\d{2}-\d{2}-.+-bench(-\d+)?\.txt$/;
/** Runs of the training group alone. */
export const TRAIN_RUN = /^\d{4}-\d{2}-\d{2}-.+-bench-train(-\d+)?\.txt$/;

const TRAINING_TITLE = 'Training with statistics recorded';

/** The latest full run with a section whose title starts with `title`. */
function latestFullRunWith(dir, title) {
  if (!fs.existsSync(dir)) return undefined;
  const runs = fs
    .readdirSync(dir)
    .filter((name) => FULL_RUN.test(name))
    .map((name) => readRun(dir, name))
    .filter((run) => run && [...sections(run.text).keys()].some((t) => t.startsWith(title)));
  return runs.sort((a, b) => (a.started < b.started ? -1 : 1)).pop();
}

/** The run's sections: each "### title" with its lines up to the blank line after its table. */
export function sections(text) {
  const out = new Map();
  let current;
  for (const line of text.split('\n')) {
    const title = /^### (.*)$/.exec(line);
    if (title) out.set(title[1], (current = { lines: [], table: false, done: false }));
    else if (current && !current.done) {
      if (line.startsWith('|')) current.table = true;
      else if (current.table && line.trim() === '') current.done = true;
      if (!current.done) current.lines.push(line);
    }
  }
  return new Map([...out].map(([title, s]) => [title, s.lines.join('\n').trim()]));
}

const header = (text, pattern) => pattern.exec(text)?.[1] ?? '?';

/** Where a run comes from, in one sentence, and its file. */
function provenance(run) {
  const machine = header(run.text, /^machine: (.*)$/m);
  const torch = header(run.text, /^PyTorch: (.*)$/m);
  const command = header(run.text, /^command: (.*)$/m);
  const loadAtStart = header(run.text, /^load average at start: (\S+)/m);
  const loadAtEnd = header(run.text, /^load average at end: (\S+)/m);
  const busy = Number(loadAtStart) > 0.5 ? ' The machine was not idle: PyTorch suffers most from that, so these ratios flatter InitLab.' : '';
  return `\`${command}\` on ${run.started.slice(0, 10)}, kept in [\`bench/results/${run.name}\`](bench/results/${run.name}): ${machine}; PyTorch ${torch}; load average ${loadAtStart} at the start and ${loadAtEnd} at the end.${busy}`;
}

/** The figures' part of the README, from the runs kept in `dir`. */
export function speedFigures(dir) {
  const full = latestRun(dir, FULL_RUN);
  // The training rows: from the latest run that has them, a training run alone or a full run with --only …,train.
  const train = [latestRun(dir, TRAIN_RUN), latestFullRunWith(dir, TRAINING_TITLE)].filter(Boolean).sort((a, b) => (a.started < b.started ? -1 : 1)).pop();
  const parts = [];
  if (!full) parts.push('No run of `npm run bench` is kept yet: run it on an idle machine, then `npm run bench:readme`.');
  else {
    const found = sections(full.text);
    const pick = (prefix) => [...found].find(([title]) => title.startsWith(prefix));
    parts.push(provenance(full));
    for (const [prefix, lead] of [
      ['Goals', undefined],
      ["The lesson's MLP", 'Each group, with forward and backward alone for context:'],
      ['CNN on', undefined],
      ['MobileNet', undefined],
      ['The kernel', "The kernel's latency, headless:"],
    ]) {
      const section = pick(prefix);
      if (!section) continue;
      if (lead) parts.push(lead);
      parts.push(`**${section[0]}**`, section[1]);
    }
  }
  if (train) {
    const section = [...sections(train.text)].find(([title]) => title.startsWith(TRAINING_TITLE));
    if (section) parts.push(...(train.name === full?.name ? [] : [provenance(train)]), `**${section[0]}**`, section[1]);
  }
  return parts.join('\n\n');
}

/** `readme` with its figures' part replaced by `figures`; throws when the markers are missing. */
export function withFigures(readme, figures) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no speed figures' markers (${BEGIN} ... ${END}) in its Speed section`);
  return `${readme.slice(0, begin + BEGIN.length)}\n\n${figures}\n\n${readme.slice(end)}`;
}

/** The README's "## Speed" section. */
export function speedSection(readme) {
  const start = readme.indexOf('\n## Speed\n');
  if (start < 0) throw new Error('README.md has no "## Speed" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** A measured figure: a number with a unit of time, size or ratio. */
const FIGURE = /\d[\d,.]*\s?(?:ms|s|min|minutes|MB|GB|GiB|KiB|x|%)(?![\w])/g;
// Not the tail of a dotted version (the 44 of Linux 6.18.44): it is checked as 6.18.
const NUMBER = /(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?/g;

/**
 * What in the README's speed section does not come from a kept run: a figure outside the
 * written part, a figure before any kept run is named, a kept run named that is not in `dir`, or
 * a number that the run named last before it does not contain. Empty when all is well.
 */
export function figuresNotInRuns(readme, dir) {
  const section = speedSection(readme);
  const begin = section.indexOf(BEGIN);
  const end = section.indexOf(END);
  if (begin < 0 || end < begin) return [`the Speed section has no markers ${BEGIN} ... ${END}`];
  const problems = [];
  for (const outside of [section.slice(0, begin), section.slice(end + END.length)]) {
    for (const figure of outside.match(FIGURE) ?? []) problems.push(`"${figure}" is outside the figures written from bench/results`);
  }
  let run;
  for (const line of section.slice(begin + BEGIN.length, end).split('\n')) {
    const named = /bench\/results\/([^`)\s]+\.txt)/.exec(line)?.[1];
    if (named) {
      const file = path.join(dir, named);
      if (!fs.existsSync(file)) {
        problems.push(`bench/results/${named} is named but not kept`);
        run = undefined;
        continue;
      }
      run = { name: named, text: fs.readFileSync(file, 'utf8') };
    }
    for (const number of line.match(NUMBER) ?? []) {
      if (!run) {
        problems.push(`"${number}" in "${line.trim().slice(0, 80)}" comes before any kept run is named`);
        continue;
      }
      const escaped = number.replace(/[.]/g, '\\.');
      if (!new RegExp(`(?<![\\d.,])${escaped}(?![\\d])`).test(run.text)) problems.push(`"${number}" in "${line.trim().slice(0, 80)}" is not in bench/results/${run.name}`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, '..');
  const readmePath = path.join(root, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const updated = withFigures(readme, speedFigures(path.join(root, 'bench', 'results')));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md\'s speed figures are not those of the latest kept runs: run npm run bench:readme');
      process.exit(1);
    }
    console.log('README.md quotes the latest kept runs.');
  } else {
    fs.writeFileSync(readmePath, updated);
    const full = latestRun(path.join(root, 'bench', 'results'), FULL_RUN);
    console.log(full ? `README.md's speed figures written from bench/results/${full.name}` : 'No full run kept yet: README.md says so');
  }
}
