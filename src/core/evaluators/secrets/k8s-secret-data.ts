import { apiGroup, childAt, isMap, type K8sObject, readK8sObjects } from '../../parsers/k8s.js';
import type { Workspace } from '../../workspace/workspace.js';
import { certificatesIn, hasJudgeableKey, judgeByCertificates } from './certificates.js';
import { familyOf } from './detectors.js';
import { type ScanResult, scanTextFull } from './scan.js';
import type { SecretHit } from './types.js';

/**
 * A Kubernetes Secret's `data` (and `binaryData`) values are base64 of the secret, as `kubectl create
 * secret ... -o yaml` writes them: the line holds no token, key or password to see. Each value is
 * decoded and scanned as its plain form under `stringData` would be (a one-line value as `key: value`,
 * so that its name counts, as it does there; a file such as `tls.key` or a config as it stands;
 * undecodable bytes with the detectors that read bytes), and what is found is reported at the value's
 * line with the decoded detector's judgement: an issuer's token or a private key as such, a
 * placeholder (`Y2hhbmdlbWU=`) not at all. Its identity is the keyed hash of the decoded secret,
 * as for the same secret written plainly. The guesses the scan made about the base64 text itself
 * give way to that judgement; a value that another detector recognised as written (a
 * `.dockerconfigjson`) is left as it was.
 */

/** A Secret, in any style (`kind: Secret`, `"kind": "Secret"`): the test that spares parsing other files. */
const SECRET_KIND = /["']?kind["']?[ \t]*:[ \t]*["']?Secret["']?[ \t]*(?:[,}\r\n#]|$)/m;
/** The maps of a Secret whose values are base64. */
const ENCODED_FIELDS = ['data', 'binaryData'] as const;
/** Characters of one value decoded at most: the API server takes at most 1 MiB per Secret. */
const MAX_VALUE_CHARS = 1_400_000;
/** Standard base64, as the API server requires it (line breaks of a block scalar aside). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Families that guess from the text as written; a decoded value's judgement replaces theirs. */
const GUESSES = new Set(['generic', 'http', 'connection-string']);
/** Whether a hit on a value as written gives way to the decoded value's judgement: a guess, or a key read through its base64 (the decoded scan finds it as such, with the Secret's name). */
const givesWay = (detector: string) =>
  detector === 'base64-private-key' || GUESSES.has(familyOf(detector) ?? '');

/** One `data` value of a Secret, decoded. */
interface Encoded {
  key: string;
  field: string;
  line: number;
  endLine: number;
  /** 0-based columns of the value on {@link line}, when it is written on one line. */
  start: number;
  end: number;
  text: string;
  binary: boolean;
}

/**
 * A `kind` whose value is not one plain or quoted word on the key's line: an anchor, alias or tag
 * before it (`kind: &k Secret`, `kind: !!str Secret`), a block scalar, the value on the next line, an
 * escape in a quoted name (`"Secr\x65t"`). kubectl reads each as the name it spells, so the parse
 * decides whether it is a Secret.
 */
const KIND_SPELLED_OTHERWISE =
  /["']?kind["']?[ \t]*:(?![ \t]*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'|[A-Za-z][\w.-]*)[ \t]*(?:[,}\r\n#]|$))/m;

/** Whether a file may hold a Secret whose values need decoding. */
export function mayHoldSecretData(file: string, text: string): boolean {
  return (
    /\.(?:ya?ml|json)$/i.test(file) &&
    /data["']?[ \t]*:/.test(text) &&
    (SECRET_KIND.test(text) || KIND_SPELLED_OTHERWISE.test(text))
  );
}

/**
 * The hits of a scan of a Secret manifest, with each `data` value's decoded judgement: `raw` is the
 * scan of the file as written, whose guesses on a decoded value's span are dropped.
 */
export function withSecretData(workspace: Workspace, file: string, raw: ScanResult): ScanResult {
  const values = encodedValues(readK8sObjects(workspace, file));
  if (values.length === 0) return raw;
  const certificates = values.some((v) => v.text.includes('-----BEGIN CERTIFICATE-----'))
    ? certificatesIn(values.map((v) => v.text).join('\n'))
    : [];
  let hits = raw.hits as SecretHit[];
  const added: SecretHit[] = [];
  for (const v of values) {
    const on = (h: SecretHit) =>
      h.line >= v.line &&
      h.line <= v.endLine &&
      (v.line !== v.endLine || (h.start < v.end && v.start < h.end));
    // A value recognised as written (a `.dockerconfigjson`) keeps that judgement.
    if (hits.some((h) => on(h) && !givesWay(h.detector))) continue;
    const single = !v.binary && !/[\r\n]/.test(v.text.replace(/\r?\n$/, ''));
    const text = single ? `${v.key}: ${v.text.replace(/\r?\n$/, '')}` : v.text;
    const decoded = scanTextFull(file, text, { binary: v.binary }).hits;
    if (certificates.length > 0 && hasJudgeableKey(decoded)) judgeByCertificates(decoded, text, certificates);
    hits = hits.filter((h) => !on(h));
    const where = `, base64 in \`${v.field}.${v.key}\` of a Secret,`;
    const seen = new Set<string>();
    for (const h of decoded) {
      const id = `${h.detector}\u0000${h.value}`;
      if (seen.has(id)) continue;
      seen.add(id);
      added.push({ ...h, line: v.line, start: v.start, end: v.end, label: `${h.label}${where}` });
    }
  }
  if (added.length === 0 && hits.length === raw.hits.length) return raw;
  return {
    hits: [...hits, ...added].sort((a, b) => a.line - b.line || a.start - b.start),
    unread: raw.unread,
  };
}

/** The base64 values of the Secrets among `objects`, decoded, with where each is written. */
function encodedValues(objects: readonly K8sObject[]): Encoded[] {
  const out: Encoded[] = [];
  for (const object of objects) {
    if (object.kind !== 'Secret' || apiGroup(object.apiVersion) !== '') continue;
    for (const field of ENCODED_FIELDS) {
      const map = object.node.value[field];
      if (!isMap(map)) continue;
      for (const [key, value] of Object.entries(map)) {
        if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_CHARS) continue;
        const compact = value.replace(/\s+/g, '');
        if (compact.length < 8 || !BASE64.test(compact)) continue;
        const node = childAt(object, object.node, field, key);
        if (!node) continue;
        const bytes = Buffer.from(compact, 'base64');
        const text = utf8Text(bytes);
        const { start, end } = node.span;
        out.push({
          key,
          field,
          line: start.line,
          endLine: end.line,
          start: start.column - 1,
          end: start.line === end.line ? end.column - 1 : start.column - 1 + compact.length,
          text: text ?? bytes.toString('latin1'),
          binary: text === undefined,
        });
      }
    }
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text, when they are UTF-8 without control codes (line breaks and tabs aside). */
function utf8Text(bytes: Buffer): string | undefined {
  for (const b of bytes) if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
