import { parseUrlCredential, urlSecret } from './url.js';

/**
 * Values that are credentials whatever the name of the variable holding them: a URL carrying a
 * password (`DATABASE_URL=postgres://app:<password>@db/app`) and a PEM private key. The rules about
 * literal environment values (Kubernetes `env`, Dockerfile ENV and ARG) judge a variable by its name
 * first; this catches the secrets a neutral name hides.
 */

/** A PEM private key block: its header, a body of base64 lines, its footer. */
const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,2})PRIVATE KEY-----([\s\S]*?)-----END \1PRIVATE KEY-----/;

/** What makes a literal value a credential (`a password in a postgres URL`), or undefined. */
export function credentialInValue(value: string): string | undefined {
  const pem = PEM_PRIVATE_KEY.exec(value);
  // A body of real key material, not `...` or `<your key>` between the markers.
  if (pem && pem[2]!.replace(/[^A-Za-z0-9+/=]/g, '').length >= 64) return 'a private key';
  for (let at = value.indexOf('://'); at !== -1; at = value.indexOf('://', at + 3)) {
    const c = parseUrlCredential(value, at);
    // Not strict: local and example hosts, default, placeholder and interpolated passwords pass.
    const hit = c && urlSecret(c, false);
    if (hit) return `a ${hit.label}`;
  }
  return undefined;
}
