import { base64UserPassword, decodeBase64 } from './checksums.js';
import {
  assignedValue,
  encryptedFile,
  plausibleSecretValue,
  SECRET_NAME_SOURCE,
  valueConfidence,
} from './generic.js';
import { standIn } from './judge.js';
import { verifyPemKey } from './pem.js';
import type { Detector, LineHit, ScanContext } from './types.js';
import { digest, isCiphertext, isPlaceholder, shannonEntropy } from './values.js';

/**
 * Credentials in the files that tools keep them in, judged by what the file holds, never by its name
 * alone: `.npmrc` auth entries, `.pypirc` and `.netrc` passwords, docker `config.json` auths,
 * kubeconfig user credentials, `.env` files assigning secret-looking values, Terraform state with
 * resources. (`.git-credentials` is in url.ts; keystores, which are binary, in binary-files.ts.)
 */

/** A literal value that is not a reference, template, placeholder or ciphertext. */
function literal(value: string, min = 8): boolean {
  return (
    value.length >= min &&
    !/^[$%{<[]|\$\{|\{\{|^\*+$/.test(value) &&
    !isPlaceholder(value) &&
    !isCiphertext(value)
  );
}

const NPMRC =
  /(?:^|[\s:"'])(_authToken|_auth|_password|npmAuthToken|npmAuthIdent)["']?[ \t]*[=:][ \t]*["']?([^\s"']{4,2048})/g;

const NPMRC_FILE = /(?:^|\/)\.?(?:npmrc|yarnrc(?:\.ya?ml)?)$/i;
/** A line or text that writes npm settings: names the file, or runs `npm`/`yarn`/`pnpm config set`. */
const NPMRC_WRITER = /npmrc|yarnrc|\b(?:npm|yarn|pnpm)[ \t]+config[ \t]+set\b/i;

/**
 * `_auth` and `_password` are also ordinary names in code (`username, _password = credentials`), so
 * outside an `.npmrc`/`.yarnrc` they count only as npm settings: scoped to a registry
 * (`//registry.example/:_password=`), or on a line or in a text that writes npm settings (`echo ... >>
 * ~/.npmrc`, a heredoc into `.npmrc`, `npm config set`). `_authToken` and `npmAuth*` are npm's alone.
 */
function npmrcContext(line: string, at: number, ctx: ScanContext): boolean {
  if (NPMRC_FILE.test(ctx.path) || line[at] === ':') return true;
  return NPMRC_WRITER.test(line) || NPMRC_WRITER.test(ctx.text);
}

/** npm and Yarn registry credentials, wherever the `.npmrc`/`.yarnrc.yml` line is written. */
export const npmrcDetector: Detector = {
  id: 'npmrc-credential',
  family: 'credential',
  keywords: ['_authtoken', '_auth', '_password', 'npmauthtoken', 'npmauthident'],
  // `DB_PASSWORD = ...` is no npm setting: the key stands alone and is assigned.
  confirm: /(?<![a-z0-9])_(?:authtoken|auth|password)["']?[ \t]*[=:]|npmauth(?:token|ident)/iy,
  identity: 'value',
  describes:
    'npm registry credentials (`_authToken`, `_auth`, `_password` in `.npmrc`, `npmAuthToken` in ' +
    '`.yarnrc.yml`), also when a script writes them (outside those files, `_auth`/`_password` only ' +
    'scoped to a registry or in a text that writes npm settings); `_auth` must decode to a user and a password.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    NPMRC.lastIndex = 0;
    for (let m = NPMRC.exec(line); m; m = NPMRC.exec(line)) {
      const [whole, key = '', value = ''] = m;
      const start = m.index + whole.length - value.length;
      const k = key.toLowerCase();
      if ((k === '_auth' || k === '_password') && !npmrcContext(line, m.index, ctx)) continue;
      const basic = base64UserPassword(value);
      const ok =
        k === '_auth' || k === 'npmauthident'
          ? (basic !== undefined && !standIn(basic.password) && !/\s/.test(basic.password)) ||
            /^[^:\s]+:[^:\s]{4,}$/.test(value)
          : k === '_password'
            ? literal(value, 4) && decodeBase64(value) !== undefined
            : literal(value, 16) && shannonEntropy(value) >= 3;
      if (!ok || !literal(value, 4)) continue;
      hits.push({
        start,
        end: start + value.length,
        value,
        label: `npm registry credential (${key})`,
        confidence: 'high',
      });
    }
    return hits;
  },
};

/** `password = ...` in a `.pypirc` (PyPI upload credentials). */
export const pypircDetector: Detector = {
  id: 'pypirc-password',
  family: 'credential',
  keywords: ['password'],
  paths: /(?:^|\/)\.pypirc$/,
  identity: 'value',
  describes: 'Upload passwords and tokens in `.pypirc`.',
  find(line) {
    const m = /^[ \t]*password[ \t]*[=:][ \t]*(\S{4,1024})[ \t]*$/i.exec(line);
    if (!m || !literal(m[1]!, 4) || /^%\(/.test(m[1]!)) return [];
    const start = line.indexOf(m[1]!, line.search(/[=:]/));
    return [
      { start, end: start + m[1]!.length, value: m[1]!, label: 'password in .pypirc', confidence: 'high' },
    ];
  },
};

/**
 * A registry password in Maven's `settings.xml` (`<server><password>`) or in a NuGet config
 * (`packageSourceCredentials`' `ClearTextPassword`): the files CI jobs and developers keep beside a
 * project to publish to, or read from, a private registry. References (`${env.X}`, `%X%`) and Maven's
 * encrypted values (`{...}`, decrypted by the master password) are not passwords.
 */
const MAVEN_PASSWORD = /<(password|passphrase)>[ \t]*([^<\s][^<]{0,1023}?)[ \t]*<\/\1>/g;
const NUGET_PASSWORD = /\bkey[ \t]*=[ \t]*"ClearTextPassword"[ \t]+value[ \t]*=[ \t]*"([^"]{1,1024})"/gi;
export const registryConfigDetector: Detector = {
  id: 'registry-config-password',
  family: 'credential',
  keywords: ['<password>', '<passphrase>', 'cleartextpassword'],
  paths: /(?:^|\/)(?:settings(?:-[\w.-]+)?\.xml|nuget\.config)$/i,
  identity: 'value',
  describes:
    "Registry passwords in Maven's `settings.xml` (`<server>` `<password>`, `<passphrase>`) and NuGet " +
    "configs (`ClearTextPassword`), except references to variables (`%X%`, Maven's `env.X`) and " +
    'Maven-encrypted `{...}` values.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    const nuget = /nuget\.config$/i.test(ctx.path);
    if (!nuget && !/<servers?>|<settings[\s>]/.test(ctx.text)) return hits;
    const re = nuget ? NUGET_PASSWORD : MAVEN_PASSWORD;
    re.lastIndex = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const value = (nuget ? m[1] : m[2])!;
      if (!literal(value, 4) || /^%[^%]+%$/.test(value)) continue;
      const start = m.index + m[0].indexOf(value, m[0].search(nuget ? /value/i : />/));
      hits.push({
        start,
        end: start + value.length,
        value,
        label: nuget
          ? 'package source password in a NuGet config'
          : "server password in Maven's settings.xml",
        confidence: 'high',
      });
    }
    return hits;
  },
};

const NETRC_FILE = /(?:^|\/)[._]netrc$/;
const NETRC_PASSWORD = /(?:^|\s)password[ \t]+(\S{1,1024})/g;

/** Passwords of netrc syntax on a line (`password p`, also after `machine h login u`). */
function netrcPasswords(line: string): LineHit[] {
  const hits: LineHit[] = [];
  NETRC_PASSWORD.lastIndex = 0;
  for (let m = NETRC_PASSWORD.exec(line); m; m = NETRC_PASSWORD.exec(line)) {
    const value = m[1]!.replace(/["']$/, '');
    // In code or prose around a netrc line (`password p\``, `password[ \t]`), not a password.
    if (!literal(value, 4) || /["'`()[\]{}\\]/.test(value)) continue;
    const start = m.index + m[0].length - m[1]!.length;
    hits.push({
      start,
      end: start + value.length,
      value,
      label: 'password in a netrc entry',
      confidence: 'high',
    });
  }
  return hits;
}

/** `.netrc` and `_netrc` files: every `password` they hold. */
export const netrcDetector: Detector = {
  id: 'netrc-password',
  family: 'credential',
  keywords: ['password'],
  paths: NETRC_FILE,
  identity: 'value',
  describes: 'Passwords in `.netrc` and `_netrc` files.',
  find: netrcPasswords,
};

/** Netrc entries that scripts write into other files (`machine h login u password p`). */
export const netrcEntryDetector: Detector = {
  id: 'netrc-entry',
  family: 'credential',
  keywords: ['machine'],
  confirm: /machine[ \t]+\S+[ \t]+(?:login[ \t]+\S+[ \t]+)?password[ \t]/iy,
  identity: 'value',
  describes: 'Passwords in netrc entries written on one line by scripts (`machine h login u password p`).',
  find: netrcPasswords,
};

const DOCKER_AUTH = /"(auth|identitytoken|password|registrytoken)"[ \t]*:[ \t]*"([^"\\]{4,4096})"/g;

let lastDockerText: string | undefined;
let lastDocker = false;

/** Whether a text is a docker client configuration (or an old `.dockercfg`), cached per text. */
function dockerConfig(ctx: ScanContext): boolean {
  if (/(?:^|\/)\.dockercfg$/.test(ctx.path)) return true;
  if (ctx.text !== lastDockerText) {
    lastDockerText = ctx.text;
    lastDocker = ctx.text.includes('"auths"');
  }
  return lastDocker;
}

/** Registry credentials in docker's `config.json`, and in a Kubernetes `.dockerconfigjson` Secret. */
export const dockerConfigDetector: Detector = {
  id: 'docker-config-auth',
  family: 'credential',
  keywords: ['"auth"', '"identitytoken"', '"registrytoken"', '"password"', '.dockerconfigjson'],
  identity: 'value',
  describes:
    "Registry credentials in docker's `config.json` (`auths.*.auth` decoding to a user and password, " +
    'identity tokens) and in Kubernetes `.dockerconfigjson` Secret data.',
  find(line, ctx) {
    const hits: LineHit[] = [];
    const k8s = /\.dockerconfigjson["']?[ \t]*:[ \t]*["']?([A-Za-z0-9+/=]{40,20000})/.exec(line);
    if (k8s) {
      const inner = decodeBase64(k8s[1]!)?.toString('utf8') ?? '';
      if (dockerAuths(inner)) {
        const start = k8s.index + k8s[0].length - k8s[1]!.length;
        hits.push({
          start,
          end: start + k8s[1]!.length,
          value: k8s[1]!,
          label: 'registry credentials in a .dockerconfigjson Secret',
          confidence: 'high',
        });
      }
      return hits;
    }
    if (!dockerConfig(ctx)) return hits;
    DOCKER_AUTH.lastIndex = 0;
    for (let m = DOCKER_AUTH.exec(line); m; m = DOCKER_AUTH.exec(line)) {
      const [whole, key = '', value = ''] = m;
      const basic = key === 'auth' ? base64UserPassword(value) : undefined;
      const ok = basic
        ? basic.password.length >= 4 && !standIn(basic.password)
        : key !== 'auth' && literal(value, 8);
      if (!ok) continue;
      const start = m.index + whole.length - value.length - 1;
      hits.push({
        start,
        end: start + value.length,
        value,
        label: `registry credential in a docker config (${key})`,
        confidence: 'high',
      });
    }
    return hits;
  },
};

/** True when a docker config JSON text holds at least one literal registry credential. */
function dockerAuths(json: string): boolean {
  DOCKER_AUTH.lastIndex = 0;
  for (let m = DOCKER_AUTH.exec(json); m; m = DOCKER_AUTH.exec(json)) {
    if (m[1] === 'auth' ? base64UserPassword(m[2]!) !== undefined : literal(m[2]!, 8)) return true;
  }
  return false;
}

let lastKubeText: string | undefined;
let lastKube = false;

/** Whether the text is a kubeconfig (`kind: Config` with `users:`), cached for the file being scanned. */
function kubeconfig(text: string): boolean {
  if (text !== lastKubeText) {
    lastKubeText = text;
    lastKube = /^kind:[ \t]*Config[ \t]*$/m.test(text) && /^users:/m.test(text);
  }
  return lastKube;
}

const KUBE_FIELD =
  /^[ \t]*(?:-[ \t]+)?(client-key-data|token|password|client-secret|id-token|refresh-token)[ \t]*:[ \t]*["']?([^\s"'#]{4,20000})/;

/** User credentials in a kubeconfig: client keys (verified as keys), tokens, passwords, OIDC secrets. */
export const kubeconfigDetector: Detector = {
  id: 'kubeconfig-credential',
  family: 'credential',
  keywords: ['client-key-data', 'token:', 'password:', 'client-secret:'],
  identity: 'value',
  describes:
    'User credentials in a kubeconfig: `client-key-data` that decodes to a private key, and literal ' +
    '`token`, `password`, `client-secret`, `id-token` and `refresh-token` values.',
  find(line, ctx) {
    const m = KUBE_FIELD.exec(line);
    if (!m) return [];
    const [whole, field = '', value = ''] = m;
    const start = m.index + whole.length - value.length;
    if (field === 'client-key-data') {
      const pem = decodeBase64(value)?.toString('latin1') ?? '';
      const header = /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,2})PRIVATE KEY-----/.exec(pem);
      if (!header || !verifyPemKey(header[1]!, pem, header.index + header[0].length)) return [];
      return [
        { start, end: start + value.length, value, label: 'client key in a kubeconfig', confidence: 'high' },
      ];
    }
    if (!kubeconfig(ctx.text) || !literal(value, field === 'password' ? 6 : 16)) return [];
    return [
      { start, end: start + value.length, value, label: `${field} in a kubeconfig`, confidence: 'high' },
    ];
  },
};

const DOTENV_FILE = /(?:^|\/)(?:\.env(?:\.[^/]+)?|[^/]+\.env)$/;
const DOTENV_TEMPLATE = /\.(?:example|sample|template|dist|defaults?|tmpl|tpl|schema)$|\.example\./i;
/** In a `.env`, also names ending in KEY, CREDENTIALS, SALT or DSN hold secrets (`STRIPE_KEY`). */
const DOTENV_NAME = new RegExp(
  `^[ \\t]*(?:export[ \\t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,80}?(?:${SECRET_NAME_SOURCE}|[_.-](?:key|credentials?|salt|dsn)))[ \\t]*=`,
  'i',
);
const DOTENV_PUBLIC =
  /(?:public|publishable|site|anon|client[_-]?id)[_-]?(?:api[_-]?)?key$|^(?:next_public|vite|react_app|expo_public)_/i;

/** Secret-looking values assigned in `.env` files (by content; templates such as `.env.example` aside). */
export const dotenvDetector: Detector = {
  id: 'dotenv-secret',
  family: 'credential',
  // Above the generic assignment it coincides with, below every specific kind of secret.
  rank: 6.5,
  keywords: ['='],
  paths: DOTENV_FILE,
  identity: 'context',
  describes:
    '`.env` files that assign a secret-looking value (a random, literal value to a name ending in ' +
    'password, secret, token, key, credentials or salt); a `.env` of versions, paths and flags is not a ' +
    "credential file. Templates (`.env.example`, `.env.sample`) are not read; what a test run's " +
    '`.env.test` or `.env.testing` holds is test data (a default test path: low confidence).',
  find(line, ctx) {
    if (DOTENV_TEMPLATE.test(ctx.path) || encryptedFile(ctx.path, ctx.text)) return [];
    const m = DOTENV_NAME.exec(line);
    if (!m || DOTENV_PUBLIC.test(m[1]!)) return [];
    const nameStart = line.indexOf(m[1]!, m.index);
    const assigned = assignedValue(line, nameStart, nameStart + m[1]!.length, '.env');
    if (!assigned || !plausibleSecretValue(assigned.value, assigned.quoted)) return [];
    const entropy = shannonEntropy(assigned.value);
    if (entropy < 3) return [];
    return [
      {
        start: assigned.start,
        end: assigned.start + assigned.value.length,
        value: assigned.value,
        label: 'secret in a .env file',
        context: m[1]!,
        entropy,
        confidence: valueConfidence(assigned.value, entropy),
      },
    ];
  },
};

/** Terraform state that holds resources: their attributes, secrets included, are stored in plain text. */
export const terraformStateDetector: Detector = {
  id: 'terraform-state',
  family: 'credential',
  keywords: ['"resources"'],
  paths: /\.tfstate(?:\.backup)?$/,
  identity: 'value',
  describes:
    'Terraform state files that hold resources (state stores every attribute, passwords and keys ' +
    'included, in plain text); an empty state is not reported.',
  find(line, ctx) {
    const m = /"resources"[ \t]*:[ \t]*\[/.exec(line);
    if (!m) return [];
    const after = ctx.text.slice(
      ctx.offset + m.index + m[0].length,
      ctx.offset + m.index + m[0].length + 4096,
    );
    if (!/^\s*\{/.test(after)) return [];
    const sensitive =
      /"sensitive_attributes"[ \t]*:[ \t]*\[\s*[[{"]|"(?:password|private_key|secret|access_key)"/.test(
        ctx.text.slice(ctx.offset, ctx.offset + 200_000),
      );
    const start = m.index + 1;
    return [
      {
        start,
        end: start + 9,
        // The state is not one secret: its identity is a digest of the resources' start.
        value: `terraform-state:${digest(after)}`,
        shown: 'resources',
        label: 'Terraform state with resources',
        confidence: sensitive ? 'high' : 'medium',
      },
    ];
  },
};
