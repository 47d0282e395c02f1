// code-server, pinned: a real, built VS Code (1.100.3) that runs on Node 20 (docs/vscode-tests.md,
// "Why code-server"). Installed by the tests themselves into a cache folder outside the clone,
// reused by later runs and clones:
//   ${INITLAB_TEST_CACHE:-${XDG_CACHE_HOME:-~/.cache}/initlab-test}/code-server-4.100.3
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { networkGuardEnv } from './networkCheck.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_CACHE_NAME = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function cacheRoot() {
  const base = process.env.INITLAB_TEST_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'initlab-test');
  fs.mkdirSync(base, { recursive: true });
  return base;
}

export function codeServerDir() {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin() {
  return path.join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function installedVersion() {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(codeServerDir(), 'node_modules', 'code-server', 'package.json'), 'utf8'));
    return fs.existsSync(path.join(codeServerDir(), '.complete')) ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @vscode/ripgrep's install downloads ripgrep from a host this machine cannot reach; it first
 * looks for the tarball in $TMPDIR/vscode-ripgrep-cache-1.15.11/. Debian's rg, packed under the
 * expected name, satisfies it.
 */
function seedRipgrepCache(tmpdir) {
  const dir = path.join(tmpdir, RIPGREP_CACHE_NAME);
  const tarball = path.join(dir, RIPGREP_TARBALL);
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(tmpdir, 'rg-'));
  fs.copyFileSync('/usr/bin/rg', path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  execFileSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
}

/** Installs code-server into the cache unless the pinned version is already there. */
export function ensureCodeServer({ log = console.log } = {}) {
  if (installedVersion() === CODE_SERVER_VERSION) return codeServerBin();
  const target = codeServerDir();
  const staging = `${target}.installing-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const tmpdir = process.env.TMPDIR ?? os.tmpdir();
  seedRipgrepCache(tmpdir);
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'initlab-test-code-server', private: true }));
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${target} (a few minutes, once)…`);
  const started = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: staging,
    stdio: 'inherit',
    env: {
      ...process.env,
      TMPDIR: tmpdir,
      npm_config_unsafe_perm: 'true', // its postinstall refuses root otherwise
      npm_config_yes: 'true', // node-pty runs `npx node-gyp`
      npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr', // node-gyp must not download headers
    },
  });
  fs.writeFileSync(path.join(staging, '.complete'), `${CODE_SERVER_VERSION}\n`);
  // Swap in atomically, so an interrupted install is never mistaken for a good one.
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerBin();
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 in its own process group, with every folder it writes inside
 * `scratch` (its config included: any call otherwise writes ~/.config/code-server).
 */
export async function startCodeServer({ scratch, extensionsDir, trusted = true, log = console.log }) {
  const bin = codeServerBin();
  const port = await freePort();
  const dirs = Object.fromEntries(['user-data', 'xdg-config', 'xdg-data', 'xdg-cache'].map((d) => [d, path.join(scratch, d)]));
  Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
  fs.mkdirSync(extensionsDir, { recursive: true });
  const config = path.join(scratch, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');
  // Settings that keep the workbench quiet and predictable under test.
  const settingsDir = path.join(dirs['user-data'], 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(
    path.join(settingsDir, 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': !trusted ? true : false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'telemetry.telemetryLevel': 'off',
      'typescript.disableAutomaticTypeAcquisition': true,
      // INITLAB_TSSERVER_LOG=1 (with INITLAB_KEEP_SCRATCH=1) keeps tsserver's log under user-data/logs/.
      ...(process.env.INITLAB_TSSERVER_LOG ? { 'typescript.tsserver.log': 'verbose' } : {}),
      'notebook.confirmDeleteRunningCell': false,
      'files.hotExit': 'off',
      'window.restoreWindows': 'none',
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
    }),
  );
  const args = [
    bin,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', dirs['user-data'],
    '--extensions-dir', extensionsDir,
    '--config', config,
  ];
  if (trusted) args.push('--disable-workspace-trust');
  const logFile = path.join(scratch, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    detached: true, // its own process group: killing the group stops its file watcher too
    // Not the repository: VS Code's TypeScript server takes its cwd as the root of notebook cells'
    // inferred projects, and from the repository it would load every dev @types package and an
    // auto-import project of our dependencies, seconds of CPU that no user's VS Code spends.
    cwd: scratch,
    stdio: ['ignore', out, out],
    // EXTENSIONS_GALLERY: code-server's extension gallery, here one with no address, so the
    // workbench asks no gallery for recommendations or updates: tests reach no network. The
    // network guard, in every Node process it starts (the extension host inherits NODE_OPTIONS),
    // refuses and logs any connection to another host (networkCheck.mjs).
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: dirs['xdg-config'], XDG_DATA_HOME: dirs['xdg-data'], XDG_CACHE_HOME: dirs['xdg-cache'], ...networkGuardEnv(scratch) },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} within 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`code-server ${CODE_SERVER_VERSION} on ${url} (log: ${logFile})`);
  return {
    url,
    port,
    logFile,
    stop() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Installs a packaged extension into an extensions folder with code-server's own command. */
export function installExtension(vsix, { extensionsDir, scratch }) {
  const xdg = path.join(scratch, 'xdg-install');
  fs.mkdirSync(xdg, { recursive: true });
  execFileSync(process.execPath, [codeServerBin(), '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', path.join(scratch, 'user-data')], {
    stdio: 'pipe',
    env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg, ...networkGuardEnv(scratch) },
  });
}
