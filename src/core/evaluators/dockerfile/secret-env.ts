import { locationFromSpan } from '../../location.js';
import {
  type ArgDecl,
  type DockerfileModel,
  dockerfilePaths,
  type EnvDecl,
  readDockerfile,
  type ValueOrigin,
} from '../../parsers/dockerfile.js';
import { UNRESOLVED } from '../../parsers/dockerfile-words.js';
import type { RawFinding } from '../../types.js';
import { standIn, WORDS_NOTE } from '../secrets/judge.js';
import { credentialInValue } from '../secrets/value-credential.js';
import { contextIdentity, isPlaceholder, redact } from '../secrets/values.js';
import { defineEvaluator } from '../types.js';

/** Names that say the variable holds a credential. */
const SECRET_NAME =
  /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIAL/i;
/** Suffixes that say it holds something about a credential instead: where it is, how long it lives. */
const NOT_SECRET_SUFFIX =
  /_(?:FILE|PATH|DIR|URL|URI|HOST|PORT|NAME|ID|USER|USERNAME|ENDPOINT|REGION|TYPE|LENGTH|MIN|MAX|EXPIRY|EXPIRES|TTL|TIMEOUT|VERSION|ENABLED|HEADER|SOURCE|REF|ARN)$/i;
/** Values that configure rather than authenticate. */
const NOT_SECRET_VALUE = /^(?:true|false|yes|no|on|off|none|null|nil|[0-9]{1,6})$/i;

/**
 * `dockerfile.secret-env`: `ENV` and `ARG` instructions that give a credential-named variable
 * (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, ...) a literal value. ENV values are stored in
 * the image configuration, and ARG defaults in the build history, where anyone who can pull the
 * image can read them; so does any value that is a credential whatever its name (a URL with a
 * password, a PEM private key). An ENV value that uses variables is judged as Docker stores it, with
 * the stage's ARG defaults and ENV values substituted (`ARG P=<secret>` then `ENV DB_PASSWORD=$P`),
 * and the message names the lines the value is written at; a reference to what the file does not
 * give (an ARG without a default, set by `--build-arg` or a secret manager), placeholders, booleans
 * or small numbers are not reported, and the message shows only a redacted form of the value; the finding is
 * identified by the instruction, the name and a keyed hash of the value, as the secret scanner
 * identifies a password (`contextIdentity`), so replacing the secret is a new finding. A value that is
 * a word, a phrase of words or its own name (`default`, `postgres`, `my-secret`: what the secret
 * detectors take for a stand-in) is reported at low confidence: a build argument's default that the
 * build replaces, or a well-known default password, still readable in the image but no one's secret.
 */
export const dockerfileSecretEnv = defineEvaluator<Record<string, never>>({
  kind: 'dockerfile.secret-env',
  scope: 'file',
  // 2: the key holds the value's keyed hash. 3: the ENV of ONBUILD triggers too.
  revision: 3,
  summary: 'Dockerfile ENV and ARG instructions that set a credential-named variable to a literal value.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      for (const { kind, decl, value, held, from } of literalSecretDecls(model)) {
        const where = kind === 'ENV' ? 'the image configuration' : 'the image build history';
        const what = held ? `a literal value holding ${held}` : 'a literal secret';
        const words = !held && standIn(value.trim());
        findings.push({
          message:
            `${kind} ${decl.name} sets ${what} (${redact(value)})${writtenAt(from)}, which is stored in ${where} ` +
            'for anyone who can pull the image. Pass it with a build secret (`RUN --mount=type=secret`) or at run time.' +
            (words ? ` (${WORDS_NOTE}.)` : ''),
          location: locationFromSpan(file, decl.span),
          // The value's keyed hash (never the value): another secret under the same name is a new finding.
          key: contextIdentity(kind, decl.name, value),
          ...(words ? { confidence: 'low' as const } : {}),
        });
      }
    }
    return findings;
  },
});

/** An ENV or ARG declaration that gives a variable a literal credential. */
export interface SecretDecl {
  kind: 'ENV' | 'ARG';
  decl: ArgDecl | EnvDecl;
  /** The value as Docker stores it (an ENV's references substituted). */
  value: string;
  /** What the value holds when the name does not say it is a secret (`a private key`). */
  held?: string;
  /** For a value reached through variables: the declarations its text is written in. */
  from?: ValueOrigin[];
}

/** `, written at line 2 (`ARG P`)`: where a value reached through variables is written. */
function writtenAt(from: readonly ValueOrigin[] | undefined): string {
  if (!from || from.length === 0) return '';
  const each = from.map((o) => `${o.span.start.line} (\`${o.kind} ${o.name}\`)`);
  const list = each.length === 1 ? each[0] : `${each.slice(0, -1).join(', ')} and ${each.at(-1)}`;
  return `, written at line${from.length === 1 ? '' : 's'} ${list}`;
}

/**
 * The ENV and ARG declarations of a Dockerfile that give a variable a literal credential: a
 * credential-named variable a value that could be a real secret ({@link isLiteralSecret}), or any
 * variable a value that is a credential whatever its name. The one judgement of this rule, shared
 * with the guard that keeps other rules' fixes from copying such a value (see fix/secret-lines.ts).
 */
export function literalSecretDecls(model: DockerfileModel): SecretDecl[] {
  const decls: { kind: 'ENV' | 'ARG'; decl: ArgDecl | EnvDecl }[] = [
    ...model.globalArgs.map((decl) => ({ kind: 'ARG' as const, decl })),
    ...model.stages.flatMap((s) => [
      ...s.args.map((decl) => ({ kind: 'ARG' as const, decl })),
      ...s.envs.map((decl) => ({ kind: 'ENV' as const, decl })),
      ...s.onbuildEnvs.map((decl) => ({ kind: 'ENV' as const, decl })),
    ]),
  ];
  const out: SecretDecl[] = [];
  for (const { kind, decl } of decls) {
    // An ENV value that uses variables is stored as substituted: judged so, unless it uses one the
    // file gives no value (an ARG without a default, which the build passes): then as written.
    const given = 'resolved' in decl ? decl.resolved : undefined;
    const resolved = given && !given.value.includes(UNRESOLVED) ? given : undefined;
    const value = resolved ? resolved.value : decl.value;
    if (value === null) continue;
    const from = resolved && resolved.from.length > 0 ? { from: resolved.from } : {};
    if (isLiteralSecret(decl.name, value)) out.push({ kind, decl, value, ...from });
    else {
      // A neutral name (`DATABASE_URL`) does not make a credential in the value any less one.
      const held = credentialInValue(value);
      if (held) out.push({ kind, decl, value, held, ...from });
    }
  }
  return out;
}

/** True when a credential-named variable is given a value that could be a real secret. */
export function isLiteralSecret(name: string, value: string): boolean {
  if (!SECRET_NAME.test(name) || NOT_SECRET_SUFFIX.test(name)) return false;
  const v = value.trim();
  if (v.length < 4 || v.includes('$') || NOT_SECRET_VALUE.test(v)) return false;
  return !isPlaceholder(v);
}
