/**
 * Kernel latency on the headless path: the first cell of a fresh kernel (process start, engine
 * ready, `1 + 1` shown) and a trivial cell on a warm kernel, from execute to output. The same
 * KernelClient and kernel process that VS Code's controller and `initlab run` use.
 *
 *   node out/bench/kernelLatencyWorker.js <dist/kernelMain.js> [fresh kernels] [warm cells]
 */
import { KernelClient } from '../src/kernel/process/kernelClient';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeCell(client: KernelClient, code: string): Promise<number> {
  const started = performance.now();
  let shown = 0;
  const result = await client.execute('bench', code, { onOutput: () => (shown ||= performance.now()) });
  if (result.status !== 'ok' || !shown) throw new Error(`the benchmark cell did not show a value: ${JSON.stringify(result)}`);
  return shown - started;
}

async function main(): Promise<void> {
  const [entry, freshText = '5', warmText = '50'] = process.argv.slice(2);
  const first: number[] = [];
  const firstTensor: number[] = [];
  for (let i = 0; i < Number(freshText); i++) {
    const client = new KernelClient({ entry });
    first.push(await timeCell(client, '1 + 1'));
    client.dispose();
    const engine = new KernelClient({ entry });
    firstTensor.push(await timeCell(engine, 'tf.ones([2, 2]).sum()'));
    engine.dispose();
  }
  const client = new KernelClient({ entry });
  await timeCell(client, 'tf.ones([2]).sum()');
  const warm: number[] = [];
  for (let i = 0; i < Number(warmText); i++) warm.push(await timeCell(client, '1 + 1'));
  client.dispose();
  console.log(`| first cell of a fresh kernel, \`1 + 1\` | ${median(first).toFixed(0)} ms | ≤ 1,500 ms |`);
  console.log(`| first cell of a fresh kernel, a tensor op (engine ready) | ${median(firstTensor).toFixed(0)} ms | ≤ 1,500 ms |`);
  console.log(`| trivial cell \`1 + 1\` on a warm kernel (median of ${warm.length}) | ${median(warm).toFixed(1)} ms | ≤ 30 ms |`);
  process.exit(0);
}

void main();
