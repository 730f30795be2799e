import { base64Json } from './checksums.js';
import { HARMLESS_HOST } from './url.js';

/**
 * Issuers of tokens that a tool publishes for local development, the same in every installation:
 * Supabase's local stack signs its `anon` and `service_role` keys as `supabase-demo`.
 */
const DEMO_ISSUERS = new Set(['supabase-demo']);

/**
 * Whether a token was issued by (or, without an issuer, for) a host of documentation or of the
 * developer's own machine (`https://auth.example.com/`, `localhost`), or by a tool's published
 * local-development issuer ({@link DEMO_ISSUERS}): no service anyone else runs accepts it, so it is
 * sample data, as in an API description's examples.
 */
export function sampleIssuer(payload: Record<string, unknown>): boolean {
  if (typeof payload.iss === 'string' && DEMO_ISSUERS.has(payload.iss)) return true;
  const claim = typeof payload.iss === 'string' ? payload.iss : payload.aud;
  const first = Array.isArray(claim) ? claim[0] : claim;
  if (typeof first !== 'string') return false;
  // An issuer is a URL (OpenID Connect) or, in many services' tokens, a bare host name.
  let host = /^[A-Za-z0-9.-]+$/.test(first) ? first : '';
  if (host === '') {
    try {
      host = new URL(first).hostname;
    } catch {
      return false;
    }
  }
  return host !== '' && HARMLESS_HOST.test(host);
}

/**
 * Whether a value is a JSON Web Token of a documentation or loopback issuer ({@link sampleIssuer}):
 * sample data wherever it appears (an `Authorization: Bearer` header of a README's example).
 */
export function isSampleJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || !parts[0]!.startsWith('eyJ') || !parts[1]!.startsWith('eyJ')) return false;
  const payload = base64Json(parts[1]!);
  return payload !== undefined && sampleIssuer(payload);
}

/** The registered claims (RFC 7519 §4.1): who issued a token, for whom, to whom, and when. */
const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];

/**
 * Whether a value is a JSON Web Token that carries none of the registered claims
 * ({@link REGISTERED_CLAIMS}): no issuer, subject, audience or time, only made-up data
 * (`{"some": "payload"}`), as a library's usage example signs. Services that issue tokens stamp at
 * least one of them.
 */
export function unclaimedJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  const payload = base64Json(parts[1]!);
  return payload !== undefined && !REGISTERED_CLAIMS.some((c) => c in payload);
}
