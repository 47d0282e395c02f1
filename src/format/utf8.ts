/**
 * Decodes a `.initnb` file's bytes as UTF-8, refusing any byte that is not. A lenient decoder
 * would turn bad bytes into U+FFFD, and the next save would write those replacements over the
 * user's original bytes.
 */
import { NotebookFormatError } from './notebookFormatError';
import { lineAndColumn } from './textPosition';

const strict = new TextDecoder('utf-8', { fatal: true });
// Keeps a byte-order mark as a character, so offsets computed from its text match the bytes.
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeUtf8(bytes: Uint8Array, fileName?: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    // The strict decoder says only that the bytes are bad; find where, on this slow path only.
  }
  const { byteOffset, charOffset, text } = firstInvalidByte(bytes);
  const shown = `0x${bytes[byteOffset].toString(16).toUpperCase().padStart(2, '0')}`;
  const lineStart = text.lastIndexOf('\n', charOffset - 1) + 1;
  const context = text.slice(Math.max(lineStart, charOffset - 30), charOffset).trimStart();
  throw new NotebookFormatError(
    `the file is not valid UTF-8: the byte ${shown}${context ? ` right after ‘${context}’` : ''} does not begin a valid UTF-8 character. ` +
      'InitLab reads notebooks as UTF-8 only and will not guess, which would change your bytes on save; convert the file to UTF-8 (it may be Latin-1 or Windows-1252) and open it again.',
    `byte ${byteOffset} (${lineAndColumn(text, charOffset)})`,
    fileName,
  );
}

/**
 * The first byte that is not UTF-8. The lenient decoder replaces each bad sequence by U+FFFD and
 * decodes everything before the first one exactly, so the UTF-8 length of that prefix is the
 * byte offset. A U+FFFD the file really holds (bytes EF BF BD) is skipped.
 */
function firstInvalidByte(bytes: Uint8Array): { byteOffset: number; charOffset: number; text: string } {
  const text = lenient.decode(bytes);
  let byteOffset = 0;
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
    byteOffset += Buffer.byteLength(text.slice(from, i), 'utf8');
    from = i;
    const literal = bytes[byteOffset] === 0xef && bytes[byteOffset + 1] === 0xbf && bytes[byteOffset + 2] === 0xbd;
    if (!literal) return { byteOffset, charOffset: i, text };
  }
  // Unreachable: the strict decoder refused these bytes, so some replacement is not literal.
  return { byteOffset: bytes.byteLength, charOffset: text.length, text };
}
