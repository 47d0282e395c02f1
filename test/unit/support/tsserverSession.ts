/**
 * A session with a real TypeScript server (the repository's pinned `typescript`), started as VS
 * Code starts it for notebooks: one inferred project per project root, InitLab's plugin loaded
 * as a global plugin, and VS Code's compiler options for files outside any tsconfig. Requests
 * are the protocol's synchronous forms, one at a time. Every request settles: it rejects when
 * tsserver exits (or cannot start) before answering, and when it has not answered in
 * `requestTimeoutMs`, so a dead or stuck server fails its test with a message saying which
 * request, not by the runner's timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './paths';

/** What VS Code 1.100 sends as `compilerOptionsForInferredProjects` (from tsserver's log). */
export const VS_CODE_INFERRED_PROTOCOL_OPTIONS = {
  module: 'ESNext',
  moduleResolution: 'Bundler',
  target: 'ES2022',
  jsx: 'react-jsx',
  allowImportingTsExtensions: true,
  strictNullChecks: true,
  strictFunctionTypes: true,
  sourceMap: true,
  allowJs: true,
  allowSyntheticDefaultImports: true,
  allowNonTsExtensions: true,
  resolveJsonModule: true,
};

/**
 * A request's bound. The slowest, a first semantic check (it loads the toolkit's declarations),
 * takes seconds: the whole tsserver test in cellTypes.test.ts took 9 s on a loaded 2-core machine.
 * The unit tests' own per-test limit (scripts/unitTests.mjs) is longer, so this one fails first
 * and names the request.
 */
export const TSSERVER_REQUEST_TIMEOUT_MS = 60_000;

interface Response {
  request_seq: number;
  success: boolean;
  body?: unknown;
  message?: string;
}

export class TsServerSession {
  private readonly child: ChildProcess;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, { resolve: (response: Response) => void; reject: (error: Error) => void }>();
  /** Why tsserver is gone, once it is: every later request rejects with it at once. */
  private gone?: Error;
  private readonly requestTimeoutMs: number;

  /** `cwd` is where tsserver runs: not this repository, whose @types a user would not have. */
  constructor(cwd: string, options: { requestTimeoutMs?: number } = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? TSSERVER_REQUEST_TIMEOUT_MS;
    const tsserver = path.join(repoRoot, 'node_modules/typescript/lib/tsserver.js');
    this.child = spawn(process.execPath, [tsserver, '--useInferredProjectPerProjectRoot', '--disableAutomaticTypingAcquisition', '--globalPlugins', 'initlab-cell-types', '--pluginProbeLocations', repoRoot, '--locale', 'en'], {
      cwd,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.read(chunk));
    this.child.on('error', (err) => this.lost(`tsserver failed: ${err.message}`));
    this.child.on('exit', (code, signal) => this.lost(`tsserver exited (${signal ?? `exit code ${code}`})`));
    // A write to a server that just died fails with EPIPE: the exit above already says why.
    this.child.stdin!.on('error', () => undefined);
  }

  /** The process, for tests of this helper (a server that dies or stops answering). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private lost(reason: string): void {
    this.gone ??= new Error(reason);
    for (const { reject } of [...this.waiting.values()]) reject(new Error(`${reason} before it answered`));
  }

  /** Messages come as `Content-Length: n` headers, each followed by n bytes of JSON. */
  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(this.buffer.toString('latin1'));
      if (!header) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString('utf8'));
      this.buffer = this.buffer.subarray(start + length);
      if (message.type === 'response') this.waiting.get(message.request_seq)?.resolve(message);
    }
  }

  request(command: string, args: unknown): Promise<Response> {
    if (this.gone) return Promise.reject(new Error(`${this.gone.message}: ${command} not sent`));
    const seq = ++this.seq;
    return new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`tsserver did not answer ${command} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.waiting.delete(seq);
      };
      this.waiting.set(seq, {
        resolve: (response) => {
          settle();
          resolve(response);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.child.stdin!.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    });
  }

  async configure(): Promise<void> {
    await this.request('compilerOptionsForInferredProjects', { options: VS_CODE_INFERRED_PROTOCOL_OPTIONS });
  }

  /** Opens files as VS Code does, all in one updateOpen; no project root, like an untitled notebook. */
  async open(files: { file: string; content: string }[]): Promise<void> {
    await this.request('updateOpen', { changedFiles: [], closedFiles: [], openFiles: files.map((f) => ({ file: f.file, fileContent: f.content, scriptKindName: 'TS' })) });
  }

  /** A file's syntax and semantic errors, as text. */
  async errors(file: string): Promise<string[]> {
    const messages: string[] = [];
    for (const command of ['syntacticDiagnosticsSync', 'semanticDiagnosticsSync']) {
      const response = await this.request(command, { file });
      if (!response.success) throw new Error(`${command} failed: ${response.message}`);
      for (const d of response.body as { text: string; start: { line: number } }[]) messages.push(`line ${d.start.line}: ${d.text}`);
    }
    return messages;
  }

  /** The completions offered at a 1-based line and column of a file. */
  async completions(file: string, line: number, offset: number): Promise<string[]> {
    const response = await this.request('completionInfo', { file, line, offset });
    return ((response.body as { entries?: { name: string }[] } | undefined)?.entries ?? []).map((e) => e.name);
  }

  dispose(): void {
    this.child.kill();
  }
}

/** How VS Code names the n-th cell of an untitled notebook to tsserver. */
export function untitledCellName(notebook: string, index: number): string {
  return `^/vscode-notebook-cell/ts-nul-authority/${notebook}#W${index}sdW50aXRsZWQ=`;
}
