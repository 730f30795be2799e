import { createHash } from 'node:crypto';
import type { Confidence, SecretFamily } from './types.js';

/**
 * Credential stores recognised by their bytes, not their names: Java keystores, PKCS#12 bundles,
 * KeePass databases and DER-encoded private keys. A `.p12` that is not PKCS#12 is not reported, and a
 * keystore renamed to `.bin` still is.
 */

/** A binary credential file, found from its first bytes. */
export interface BinaryCredential {
  detector: string;
  family: SecretFamily;
  label: string;
  confidence: Confidence;
}

/** The binary detectors, for option schemas and the docs. */
export const BINARY_DETECTORS: { id: string; family: SecretFamily; describes: string }[] = [
  {
    id: 'keystore-file',
    family: 'credential',
    describes:
      'Java keystores (JKS, JCEKS), PKCS#12 bundles and KeePass databases, recognised by their first bytes ' +
      '(a keystore protects its keys with a password that is often weak or a default). An Android debug ' +
      'keystore (the key `androiddebugkey`, opened by the public default password `android`, as React ' +
      'Native and Android projects commit it to sign debug builds) is reported with low confidence.',
  },
  {
    id: 'der-private-key',
    family: 'private-key',
    describes: 'Private keys stored in binary DER form (PKCS#1 RSA, PKCS#8), whose structure fills the file.',
  },
];

const KDBX = [0x03, 0xd9, 0xa2, 0x9a];
/** OID 1.2.840.113549.1.7.1 (PKCS#7 data), which every PKCS#12 bundle's authenticated safe carries. */
const PKCS7_DATA = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);

const startsWith = (b: Buffer, bytes: number[]) => bytes.every((x, i) => b[i] === x);

/** Length of the outer DER SEQUENCE at the start of `b` (header included), or undefined. */
function sequenceLength(b: Buffer, size: number): { header: number; total: number } | undefined {
  if (b[0] !== 0x30 || b.length < 4) return undefined;
  const first = b[1]!;
  // BER's indefinite length (some PKCS#12 writers): the sequence runs to its end-of-contents octets.
  if (first === 0x80) return { header: 2, total: size };
  if (first < 0x80) return { header: 2, total: 2 + first };
  const n = first & 0x7f;
  if (n < 1 || n > 3 || b.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return { header: 2 + n, total: 2 + n + len };
}

/** The alias and the password Android's build tools give the debug key they create. */
const DEBUG_ALIAS = 'androiddebugkey';
const DEBUG_PASSWORD = Buffer.from('android', 'utf16le').swap16();

/**
 * Whether a whole JKS file is an Android debug keystore: its first entry is the key `androiddebugkey`
 * and its integrity digest (SHA-1 of the password in UTF-16BE, "Mighty Aphrodite" and the content)
 * holds for the password `android`, which every Android and React Native project shares: its key
 * is no secret, and signs debug builds.
 */
function androidDebugKeystore(file: Buffer): boolean {
  if (file.length < 64 || file.readUInt32BE(4) !== 2 || file.readUInt32BE(12) !== 1) return false;
  const aliasLength = file.readUInt16BE(16);
  if (file.toString('latin1', 18, 18 + aliasLength) !== DEBUG_ALIAS) return false;
  const content = file.subarray(0, file.length - 20);
  const digest = createHash('sha1')
    .update(DEBUG_PASSWORD)
    .update('Mighty Aphrodite')
    .update(content)
    .digest();
  return digest.equals(file.subarray(file.length - 20));
}

/** What a binary file is, from its first bytes and its size, when it is a credential store. */
export function inspectBinary(head: Buffer, size: number): BinaryCredential | undefined {
  if (startsWith(head, [0xfe, 0xed, 0xfe, 0xed]) && head.length === size && androidDebugKeystore(head)) {
    return {
      detector: 'keystore-file',
      family: 'credential',
      label: 'Android debug keystore (password "android", the public default)',
      confidence: 'low',
    };
  }
  if (startsWith(head, [0xfe, 0xed, 0xfe, 0xed]) || startsWith(head, [0xce, 0xce, 0xce, 0xce])) {
    return { detector: 'keystore-file', family: 'credential', label: 'Java keystore', confidence: 'medium' };
  }
  if (startsWith(head, KDBX) && head[4] === 0x67 && head[5] === 0xfb) {
    return {
      detector: 'keystore-file',
      family: 'credential',
      label: 'KeePass database',
      confidence: 'medium',
    };
  }
  const seq = sequenceLength(head, size);
  if (!seq || seq.total !== size) return undefined;
  const at = seq.header;
  // PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data ... } ... }
  if (
    head[at] === 0x02 &&
    head[at + 1] === 0x01 &&
    head[at + 2] === 0x03 &&
    head.subarray(at, at + 40).includes(PKCS7_DATA)
  ) {
    return { detector: 'keystore-file', family: 'credential', label: 'PKCS#12 bundle', confidence: 'medium' };
  }
  // PKCS#1 RSA: SEQUENCE { INTEGER 0, INTEGER modulus ... }; PKCS#8: SEQUENCE { INTEGER 0|1, SEQUENCE { OID ... } ... }
  if (head[at] === 0x02 && head[at + 1] === 0x01 && (head[at + 2] === 0x00 || head[at + 2] === 0x01)) {
    const next = head[at + 3];
    const rsa = head[at + 2] === 0x00 && next === 0x02 && (head[at + 4] ?? 0) >= 0x81;
    const pkcs8 = next === 0x30 && head[at + 5] === 0x06;
    if (rsa || pkcs8) {
      return {
        detector: 'der-private-key',
        family: 'private-key',
        label: 'DER-encoded private key',
        confidence: 'high',
      };
    }
  }
  return undefined;
}
