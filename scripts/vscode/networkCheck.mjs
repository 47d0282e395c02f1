// The VS Code tests reach no host but this machine's loopback: a test that needs the network fails
// on a machine without one, and passes unnoticed on one with. Every request is watched where it
// starts and refused before it leaves when it is for another host, in each code-server run's
// scratch folder:
//   - Node: networkGuard.cjs, loaded into each of code-server's Node processes (its server, the
//     extension host, their helpers), refuses every connection, name lookup and datagram for
//     another host and logs each one, with every local connection, in network-node.log;
//   - the browser: every request and WebSocket Playwright sees from the context's pages, frames
//     (webviews) and workers goes to network-browser.log; Chromium sends whatever is not for the
//     loopback to a proxy here that refuses it and logs it too (Chromium's own requests, which
//     Playwright does not see, included).
// checkNetwork() reads the logs: it fails on any request for another host by Node or by a page,
// frame or worker (but one a webview's service worker answers, which never leaves the browser),
// and on a run it saw no traffic from (a check that saw nothing proves nothing). What only the
// proxy saw, Chromium's own services, it lists without failing. networkSelfTest.mjs shows it fails.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const { isLoopbackHost } = createRequire(import.meta.url)('./networkGuard.cjs');

export const NODE_LOG = 'network-node.log';
export const BROWSER_LOG = 'network-browser.log';
const GUARD = path.join(import.meta.dirname, 'networkGuard.cjs');
/** The schemes that reach a host; data:, blob:, about:, vscode-webview: and the like stay in the browser. */
const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/** The environment that loads the Node guard into a code-server started with it, logging into `scratch`. */
export function networkGuardEnv(scratch, env = process.env) {
  return {
    INITLAB_NETWORK_LOG: path.join(scratch, NODE_LOG),
    NODE_OPTIONS: `${env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ` : ''}--require ${JSON.stringify(GUARD)}`,
  };
}

/** Where a URL goes: `loopback`, `outside` (with its host) or `no network` (a local scheme). */
export function classifyUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return { t: 'outside', host: String(url).slice(0, 100) };
  }
  if (!NETWORK_SCHEMES.has(parsed.protocol)) return { t: 'no network', host: parsed.protocol };
  return { t: isLoopbackHost(parsed.hostname) ? 'loopback' : 'outside', host: parsed.hostname };
}

/**
 * A proxy on 127.0.0.1 for the browser: Chromium sends it every request that is not for the
 * loopback (which it never proxies); it answers none and logs each.
 */
async function startRefusingProxy(record) {
  const refuse = (method, target, host) => record({ t: 'outside', via: 'browser proxy', what: `${method} ${target}`.slice(0, 300), host });
  const server = http.createServer((req, res) => {
    refuse(req.method, req.url, classifyUrl(req.url).host);
    res.writeHead(403, { 'content-type': 'text/plain' }).end("refused by InitLab's test network guard\n");
  });
  const hostOfAuthority = (authority) => authority.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  server.on('connect', (req, socket) => {
    socket.on('error', () => undefined);
    refuse('CONNECT', req.url, hostOfAuthority(req.url));
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  server.on('upgrade', (req, socket) => {
    socket.on('error', () => undefined);
    refuse('UPGRADE', req.url, classifyUrl(req.url).host);
    socket.destroy();
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

/**
 * Starts the browser's side of the watch for a run whose scratch folder is `scratch`: returns the
 * Chromium flags that send other hosts' requests to the refusing proxy, and `watch(context)`,
 * which logs every request of the launched context and closes the proxy with it. A request for
 * another host that a service worker answers (a webview's resources, asked of
 * *.vscode-cdn.net and served from code-server) never reaches the network: it is logged as such.
 */
export async function browserNetworkWatch(scratch) {
  const log = path.join(scratch, BROWSER_LOG);
  const record = (entry) => fs.appendFileSync(log, `${JSON.stringify(entry)}\n`);
  const proxy = await startRefusingProxy(record);
  const entry = (kind, url) => {
    const { t, host } = classifyUrl(url);
    return { t, via: 'browser', what: `${kind} ${url.slice(0, t === 'outside' ? 300 : 120)}`, host };
  };
  // Requests for other hosts wait for their answer: a service worker's, or none.
  const pending = new Map();
  const settle = (request, byServiceWorker) => {
    const seen = pending.get(request);
    if (!seen) return;
    pending.delete(request);
    record(byServiceWorker ? { ...seen, t: 'service worker' } : seen);
  };
  return {
    // Chromium never proxies localhost, 127.0.0.0/8 or [::1]; everything else goes to the proxy.
    args: [`--proxy-server=http://127.0.0.1:${proxy.address().port}`],
    watch(context) {
      context.on('request', (request) => {
        const seen = entry(request.method(), request.url());
        if (seen.t === 'outside') pending.set(request, seen);
        else record(seen);
      });
      context.on('response', (response) => settle(response.request(), response.fromServiceWorker()));
      context.on('requestfailed', (request) => settle(request, false));
      const watchPage = (page) => page.on('websocket', (ws) => record(entry('WebSocket', ws.url())));
      context.pages().forEach(watchPage);
      context.on('page', watchPage);
      context.on('close', () => {
        for (const request of [...pending.keys()]) settle(request, false);
        proxy.close();
      });
    },
    close: () => proxy.close(),
  };
}

function readLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // a line cut short by a process killed mid-write
      }
    });
}

/** Each code-server run under `dir`: a folder with code-server's log. */
function runFolders(dir) {
  if (!fs.existsSync(dir)) return [];
  const here = fs.existsSync(path.join(dir, 'code-server.log')) ? [dir] : [];
  const below = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !['chromium-profile', 'workspace', 'extensions', 'user-data', 'node_modules'].includes(e.name))
    .flatMap((e) => runFolders(path.join(dir, e.name)));
  return [...here, ...below];
}

/** The failures that code-server's and the browser's own logs show (Node's and Chromium's words), with the host when given. */
const FAILED_REQUEST = /(?:getaddrinfo|connect) (?:ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED) ([\w.-]+)|net::ERR_NAME_NOT_RESOLVED|net::ERR_INTERNET_DISCONNECTED/g;

/**
 * What the suites' runs under `scratchRoot` sent where. `outside` lists each request for another
 * host once, as `what (who; run)`: Node's, and the browser's pages', frames' and workers' that no
 * service worker answered. `chromium` counts, by host, what only the proxy saw: Chromium's own
 * services (its component updater, autofill), refused there and not the suites' doing. `unseen`
 * lists each run the watch saw no traffic from (no loopback request in the browser, no guard in
 * code-server or its extension host, no local connection from Node); `runs` has the counts.
 */
export function checkNetwork(scratchRoot) {
  const outside = new Set();
  const chromium = new Map();
  const unseen = [];
  const runs = [];
  for (const dir of runFolders(scratchRoot)) {
    const run = path.relative(scratchRoot, dir) || path.basename(dir);
    const node = readLog(path.join(dir, NODE_LOG));
    const log = readLog(path.join(dir, BROWSER_LOG));
    const browser = log.filter((e) => e.via === 'browser');
    const proxied = log.filter((e) => e.via === 'browser proxy');
    const starts = node.filter((e) => e.t === 'start');
    // A worker thread is named after its process's main thread.
    const mainThread = new Map(starts.filter((e) => !e.proc.endsWith('(worker thread)')).map((e) => [e.pid, e.proc]));
    const who = (e) => (e.proc.endsWith('(worker thread)') && mainThread.has(e.pid) ? `${mainThread.get(e.pid)} (worker thread)` : e.proc);
    // The proxy's view of a page's request (an https one is a CONNECT to its host) is that request.
    const pageHosts = new Set(browser.filter((e) => e.t === 'outside' || e.t === 'service worker').map((e) => e.host));
    const count = (list, t) => list.filter((e) => e.t === t).length;
    const counts = {
      run,
      browserLoopback: count(browser, 'loopback'),
      browserLocalScheme: count(browser, 'no network'),
      browserServiceWorker: count(browser, 'service worker'),
      chromiumOwn: proxied.filter((e) => !pageHosts.has(e.host)).length,
      nodeProcesses: starts.length,
      extensionHosts: starts.filter((e) => e.proc === 'extensionHost').length,
      nodeLocal: count(node, 'local'),
      outside: count(browser, 'outside') + proxied.filter((e) => pageHosts.has(e.host)).length + count(node, 'outside'),
    };
    runs.push(counts);
    for (const e of browser.filter((e) => e.t === 'outside')) outside.add(`${e.what} (browser; ${run})`);
    for (const e of proxied) {
      if (pageHosts.has(e.host)) outside.add(`${e.what} (browser proxy; ${run})`);
      else chromium.set(e.host, (chromium.get(e.host) ?? 0) + 1);
    }
    for (const e of node.filter((e) => e.t === 'outside')) outside.add(`${e.kind} ${e.to} (Node: ${who(e)}; ${run})`);
    // Failures logged by what the guard does not reach (a program code-server starts that is not
    // Node); the guard's own refusals are in its log already.
    for (const file of ['code-server.log', 'browser-console.log'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(FAILED_REQUEST)) {
        const host = match[1] ?? match[0];
        const guards = /^[^\n]*refused by InitLab's test network guard/.test(text.slice(match.index, match.index + 1000));
        if (!isLoopbackHost(host) && !guards) outside.add(`${match[0]} (${path.basename(file)}; ${run})`);
      }
    }
    const missing = [];
    if (counts.browserLoopback === 0) missing.push('no browser request to code-server');
    if (!starts.some((e) => e.proc === 'code-server')) missing.push('no guard in code-server');
    if (counts.extensionHosts === 0) missing.push('no guard in an extension host');
    if (counts.nodeLocal === 0) missing.push('no local connection from Node');
    if (missing.length) unseen.push(`${run}: ${missing.join(', ')}`);
  }
  if (runs.length === 0) unseen.push(`no code-server run under ${scratchRoot}`);
  return { outside: [...outside], chromium, unseen, runs };
}

/** checkNetwork's verdict as one test: `{ passed, failed, line }`, the line saying what it saw. */
export function networkVerdict(scratchRoot) {
  const { outside, chromium, unseen, runs } = checkNetwork(scratchRoot);
  const sum = (k) => runs.reduce((s, r) => s + r[k], 0);
  const saw = [
    `${runs.length} code-server runs`,
    `browser: ${sum('browserLoopback')} requests to the loopback, ${sum('browserLocalScheme')} to local schemes, ${sum('browserServiceWorker')} answered by a webview's service worker`,
    `Node: the guard in ${sum('nodeProcesses')} processes (${sum('extensionHosts')} extension hosts), ${sum('nodeLocal')} local connections`,
    `${sum('outside')} requests for other hosts`,
  ].join('; ');
  const ok = outside.length === 0 && unseen.length === 0;
  const lines = [
    ...(outside.length ? [`requests for other hosts:\n      ${outside.join('\n      ')}`] : []),
    ...(unseen.length ? [`runs the watch saw no traffic from (it would prove nothing):\n      ${unseen.join('\n      ')}`] : []),
    ...(chromium.size ? [`Chromium's own services, refused by the proxy: ${[...chromium].map(([host, n]) => `${host} ×${n}`).join(', ')}`] : []),
  ];
  return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, outside, unseen, runs, line: `${ok ? '✔' : '✖'} code-server, the extension host and the browser reached no other host (watched: ${saw})${lines.map((l) => `\n    ${l}`).join('')}` };
}
