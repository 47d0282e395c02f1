/**
 * How much of the WASM engine's heap a probe pass of a tf.LayersModel needs, from the sizes its
 * tensors have per example (read on the one-example pass layersAdapter.ts runs first), and the
 * decision taken before the pass starts:
 *
 *   - keep every layer's output in the heap until the backward is done with it, when that fits:
 *     the fastest way;
 *   - else copy the large outputs out of the heap between forward and backward (the pass then
 *     holds about four of its largest tensors at a time), when that fits;
 *   - else refuse, saying how many examples fit.
 *
 * Why decide: copying outputs out costs a fresh JavaScript array each, whose pages the machine
 * faults in on first write (about 3.7 ms per MB here); on 10,000 MNIST images through the bench
 * CNN that was 2.6 GB and about 18 of the pass's 43 s, while everything kept needed 2.8 GB of the
 * 4 GiB heap (2026-12-07, loaded machine). And a pass that cannot fit must fail before it starts,
 * not after a minute, with the count that would fit.
 *
 * The figures are estimates with room to spare, measured against the engine's own allocations
 * on the CNN at 2,000 and 10,000 images: kept, the outputs plus two of the largest tensor (the
 * backward's gradient and its temporaries: 3.6 GB estimated, 2.8 GB measured at 10,000); copied
 * out, the outputs below the copy threshold plus four of the largest tensor (2.0 GB estimated,
 * 1.7 GB measured). The question "does it fit" is put to the engine's allocator itself
 * (engineMemory.ts), in blocks the size of the pass's largest tensor, since the heap cannot move
 * what it holds.
 */
import { engineHeapFits, engineHeapRoom } from '../engine/engineMemory';
import { formatMb } from '../engine/outOfMemoryMessage';

/** The sizes of a pass's tensors per example. */
export interface PassSizes {
  /** Bytes per example of each step's output. */
  outputs: number[];
  /** Bytes per example of the largest tensor a step reads or writes. */
  largest: number;
  /** Bytes per example of the pass's inputs and targets (what slicing them to fewer examples copies). */
  data: number;
}

/**
 * The share of the room a count it advises may need: its slices of the data come on top, and the
 * heap's state moves a little between the advice and the next pass (the one-example pass first).
 */
const ADVICE_SHARE = 0.9;

/** The working tensors a backward holds besides the outputs, in units of the largest tensor. */
const KEPT_WORKING_SET = 2;
/** What a pass that copies its large outputs out holds at its peak, in units of the largest tensor. */
const COPIED_WORKING_SET = 4;

/** Bytes a pass of `examples` needs with every output kept in the heap. */
export function keptPassBytes(sizes: PassSizes, examples: number): number {
  return examples * (sizes.outputs.reduce((a, b) => a + b, 0) + KEPT_WORKING_SET * sizes.largest);
}

/** Bytes a pass of `examples` needs when outputs of `offloadBytes` or more are copied out between forward and backward. */
export function copiedPassBytes(sizes: PassSizes, examples: number, offloadBytes: number): number {
  const kept = sizes.outputs.filter((b) => b * examples < offloadBytes).reduce((a, b) => a + b, 0);
  return examples * (kept + COPIED_WORKING_SET * sizes.largest);
}

/** Thrown before a probe pass starts when it cannot fit in the engine's memory; says how many examples fit. */
export class ProbeTooLargeError extends RangeError {
  override readonly name = 'ProbeTooLarge';
  constructor(
    message: string,
    /** The most examples whose pass fits now (0 when not even one does). */
    readonly examplesThatFit: number,
  ) {
    super(message);
  }
}

/**
 * Whether a pass of `examples` keeps its outputs (copyOut false) or copies the large ones out;
 * throws ProbeTooLargeError when neither fits. `offloadBytes` is the copy threshold.
 */
export function planPassMemory(sizes: PassSizes, examples: number, offloadBytes: number, fn = 'probe.step'): { copyOut: boolean } {
  // The pass's largest single allocation: one tensor of all the examples.
  const piece = examples * sizes.largest;
  if (engineHeapFits(keptPassBytes(sizes, examples), piece)) return { copyOut: false };
  const need = copiedPassBytes(sizes, examples, offloadBytes);
  if (engineHeapFits(need, piece)) return { copyOut: true };
  // Asked in pieces the size of the largest tensor the count that fits would have: ask with this count's, an upper bound.
  const room = engineHeapRoom(piece);
  // The most examples whose pass (copying out) fits in that block: the need grows with the count.
  let lo = 0;
  let hi = examples - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (copiedPassBytes(sizes, mid, offloadBytes) + mid * sizes.data <= ADVICE_SHARE * room) lo = mid;
    else hi = mid - 1;
  }
  const count = (n: number) => n.toLocaleString('en-US');
  const advice =
    lo > 0
      ? `About ${count(lo)} examples fit: probe the first ${count(lo)} (x.slice(0, ${lo}) and y.slice(0, ${lo})), or draw that many with data.forModel(model, { examples: ${lo} }).`
      : 'Not even one example fits: dispose tensors you no longer need (tf.dispose), or restart the kernel.';
  throw new ProbeTooLargeError(
    `${fn}: ${count(examples)} examples do not fit in the tensor engine's memory: their pass needs about ${formatMb(need)} at its peak, and the engine's WASM heap (at most 4 GiB) can give ${formatMb(room)} now. ${advice}`,
    lo,
  );
}
