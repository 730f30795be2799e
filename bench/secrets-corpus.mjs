// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
// A labelled corpus for judging secret detectors: realistic files in which every line that holds a
// secret is labelled with its family, and every other line is a negative (placeholders, references,
// look-alikes). Secret bodies are random, drawn from a seeded generator, so no value is real and the
// corpus is the same on every run. Used by bench/secrets-accuracy.mjs and test/evaluators/secrets-corpus.test.ts.

import { prng } from './prng.mjs';

export { prng };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}-_`;

/** Random-string helpers over one generator. */
export function generators(seed) {
  const rnd = prng(seed);
  const str = (n, alphabet = ALNUM) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');
  const g = {
    rnd,
    str,
    pick: (list) => list[Math.floor(rnd() * list.length)],
    akia: () => `AKIA${str(16, B32)}`,
    awsSecret: () => str(40, B64),
    ghp: (p = 'ghp') => `${p}_${str(36)}`,
    pat: () => `github_pat_${str(22)}_${str(59)}`,
    glpat: () => `glpat-${str(20, URLSAFE)}`,
    xoxb: () => `xoxb-${str(12, '0123456789')}-${str(13, '0123456789')}-${str(24)}`,
    webhook: () => `https://hooks.slack.com/services/T${str(10, B32)}/B${str(10, B32)}/${str(24)}`,
    stripe: (p = 'sk') => `${p}_live_${str(24)}`,
    npm: () => `npm_${str(36)}`,
    azure: () => `${str(86, B64)}==`,
    jwt: () =>
      `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: `svc-${str(6)}`, iat: 1716800000 })}.${str(43, URLSAFE)}`,
    password: (n = 16) => str(n, `${ALNUM}!#%^*`),
    /** A password as it can stand in a URL's user-info without percent-encoding. */
    urlPassword: (n = 16) => str(n, `${ALNUM}!*~`),
    /** PKCS#8 / SEC1 / OpenSSH bodies start with fixed structure bytes; the rest is random. */
    pemBody: (start = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC') => `${start}${str(64 - start.length, B64)}`,
    pemLine: () => str(64, B64),
  };
  return g;
}

/** One labelled file: `lines` of `{ text, label }`, label a family name or null. */
function file(path, ...lines) {
  return { path, lines: lines.map((l) => (typeof l === 'string' ? { text: l, label: null } : l)) };
}
const pos = (label, text) => ({ text, label });

/**
 * The corpus: positives for every family in the formats where they are found, and negatives chosen
 * to trip naive patterns. Returns `{ path, text, labels: Map<line, family> }[]`.
 */
export function buildCorpus(seed = 7) {
  const g = generators(seed);
  const files = [
    // --- cloud
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
    file('.env.production', pos('cloud', `AWS_ACCESS_KEY_ID=${g.akia()}`), 'AWS_REGION=eu-west-1'),
    file(
      'deploy/key.json',
      '{',
      '  "type": "service_account",',
      '  "project_id": "billing-prod",',
      `  "private_key_id": "${g.str(40, '0123456789abcdef')}",`,
      pos(
        'cloud',
        `  "private_key": "-----BEGIN PRIVATE KEY-----\\n${g.pemBody()}\\n-----END PRIVATE KEY-----\\n",`,
      ),
      '  "client_email": "deployer@billing-prod.iam.gserviceaccount.com"',
      '}',
    ),
    file(
      'appsettings.json',
      '{',
      pos(
        'cloud',
        `  "Storage": "DefaultEndpointsProtocol=https;AccountName=billingprod;AccountKey=${g.azure()};EndpointSuffix=core.windows.net"`,
      ),
      '}',
    ),
    // --- tokens
    file(
      'scripts/release.sh',
      '#!/bin/sh',
      pos('token', `export GH_TOKEN=${g.ghp()}`),
      'gh release create "$1"',
    ),
    file(
      '.github/workflows/sync.yml',
      'env:',
      pos('token', `  TOKEN: ${g.ghp('ghs')}`),
      pos('token', `  PAT: ${g.pat()}`),
    ),
    file('tools/oauth.py', pos('token', `ACCESS = "${g.ghp('gho')}"`)),
    file('.gitlab-ci.yml', 'variables:', pos('token', `  GITLAB_TOKEN: ${g.glpat()}`)),
    file(
      'src/notify.ts',
      pos('token', `const slack = new WebClient('${g.xoxb()}');`),
      pos('token', `const hook = '${g.webhook()}';`),
    ),
    file(
      'src/billing.rb',
      pos('token', `Stripe.api_key = "${g.stripe()}"`),
      pos('token', `RESTRICTED = '${g.stripe('rk')}'`),
    ),
    file('.npmrc', pos('token', `//registry.npmjs.org/:_authToken=${g.npm()}`)),
    // --- jwt
    file(
      'test/api.http',
      'GET https://api.internal.example/orders',
      pos('jwt', `Authorization: Bearer ${g.jwt()}`),
    ),
    // --- connection strings
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
    // --- generic assignments
    file('src/config.py', 'DB_USER = "billing"', pos('generic', `DB_PASSWORD = "${g.password()}"`)),
    file('src/client.js', pos('generic', `const apiKey = '${g.str(32, '0123456789abcdef')}';`)),
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
    file(
      'settings.json',
      '{',
      pos(
        'generic',
        `  "api_key": "${g.str(8, '0123456789abcdef')}-${g.str(4, '0123456789abcdef')}-4${g.str(3, '0123456789abcdef')}-a${g.str(3, '0123456789abcdef')}-${g.str(12, '0123456789abcdef')}",`,
      ),
      '  "region": "eu"',
      '}',
    ),
    file('.env', pos('generic', `SESSION_SECRET=${g.password(32)}`), 'PORT=8080'),
    // --- private keys
    file(
      'deploy/server.key',
      pos('private-key', '-----BEGIN RSA PRIVATE KEY-----'),
      g.pemBody('MIIEowIBAAKCAQEA'),
      g.pemLine(),
      '-----END RSA PRIVATE KEY-----',
    ),
    file(
      '.ssh/id_deploy',
      pos('private-key', '-----BEGIN OPENSSH PRIVATE KEY-----'),
      g.pemBody('b3BlbnNzaC1rZXktdjEAAAAA'),
      g.pemLine(),
      '-----END OPENSSH PRIVATE KEY-----',
    ),
    file(
      'config/tls.yml',
      'tls:',
      '  key: |',
      pos('private-key', '    -----BEGIN EC PRIVATE KEY-----'),
      `    ${g.pemBody('MHcCAQEEI')}`,
      `    ${g.pemLine()}`,
      '    -----END EC PRIVATE KEY-----',
    ),
    // --- negatives: placeholders, references, look-alikes
    file(
      'docs/aws.md',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ),
    file(
      'docs/tokens.md',
      'export GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'TOKEN=<your-token>',
      'token: ${GITHUB_TOKEN}',
    ),
    file(
      '.github/workflows/ci.yml',
      'env:',
      '  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}',
      '  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}',
    ),
    file(
      'src/settings.py',
      'PASSWORD = os.environ["PASSWORD"]',
      'token = get_token()',
      'SECRET_KEY = env("SECRET_KEY")',
      'PASSWORD_MIN_LENGTH = 12',
    ),
    file(
      'src/auth.ts',
      'const apiKey = process.env.API_KEY;',
      'const passwordHash = await bcrypt.hash(password, 10);',
      "const tokenType = 'Bearer';",
      "const label = 'Enter your password';",
    ),
    file(
      'k8s/deploy.yaml',
      '        - name: DB_PASSWORD',
      '          valueFrom:',
      '            secretKeyRef:',
      '              name: db-credentials',
      '              key: password',
      '      secretName: my-app-tls',
    ),
    file(
      'config/dev.yml',
      'url: postgres://user:password@localhost:5432/app',
      'cache: redis://:changeme@127.0.0.1:6379',
      'mq: amqp://guest:guest@rabbitmq:5672',
      'db: mysql://root:root@db/app',
    ),
    file(
      'README.md',
      'See https://example.com/docs and git@github.com:org/repo.git',
      'Use `password: hunter2` only in examples.',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
    ),
    file(
      'src/crypto.ts',
      "if (line === '-----BEGIN RSA PRIVATE KEY-----') return 'rsa';",
      "const HEADER = '-----BEGIN PRIVATE KEY-----';",
    ),
    file(
      'docs/jwt.md',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ),
    file(
      'src/payments.js',
      "const publishable = 'pk_live_' + suffix;",
      `const stripeTest = '${'sk'}_test_${g.str(24)}';`,
      `STRIPE_SECRET_KEY = "${'sk'}_test_${g.str(24)}"`,
      `STRIPE_PUBLISHABLE_KEY = "${'pk'}_live_${g.str(24)}"`,
    ),
    file(
      'config/settings.yml',
      'password: "********"',
      'api_key: dummy-key-for-tests',
      'secret: true',
      'token_url: https://auth.internal.example/token',
      'password: ""',
    ),
    file('src/i18n/fr.json', '{ "password": "Mot de passe", "token": "Jeton d\'accès" }'),
    file('assets/logo.css', `.logo { background: url(data:image/png;base64,${g.str(400, B64)}); }`),
    file(
      'src/hashes.go',
      `var checksum = "sha256:${g.str(64, '0123456789abcdef')}"`,
      `requestID := "${g.str(8, '0123456789abcdef')}-${g.str(4, '0123456789abcdef')}"`,
    ),
    file(
      'src/tokenizer.py',
      'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
      'tokens = tokenizer(text)',
    ),
    file(
      'config/azurite.env',
      'AZURE_STORAGE=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;',
    ),
    file(
      'src/secret.ts',
      "export const SECRET_HEADER = 'x-secret';",
      'export function rotateToken(token: string) { return token; }',
    ),
  ];
  return files.map((f) => {
    const labels = new Map();
    f.lines.forEach((l, i) => {
      if (l.label) labels.set(i + 1, l.label);
    });
    return { path: f.path, text: `${f.lines.map((l) => l.text).join('\n')}\n`, labels };
  });
}
