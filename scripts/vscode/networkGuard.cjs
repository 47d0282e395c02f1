// The VS Code tests' network guard for Node: code-server loads it into each of its Node processes
// (NODE_OPTIONS=--require, set by codeServer.mjs; code-server's server, the extension host it
// forks, its pty host and file watcher, tsserver, worker threads) when INITLAB_NETWORK_LOG names a
// log file. Every outgoing connection goes through net.Socket's connect (net.connect, tls.connect,
// http, https, http2 and fetch all do): one to 127.0.0.0/8, ::1, localhost or a local socket goes
// on and is logged as local; one to any other host is refused before any packet leaves (the socket
// fails with ECONNREFUSED on the next turn, as a refused connection would) and logged as outside.
// Name lookups (dns.lookup, dns.lookupService) of other hosts are refused the same way, DNS
// queries (dns.resolve*, dns.reverse, which ask a name server) always, and UDP datagrams to other
// hosts. networkCheck.mjs reads the log. Each line is JSON: { t: 'start' | 'local' | 'outside', … }.
// A preload for `node --require` is CommonJS.
/* global require, module, process, setImmediate */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether `host` (a name or an address, IPv6 with or without brackets) is this machine's loopback. */
function isLoopbackHost(host) {
  const h = String(host).toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const family = net.isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 6 ? 'ipv6' : 'ipv4');
}

function processLabel() {
  const type = process.argv.find((a) => a.startsWith('--type='));
  const script = process.argv[1] ?? '';
  let label;
  if (type) label = type.slice('--type='.length);
  // code-server's wrapper forks its server from the same entry script.
  else if (/[\\/]out[\\/]node[\\/]entry(\.js)?$/.test(script)) label = process.env.CODE_SERVER_PARENT_PID ? 'code-server' : 'code-server (wrapper)';
  else if (script) label = path.basename(script);
  else label = ['node', ...process.execArgv.filter((a) => /^(-e|-p|--eval|--print)$/.test(a))].join(' ');
  const { isMainThread } = require('node:worker_threads');
  return isMainThread ? label : `${label} (worker thread)`;
}

function install(logFile) {
  const dns = require('node:dns');
  const dgram = require('node:dgram');
  const proc = processLabel();
  const record = (entry) => {
    try {
      fs.appendFileSync(logFile, `${JSON.stringify({ ...entry, proc, pid: process.pid })}\n`);
    } catch {
      // the log's folder is gone (the run is over): nothing left to tell
    }
  };
  const refusal = (message, fields) => Object.assign(new Error(`${message} (refused by InitLab's test network guard: the VS Code tests reach 127.0.0.1 only)`), fields);
  record({ t: 'start', argv: process.argv.slice(1, 3).map((a) => a.slice(0, 200)) });

  // TCP and local sockets. Its arguments arrive as connect's callers gave them, or already
  // normalized (net.connect passes [options, cb] marked by a symbol).
  if (typeof net._normalizeArgs !== 'function') throw new Error("InitLab's test network guard cannot read net.Socket#connect's arguments on this Node");
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const normalized = Array.isArray(args[0]) ? args[0] : net._normalizeArgs(args);
    const options = normalized[0] ?? {};
    if (options.path) {
      record({ t: 'local', kind: 'socket', to: String(options.path).slice(0, 200) });
      return connect.apply(this, args);
    }
    const host = options.host ?? 'localhost';
    const to = `${String(host).includes(':') ? `[${host}]` : host}:${options.port}`;
    if (isLoopbackHost(host)) {
      record({ t: 'local', kind: 'tcp', to });
      return connect.apply(this, args);
    }
    record({ t: 'outside', kind: 'tcp', to, host: String(host) });
    const err = refusal(`connect ECONNREFUSED ${to}`, { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: String(host), port: options.port });
    // Connecting, as far as its callers see (writes wait), until it fails after their own set-up
    // (http attaches its error listener a tick later), as a refused connection does.
    this.connecting = true;
    setImmediate(() => this.destroy(err));
    return this;
  };

  // Name lookups: getaddrinfo may ask a name server for any name but localhost (an address
  // needs none: connect above judges it).
  const refuseLookup = (hostname) => {
    record({ t: 'outside', kind: 'lookup', to: String(hostname), host: String(hostname) });
    return refusal(`getaddrinfo ENOTFOUND ${hostname}`, { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });
  };
  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, options, callback) {
    if (typeof hostname !== 'string' || !hostname || net.isIP(hostname) || isLoopbackHost(hostname)) return lookup.apply(this, arguments);
    const cb = typeof options === 'function' ? options : callback;
    const err = refuseLookup(hostname);
    process.nextTick(() => cb(err));
    return {};
  };
  const lookupPromise = dns.promises.lookup;
  dns.promises.lookup = function guardedLookup(hostname, ...rest) {
    if (typeof hostname !== 'string' || !hostname || net.isIP(hostname) || isLoopbackHost(hostname)) return lookupPromise.call(this, hostname, ...rest);
    return Promise.reject(refuseLookup(hostname));
  };
  for (const target of [dns, dns.promises]) {
    const lookupService = target.lookupService;
    target.lookupService = function guardedLookupService(address, port, callback) {
      if (isLoopbackHost(address)) return lookupService.apply(this, arguments);
      const err = refuseLookup(address);
      if (target === dns.promises) return Promise.reject(err);
      process.nextTick(() => callback(err));
      return undefined;
    };
  }
  // DNS queries (c-ares) always go to a name server: refused for every name. The module's own
  // functions are bound copies of the default Resolver's, so both are wrapped.
  const QUERIES = Object.keys(dns).filter((k) => /^resolve|^reverse$/.test(k));
  for (const target of [dns, dns.Resolver.prototype, dns.promises, dns.promises.Resolver.prototype]) {
    const promises = target === dns.promises || target === dns.promises.Resolver.prototype;
    for (const name of QUERIES) {
      if (typeof target[name] !== 'function') continue;
      target[name] = function guardedQuery(hostname, ...rest) {
        record({ t: 'outside', kind: 'dns query', to: `${name} ${hostname}`, host: String(hostname) });
        const err = refusal(`query${name.replace(/^resolve/, '')} ECONNREFUSED ${hostname}`, { code: 'ECONNREFUSED', syscall: name, hostname });
        if (promises) return Promise.reject(err);
        const cb = rest.reverse().find((a) => typeof a === 'function');
        process.nextTick(() => cb?.(err));
        return undefined;
      };
    }
  }

  // UDP: datagrams to other hosts (a connected socket's go where connect, checked below, said).
  const failLater = (socket, err, callback) => setImmediate(() => (typeof callback === 'function' ? callback(err) : socket.emit('error', err)));
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(buffer, offset, length, port, address, callback) {
    let connected = true;
    try {
      this.remoteAddress();
    } catch {
      connected = false;
    }
    if (!connected) {
      // send(msg, offset, length, port, address, cb) or send(msg, port, address, cb), as Node reads them.
      const long = address || (port && typeof port !== 'function');
      const to = long ? address : length;
      const cb = [offset, length, port, address, callback].find((a) => typeof a === 'function');
      if (typeof to === 'string' && !isLoopbackHost(to)) {
        record({ t: 'outside', kind: 'udp', to: `${to}:${long ? port : offset}`, host: to });
        failLater(this, refusal(`send ECONNREFUSED ${to}`, { code: 'ECONNREFUSED', syscall: 'send', address: to }), cb);
        return undefined;
      }
      if (typeof to === 'string') record({ t: 'local', kind: 'udp', to });
    }
    return send.apply(this, arguments);
  };
  const udpConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function guardedUdpConnect(port, address, _callback) {
    if (typeof address === 'string' && !isLoopbackHost(address)) {
      record({ t: 'outside', kind: 'udp', to: `${address}:${port}`, host: address });
      failLater(this, refusal(`connect ECONNREFUSED ${address}:${port}`, { code: 'ECONNREFUSED', syscall: 'connect', address, port }), undefined);
      return undefined;
    }
    return udpConnect.apply(this, arguments);
  };

  // ES modules that imported node:dns see the wrapped functions too.
  require('node:module').syncBuiltinESMExports();
}

const logFile = process.env.INITLAB_NETWORK_LOG;
if (logFile && !globalThis.__initlabNetworkGuard) {
  globalThis.__initlabNetworkGuard = true;
  install(logFile);
}

module.exports = { isLoopbackHost };
