// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
// A labelled corpus for judging secret detectors: realistic files in which every line that holds a
// secret is labelled with its family, and every decoy line (a placeholder, ciphertext, a public key or
// identifier, a test-mode value, a look-alike) is labelled as a decoy. Secret bodies are random, drawn
// from a seeded generator, so no value is real and the corpus is the same on every run. The issuer
// secrets come from the detector data's own example templates (one per kind, in several syntaxes);
// everything else is written here. Used by bench/secrets-accuracy.mjs and the corpus test.
//
// The detector data lives in TypeScript: callers pass it in (`lib/` from the benchmark, `src/` from
// the tests) as `{ providers, expandExample, syntheticKey, signCrc32Base62 }`.

import { prng } from './prng.mjs';
import { decoyFiles } from './secrets-decoys.mjs';

export { prng };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}-_`;
const HEX = '0123456789abcdef';

/** Random-string helpers over one generator. */
export function generators(seed, lib) {
  const rnd = prng(seed);
  const str = (n, alphabet = ALNUM) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');
  const bytes = (n) => Buffer.from(str(n * 2, HEX), 'hex');
  return {
    rnd,
    str,
    pick: (list) => list[Math.floor(rnd() * list.length)],
    akia: () => `AKIA${str(16, B32)}`,
    awsSecret: () => str(40, B64),
    ghp: (p = 'ghp') => `${p}_${lib ? lib.signCrc32Base62(str(30)) : str(36)}`,
    npm: () => `npm_${lib ? lib.signCrc32Base62(str(30)) : str(36)}`,
    stripe: (p = 'sk') => `${p}_live_${str(24)}`,
    jwt: (claims = {}) =>
      `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: `svc-${str(6)}`, iat: 1716800000, ...claims })}.${str(43, URLSAFE)}`,
    password: (n = 16) => str(n, `${ALNUM}!#%^*`),
    /** A password as it can stand in a URL's user-info without percent-encoding. */
    urlPassword: (n = 16) => str(n, `${ALNUM}!*~`),
    uuid: () => [8, 4, 4, 4, 12].map((n) => str(n, HEX)).join('-'),
    b64: (s) => Buffer.from(s).toString('base64'),
    /** The base64 body of a synthetic private key (structure only, random bytes). */
    key: (kind) => lib.syntheticKey(kind, bytes),
    pem: (label, body, indent = '') =>
      [`-----BEGIN ${label}-----`, ...body.match(/.{1,64}/g), `-----END ${label}-----`].map(
        (l) => indent + l,
      ),
  };
}

/** One labelled file: `lines` of `{ text, label, decoy }`. */
export function file(path, ...lines) {
  return { path, lines: lines.flat().map((l) => (typeof l === 'string' ? { text: l } : l)) };
}
/** A line holding a secret of `family`. */
export const pos = (label, text) => ({ text, label });
/** A line that must not be reported, and what kind of decoy it is. */
export const decoy = (kind, text) => ({ text, decoy: kind });

/** Where the issuer secrets are embedded: the example line itself, or the secret in other syntaxes. */
const SYNTAXES = [
  (name, s) => [`config/${name}.yml`, `${name.replace(/-/g, '_')}: "${s}"`],
  (name, s) => [`src/${name}.ts`, `export const credential = '${s}';`],
  (name, s) => [`deploy/${name}.json`, `{ "value": "${s}" }`],
];

/** Positives from the detector data: each kind's example line, then its secret in two more syntaxes. */
function issuerFiles(g, lib) {
  const files = [];
  for (const spec of lib.providers) {
    const family = spec.family ?? 'token';
    const first = lib.expandExample(spec.example, g.rnd);
    files.push(file(`issuers/${spec.id}.env`, pos(family, first.line)));
    // A secret found only with its context (a variable name, a keyword such as `discord`) keeps its
    // line; one that carries its issuer's prefix moves to other syntaxes.
    const lower = first.secret.toLowerCase();
    const prefixed =
      new RegExp(spec.pattern.source, spec.pattern.flags).test(first.secret) &&
      (spec.keywords.some((k) => lower.includes(k)) ||
        (spec.anchor !== undefined && new RegExp(spec.anchor).test(lower)));
    const contextual = first.start > 0 && !prefixed;
    const second = lib.expandExample(spec.example, g.rnd);
    const [path, text] = contextual
      ? [`scripts/${spec.id}.sh`, `export ${second.line}`]
      : SYNTAXES[files.length % SYNTAXES.length](spec.id, second.secret);
    files.push(file(path, pos(family, text)));
    const counter = lib.expandExample(spec.counterExample, g.rnd);
    files.push(file(`decoys/${spec.id}.txt`, decoy('counter-example', counter.line)));
  }
  return files;
}

/** Positives written here: keys, credential files, HTTP and URL credentials, generic assignments. */
function handWritten(g) {
  const ec = g.key('ec');
  return [
    file(
      'config/aws.ini',
      '[default]',
      pos('cloud', `aws_access_key_id = ${g.akia()}`),
      pos('cloud', `aws_secret_access_key = ${g.awsSecret()}`),
    ),
    file(
      'src/s3.js',
      'const s3 = new S3({',
      pos('cloud', `  accessKeyId: '${g.akia()}',`),
      pos('cloud', `  secretAccessKey: '${g.awsSecret()}',`),
      '});',
    ),
    file(
      'deploy/key.json',
      '{',
      '  "type": "service_account",',
      '  "project_id": "billing-prod",',
      `  "private_key_id": "${g.str(40, HEX)}",`,
      pos('cloud', `  "private_key": "${g.pem('PRIVATE KEY', g.key('pkcs8')).join('\\n')}\\n",`),
      '  "client_email": "deployer@billing-prod.iam.gserviceaccount.com"',
      '}',
    ),
    file(
      'test/api.http',
      'GET https://api.internal.example/orders',
      pos('jwt', `Authorization: Bearer ${g.jwt()}`),
    ),
    file('src/jobs.py', pos('jwt', `SERVICE_JWT = "${g.jwt({ exp: 4102444800 })}"`)),
    file(
      'deploy/server.key',
      pos('private-key', g.pem('RSA PRIVATE KEY', g.key('rsa'))[0]),
      ...g.pem('RSA PRIVATE KEY', g.key('rsa')).slice(1),
    ),
    file(
      '.ssh/id_deploy',
      ...g.pem('OPENSSH PRIVATE KEY', g.key('openssh')).map((l, i) => (i === 0 ? pos('private-key', l) : l)),
    ),
    file(
      'config/tls.yml',
      'tls:',
      '  key: |',
      ...g.pem('EC PRIVATE KEY', ec, '    ').map((l, i) => (i === 0 ? pos('private-key', l) : l)),
    ),
    file(
      'secrets.json',
      '{',
      pos('private-key', `  "signing_key": "${g.pem('EC PRIVATE KEY', g.key('ec')).join('\\n')}\\n"`),
      '}',
    ),
    file(
      'keys/app.pem',
      ...g.pem('PRIVATE KEY', g.key('pkcs8')).map((l, i) => (i === 0 ? pos('private-key', l) : l)),
    ),
    // credential files
    file('.npmrc', pos('credential', `//npm.corp.internal/:_authToken=${g.uuid()}`)),
    file('tools/.npmrc', pos('credential', `_auth=${g.b64(`ci:${g.password(18)}`)}`)),
    file('.pypirc', '[corp]', 'username = release', pos('credential', `password = ${g.password(18)}`)),
    file(
      'ops/.netrc',
      'machine files.corp.internal',
      '  login ci',
      pos('credential', `  password ${g.password(20)}`),
    ),
    file('.git-credentials', pos('credential', `https://ci:${g.urlPassword(24)}@git.corp.internal`)),
    file(
      '.docker/config.json',
      '{ "auths": {',
      pos('credential', `  "r.corp.internal": { "auth": "${g.b64(`ci:${g.password(20)}`)}" }`),
      '} }',
    ),
    file(
      'kube/prod.kubeconfig',
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: ci',
      '  user:',
      pos('credential', `    token: ${g.str(48)}`),
    ),
    file('.env', pos('credential', `SESSION_SECRET=${g.password(32)}`), 'PORT=8080'),
    file('services/web/.env.production', 'NODE_ENV=production', pos('credential', `STRIPE_KEY=${g.str(32)}`)),
    // HTTP credentials
    file(
      'scripts/upload.sh',
      pos('http', `curl -u deploy:${g.password(18)} -T out.tgz https://files.corp.internal/`),
    ),
    file(
      'scripts/build.sh',
      'curl -sf -X POST \\',
      '  -H "Accept: application/json" \\',
      pos('http', `  --user "ci:${g.password(16)}" \\`),
      '  https://jenkins.corp.internal/job/x/build',
    ),
    file('scripts/charge.sh', pos('http', `curl -u ${g.str(32)}: https://api.payments.internal/v1/charges`)),
    file('docs/api.http', pos('http', `Authorization: Basic ${g.b64(`svc:${g.password(18)}`)}`)),
    file(
      'scripts/sync.sh',
      pos('http', `curl -H "X-API-Key: ${g.str(40)}" https://api.partner.internal/v2/sync`),
    ),
    file('scripts/login.sh', pos('http', `docker login -u ci -p ${g.password(20)} registry.corp.internal`)),
    file('scripts/db.sh', pos('http', `mysql -u root -p${g.password(16)} billing < dump.sql`)),
    file('scripts/ssh.sh', pos('http', `sshpass -p '${g.password(14)}' ssh deploy@10.0.3.7`)),
    // URL credentials
    file(
      'config/database.yml',
      'production:',
      pos('connection-string', `  url: postgres://billing:${g.urlPassword()}@db.prod.internal:5432/billing`),
    ),
    file(
      'src/db.go',
      pos(
        'connection-string',
        `const dsn = "mongodb+srv://app:${g.urlPassword(20)}@cluster0.abcde.mongodb.net/app"`,
      ),
    ),
    file(
      'docker-compose.prod.yml',
      pos('connection-string', `      REDIS_URL: redis://default:${g.urlPassword(24)}@cache.internal:6379/0`),
    ),
    file(
      'scripts/mirror.sh',
      pos('connection-string', `git clone https://deploy:${g.urlPassword(18)}@git.corp.internal/app.git`),
    ),
    file(
      'config/queue.yml',
      pos('connection-string', `amqp: amqps://worker:${g.str(6)}@${g.str(6)}@mq.corp.internal:5671/`),
    ),
    file(
      'scripts/vendor.sh',
      pos('connection-string', `git clone https://${g.str(40)}:x-oauth-basic@github.com/acme/vendor.git`),
    ),
    file(
      'requirements.txt',
      pos('connection-string', `lib @ git+https://${g.str(32)}@git.corp.internal/acme/lib.git@v1.2`),
    ),
    // generic assignments
    file('src/config.py', 'DB_USER = "billing"', pos('generic', `DB_PASSWORD = "${g.password()}"`)),
    file('src/client.js', pos('generic', `const apiKey = '${g.str(32, HEX)}';`)),
    file(
      'config/app.yaml',
      'auth:',
      pos('generic', `  client_secret: "${g.password(24)}"`),
      pos('generic', `  api_token: ${g.str(32)}`),
    ),
    file(
      'src/main/resources/application.properties',
      pos('generic', `spring.datasource.password=${g.password(14)}`),
    ),
    file('internal/conf.go', pos('generic', `	Password := "${g.password(18)}"`)),
    file('src/Config.java', pos('generic', `    private static final String API_KEY = "${g.str(40)}";`)),
    file('settings.json', '{', pos('generic', `  "api_key": "${g.uuid()}",`), '  "region": "eu"', '}'),
    file('config/smtp.toml', '[smtp]', pos('generic', `password = "${g.password(20)}"`)),
  ];
}

/**
 * The corpus: `{ path, text, labels: Map<line, family>, decoys: Map<line, kind> }[]`. `lib` is the
 * detector data and its helpers (see the header).
 */
export function buildCorpus(lib, seed = 7) {
  const g = generators(seed, lib);
  const files = [...issuerFiles(g, lib), ...handWritten(g), ...decoyFiles(g, lib, file, decoy)];
  return files.map((f) => {
    const labels = new Map();
    const decoys = new Map();
    f.lines.forEach((l, i) => {
      if (l.label) labels.set(i + 1, l.label);
      if (l.decoy) decoys.set(i + 1, l.decoy);
    });
    return { path: f.path, text: `${f.lines.map((l) => l.text).join('\n')}\n`, labels, decoys };
  });
}
