import {
  bomBelied,
  type ChunkReader,
  type TextEncoding,
  textChunks,
  utf32Encoding,
} from '../../workspace/stream.js';
import type { Workspace } from '../../workspace/workspace.js';
import { inspectBinary } from './binary-files.js';
import { certificateSiblings, certificatesIn, hasJudgeableKey, judgeByCertificates } from './certificates.js';
import { mayHoldSecretData, withSecretData } from './k8s-secret-data.js';
import { scanTextFull, type Unread } from './scan.js';
import type { SecretHit } from './types.js';
import { digest } from './values.js';

/**
 * What the secret scanner reads of each file, so that nothing is skipped silently: text as the
 * workspace holds it; files over the size cap streamed in chunks (UTF-8 or UTF-16); binary files
 * read as bytes for the secrets that have an unmistakable shape, and recognised as keystores by their
 * first bytes. Whatever is still not read (past {@link MAX_SCAN_BYTES}, past a line's work budget,
 * content the reader cannot stream) is returned as located {@link Unread} parts for the rules to report.
 */

/**
 * Bytes of one file that are scanned at most: GitHub refuses a file larger than 100 MiB (outside Git
 * LFS, whose pointer is what the tree holds), so every file a pull request can carry is read whole.
 * A larger one's rest is reported as not read, high: it may hold anything.
 */
export const MAX_SCAN_BYTES = 100 * 1024 * 1024;

/** Secrets in one file, and what was not read. */
export interface FileScan {
  hits: readonly SecretHit[];
  unread: readonly Unread[];
}

/**
 * The scan of a file with nothing to report, shared: almost every file of a large tree finds
 * nothing, and each scan stays in the run's memo, so one object per file would be tens of MB at
 * 200,000 files.
 */
const NOTHING: FileScan = Object.freeze({ hits: Object.freeze([]), unread: Object.freeze([]) });

/** A scan result, or the shared empty one when it found nothing and left nothing unread. */
const kept = (scan: FileScan): FileScan =>
  scan.hits.length === 0 && scan.unread.length === 0 ? NOTHING : scan;

/**
 * The scan of a file of a workspace, one function per workspace: every secret rule asks for every
 * file, and a closure per question was a tenth of what a 100,000-file check allocated.
 */
const scanners = new WeakMap<Workspace, (file: string) => FileScan>();
const issuerScanners = new WeakMap<Workspace, (file: string) => FileScan>();

/**
 * Secrets found in a file (cached per run and shared by every secret rule). With `issuersOnly`, only
 * the keys and tokens of an issuer's format are looked for (see `ISSUER_FORMAT` in detectors.ts): the
 * scan of a file that the rules skip by name for the guesses (a lockfile, a minified bundle).
 */
export function scanFile(workspace: Workspace, file: string, issuersOnly = false): FileScan {
  const cache = issuersOnly ? issuerScanners : scanners;
  let scan = cache.get(workspace);
  if (!scan) {
    scan = (f) => scanContent(workspace, f, issuersOnly);
    cache.set(workspace, scan);
  }
  return workspace.memo(issuersOnly ? 'secrets-issuers' : 'secrets', file, scan);
}

/** {@link scanFile}, uncached. */
function scanContent(workspace: Workspace, file: string, issuersOnly: boolean): FileScan {
  const content = workspace.read(file);
  switch (content.kind) {
    case 'text': {
      let scan = scanTextFull(file, content.text, { issuersOnly });
      if (!issuersOnly && mayHoldSecretData(file, content.text)) scan = withSecretData(workspace, file, scan);
      if (hasJudgeableKey(scan.hits) && !content.text.includes('-----BEGIN CERTIFICATE-----'))
        judgeBySiblingCertificate(workspace, file, content.text, scan.hits);
      return kept(scan);
    }
    case 'binary': {
      let found = inspectBinary(content.head, content.size);
      // A keystore is a file format, not an issuer's: only a key whose structure fills the file counts.
      if (found && issuersOnly && found.family !== 'private-key') found = undefined;
      const hits: SecretHit[] = found
        ? [
            {
              detector: found.detector,
              line: 1,
              start: 0,
              end: 0,
              value: `${found.detector}:${digest(content.head.toString('latin1'))}`,
              shown: found.label,
              label: found.label,
              entropy: 8,
              confidence: found.confidence,
            },
          ]
        : [];
      // UTF-32 text over the size cap (within it, the workspace decodes it): its characters are
      // four bytes apart, which no detector reads as bytes; said rather than skipped.
      if (utf32Encoding(content.head) && !bomBelied(content.head))
        return {
          hits,
          unread: [
            {
              line: 1,
              column: 1,
              reason: `it is UTF-32 text of ${content.size.toLocaleString('en')} bytes, over the size cap`,
            },
          ],
        };
      const mode = textWithNul(content.head) ? 'utf-8' : 'latin1';
      return streamed(file, content.size, content.chunks, mode, hits, issuersOnly);
    }
    case 'too-large':
      return streamed(file, content.size, content.chunks, content.encoding ?? 'utf-8', [], issuersOnly);
    default:
      // Symbolic links are never followed and unreadable entries are not files: nothing to read.
      return NOTHING;
  }
}

/**
 * A key file whose certificate is kept beside it (`server.key` and `server.crt`): what the
 * certificate says of the key (see certificates.ts). The siblings named by convention come first;
 * when none is the key's own, the other certificate files of the key's folder, a few at most
 * (`key.pem` beside `server.pem`, `key.new.pem` beside `cert.new.pem`): a certificate counts only
 * when its public key is the key's, so an unrelated one changes nothing. The only other files the
 * secret scan reads, and only for a file with a key: the evaluator declares them (`readsOtherFiles`).
 */
function judgeBySiblingCertificate(
  workspace: Workspace,
  file: string,
  text: string,
  hits: readonly SecretHit[],
): void {
  const named = certificateSiblings(file);
  const tried = (sibling: string): boolean => {
    if (!workspace.has(sibling)) return false;
    const cert = workspace.text(sibling);
    if (!cert?.includes('-----BEGIN CERTIFICATE-----')) return false;
    const where = sibling.slice(sibling.lastIndexOf('/') + 1);
    return judgeByCertificates(hits, text, certificatesIn(cert), where);
  };
  for (const sibling of named) if (tried(sibling)) return;
  let left = MAX_FOLDER_CERTIFICATES;
  for (const other of certificateFilesIn(workspace, file.slice(0, file.lastIndexOf('/') + 1))) {
    if (other === file || named.includes(other)) continue;
    if (left-- === 0 || tried(other)) return;
  }
}

/** Certificate files of a key's folder tried at most, past the named siblings. */
const MAX_FOLDER_CERTIFICATES = 8;
/** The files a certificate is kept in (the evaluator's `readsOtherFiles`). */
export const CERTIFICATE_FILES = '**/*.{crt,cer,cert,pem}';

/** The tree's certificate files by folder, one index per workspace, built for the first key file. */
const certificateFolders = new WeakMap<Workspace, Map<string, string[]>>();

function certificateFilesIn(workspace: Workspace, dir: string): readonly string[] {
  const tree = workspace.tree();
  let byDir = certificateFolders.get(tree);
  if (!byDir) {
    byDir = new Map();
    for (const f of tree.glob(CERTIFICATE_FILES)) {
      const d = f.slice(0, f.lastIndexOf('/') + 1);
      const list = byDir.get(d);
      if (list) list.push(f);
      else byDir.set(d, [f]);
    }
    certificateFolders.set(tree, byDir);
  }
  return byDir.get(dir) ?? [];
}

/**
 * Text that has NUL bytes but is otherwise plain (a NUL-padded header, a text file with a stray
 * NUL): every detector runs on it, not only those for binary content.
 */
function textWithNul(head: Buffer): boolean {
  let nul = 0;
  let control = 0;
  for (const b of head) {
    if (b === 0) nul += 1;
    else if (b < 32 && b !== 9 && b !== 10 && b !== 13) control += 1;
  }
  return control <= head.length * 0.01 && nul <= head.length * 0.1;
}

/** Scans a file chunk by chunk; binary content (latin1) runs the binary-safe detectors only. */
function streamed(
  file: string,
  size: number,
  chunks: ChunkReader | undefined,
  encoding: TextEncoding,
  found: SecretHit[],
  issuersOnly: boolean,
): FileScan {
  if (!chunks) {
    return {
      hits: found,
      unread: [
        { line: 1, column: 1, reason: `its ${size.toLocaleString('en')} bytes could not be streamed` },
      ],
    };
  }
  const hits = [...found];
  const unread: Unread[] = [];
  const seen = new Set<string>();
  const binary = encoding === 'latin1';
  let lastLine = 1;
  for (const chunk of textChunks(chunks(MAX_SCAN_BYTES), encoding)) {
    const result = scanTextFull(file, chunk.text, {
      firstLine: chunk.firstLine,
      firstColumn: chunk.firstColumn,
      binary,
      issuersOnly,
    });
    const lastBreak = chunk.text.lastIndexOf('\n');
    lastLine = chunk.firstLine + countLines(chunk.text);
    // Where a chunk cuts a line, the next chunk repeats its end: values there are taken from the next.
    const cutAt = chunk.cut
      ? (lastBreak === -1 ? chunk.firstColumn + chunk.text.length : chunk.text.length - lastBreak - 1) - 2048
      : Number.POSITIVE_INFINITY;
    for (const h of result.hits) {
      if (h.line === lastLine && h.end > cutAt) continue;
      const key = `${h.detector}:${h.line}:${h.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push(h);
    }
    unread.push(...result.unread);
  }
  if (size > MAX_SCAN_BYTES) {
    unread.push({
      line: lastLine,
      column: 1,
      reason: `the file has ${size.toLocaleString('en')} bytes and only the first ${MAX_SCAN_BYTES.toLocaleString('en')} were read`,
      unscanned: true,
    });
  }
  return { hits, unread };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}
