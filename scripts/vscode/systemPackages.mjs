// The Debian packages the VS Code tests need, installed when missing (as root), or else a stop
// with the exact apt-get line to run.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** What each package gives the tests; a package counts as present when its file exists. */
export const REQUIRED_PACKAGES = [
  { name: 'chromium', provides: '/usr/bin/chromium', why: 'the headless browser the UI tests drive' },
  { name: 'fonts-liberation', provides: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', why: 'fonts, or screenshots show boxes' },
  { name: 'fonts-tlwg-loma-ttf', provides: '/usr/share/fonts/truetype/tlwg/Loma.ttf', why: 'a Thai font, or lesson A in Thai shows boxes' },
  { name: 'ripgrep', provides: '/usr/bin/rg', why: "code-server's search (its npm install cannot download ripgrep here)" },
  { name: 'build-essential', provides: '/usr/bin/g++', why: "code-server's native modules" },
  { name: 'python3', provides: '/usr/bin/python3', why: 'node-gyp' },
  { name: 'pkg-config', provides: '/usr/bin/pkg-config', why: 'native module builds' },
  { name: 'libkrb5-dev', provides: '/usr/include/krb5.h', why: "code-server's kerberos module" },
];

export function missingPackages(exists = fs.existsSync) {
  return REQUIRED_PACKAGES.filter((p) => !exists(p.provides));
}

export function aptCommand(packages) {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.map((p) => p.name).join(' ')}`;
}

/** Installs what is missing when running as root; otherwise throws with the line to run. */
export function ensureSystemPackages({ dryRun = false, log = console.log } = {}) {
  const missing = missingPackages();
  if (missing.length === 0) return [];
  const line = aptCommand(missing);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (dryRun) return missing;
  if (!isRoot) {
    throw new Error(`The VS Code tests need Debian packages that are missing: ${missing.map((p) => `${p.name} (${p.why})`).join(', ')}.\nRun as root:\n  ${line}`);
  }
  log(`Installing Debian packages: ${missing.map((p) => p.name).join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  const result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((p) => p.name)], { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`apt-get install failed (exit ${result.status}); run: ${line}`);
  return missing;
}
