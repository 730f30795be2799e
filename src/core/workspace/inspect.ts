/**
 * A file cited as evidence, read for an auditor: its SHA-256 over the exact bytes (what `sha256sum`
 * prints, so the hash in the Statement of Applicability can be checked by hand), its size, and its
 * text when it is small enough to judge whether it holds more than a placeholder. Same bounds as every
 * workspace read: never through a symbolic link, never outside the root, a cap on what is hashed.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** Larger evidence files are not hashed (a hash of part of a file would mislead). */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;
/** Text is kept for judging content up to this size; larger files are plainly not placeholders. */
const MAX_TEXT_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** Bytes kept from the start of a file: enough for the signature of a document format. */
const HEAD_BYTES = 8;

export type Inspection =
  | { ok: true; sha256: string; bytes: number; binary: boolean; text?: string; head: Buffer }
  | { ok: false; reason: string };

/**
 * Reads `file` (relative, POSIX) under `root`. `realDirectory` tells whether the file's directory and
 * every one above it is a real directory (the workspace's own, cached check).
 */
export function inspectFile(root: string, file: string, realDirectory: (dir: string) => boolean): Inspection {
  if (path.isAbsolute(file) || file.includes('\0') || file.split(/[\\/]/).includes('..')) {
    return { ok: false, reason: 'not a path inside the repository' };
  }
  if (!realDirectory(path.posix.dirname(file))) return { ok: false, reason: 'it is behind a symbolic link' };
  let fd: number | undefined;
  try {
    try {
      fd = openSync(path.join(root, file), constants.O_RDONLY | NO_FOLLOW | (constants.O_NONBLOCK ?? 0));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return { ok: false, reason: 'it is a symbolic link' };
      return {
        ok: false,
        reason: code === 'ENOENT' ? 'it is not in the working tree' : `it cannot be read (${code})`,
      };
    }
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: 'it is not a regular file' };
    if (st.size > MAX_EVIDENCE_BYTES) {
      return {
        ok: false,
        reason: `it is larger than ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB, so it is not hashed`,
      };
    }
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    const buf = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    let binary = false;
    let head = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, bytes);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      if (bytes === 0) head = Buffer.from(chunk.subarray(0, HEAD_BYTES));
      // Git's heuristic, as for every read: a NUL byte in the first 8,000 bytes means binary.
      if (bytes < 8000 && chunk.subarray(0, 8000 - bytes).includes(0)) binary = true;
      if (!binary && bytes + n <= MAX_TEXT_BYTES) kept.push(Buffer.from(chunk));
      bytes += n;
    }
    const sha256 = hash.digest('hex');
    if (binary || bytes > MAX_TEXT_BYTES) return { ok: true, sha256, bytes, binary, head };
    return { ok: true, sha256, bytes, binary, text: Buffer.concat(kept).toString('utf8'), head };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
