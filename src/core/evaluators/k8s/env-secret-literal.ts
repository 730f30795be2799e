import { type Container, childAt, describeContainer, isMap, type K8sNode } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import type { FileContent } from '../../workspace/workspace.js';
import { standIn as standInValue, WORDS_NOTE } from '../secrets/judge.js';
import { defaultPassword } from '../secrets/url.js';
import { credentialInValue } from '../secrets/value-credential.js';
import { contextIdentity, isPlaceholder } from '../secrets/values.js';
import { defineEvaluator } from '../types.js';
import { containerFinding, eachContainer, ownFindings } from './shared.js';

interface Options {
  /** Variable names (exact) that are not secrets although their name says so. */
  ignore: string[];
}

/** Name parts that mark a secret on their own. */
const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'APIKEY',
  'PRIVATEKEY',
  'SECRETKEY',
  'ACCESSKEY',
]);

/** `KEY` is a secret only after one of these (`API_KEY`), not in `CACHE_KEY` or `PUBLIC_KEY`. */
const KEY_QUALIFIERS = new Set([
  'API',
  'ACCESS',
  'SECRET',
  'PRIVATE',
  'SIGNING',
  'ENCRYPTION',
  'MASTER',
  'LICENSE',
  'SERVICE',
  'APP',
  'CLIENT',
  'AUTH',
  'JWT',
  'HMAC',
  'SESSION',
  'COOKIE',
  'ACCOUNT',
  'STORAGE',
  'SHARED',
  'WEBHOOK',
]);

/** A last part that makes the variable about a secret rather than the secret (`DB_PASSWORD_FILE`). */
const NOT_THE_SECRET = new Set([
  'FILE',
  'PATH',
  'DIR',
  'NAME',
  'REF',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'ID',
  'USER',
  'USERNAME',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'EXPIRATION',
  'TIMEOUT',
  'LENGTH',
  'SIZE',
  'HEADER',
  'ALGORITHM',
  'TYPE',
  'VERSION',
  'ENABLED',
  'REQUIRED',
  'POLICY',
  'ISSUER',
  'AUDIENCE',
  'PREFIX',
  'FORMAT',
  'KIND',
]);

/** Whether an environment variable's name says it holds a secret. */
export function isSecretName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const last = parts[parts.length - 1];
  if (!last || NOT_THE_SECRET.has(last) || parts.includes('PUBLIC')) return false;
  if (parts.some((p) => SECRET_WORDS.has(p))) return true;
  return last === 'KEY' && (parts.length === 1 || KEY_QUALIFIERS.has(parts[parts.length - 2]!));
}

/** Values that switch or count rather than authenticate (`MYSQL_ALLOW_EMPTY_PASSWORD: "1"`). */
const SETTING_VALUE = /^(?:true|false|yes|no|on|off|none|null|nil|enabled?|disabled?|[0-9]{1,6})$/i;

/** A file or a location of one: where a credential is, not the credential (`/var/secrets/key.json`). */
const PATH_VALUE =
  /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|file:\/\/)|^[\w.-]+\.(?:json|pem|key|crt|cer|p12|pfx|jks|txt|ya?ml)$/i;

/**
 * A name written where the value should go (`HF_TOKEN: "HF_TOKEN"`, `GOOGLE_API_KEY_VAL`, `SECRET`,
 * `nvapi-NVKEY`): capitals and underscores only, after an optional lower-case issuer prefix. Real
 * keys mix cases or digits.
 */
const NAME_AS_VALUE = /^(?:[a-z0-9]+[-_])?[A-Z][A-Z_]{2,39}$/;

/** The secret words whose values are keys, which are never short words (a MinIO access key `minio` is a user name). */
const KEY_WORDS = /(?:^|_)(?:API_?KEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY|KEY)$/i;

/** Whether a literal value is a stand-in rather than a credential: empty, a reference, a placeholder. */
export function isPlaceholderValue(value: string, name = ''): boolean {
  const v = value.trim();
  return (
    v === '' ||
    SETTING_VALUE.test(v) ||
    PATH_VALUE.test(v) ||
    NAME_AS_VALUE.test(v) ||
    v.toUpperCase() === name.toUpperCase() ||
    /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v) || // Kubernetes' own $(VAR) reference
    /^\{\{.*\}\}$/s.test(v) ||
    /^[x*.]+$/i.test(v) ||
    /^your/i.test(v) ||
    isPlaceholder(v) ||
    (KEY_WORDS.test(name) && v.length < 8) ||
    isSecretObjectName(name, v)
  );
}

/**
 * `OPERATOR_SECRET: operator`, `TLS_SECRET: web-tls`: a variable named after a Secret whose value is
 * a Kubernetes object name (a lower-case DNS label that repeats a part of the variable's name, or ends
 * like a Secret's name: `-tls`, `-secret`, `-credentials`) names the Secret object to read.
 */
function isSecretObjectName(name: string, value: string): boolean {
  if (!/(?:^|_)SECRET$/i.test(name) || !/^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) return false;
  const parts = name.toLowerCase().split(/[^a-z0-9]+/);
  return parts.includes(value) || /-(?:secrets?|tls|certs?|credentials|creds)$/.test(value);
}

/** An environment entry of a container whose literal value this rule reports. */
export interface EnvSecretLiteral {
  name: string;
  value: string;
  /** What the value holds when the name does not say it is a secret (`a private key`). */
  held?: string;
  /** The entry (`- name: ...`) and its `value`. */
  entry: K8sNode;
  node: K8sNode;
}

/**
 * The entries of a container's `env` that hold a literal credential: named like a secret with a value
 * that is no stand-in, or holding a credential whatever the name. `ignored`: names said not to be
 * secrets. The one judgement of this rule, shared with the guard that keeps other rules' fixes from
 * copying such a value into a report (see fix/secret-lines.ts).
 */
export function envSecretLiterals(c: Container, ignored?: ReadonlySet<string>): EnvSecretLiteral[] {
  const env = c.node.value.env;
  if (!Array.isArray(env)) return [];
  const out: EnvSecretLiteral[] = [];
  env.forEach((e, i) => {
    if (!isMap(e) || typeof e.name !== 'string' || typeof e.value !== 'string') return;
    if (ignored?.has(e.name)) return;
    const named = isSecretName(e.name) && !isPlaceholderValue(e.value, e.name);
    // A neutral name (`DATABASE_URL`) does not make a credential in the value any less one.
    const held = named ? undefined : credentialInValue(e.value);
    if (!named && !held) return;
    const entry = childAt(c.pod.object, c.node, 'env', i);
    const node = entry && childAt(c.pod.object, entry, 'value');
    if (!entry || !node) return;
    out.push({ name: e.name, value: e.value, ...(held ? { held } : {}), entry, node });
  });
  return out;
}

/** A comment telling the reader to put their own value in (`#REQUIRED - replace with your key`). */
const REPLACE_ME =
  /\b(?:replace|substitute|fill in|insert|put|paste|enter|set)\b.{0,40}\b(?:your|real|actual|own)\b|\bchange[ _-]?me\b|\bplaceholder\b/i;

/**
 * A variable that names a user (`KC_DB_USERNAME`, `POSTGRES_USER`), or the user half of an access-key
 * pair (`AWS_ACCESS_KEY_ID`, MinIO's `MINIO_ACCESS_KEY` beside `MINIO_SECRET_KEY`): the key id is the
 * pair's user name, the secret key its password. Never a name with a SECRET part
 * (`AWS_SECRET_ACCESS_KEY` is the password).
 */
const USER_NAME = /(?:^|_)(?:USER|USERNAME|USER_NAME|ACCESS_KEY_ID|ACCESS_KEY|KEY_ID)$/i;
const SECRET_PART = /(?:^|_)SECRET(?:_|$)/i;

/** Why a well-known default password has low confidence; part of the finding's message. */
export const KNOWN_DEFAULT_NOTE =
  "a well-known default (`admin`, `password`, or the user name itself), which a demo or a first start uses: it keeps no one out, so change it, but it is no one's secret";

/** Why a value its comment asks to replace has low confidence; part of the finding's message. */
export const STAND_IN_NOTE = 'its comment asks the reader to replace the value: likely a stand-in';

/**
 * Whether a comment on the lines of an env entry (1-based, `first` to `last`) asks the reader to
 * replace the value. A `#` starts a YAML comment at a line's start or after a space.
 */
function saysReplaceMe(content: FileContent, first: number, last: number): boolean {
  if (content.kind !== 'text') return false;
  const { text, lines } = content;
  for (let n = first; n <= last; n++) {
    const line = text.slice(lines.lineStart(n), lines.lineStart(n + 1));
    const hash = line.search(/(?:^|\s)#/);
    if (hash >= 0 && REPLACE_ME.test(line.slice(hash))) return true;
  }
  return false;
}

/**
 * Flags environment variables whose name says they hold a secret (password, token, API key, ...) and
 * whose `value` is a literal in the manifest, rather than `valueFrom.secretKeyRef`, and literal values
 * that are credentials whatever the name (a URL with a password, a PEM private key). The value is
 * never repeated in the finding, only its length; the finding is identified by the container, the
 * name and a keyed hash of the value (as the secret scanner identifies a password), so replacing the
 * secret is a new finding.
 */
export const k8sEnvSecretLiteral = defineEvaluator<Options>({
  kind: 'k8s.env-secret-literal',
  // 2: the key holds the value's keyed hash. 3: and the object's namespace.
  // 4: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 6,
  summary:
    'Kubernetes container environment variables named like secrets (password, token, API key) with a literal value.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ignore: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Variable names (exact) that are not secrets although their name says so.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    const ignored = new Set(options.ignore);
    eachContainer(workspace, (c) => {
      const env = c.node.value.env;
      if (!Array.isArray(env)) return;
      // The user names set beside the secrets: a password equal to its user name is a demo default.
      const users = env.flatMap((e) =>
        isMap(e) &&
        typeof e.name === 'string' &&
        typeof e.value === 'string' &&
        USER_NAME.test(e.name) &&
        !SECRET_PART.test(e.name)
          ? [{ name: e.name, value: e.value }]
          : [],
      );
      for (const { name, value, held, node, entry: entryNode } of envSecretLiterals(c, ignored)) {
        const what = held ? `holds ${held} as a literal value` : 'is set to a literal value';
        const standIn = saysReplaceMe(
          workspace.read(c.pod.object.path),
          entryNode.span.start.line,
          node.span.end.line,
        );
        const knownDefault =
          !held && (defaultPassword(value.trim()) || users.some((u) => u.name !== name && u.value === value));
        // A word, a phrase of words or its own name (`katib`, `my-secret`), as the secret detectors
        // and the Dockerfile rule judge it: a stand-in or a default.
        const worded = !held && !standIn && !knownDefault && standInValue(value.trim());
        const found = containerFinding(
          c,
          node,
          `Environment variable ${name} of the ${describeContainer(c)} ${what} ` +
            `(${value.length} characters) in the manifest, so everyone who can read the repository ` +
            'or the object has it. Reference a Secret with valueFrom.secretKeyRef.' +
            (standIn
              ? ` (${STAND_IN_NOTE}.)`
              : knownDefault
                ? ` (${KNOWN_DEFAULT_NOTE}.)`
                : worded
                  ? ` (${WORDS_NOTE}.)`
                  : ''),
          contextIdentity('env', name, value),
          // At `value:`: a block scalar's own span starts on the line below it.
          'key',
          // Written in the repository: it leaks whether or not the workload runs.
          { whenIdle: 'keep' },
        );
        findings.push(standIn || knownDefault || worded ? { ...found, confidence: 'low' } : found);
      }
    });
    return ownFindings(findings);
  },
});
