// What InitLab's cell types cost VS Code's TypeScript server. Opens the comparison notebook's
// cells as VS Code opens an untitled notebook's (one updateOpen, then geterr on every cell),
// in a fresh tsserver each round, with and without the plugin, and prints the CPU time and
// wall time until the last diagnostics, as medians over the rounds. Then what InitLab's own
// type check of cells costs (src/typeCheck/, run in a worker thread by the extension):
// the first check of a notebook, and the re-check after an edit, which is all a run can wait
// for (none when the check of the current text is done). Run after `npm run build`:
//
//   npm run bench:cell-types -- [--rounds 5]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { PLUGIN_NAME } from './cellTypes.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

/** The comparison notebook's code cells, from its source (bundled on the fly). */
async function comparisonCells() {
  const contents = "export { compareNotebook } from './src/host/compare/compareNotebook'; export { DEFAULT_COMPARE_OPTIONS } from './src/host/compare/compareOptions';";
  const built = await esbuild.build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false });
  const module = await import(`data:text/javascript,${encodeURIComponent(built.outputFiles[0].text)}`);
  return module.compareNotebook(module.DEFAULT_COMPARE_OPTIONS).cells.filter((c) => c.cell_type === 'code').map((c) => [c.source].flat().join(''));
}

/** VS Code 1.100's options for files outside any tsconfig (from tsserver's log). */
const INFERRED_OPTIONS = { module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', jsx: 'react-jsx', allowImportingTsExtensions: true, strictNullChecks: true, strictFunctionTypes: true, sourceMap: true, allowJs: true, allowSyntheticDefaultImports: true, allowNonTsExtensions: true, resolveJsonModule: true };

/** One fresh tsserver: its CPU and wall time until every cell's diagnostics are in, and the errors. */
function openNotebook(cells, withPlugin) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-bench-tsserver-'));
  const plugin = withPlugin ? ['--globalPlugins', PLUGIN_NAME, '--pluginProbeLocations', root] : [];
  const tsserver = path.join(root, 'node_modules/typescript/lib/tsserver.js');
  const started = performance.now();
  const child = spawn(process.execPath, [tsserver, '--useInferredProjectPerProjectRoot', '--disableAutomaticTypingAcquisition', ...plugin, '--locale', 'en'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const files = cells.map((_, i) => `^/vscode-notebook-cell/ts-nul-authority/Untitled-1.initnb#W${i}sdW50aXRsZWQ=`);
  let seq = 0;
  const send = (command, args) => child.stdin.write(`${JSON.stringify({ seq: ++seq, type: 'request', command, arguments: args })}\n`);
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let errors = 0;
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const header = /Content-Length: (\d+)\r\n\r\n/.exec(buffer.toString('latin1'));
        if (!header || buffer.length < header.index + header[0].length + Number(header[1])) return;
        const start = header.index + header[0].length;
        const message = JSON.parse(buffer.subarray(start, start + Number(header[1])).toString('utf8'));
        buffer = buffer.subarray(start + Number(header[1]));
        if (message.event === 'semanticDiag') errors += message.body.diagnostics.length;
        if (message.event !== 'requestCompleted') continue;
        // utime + stime of the server process, in clock ticks of 10 ms (Linux).
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        const cpuMs = (Number(stat[11]) + Number(stat[12])) * 10;
        child.kill();
        fs.rmSync(cwd, { recursive: true, force: true });
        resolve({ cpuMs, wallMs: performance.now() - started, errors });
      }
    });
    send('compilerOptionsForInferredProjects', { options: INFERRED_OPTIONS });
    send('updateOpen', { changedFiles: [], closedFiles: [], openFiles: files.map((file, i) => ({ file, fileContent: cells[i], scriptKindName: 'TS' })) });
    send('geterr', { delay: 0, files });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cells = await comparisonCells();
const declarations = path.join(root, 'dist/cell-types/initlab-cells.d.ts');
console.log(`tsserver on the comparison notebook's ${cells.length} code cells, untitled as Compare initializations opens it (${rounds} rounds, medians; declarations ${(fs.statSync(declarations).size / 1024).toFixed(0)} KiB)`);
const results = { without: [], with: [] };
for (let round = 0; round < rounds; round++) {
  // In turns, so the machine's drift touches both alike.
  results.without.push(await openNotebook(cells, false));
  results.with.push(await openNotebook(cells, true));
}
for (const [label, runs] of [['VS Code alone (no InitLab plugin)', results.without], ['with InitLab cell types', results.with]]) {
  console.log(`${label.padEnd(36)} CPU ${String(median(runs.map((r) => r.cpuMs))).padStart(5)} ms   wall ${median(runs.map((r) => r.wallMs)).toFixed(0).padStart(5)} ms   errors ${median(runs.map((r) => r.errors))}`);
}
const ratio = median(results.with.map((r) => r.cpuMs)) / median(results.without.map((r) => r.cpuMs));
console.log(`CPU with InitLab's types / without: ${ratio.toFixed(2)}x`);

/** InitLab's type check of the same cells, as its worker runs it: a fresh checker, then edits. */
async function typeCheckFigures() {
  const contents = "export { NotebookChecker } from './src/typeCheck/notebookChecker';";
  const built = await esbuild.build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'cjs', platform: 'node', packages: 'external', write: false });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', built.outputFiles[0].text)(module, module.exports, createRequire(path.join(root, 'package.json')));
  const { NotebookChecker } = module.exports;
  const checker = new NotebookChecker({ declarations, libDir: path.join(root, 'dist/typescript-lib') });
  let started = performance.now();
  const first = checker.check(cells);
  const firstMs = performance.now() - started;
  const edits = [];
  for (let round = 0; round < rounds; round++) {
    // A keystroke's worth of change in the last cell, as a user typing would make.
    const edited = [...cells.slice(0, -1), `${cells.at(-1)}\n// edit ${round}`];
    started = performance.now();
    checker.check(edited);
    edits.push(performance.now() - started);
  }
  const errors = first.flat().length;
  console.log(`InitLab type check, first check of the notebook (declarations and library parsed) ${firstMs.toFixed(0).padStart(5)} ms   errors ${errors}`);
  console.log(`InitLab type check, re-check after an edit (median of ${rounds})                   ${median(edits).toFixed(0).padStart(5)} ms   (what a run waits for only if it follows the edit within the 300 ms debounce)`);
}
await typeCheckFigures();
