/**
 * Kernel latency on the headless path: the first cell of a fresh kernel (process start, engine
 * ready, `1 + 1` shown) and a trivial cell on a warm kernel, from execute to output. The same
 * KernelClient and kernel process that VS Code's controller and `initlab run` use.
 *
 *   node out/bench/kernelLatencyWorker.js <dist/kernel.js> [fresh kernels] [warm cells]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelClient } from '../src/host/kernelClient';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeCell(client: KernelClient, code: string): Promise<number> {
  const started = performance.now();
  let shown = 0;
  const result = await client.execute('bench', code, { onOutput: () => (shown ||= performance.now()) });
  if (result.status !== 'ok' || !shown) throw new Error(`the benchmark cell did not show a value: ${JSON.stringify(result)}`);
  return shown - started;
}

/** Fresh kernels' first-cell times, each kernel disposed after its cell. */
async function firstCells(entry: string, code: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const client = new KernelClient({ entry });
    times.push(await timeCell(client, code));
    client.dispose();
  }
  return times;
}

async function main(): Promise<void> {
  const [entry, freshText = '5', warmText = '50'] = process.argv.slice(2);
  const fresh = Number(freshText);
  // The kernels' V8 code cache (src/kernel/kernelBoot.ts) in a folder of this run's own,
  // written by one kernel's first cell before the timed ones start.
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-bench-code-cache-'));
  process.env.INITLAB_CODE_CACHE_DIR = cacheDir;
  const writer = new KernelClient({ entry });
  await timeCell(writer, '1 + 1');
  for (let waited = 0; !fs.readdirSync(cacheDir).some((f) => f.endsWith('.bin')); waited += 20) {
    if (waited > 10_000) throw new Error(`no code cache written in ${cacheDir}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  writer.dispose();
  const first = await firstCells(entry, '1 + 1', fresh);
  const firstTensor = await firstCells(entry, 'tf.ones([2, 2]).sum()', fresh);
  process.env.INITLAB_CODE_CACHE = '0';
  const uncached = await firstCells(entry, '1 + 1', fresh);
  delete process.env.INITLAB_CODE_CACHE;
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const client = new KernelClient({ entry });
  await timeCell(client, 'tf.ones([2]).sum()');
  const warm: number[] = [];
  for (let i = 0; i < Number(warmText); i++) warm.push(await timeCell(client, '1 + 1'));
  client.dispose();
  console.log(`| first cell of a fresh kernel, \`1 + 1\` (code cache written by an earlier kernel) | ${median(first).toFixed(0)} ms | ≤ 1,500 ms |`);
  console.log(`| first cell of a fresh kernel, a tensor op (engine ready) | ${median(firstTensor).toFixed(0)} ms | ≤ 1,500 ms |`);
  console.log(`| first cell of a fresh kernel, \`1 + 1\`, no code cache (the first kernel of a new version) | ${median(uncached).toFixed(0)} ms | ≤ 1,500 ms |`);
  console.log(`| trivial cell \`1 + 1\` on a warm kernel (median of ${warm.length}) | ${median(warm).toFixed(1)} ms | ≤ 30 ms |`);
  process.exit(0);
}

void main();
