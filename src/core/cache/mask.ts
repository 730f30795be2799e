/**
 * Sets of rules as the cache file writes them: one hexadecimal digit per four rule positions, the
 * lowest position in the lowest bit. 52 per-file rules fit in 13 characters per file.
 */

/** The mask of the positions set in `bits`. */
export function encodeMask(bits: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bits.length; i += 4) {
    const digit =
      (bits[i] ?? 0) | ((bits[i + 1] ?? 0) << 1) | ((bits[i + 2] ?? 0) << 2) | ((bits[i + 3] ?? 0) << 3);
    out += digit.toString(16);
  }
  return out;
}

/** Each hexadecimal digit's value by character code (asked once per rule and file: no parseInt). */
const DIGITS = new Uint8Array(128);
for (let d = 0; d < 16; d++) DIGITS[d.toString(16).charCodeAt(0)] = d;

/** Whether position `k` is in the mask; an absent mask holds every position. */
export function inMask(mask: string | undefined, k: number): boolean {
  if (mask === undefined) return true;
  return ((DIGITS[mask.charCodeAt(k >> 2)]! >> (k & 3)) & 1) === 1;
}
