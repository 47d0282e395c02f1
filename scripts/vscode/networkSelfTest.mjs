// The network check's own test: a run that makes outside requests must fail it. It runs as the
// extension-host suites do (code-server, the extension host, Chromium, networkCheck.mjs's watch),
// with a suite that, from the extension host, asks for two hosts that exist nowhere (192.0.2.1, an
// address kept for documentation, and a name under .invalid) by http, https and fetch, and once
// for code-server on the loopback; the page asks for the same two hosts. Nothing leaves: the guard
// refuses the extension host's before it connects or looks a name up, page.route aborts the
// page's, and the proxy would refuse what got past. It passes when checkNetwork() reports each of
// those requests and nothing else, the loopback request went through, and the run was seen.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runExtensionHostSuite } from './extensionHostRunner.mjs';
import { checkNetwork, classifyUrl, networkVerdict } from './networkCheck.mjs';

const HOST = '192.0.2.1';
const NAME = 'initlab-network-selftest.invalid';

/** The suite, run by the extension host: it writes what each request got to results.json beside it. */
const SUITE = `
const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const get = (mod, url) => new Promise((resolve) => {
  const req = mod.get(url, { timeout: 15000 }, (res) => { res.resume(); resolve('answered ' + res.statusCode); });
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (err) => resolve((err.code || 'error') + ': ' + err.message));
});
exports.run = async function run() {
  const results = {
    http: await get(http, 'http://${HOST}/initlab-network-selftest'),
    https: await get(https, 'https://${NAME}/initlab-network-selftest'),
    fetch: await fetch('http://${HOST}:8080/initlab-network-selftest').then((r) => 'answered ' + r.status, (e) => (e.cause && e.cause.code || 'error') + ': ' + (e.cause && e.cause.message || e.message)),
    loopback: await get(http, 'http://' + vscode.env.remoteAuthority + '/healthz'),
  };
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2));
};
`;

/** What checkNetwork must report (each line's start), and nothing else but ALSO_SEEN. */
const EXPECTED = [
  { what: "the extension host's http request", start: `tcp ${HOST}:80 (Node: extensionHost;` },
  { what: "the extension host's https request", start: `tcp ${NAME}:443 (Node: extensionHost;` },
  { what: "the extension host's fetch", start: `tcp ${HOST}:8080 (Node: extensionHost;` },
  { what: "the page's http request", start: `GET http://${HOST}/initlab-network-selftest (browser;` },
  { what: "the page's https request", start: `GET https://${NAME}/initlab-network-selftest (browser;` },
];
/** The page's requests as the proxy may see them: Chromium may open a tunnel for an https request before page.route has aborted it. */
const ALSO_SEEN = [`CONNECT ${NAME}:443 (browser proxy;`, `GET http://${HOST}/initlab-network-selftest (browser proxy;`];

/** Runs the self-test; `{ passed, failed, line }`, the line quoting what the check said. */
export async function runNetworkSelfTest({ root }) {
  const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-network-selftest-'));
  try {
    const suiteDir = path.join(scratchRoot, 'suite');
    fs.mkdirSync(suiteDir);
    const testsPath = path.join(suiteDir, 'index.js');
    fs.writeFileSync(testsPath, SUITE);
    const pageResults = {};
    const run = await runExtensionHostSuite({
      root,
      scratchRoot,
      name: 'network-self-test',
      testsPath,
      trusted: true,
      // A page of its own, opened beside the workbench (whose CSP lets it fetch no http: host):
      // its requests are aborted before they leave the browser, so the proxy never sees them.
      onPage: async (workbench) => {
        const page = await workbench.context().newPage();
        await page.route((url) => classifyUrl(url.href).t === 'outside', (route) => route.abort('blockedbyclient'));
        for (const url of [`http://${HOST}/initlab-network-selftest`, `https://${NAME}/initlab-network-selftest`]) {
          pageResults[url] = await page.goto(url).then((r) => `answered ${r?.status()}`, (e) => e.message.split('\n')[0]);
        }
        // Left open, closed with the browser: closing it as the suite ends can stall for minutes.
      },
    });
    const resultsFile = path.join(suiteDir, 'results.json');
    const nodeResults = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : undefined;
    const { outside, unseen } = checkNetwork(scratchRoot);
    const verdict = networkVerdict(scratchRoot);
    const problems = [];
    if (run.failed) problems.push('the self-test suite failed to run');
    if (!nodeResults) problems.push("the extension host's requests never ran (no results.json)");
    else {
      for (const key of ['http', 'https', 'fetch']) if (!/refused by InitLab's test network guard/.test(nodeResults[key])) problems.push(`the extension host's ${key} request was not refused by the guard: ${nodeResults[key]}`);
      if (nodeResults.loopback !== 'answered 200') problems.push(`the extension host's loopback request failed: ${nodeResults.loopback}`);
    }
    for (const [url, result] of Object.entries(pageResults)) if (/^answered/.test(result)) problems.push(`the page's request for ${url} was answered: ${result}`);
    if (verdict.passed) problems.push('the check passed');
    for (const { what, start } of EXPECTED) if (!outside.some((o) => o.startsWith(start))) problems.push(`the check did not report ${what}`);
    const unexpected = outside.filter((o) => ![...EXPECTED.map((e) => e.start), ...ALSO_SEEN].some((start) => o.startsWith(start)));
    if (unexpected.length) problems.push(`the check reported more than the self-test asked for: ${unexpected.join('; ')}`);
    if (unseen.length) problems.push(`the check saw no traffic from the run: ${unseen.join('; ')}`);
    const ok = problems.length === 0;
    const quoted = verdict.line.split('\n').map((l) => `      | ${l}`).join('\n');
    const line = `${ok ? '✔' : '✖'} the network check fails on a run that makes outside requests (self-test: ${EXPECTED.length} requests for 192.0.2.1 and a .invalid name, from the extension host and the page)${ok ? '' : `\n    ${problems.join('\n    ')}`}\n    the check, on that run:\n${quoted}`;
    return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, line };
  } finally {
    if (process.env.INITLAB_KEEP_SCRATCH) console.log(`  (network self-test scratch kept: ${scratchRoot})`);
    else fs.rmSync(scratchRoot, { recursive: true, force: true });
  }
}
