/**
 * How deeply a notebook's JSON may nest. JSON.parse copes with any depth, but every recursive
 * walk after it (the writer, the syntax-error locator, VS Code's own copies) overflows the stack
 * a few thousand levels down. Python's json module stops near 1,000 levels, so Jupyter could not
 * read a deeper file either; charts and outputs nest about 10 levels.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * The character offset of the first `[` or `{` that opens level `limit + 1`, or undefined. One
 * loop over the text with no recursion, so no depth can overflow it. On text that is not JSON
 * the answer may be off, which is harmless: JSON.parse refuses that text next.
 */
export function findNestingPast(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}
