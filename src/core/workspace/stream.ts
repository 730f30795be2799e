import { closeSync, readSync } from 'node:fs';

/**
 * Bounded, streaming reads of files the workspace does not hold as text (binary files and files over
 * the size cap), for the rules that must still look inside them (secrets). Memory stays at one chunk
 * whatever the file's size; the bytes read are bounded by the caller.
 */

/** Bytes read at a time. */
export const CHUNK_BYTES = 1024 * 1024;

/** Text encodings the workspace tells apart; `latin1` reads bytes one to one (binary files). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

/** Reads a file's bytes in chunks, up to `maxBytes`; each chunk is valid only until the next one. */
export type ChunkReader = (maxBytes: number) => Generator<Buffer, void, undefined>;

/** A chunk reader over a file descriptor that `open` returns (or undefined when it cannot be opened). */
export function fdChunks(open: () => number | undefined): ChunkReader {
  return function* read(maxBytes: number) {
    const fd = open();
    if (fd === undefined) return;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, maxBytes)));
    try {
      let position = 0;
      while (position < maxBytes) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, maxBytes - position), position);
        if (n === 0) return;
        position += n;
        yield buf.subarray(0, n);
      }
    } finally {
      closeSync(fd);
    }
  };
}

/**
 * UTF-32 text, told by its byte-order mark or, without one, by three zero bytes in nearly every
 * 4-byte unit (what ASCII text looks like in UTF-32); undefined for anything else. Asked before
 * {@link utf16Encoding}, whose byte-order mark UTF-32LE's starts with.
 */
export function utf32Encoding(head: Uint8Array): 'utf-32le' | 'utf-32be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe && head[2] === 0 && head[3] === 0) return 'utf-32le';
  if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'utf-32be';
  const n = Math.min(head.length, 4096) & ~3;
  if (n < 32) return undefined;
  const zero = head.indexOf(0);
  if (zero === -1 || zero >= n) return undefined;
  // A unit of text: a printable character, a tab or a line break (an array of small integers in a
  // binary file has the zeros, not the characters).
  const text = (b: number) => b >= 0x20 || b === 9 || b === 10 || b === 13;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 4) {
    if (text(head[i]!) && head[i + 1] === 0 && head[i + 2] === 0 && head[i + 3] === 0) le += 1;
    if (head[i] === 0 && head[i + 1] === 0 && head[i + 2] === 0 && text(head[i + 3]!)) be += 1;
  }
  const units = n / 4;
  if (le >= units * 0.9) return 'utf-32le';
  if (be >= units * 0.9) return 'utf-32be';
  return undefined;
}

/**
 * Decodes UTF-32 (within the size cap), without its byte-order mark; a unit that is no code point
 * is U+FFFD, as TextDecoder does for the other encodings.
 */
export function decodeUtf32(bytes: Uint8Array, encoding: 'utf-32le' | 'utf-32be'): string {
  const parts: string[] = [];
  let units: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp =
      encoding === 'utf-32le'
        ? (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0
        : ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    if (i === 0 && cp === 0xfeff) continue;
    units.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (units.length === 8192) {
      parts.push(String.fromCodePoint(...units));
      units = [];
    }
  }
  parts.push(String.fromCodePoint(...units));
  return parts.join('');
}

/** Bytes of plain 8-bit text after a byte-order mark that say the mark is not the file's encoding. */
const PLAIN_RUN = 32;

/**
 * Whether a file opens with a UTF-16 or UTF-32 byte-order mark that its content belies: two bytes
 * `FF FE` put before a plain ASCII file would otherwise turn every line into CJK code units that no
 * detector reads, while git, grep and a dotenv loader still see the ASCII. Text in UTF-16 or UTF-32
 * has a zero byte in every ASCII character, and CJK text read as bytes has few runs of printable
 * ASCII, none long and broken by white space; so a run of {@link PLAIN_RUN} printable ASCII bytes
 * holding a space, tab or line break (or twice as long without one) is 8-bit text. One pass over the
 * bytes, only for the rare file that has such a mark.
 */
export function bomBelied(bytes: Uint8Array): boolean {
  const mark =
    bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff
      ? 4
      : (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
        ? 2
        : 0;
  if (mark === 0) return false;
  let run = 0;
  let spaced = false;
  for (let i = mark; i < bytes.length; i++) {
    const b = bytes[i]!;
    const space = b === 0x20 || b === 9 || b === 10 || b === 13;
    if (space || (b > 0x20 && b < 0x7f)) {
      run += 1;
      spaced ||= space;
      if ((spaced && run >= PLAIN_RUN) || run >= 2 * PLAIN_RUN) return true;
    } else {
      run = 0;
      spaced = false;
    }
  }
  return false;
}

/**
 * UTF-16 text, told by its byte-order mark or, without one, by zero bytes on one side of nearly every
 * code unit (what ASCII text looks like in UTF-16); undefined for anything else.
 */
export function utf16Encoding(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 4096) & ~1;
  // Without a zero byte it is not UTF-16 (a native search: most files stop here; over the whole head,
  // not a view of its first `n` bytes, which cost an object per file).
  if (n < 16) return undefined;
  const zero = head.indexOf(0);
  if (zero === -1 || zero >= n) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero += 1;
    if (head[i + 1] === 0) oddZero += 1;
  }
  const units = n / 2;
  if (oddZero >= units * 0.9 && evenZero <= units * 0.02) return 'utf-16le';
  if (evenZero >= units * 0.9 && oddZero <= units * 0.02) return 'utf-16be';
  return undefined;
}

/** Decodes a whole buffer (a UTF-16 file within the size cap), without its byte-order mark. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'latin1')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  // TextDecoder drops a leading byte-order mark.
  return new TextDecoder(encoding === 'utf-16be' ? 'utf-16le' : encoding).decode(
    encoding === 'utf-16be' ? swapBytes(bytes) : bytes,
  );
}

/** UTF-16BE as UTF-16LE (TextDecoder in Node has no big-endian UTF-16 without full ICU). */
function swapBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length & ~1);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1]!;
    out[i + 1] = bytes[i]!;
  }
  return out;
}

/** One part of a file's text, cut at a line break where there is one. */
export interface TextChunk {
  text: string;
  /** 1-based line of the chunk's first character. */
  firstLine: number;
  /** 0-based column of the chunk's first character (0 unless a line longer than a chunk was cut). */
  firstColumn: number;
  /** The chunk ends inside a line that the next chunk continues (and overlaps). */
  cut: boolean;
}

/**
 * A file's text in chunks of about {@link CHUNK_BYTES}, each ending at a line break when the chunk
 * has one. A line longer than a chunk is cut, and the next chunk repeats its last `overlap`
 * characters, so a value across the cut is seen whole by one of them.
 */
export function* textChunks(
  chunks: Iterable<Uint8Array>,
  encoding: TextEncoding,
  overlap = 4096,
): Generator<TextChunk, void, undefined> {
  // The decoder drops a leading byte-order mark; latin1 is Buffer's one-to-one byte decoding (the
  // WHATWG `latin1` label means windows-1252).
  const decoder = encoding === 'utf-8' || encoding === 'utf-16le' ? new TextDecoder(encoding) : undefined;
  let pending = '';
  let firstLine = 1;
  let firstColumn = 0;
  let odd: number | undefined;
  const emit = function* (final: boolean): Generator<TextChunk, void, undefined> {
    while (pending.length >= CHUNK_BYTES || (final && pending.length > 0)) {
      let cut = pending.lastIndexOf('\n', CHUNK_BYTES);
      if (final && pending.length < CHUNK_BYTES) cut = pending.length - 1;
      if (cut === -1) {
        // One line longer than a chunk: cut it, and start the next chunk `overlap` characters back.
        const text = pending.slice(0, CHUNK_BYTES);
        yield { text, firstLine, firstColumn, cut: true };
        firstColumn += CHUNK_BYTES - overlap;
        pending = pending.slice(CHUNK_BYTES - overlap);
        continue;
      }
      const text = pending.slice(0, cut + 1);
      yield { text, firstLine, firstColumn, cut: false };
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) firstLine += 1;
      firstColumn = 0;
      pending = pending.slice(cut + 1);
    }
  };
  for (const chunk of chunks) {
    if (decoder) pending += decoder.decode(chunk, { stream: true });
    else if (encoding === 'latin1')
      pending += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    else {
      // Big-endian UTF-16: swap byte pairs, carrying an odd byte to the next chunk.
      const bytes = new Uint8Array(chunk.length + (odd === undefined ? 0 : 1));
      if (odd !== undefined) bytes[0] = odd;
      bytes.set(chunk, odd === undefined ? 0 : 1);
      odd = bytes.length % 2 ? bytes[bytes.length - 1] : undefined;
      pending += new TextDecoder('utf-16le').decode(swapBytes(bytes));
    }
    yield* emit(false);
  }
  if (decoder) pending += decoder.decode();
  yield* emit(true);
}
