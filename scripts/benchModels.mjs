// `npm run bench:models`: the full default comparison (`initlab compare --model FILE`, three
// schemes, the examples data.forModel chooses) of the largest real models in the test corpus
// (test/fixtures/models/corpus.json), each in its own process, from the command to the verdict.
// What a user waits for with a model they already have; there is no reference to divide by (no
// other tool does this), so the figures are seconds, examples and the data line the run printed.
//
// The output is printed and kept in bench/results/<date>-<host>-models.txt, with the machine
// and the command, so the README can quote a run that is in the repository.
//
//   npm run bench:models [-- --count 3] [-- --files a.json,b.json]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '..');
const corpusDir = path.join(root, 'test', 'fixtures', 'models');
const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const count = Number(arg('--count') ?? 3);
const corpus = JSON.parse(fs.readFileSync(path.join(corpusDir, 'corpus.json'), 'utf8'));

/** A model's parameter count, as its weights manifest or its layers' configs give it: the largest are benched. */
function parameters(entry) {
  if (typeof entry.parameters === 'number') return entry.parameters;
  return fs.statSync(path.join(corpusDir, entry.file)).size; // a rough order when the corpus gives no count
}

const chosen = arg('--files')
  ? arg('--files').split(',').map((file) => corpus.find((e) => e.file === file) ?? { file })
  : [...corpus].sort((a, b) => parameters(b) - parameters(a)).slice(0, count);

const lines = [];
const say = (line) => {
  console.log(line);
  lines.push(line);
};
const cpu = os.cpus()[0]?.model ?? 'unknown processor';
const started = new Date();
say(`InitLab bench:models, ${started.toISOString()}`);
say(`machine: ${os.hostname()}, ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
say(`command: npm run bench:models ${process.argv.slice(2).join(' ')}`.trim());
say(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (figures from a loaded machine are slower)`);
say('');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-bench-models-'));
for (const entry of chosen) {
  const file = path.join(corpusDir, entry.file);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [path.join(root, 'bin', 'initlab.js'), 'compare', '--model', file, '--out', path.join(work, 'report.html')], { cwd: work, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  const data = /^data: (.*)$/m.exec(run.stderr)?.[1] ?? '(no data line)';
  const loaded = /^format: (.*)$/m.exec(run.stderr)?.[1];
  const verdict = run.stdout.split('\n').filter((l) => /^[✓✗⚠] /.test(l));
  say(`${entry.file}: ${run.status === 0 ? `${seconds.toFixed(1)} s` : `FAILED (exit ${run.status}) after ${seconds.toFixed(1)} s`}`);
  if (loaded) say(`  loaded: ${loaded}`);
  say(`  data: ${data}`);
  for (const line of verdict) say(`  ${line}`);
  if (run.status !== 0) say(`  ${run.stderr.trim().split('\n').slice(-3).join('\n  ')}`);
}
fs.rmSync(work, { recursive: true, force: true });

const resultsDir = path.join(root, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const out = path.join(resultsDir, `${started.toISOString().slice(0, 10)}-${os.hostname()}-models.txt`);
fs.writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`\nKept in ${path.relative(root, out)}`);
