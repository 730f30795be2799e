import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { pemBody } from './pem.js';
import type { SecretHit } from './types.js';

/**
 * The certificate a committed private key belongs to, when the repository holds it too (in the same
 * file, or as the key's sibling: `server.key` and `server.crt`), and what it says about the key. A
 * certificate issued for test material (its subject or issuer says test, sample or example, or
 * "dev use only"), for the loopback host alone, for reserved host names alone (`.test`, `.example`,
 * `example.com`, issued by another key), or expired more than a year ago identifies no
 * service anyone relies on: the key is still reported, with low confidence and the reason. The
 * certificate counts only when it is the key's own (its public key is the key's), so a test
 * certificate beside an unrelated key changes nothing. A subject or issuer naming test material
 * counts only when another key issued the certificate (a test PKI's leaf, signed by its CA): the words
 * of a self-signed one are whatever the key's holder wrote, as a change that commits a production key
 * with a "Demo" certificate minted for it would.
 */

/** Certificates read per file at most: a CA bundle beside a key is not searched through. */
const MAX_CERTIFICATES = 16;
const CERTIFICATE_HEADER = '-----BEGIN CERTIFICATE-----';

/** Words in a subject or issuer that make the certificate one for test material. */
const TEST_NAME =
  /\b(?:test|testing|sample|example|dummy|fake|demo|snakeoil)\b|\b(?:dev|development|testing|test) (?:use )?only\b|\bnot for production\b|\bdo not use\b/i;
/** A DNS name (a CN is often one); "test" in it may name an environment's host, so hosts are judged as hosts. */
const HOST_NAME = /^(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
/** Names that no public certificate covers: reserved for documentation, testing and the loopback host. */
const RESERVED_HOST = /(?:^|\.)(?:localhost|test|example|invalid)$|(?:^|\.)example\.(?:com|org|net)$/i;
const LOOPBACK =
  /^(?:DNS:(?:\*\.)?(?:[A-Za-z0-9-]+\.)*localhost|IP Address:(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|0:0:0:0:0:0:0:1))$/i;
/** How long after its certificate expired a key is taken for retired (renewals may keep the key). */
const RETIRED_AFTER_MS = 365 * 24 * 60 * 60 * 1000;

/** The certificates in a text (PEM, also inside code strings and YAML blocks), at most {@link MAX_CERTIFICATES}. */
export function certificatesIn(text: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (let at = text.indexOf(CERTIFICATE_HEADER); at !== -1 && out.length < MAX_CERTIFICATES; ) {
    const from = at + CERTIFICATE_HEADER.length;
    try {
      out.push(new X509Certificate(Buffer.from(pemBody(text, from, '-----END', true), 'base64')));
    } catch {
      // Not a certificate after all (cut short, a placeholder): nothing to pair with.
    }
    at = text.indexOf(CERTIFICATE_HEADER, from);
  }
  return out;
}

/** The PEM types Node reads as DER, by the label between BEGIN and PRIVATE KEY. */
const DER_TYPES: Record<string, 'pkcs1' | 'pkcs8' | 'sec1'> = { 'RSA ': 'pkcs1', 'EC ': 'sec1', '': 'pkcs8' };

const PEM_KEY_HEADER = /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,2})PRIVATE KEY-----/g;

/**
 * The PEM keys of a text that Node can read (PKCS#1, PKCS#8, SEC 1; not encrypted ones), each with
 * its body as the scanner read it (a hit's value), to tell which hit it is.
 */
function keysIn(text: string): { body: string; key: KeyObject }[] {
  const out: { body: string; key: KeyObject }[] = [];
  PEM_KEY_HEADER.lastIndex = 0;
  for (let m = PEM_KEY_HEADER.exec(text); m && out.length < MAX_CERTIFICATES; m = PEM_KEY_HEADER.exec(text)) {
    const type = DER_TYPES[m[1] ?? ''];
    if (!type) continue;
    const from = m.index + m[0].length;
    try {
      const der = Buffer.from(pemBody(text, from, '-----END', true), 'base64');
      out.push({
        body: pemBody(text, from, '-----END'),
        key: createPrivateKey({ key: der, format: 'der', type }),
      });
    } catch {
      // Not a key Node reads: no certificate to pair it with.
    }
  }
  return out;
}

/** What a certificate says of its key, for the finding's message, or undefined when nothing. */
function verdict(
  cert: X509Certificate,
  named: string,
  now: number,
  selfSigned: boolean,
): { note?: string; until?: number } {
  // A name with no attribute (an empty subject, as a CA may issue with only alternative names) is
  // none: Node gives it as undefined.
  const names = [...(cert.subject ?? '').split('\n'), ...(cert.issuer ?? '').split('\n')]
    .filter((field) => /^(?:CN|O|OU)=/.test(field))
    .map((field) => field.slice(field.indexOf('=') + 1));
  const testNamed = names.some((name) =>
    HOST_NAME.test(name) ? RESERVED_HOST.test(name) : TEST_NAME.test(name),
  );
  // The words of a certificate the key signed itself are whatever its holder wrote: anyone with the
  // key can mint one saying "Demo". Only an issuer's words count; a certificate for the loopback host
  // alone, or long expired, serves no service others reach, whoever signed it.
  if (testNamed && !selfSigned)
    return { note: `${named} is issued for test material (its subject or issuer says so)` };
  const alt = (cert.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
  if (alt.length > 0 && alt.every((name) => LOOPBACK.test(name)))
    return { note: `${named} names only the loopback host` };
  // Reserved names (RFC 2606, 6761) are no one's hosts: a test PKI's leaf for them authenticates no
  // service others reach. Only from an issuer, for the reason above: a self-signed one says what the
  // key's holder wrote.
  const reserved = !selfSigned ? reservedNamesOnly(cert, alt) : undefined;
  if (reserved) return { note: `${named} is issued for reserved host names only (${reserved})` };
  const expires = Date.parse(cert.validTo);
  if (Number.isNaN(expires)) return {};
  const retired = expires + RETIRED_AFTER_MS;
  if (retired < now) {
    return { note: `${named} expired on ${new Date(expires).toISOString().slice(0, 10)}` };
  }
  // Judged otherwise once a year has passed since the expiry: a cached result must not outlive it.
  return { until: retired };
}

/** Host names shown in a note at most. */
const MAX_NAMES_SHOWN = 3;

/**
 * The host names a certificate is for, when every one is reserved for documentation, testing or the
 * loopback host (its DNS alternative names, loopback addresses, and its subject's CN when that is a
 * host name), shown as a list; undefined when it names any other host, address or identity, or none.
 */
function reservedNamesOnly(cert: X509Certificate, alt: readonly string[]): string | undefined {
  const hosts: string[] = [];
  for (const entry of alt) {
    const dns = /^DNS:(.+)$/.exec(entry);
    if (dns && RESERVED_HOST.test(dns[1]!.replace(/^\*\./, ''))) hosts.push(dns[1]!);
    else if (!LOOPBACK.test(entry)) return undefined;
  }
  for (const field of (cert.subject ?? '').split('\n')) {
    if (!field.startsWith('CN=')) continue;
    const cn = field.slice(3);
    if (!HOST_NAME.test(cn)) continue;
    if (!RESERVED_HOST.test(cn.replace(/^\*\./, ''))) return undefined;
    if (!hosts.includes(cn)) hosts.push(cn);
  }
  if (hosts.length === 0) return undefined;
  const shown = hosts.slice(0, MAX_NAMES_SHOWN).join(', ');
  return hosts.length > MAX_NAMES_SHOWN ? `${shown} and ${hosts.length - MAX_NAMES_SHOWN} more` : shown;
}

/**
 * Lowers the verified PEM keys among `hits` (found in `text`) whose own certificate, among `certs`,
 * is for test material, the loopback host alone, or long expired; `where` names the file it was
 * found in, when not the key's. Returns whether any key found its certificate.
 */
export function judgeByCertificates(
  hits: readonly SecretHit[],
  text: string,
  certs: readonly X509Certificate[],
  where?: string,
  now = Date.now(),
): boolean {
  if (certs.length === 0) return false;
  const keys = keysIn(text);
  let paired = false;
  for (const hit of hits) {
    if (hit.confidence === 'low' || hit.detector !== 'private-key') continue;
    const key = keys.find((k) => k.body === hit.value)?.key;
    if (!key) continue;
    const cert = certs.find((c) => {
      try {
        return c.checkPrivateKey(key);
      } catch {
        return false;
      }
    });
    if (!cert) continue;
    paired = true;
    // A certificate is the repository's content: whatever in it Node cannot read leaves the key as
    // the detector judged it, and never fails the scan of the tree.
    let judged: { note?: string; until?: number };
    try {
      judged = verdict(cert, where ? `its certificate (${where})` : 'its certificate', now, selfIssued(cert));
    } catch {
      continue;
    }
    const { note, until } = judged;
    if (note) {
      hit.confidence = 'low';
      hit.note ??= note;
    } else if (until !== undefined) {
      hit.until = Math.min(hit.until ?? until, until);
    }
  }
  return paired;
}

/** Whether a certificate is signed by its own key (self-signed: no issuer vouches for it). */
function selfIssued(cert: X509Certificate): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** Whether a scan holds a key that its certificate may speak for. */
export function hasJudgeableKey(hits: readonly SecretHit[]): boolean {
  return hits.some((h) => h.detector === 'private-key' && h.confidence !== 'low');
}

/** Extensions of the files a certificate is kept in beside its key. */
const CERTIFICATE_EXTENSIONS = ['crt', 'cer', 'cert', 'pem'];

/**
 * Where a key file's certificate is kept beside it, by the conventions of the tools that write them:
 * the same name with a certificate's extension (`server.key` and `server.crt`), the key's word
 * replaced (`tls-key.pem` and `tls-cert.pem`, `tls.key.pem` and `tls.crt.pem`), and for a bare
 * `key.pem` or certbot's `privkey.pem`, `cert.pem` and `fullchain.pem`. Paths only: the caller asks
 * the tree which exist, so the answer is the same whichever files a view lists.
 */
export function certificateSiblings(file: string): string[] {
  const slash = file.lastIndexOf('/');
  const dir = file.slice(0, slash + 1);
  const name = file.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const out = new Set<string>();
  for (const ext of CERTIFICATE_EXTENSIONS) out.add(`${dir}${stem}.${ext}`);
  const keyWord = /^(.*?)([-_.]?)(?:priv(?:ate)?[-_]?)?key$/i.exec(stem);
  if (keyWord) {
    const [, base = '', sep = ''] = keyWord;
    if (base === '') {
      for (const cert of ['cert.pem', 'certificate.pem', 'fullchain.pem']) out.add(`${dir}${cert}`);
    } else {
      for (const ext of CERTIFICATE_EXTENSIONS) out.add(`${dir}${base}.${ext}`);
      for (const word of ['cert', 'crt']) out.add(`${dir}${base}${sep || '-'}${word}.pem`);
    }
  }
  out.delete(file);
  return [...out];
}
