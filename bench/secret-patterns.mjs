// The ripgrep patterns bench/secrets.mjs times controlgate's secret and content rules against: one
// PCRE2 pattern per detector written as code, and the content rules' patterns in a form PCRE2
// compiles. Kept apart from the bench so that a test can tell when a detector has none.

/**
 * A PCRE2 pattern for each detector written as code (not data): what it looks for on a line, without
 * the structure checks that follow (a superset, so ripgrep does no less work). A detector added
 * without one makes the bench fail loudly (and test/evaluators/secrets-bench-patterns.test.ts).
 */
export function detectorSource(d) {
  const name = `(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key)`;
  const sources = {
    'private-key': `-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----|^PuTTY-User-Key-File-[0-9]{1,2}: `,
    // The base64 of "PRIVATE KEY-----" at each of its three alignments.
    'base64-private-key': `UFJJVkFURSBLRVktLS0t|BSSVZBVEUgS0VZLS0tLS|QUklWQVRFIEtFWS0tLS0t`,
    'gcp-service-account-key': String.raw`"private_key"[ \t]*:[ \t]*"-----BEGIN [A-Z ]{0,24}PRIVATE KEY-----`,
    'aws-secret-access-key': `(?i)(?:secret_?access_?key|aws_?secret|secretkey).{0,40}(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])`,
    jwt: String.raw`eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}`,
    'npmrc-credential': String.raw`(?i)(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent)["']?[ \t]*[=:]`,
    'pypirc-password': String.raw`(?i)^[ \t]*password[ \t]*[=:]`,
    'registry-config-password': `(?i)<(?:password|passphrase)>|cleartextpassword`,
    'netrc-password': String.raw`(?:^|\s)password[ \t]+\S`,
    'netrc-entry': String.raw`(?i)machine[ \t]+\S+[ \t]+(?:login[ \t]+\S+[ \t]+)?password[ \t]`,
    'git-credentials': String.raw`://[^\s]*@`,
    'docker-config-auth': String.raw`"(?:auth|identitytoken|password|registrytoken)"[ \t]*:|\.dockerconfigjson`,
    'kubeconfig-credential': String.raw`^[ \t]*(?:-[ \t]+)?(?:client-key-data|token|password|client-secret|id-token|refresh-token)[ \t]*:`,
    'dotenv-secret': String.raw`(?i)^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*(?:${name}|[_.-](?:key|credentials?|salt|dsn))[ \t]*=`,
    'terraform-state': String.raw`"resources"[ \t]*:[ \t]*\[`,
    'curl-user-password': String.raw`(?:-u|--user|--proxy-user)(?:[ \t]+|=)?["']?[^\s"':]{0,128}:`,
    'authorization-header': String.raw`(?i)(?:authorization|x-api-key|api-key|apikey|x-auth-token|x-access-token|private-token|x-functions-key|ocp-apim-subscription-key)["']?[ \t]*:[ \t]*["']?[A-Za-z0-9._~+/=:-]{8,}`,
    'password-flag': String.raw`(?:--password|--passwd|--http-password|--proxy-password|--api-key|--apikey|--client-secret|--secret-key|--access-token|--auth-token|--token)(?:[ \t]+|=)\S|(?:sshpass|login|mysql)\b.*-p`,
    'connection-string-password': String.raw`[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s"'<>]{1,256}@`,
    'key-value-connection-string': String.raw`(?i)(?:password|pwd)[ \t]*=`,
    'generic-secret-assignment': String.raw`(?i)${name}(?![A-Za-z0-9_])["'\x60]?\]?[ \t]*(?:=>|:=|===?|[=:])[ \t]*["'\x60]?[^\s"'\x60]{8,}`,
  };
  if (!sources[d.id]) throw new Error(`bench: no ripgrep pattern for detector ${d.id}`);
  return sources[d.id];
}

/**
 * A content rule's pattern as PCRE2 compiles it: PCRE2 needs fixed-length look-behinds, so the
 * variable-length negative guards (sslverify outside git's http.* section, a trusted host that is
 * PyPI's own) are dropped. ripgrep then matches a superset, with a slightly cheaper pattern, not a
 * dearer one.
 */
export function withFixedLookbehinds(pattern) {
  return pattern.replace(/\(\?<![^()]*\{\d*,\d+\}[^()]*\)/g, '');
}
