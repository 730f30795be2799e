import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { globList, selectFiles } from '../generic/shared.js';
import { defineEvaluator } from '../types.js';
import { DETECTOR_IDS, familyOf, getDetector, ISSUER_FORMAT } from './detectors.js';
import type { Unread } from './scan.js';
import { CERTIFICATE_FILES, scanFile } from './source.js';
import { FAMILY_PRIORITY, type SecretFamily, type SecretHit } from './types.js';
import { contextIdentity, redact, secretIdentity } from './values.js';

/** Options of `secrets.scan`. */
export interface SecretsScanOptions {
  detectors?: string[];
  families?: SecretFamily[];
  paths: string[];
  except: string[];
  minEntropy: number;
  reportUnread: boolean;
}

/**
 * Files that hold checksums, generated or minified content: random-looking by design, where the
 * guesses (passwords, assignments, entropy) would find what is no secret. Keys and tokens of an
 * issuer's format are still looked for there: a file's name is chosen by whoever commits it.
 */
const DEFAULT_EXCEPT = [
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/bun.lock',
  '**/Cargo.lock',
  '**/Gemfile.lock',
  '**/gems.locked',
  '**/poetry.lock',
  '**/Pipfile.lock',
  '**/uv.lock',
  '**/pdm.lock',
  '**/composer.lock',
  '**/go.sum',
  '**/packages.lock.json',
  '**/*.min.{js,css}',
  '**/*.{js,css}.map',
  '**/node_modules/**',
  // Package managers' own bundles, checked in by Yarn Berry projects.
  '**/.yarn/releases/**',
  '**/.yarn/plugins/**',
  '**/.pnp.{cjs,loader.mjs}',
];

/**
 * `secrets.scan`: secrets in file contents, found by the detector library (detectors.ts) in one pass
 * per file that every secret rule shares: text, files over the size cap (streamed) and binary files
 * (read as bytes). A rule picks the detectors or families it reports; a value claimed by a more
 * specific detector is not reported again by a generic one. Findings carry only a redacted form of
 * the value (a prefix of at most four characters and the length), and their identity is a keyed hash
 * of the value, so replacing a secret by another is a new finding.
 */
export const secretsScan = defineEvaluator<SecretsScanOptions>({
  kind: 'secrets.scan',
  scope: 'file',
  // 2: a Kubernetes Secret's data values are judged decoded, keyed by the decoded value.
  // 3: also when the Secret's kind is written with an anchor, a tag, an escape or on the next line;
  // files are read up to 100 MiB, and a rest past that is a high finding.
  revision: 3,
  // A key file's certificate beside it (`server.key` and `server.crt`, or another certificate file
  // of its folder), which says whether the key is test material (see certificates.ts); read only for
  // a file that holds a key.
  readsOtherFiles: [CERTIFICATE_FILES],
  // It scans every file: a certificate is examined whether or not a key beside it reads it.
  examinesEveryFile: true,
  // Only a key file of the certificate's own folder reads it.
  affectedBy: (changed, head, base) => {
    const folders = new Set(changed.map((f) => f.slice(0, f.lastIndexOf('/') + 1)));
    const inFolder = (f: string) => folders.has(f.slice(0, f.lastIndexOf('/') + 1));
    return [...head.files.filter(inFolder), ...base.files.filter(inFolder)];
  },
  summary: 'Secrets in file contents (tokens, keys, passwords), reported with a redacted value only.',
  schema: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['detectors'] }, { required: ['families'] }],
    properties: {
      detectors: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: [...DETECTOR_IDS] },
        description:
          'Detectors whose hits this rule reports (see the docs of the secret rules for the list).',
      },
      families: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: [...FAMILY_PRIORITY] },
        description: `Families of detectors whose hits this rule reports: ${FAMILY_PRIORITY.join(', ')}.`,
      },
      paths: globList('Globs of the files to scan.', { default: ['**'] }),
      except: globList(
        'Globs of files not to scan for guesses (passwords, assignments, headers, URL passwords, JWTs, ' +
          "credential files); keys and tokens of an issuer's format (private keys, checksummed tokens, fixed " +
          'prefixes) are still looked for in them, as a file is named by whoever commits it. Setting it replaces ' +
          "the defaults (lockfiles, minified bundles, source maps, node_modules, package managers' bundles).",
        { default: DEFAULT_EXCEPT },
      ),
      minEntropy: {
        type: 'number',
        minimum: 0,
        maximum: 8,
        default: 3,
        description:
          'Shannon entropy, in bits per character, that a value assigned to a secret-looking name must reach ' +
          '(generic-secret-assignment only); random 16-character tokens score about 3.7, words about 2.5.',
      },
      reportUnread: {
        type: 'boolean',
        default: false,
        description:
          'Also report, as `info` findings, the parts of files that were not scanned for secrets (past the ' +
          'bytes read per file, past the work budget of a pathological line), so nothing is skipped silently; ' +
          'the rest of a line that is base64 of binary data (a font in a data: URI) at low confidence.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const ids = new Set(options.detectors ?? []);
    const families = new Set(options.families ?? []);
    const wanted = (id: string) => ids.has(id) || families.has(familyOf(id) as SecretFamily);
    const findings: RawFinding[] = [];
    // Indexed loops: the scans of most files share one frozen empty list, and a for-of made an
    // iterator (and a result per step until the loop was optimised) per file and rule.
    const { scanned, byName } = selected(workspace, options);
    for (let f = 0; f < scanned.length; f++) {
      const file = scanned[f]!;
      const scan = scanFile(workspace, file);
      const hits = scan.hits;
      for (let i = 0; i < hits.length; i++) {
        const hit = hits[i]!;
        if (!wanted(hit.detector)) continue;
        if (hit.detector === 'generic-secret-assignment' && hit.entropy < options.minEntropy) continue;
        findings.push(toFinding(file, hit));
      }
      if (options.reportUnread && scan.unread.length > 0)
        for (const part of scan.unread) findings.push(unreadFinding(file, part));
    }
    // Files skipped by name are read for keys and tokens of an issuer's format only, and only for
    // the rules that report some (not for the guesses of hardcoded-secret).
    if (byName.length > 0 && [...ISSUER_FORMAT].some(wanted)) {
      for (let f = 0; f < byName.length; f++) {
        const file = byName[f]!;
        const hits = scanFile(workspace, file, true).hits;
        for (let i = 0; i < hits.length; i++)
          if (wanted(hits[i]!.detector)) findings.push(toFinding(file, hits[i]!));
      }
    }
    return findings;
  },
});

/** The files a rule scans whole, and those of its `paths` that `except` names (read for issuers' formats). */
interface Selection {
  scanned: readonly string[];
  byName: readonly string[];
}

/**
 * The files a rule scans. The secret rules mostly select alike (every file but the defaults'
 * exceptions), so a selection is computed once per tree and reused by the rules that share it.
 */
const selections = new WeakMap<Workspace, Map<string, Selection>>();
function selected(workspace: Workspace, options: SecretsScanOptions): Selection {
  let byKey = selections.get(workspace);
  if (!byKey) {
    byKey = new Map();
    selections.set(workspace, byKey);
  }
  const key = JSON.stringify([options.paths, options.except]);
  let selection = byKey.get(key);
  if (!selection) {
    const all = selectFiles(workspace, { paths: options.paths });
    const except = options.except.length > 0 ? workspace.matcher(options.except) : undefined;
    const scanned: string[] = [];
    const byName: string[] = [];
    for (const f of all) (except?.(f) ? byName : scanned).push(f);
    selection = { scanned, byName };
    byKey.set(key, selection);
  }
  return selection;
}

/** A located `info` finding for a part of a file that was not scanned. */
function unreadFinding(file: string, part: Unread): RawFinding {
  // The unread rest of a line that is encoded binary (a font, a wasm module) holds no text secret.
  const encoded = part.encoded ? `; the rest of the line is ${part.encoded}, which holds no text secret` : '';
  const issuers = part.issuersRead
    ? "; keys and tokens of an issuer's format were still looked for there, passwords and other guesses were not"
    : '';
  // The rest of a file past what is read at all may hold any key: it blocks until the file is split.
  const rest = part.unscanned ? '; nothing after it was looked at, so split the file or remove it' : '';
  return {
    message: `Part of this file was not scanned for secrets: ${part.reason} (from line ${part.line}, column ${part.column})${issuers}${encoded}${rest}.`,
    location: { path: file, startLine: part.line, startColumn: part.column },
    severity: part.unscanned ? 'high' : 'info',
    confidence: part.encoded ? 'low' : 'high',
    key: `unread:${part.reason.replace(/\d[\d,]*/g, 'N')}`,
  };
}

/** Turns a hit into a finding whose message and key are checked not to contain the value. */
export function toFinding(file: string, hit: SecretHit): RawFinding {
  const detector = getDetector(hit.detector);
  const family = familyOf(hit.detector);
  let context = hit.context;
  if (context !== undefined && leaks(context, hit.value)) context = undefined;
  const label = hit.label.charAt(0).toUpperCase() + hit.label.slice(1);
  // A credential file found by its bytes (source.ts) has for value its detector and a digest of the
  // bytes: only the digest stands for the secret ("Java keystore" shares a word with `keystore-file:`).
  const secret = hit.value.startsWith(`${hit.detector}:`)
    ? hit.value.slice(hit.detector.length + 1)
    : hit.value;
  const shown = hit.shown !== undefined && !leaks(hit.shown, secret) ? hit.shown : undefined;
  const contextual = detector?.identity === 'context';
  let message: string;
  if (family === 'private-key' && shown) message = `${label} is committed (\`${shown}\`).`;
  else if (shown) message = `${label} is committed.`;
  else if (family === 'generic') {
    message = `A literal secret is assigned to \`${context ?? 'a secret-looking name'}\`: ${redact(hit.value)}.`;
  } else {
    const where = context && contextual ? ` (\`${context}\`)` : '';
    message = `${label} is committed${where}: ${redact(hit.value)}.`;
  }
  if (hit.note) message = `${message.slice(0, -1)} (${hit.note}).`;
  if (hit.allowMarker)
    message = `${message} Its line carries a \`${hit.allowMarker}\` allow marker of another scanner, which does not make a value of an issuer's format less certain.`;
  const key = contextual
    ? contextIdentity(hit.detector, context ?? '', hit.value)
    : secretIdentity(hit.detector, hit.value);
  return {
    message,
    location: {
      path: file,
      startLine: hit.line,
      endLine: hit.line,
      startColumn: hit.start + 1,
      endColumn: Math.max(hit.start + 1, hit.end),
    },
    key,
    confidence: hit.confidence,
    ...(hit.until !== undefined ? { until: hit.until } : {}),
  };
}

/** True when `text` contains the value or any 8-character piece of it (the no-leak guarantee). */
export function leaks(text: string, value: string): boolean {
  if (value.length < 8) return text.includes(value) && value.length >= 4;
  for (let i = 0; i + 8 <= value.length; i++) if (text.includes(value.slice(i, i + 8))) return true;
  return false;
}
