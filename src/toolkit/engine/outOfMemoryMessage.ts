/**
 * What a notebook user reads when the tensor engine runs out of memory or fails inside an
 * operation: which engine, its limit, the figures, and what to do. The errors themselves come
 * from heapGuard.ts; errorMapping.ts (the kernel) turns raw errors into these texts.
 */

/**
 * The WASM engine's heap limit: Emscripten's getHeapMax() in every build of
 * tfjs-backend-wasm 4.22, 4 GiB less one 64 KiB page.
 */
export const WASM_HEAP_LIMIT_BYTES = 4294901760;

export const OUT_OF_MEMORY_ADVICE =
  'Use fewer examples (data.forModel(model, { examples: … }) or slice x), dispose tensors you no longer need (tf.dispose, tf.tidy), or restart the kernel.';

/** What was in the engine when it ran out, as far as known. */
export interface MemoryFigures {
  /** tf.memory().numBytes when the running cell started (unknown outside a kernel). */
  tensorBytesAtCellStart?: number;
  /** tf.memory().numBytes now. */
  tensorBytesNow?: number;
  /** How far the WASM heap has grown (it never shrinks). */
  heapBytes?: number;
}

export function formatMb(bytes: number): string {
  return `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
}

/** "(12 MB in tensors when this cell started, 2,512 MB now; the heap has grown to 2,600 MB)" */
export function describeFigures(figures: MemoryFigures): string {
  const parts: string[] = [];
  if (figures.tensorBytesAtCellStart !== undefined) parts.push(`${formatMb(figures.tensorBytesAtCellStart)} in tensors when this cell started`);
  if (figures.tensorBytesNow !== undefined) parts.push(parts.length > 0 ? `${formatMb(figures.tensorBytesNow)} now` : `${formatMb(figures.tensorBytesNow)} in tensors now`);
  const tensors = parts.join(', ');
  const heap = figures.heapBytes !== undefined ? `the heap has grown to ${formatMb(figures.heapBytes)}` : '';
  const all = [tensors, heap].filter((p) => p !== '').join('; ');
  return all ? ` (${all})` : '';
}

/**
 * The engine could not allocate: `what` ("the Add operation", "a new tensor") needed `bytes`.
 * `original` is what the engine itself reported, if anything.
 */
export function outOfMemoryMessage(what: string, bytes: number | undefined, figures: MemoryFigures, original?: string): string {
  const need =
    bytes === undefined
      ? `${what} did not fit in its WASM heap, which holds at most 4 GiB${describeFigures(figures)}.`
      : bytes > WASM_HEAP_LIMIT_BYTES
        ? `${what} needs ${formatMb(bytes)}, more than its whole WASM heap, which holds at most 4 GiB${describeFigures(figures)}.`
        : `${what} needs ${formatMb(bytes)} more, and its WASM heap holds at most 4 GiB${describeFigures(figures)}.`;
  const said = original ? ` (${original.replace(/\.$/, '')}.)` : '';
  return `The tensor engine ran out of memory: ${need} ${OUT_OF_MEMORY_ADVICE}${said}`;
}

/**
 * The engine broke (heapGuard.ts saw it), and the kernel restarts. `how` follows "The tensor
 * engine failed": "inside the Abs operation (RuntimeError: memory access out of bounds)".
 */
export function engineFailedMessage(how: string, figures: MemoryFigures): string {
  const before = figures.tensorBytesAtCellStart !== undefined ? `; ${formatMb(figures.tensorBytesAtCellStart)} in tensors when this cell started` : '';
  return (
    `The tensor engine failed ${how}. That happens when an operation needs more than its WASM heap holds (at most 4 GiB${before}), ` +
    'and it can leave the engine computing wrong numbers, so the kernel restarts: its variables are lost. Run the cells you need again, ' +
    'with fewer examples (data.forModel(model, { examples: … }) or a slice of x) or with the tensors you no longer need disposed (tf.dispose, tf.tidy).'
  );
}
