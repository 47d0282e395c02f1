// The VS Code tests reach no network: code-server, its extension host and the browser talk to
// 127.0.0.1 only. A request to any other host fails here (these machines resolve no other name),
// and its failure lands in the logs the suites keep in their scratch folder; this reads them.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Name-resolution and connection failures, as Node and Chromium log them, with the host when given. */
const FAILED_REQUEST = /(?:getaddrinfo|connect) (?:ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED) ([\w.-]+)|net::ERR_NAME_NOT_RESOLVED|net::ERR_INTERNET_DISCONNECTED/g;
const LOCAL = new Set(['127.0.0.1', 'localhost']);

function logFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'chromium-profile' ? [] : logFiles(full);
    return entry.name.endsWith('.log') ? [full] : [];
  });
}

/** Every request to another host that the suites' logs under `scratchRoot` show, as `host (file)`. */
export function outsideRequests(scratchRoot) {
  const found = new Set();
  for (const file of logFiles(scratchRoot)) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(FAILED_REQUEST)) {
      const host = match[1] ?? match[0];
      if (!LOCAL.has(host)) found.add(`${host} (${path.relative(scratchRoot, file)})`);
    }
  }
  return [...found];
}
