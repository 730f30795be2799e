// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
// The decoys of the labelled secrets corpus (bench/secrets-corpus.mjs): lines that look like secrets
// and are not. Placeholders in every issuer's shape, ciphertext meant to be committed, public keys and
// identifiers, test-mode values, and look-alikes (digests, ids, encoded images). Every one of them is
// a false alarm if reported.

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;

/** Stand-ins that documentation and templates put where a secret goes. */
const PLACEHOLDERS = [
  '${TOKEN}',
  '<your-token>',
  '{{ .Values.token }}',
  '%s',
  'REPLACE_ME',
  'changeme',
  'xxxxxxxxxxxxxxxxxxxxxxxx',
  '************************',
  '########',
  '$(cat /run/secrets/token)',
  '${{ secrets.TOKEN }}',
  'YOUR_API_KEY_HERE',
];

/** Each issuer's example line with its secret replaced by a placeholder. */
function placeholderFiles(g, lib, file, decoy) {
  return lib.providers.map((spec, i) => {
    const ex = lib.expandExample(spec.example, g.rnd);
    const stand = PLACEHOLDERS[i % PLACEHOLDERS.length];
    const line = ex.line.slice(0, ex.start) + stand + ex.line.slice(ex.start + ex.secret.length);
    return file(`templates/${spec.id}.env`, decoy('placeholder', line));
  });
}

/** Hand-written decoys: ciphertext, public material, test values, look-alikes, placeholder keys. */
function handDecoys(g, file, decoy) {
  const pub = g.key('ec');
  return [
    // ciphertext meant to be committed
    file(
      'config/secrets.enc.yaml',
      decoy(
        'ciphertext',
        `db_password: ENC[AES256_GCM,data:${g.str(24, B64)},iv:${g.str(24, B64)},tag:${g.str(24, B64)},type:str]`,
      ),
      decoy(
        'ciphertext',
        `api_token: ENC[AES256_GCM,data:${g.str(40, B64)},iv:${g.str(24, B64)},tag:${g.str(24, B64)},type:str]`,
      ),
      'sops:',
      `    mac: ENC[AES256_GCM,data:${g.str(44, B64)},type:str]`,
    ),
    file(
      'k8s/sealed.yaml',
      'apiVersion: bitnami.com/v1alpha1',
      'kind: SealedSecret',
      'spec:',
      '  encryptedData:',
      decoy('ciphertext', `    password: AgB${g.str(300, B64)}`),
      decoy('ciphertext', `    api_key: AgA${g.str(300, B64)}`),
    ),
    file(
      'group_vars/all.yml',
      decoy('ciphertext', 'db_password: !vault |'),
      '  $ANSIBLE_VAULT;1.1;AES256',
      `  ${g.str(80, HEX)}`,
    ),
    file('src/main/resources/application.yml', decoy('ciphertext', `  password: ENC(${g.str(32, B64)})`)),
    file('config/cloud.yml', decoy('ciphertext', `client_secret: '{cipher}AQA${g.str(60, B64)}'`)),
    file('config/transit.yml', decoy('ciphertext', `api_key: vault:v1:${g.str(60, B64)}`)),
    file('config/kms.env', decoy('ciphertext', `DB_PASSWORD=AQICAHh${g.str(120, B64)}`)),
    file(
      '.env.keys.json',
      decoy('ciphertext', `{ "secret_key": "EJ[1:${g.str(44, B64)}:${g.str(32, B64)}:${g.str(40, B64)}]" }`),
    ),
    file('.env.enc', decoy('ciphertext', `API_TOKEN=encrypted:${g.str(80, B64)}`)),
    // public keys and identifiers
    file('keys/app.pub.pem', ...g.pem('PUBLIC KEY', pub).map((l, i) => (i === 0 ? decoy('public', l) : l))),
    file(
      'certs/server.crt',
      ...g.pem('CERTIFICATE', g.key('rsa')).map((l, i) => (i === 0 ? decoy('public', l) : l)),
    ),
    file(
      'keys/id_ed25519.pub',
      decoy('public', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.str(43, B64)} deploy@ci`),
    ),
    file(
      'web.config',
      decoy(
        'public',
        '<assemblyIdentity name="Newtonsoft.Json" publicKeyToken="30ad4fe6b2a6aeed" culture="neutral" />',
      ),
    ),
    file('views/layout.html', decoy('public', `<meta name="csrf-token" content="${g.str(40)}">`)),
    file('src/forms.py', decoy('public', `csrf_token = "${g.str(32)}"`)),
    file(
      'web/analytics.js',
      decoy('public', `posthog.init('phc_${g.str(43)}', { api_host: 'https://eu.posthog.com' })`),
    ),
    file('web/pay.js', decoy('public', `const stripe = Stripe('pk_live_${g.str(99)}');`)),
    file(
      'web/map.js',
      decoy(
        'public',
        `mapboxgl.accessToken = 'pk.${Buffer.from(JSON.stringify({ u: 'acme', a: g.str(10) })).toString('base64url')}.${g.str(22)}';`,
      ),
    ),
    file(
      'web/sentry.js',
      decoy(
        'public',
        `Sentry.init({ dsn: 'https://${g.str(32, HEX)}@o${g.str(6, '0123456789')}.ingest.sentry.io/${g.str(7, '0123456789')}' });`,
      ),
    ),
    file(
      'web/supabase.ts',
      decoy('public', `const supabase = createClient(url, 'sb_publishable_${g.str(31)}');`),
    ),
    file(
      'web/pay.ts',
      decoy('public', `FlutterwaveCheckout({ public_key: 'FLWPUBK-${g.str(32, HEX)}-X' });`),
    ),
    file(
      'web/captcha.html',
      decoy('public', `<div class="g-recaptcha" data-sitekey="6L${g.str(38)}"></div>`),
    ),
    file(
      'web/search.js',
      decoy(
        'public',
        `const search = algoliasearch('${g.str(10).toUpperCase()}', '${g.str(32, HEX)}'); // search-only key`,
      ),
    ),
    file('.env.local', decoy('public', `NEXT_PUBLIC_MAPS_KEY=${g.str(32)}`)),
    file(
      'web/firebase.js',
      'const firebaseConfig = {',
      decoy('public', `  apiKey: "AIza${g.str(35)}",`),
      '  authDomain: "acme-app.firebaseapp.com",',
      '  messagingSenderId: "123456789012",',
      '};',
    ),
    file(
      'android/app/google-services.json',
      '{ "api_key": [',
      decoy('public', `  { "current_key": "AIza${g.str(35)}" }`),
      '] }',
    ),
    // test-mode and published sample values
    file(
      'src/payments.js',
      decoy('test', `const stripe = require('stripe')('sk_test_${g.str(24)}');`),
      decoy('test', `STRIPE_RESTRICTED = 'rk_test_${g.str(24)}'`),
    ),
    file(
      'tests/fixtures.env',
      decoy('test', `FLW_SECRET_KEY=FLWSECK_TEST-${g.str(32, HEX)}-X`),
      decoy('test', `SHIPPO_TOKEN=shippo_test_${g.str(40, HEX)}`),
      decoy('test', `DUFFEL_TOKEN=duffel_test_${g.str(43)}`),
      decoy('test', `EASYPOST_API_KEY=EZTK${g.str(54)}`),
      decoy('test', `PLAID_ACCESS_TOKEN=access-sandbox-${g.uuid()}`),
    ),
    file(
      'docs/aws.md',
      decoy('test', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'),
      decoy('test', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    ),
    file(
      'docs/jwt.md',
      decoy(
        'test',
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      ),
    ),
    file('tests/auth.test.ts', decoy('test', `const expired = '${g.jwt({ exp: 1500000000 })}';`)),
    file(
      'tests/github.go',
      decoy('test', `token := "gho_${g.str(36)}" // shape only, never issued`),
      decoy('test', 'client := github.NewClient("gho_abc123")'),
    ),
    file(
      'config/azurite.env',
      decoy(
        'test',
        'AZURE_STORAGE=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;',
      ),
    ),
    file(
      'docker-compose.yml',
      decoy('test', '      MYSQL_ALLOW_EMPTY_PASSWORD: "1"'),
      decoy('test', '      HF_TOKEN: "HF_TOKEN"'),
      decoy('test', '      POSTGRES_PASSWORD: postgres'),
      decoy('test', '      DATABASE_URL: postgres://app:app@db:5432/app'),
    ),
    file(
      'config/dev.yml',
      decoy('test', 'url: postgres://user:password@localhost:5432/app'),
      decoy('test', 'cache: redis://:changeme@127.0.0.1:6379'),
      decoy('test', 'mq: amqp://guest:guest@rabbitmq:5672'),
    ),
    // commented-out configuration
    file('php.ini', decoy('commented', `;secret_key = ${g.str(32)}`), 'session.save_handler = files'),
    file(
      'config/app.yml',
      decoy('commented', `# api_token: ${g.str(32)}`),
      decoy('commented', `#password: ${g.password(16)}`),
    ),
    file('.env.defaults', decoy('commented', `# SESSION_SECRET=${g.str(32)}`)),
    // look-alikes
    file('package-lock.json', decoy('look-alike', `      "integrity": "sha512-${g.str(86, B64)}=="`)),
    file('go.sum', decoy('look-alike', `github.com/acme/lib v1.2.3 h1:${g.str(43, B64)}=`)),
    file(
      'k8s/deploy.yaml',
      decoy('look-alike', `        image: registry.corp.internal/app@sha256:${g.str(64, HEX)}`),
      '        - name: DB_PASSWORD',
      '          valueFrom:',
      '            secretKeyRef:',
      decoy('look-alike', '              name: db-credentials'),
      decoy('look-alike', '      secretName: my-app-tls'),
    ),
    file(
      'src/hashes.go',
      decoy('look-alike', `var checksum = "sha256:${g.str(64, HEX)}"`),
      decoy('look-alike', `commit := "${g.str(40, HEX)}"`),
      decoy('look-alike', `requestID := "${g.uuid()}"`),
    ),
    file(
      'src/auth.ts',
      decoy('look-alike', 'const passwordHash = await bcrypt.hash(password, 10);'),
      decoy('look-alike', "const tokenType = 'Bearer';"),
      decoy('look-alike', 'const apiKey = process.env.API_KEY;'),
      decoy('look-alike', `const hashed = '$2b$12$${g.str(53, `${ALNUM}./`)}';`),
    ),
    file(
      'src/settings.py',
      decoy('look-alike', 'PASSWORD = os.environ["PASSWORD"]'),
      decoy('look-alike', 'SECRET_KEY = env("SECRET_KEY")'),
      decoy('look-alike', 'PASSWORD_MIN_LENGTH = 12'),
      decoy('look-alike', 'token = get_token()'),
    ),
    file(
      '.github/workflows/ci.yml',
      'env:',
      decoy('look-alike', '  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}'),
      decoy('look-alike', '  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}'),
    ),
    file(
      'assets/logo.css',
      decoy('look-alike', `.logo { background: url(data:image/png;base64,${g.str(400, B64)}); }`),
    ),
    file(
      'src/i18n/fr.json',
      decoy('look-alike', '{ "password": "Mot de passe", "token": "Jeton d\'accès" }'),
    ),
    file(
      'config/settings.yml',
      decoy('look-alike', 'password: "********"'),
      decoy('look-alike', 'secret: true'),
      decoy('look-alike', 'token_url: https://auth.internal.example/token'),
      decoy('look-alike', 'password: ""'),
    ),
    file(
      'src/pagination.py',
      decoy('look-alike', `next_page_token = "${g.str(40)}"`),
      decoy('look-alike', `nextPageToken: '${g.str(40)}'`),
    ),
    file(
      'src/tokenizer.py',
      decoy('look-alike', 'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")'),
    ),
    file(
      'README.md',
      decoy('look-alike', 'See https://github.com/actions/checkout@v4 and git@github.com:org/repo.git'),
      decoy('look-alike', 'Use `password: hunter2` only in examples.'),
    ),
    file(
      'src/crypto.ts',
      decoy('look-alike', "if (line === '-----BEGIN RSA PRIVATE KEY-----') return 'rsa';"),
      decoy('look-alike', "const HEADER = '-----BEGIN PRIVATE KEY-----';"),
    ),
    // placeholder keys
    file(
      'docs/mtls.md',
      decoy('placeholder-key', '-----BEGIN RSA PRIVATE KEY-----'),
      '<client private key>',
      '-----END RSA PRIVATE KEY-----',
    ),
    file(
      'docs/tls.md',
      decoy('placeholder-key', '-----BEGIN PRIVATE KEY-----'),
      '...',
      '-----END PRIVATE KEY-----',
    ),
    file(
      'config/example.yml',
      decoy(
        'placeholder-key',
        '  key: "-----BEGIN EC PRIVATE KEY-----\\n<REDACTED>\\n-----END EC PRIVATE KEY-----\\n"',
      ),
    ),
    file(
      'docs/ssh.md',
      decoy('placeholder-key', '-----BEGIN OPENSSH PRIVATE KEY-----'),
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn',
      '...',
      '-----END OPENSSH PRIVATE KEY-----',
    ),
    file(
      'testdata/keys/bad.pem',
      decoy('placeholder-key', '-----BEGIN RSA PRIVATE KEY-----'),
      'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      '-----END RSA PRIVATE KEY-----',
    ),
    file(
      'docs/pgp.md',
      decoy('placeholder-key', '-----BEGIN PGP PRIVATE KEY BLOCK-----'),
      '',
      '(your exported key)',
      '-----END PGP PRIVATE KEY BLOCK-----',
    ),
  ];
}

/** Every decoy file of the corpus. */
export function decoyFiles(g, lib, file, decoy) {
  return [...placeholderFiles(g, lib, file, decoy), ...handDecoys(g, file, decoy)];
}
