import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { crc24 } from '../../src/core/evaluators/secrets/checksums.js';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';
import { cleanup, makeTree } from './kit.js';
import { certificate, ecKeyPair, example, hits, keyBody, pem, rand } from './secrets-kit.js';

afterAll(cleanup);

/**
 * Private keys are reported only when their body has the structure of a key: the false alarms of
 * issue 13 were PEM headers around placeholders, and none of those decodes to a key.
 */

const keys = (text: string, path = 'deploy/server.key') =>
  scanText(path, text).map((h) => `${h.line}:${h.start + 1}:${h.detector}:${h.confidence}:${h.label}`);

describe('private keys, verified by structure', () => {
  it.each([
    ['RSA PRIVATE KEY', 'rsa', 'PEM private key'],
    ['PRIVATE KEY', 'pkcs8', 'PEM private key'],
    ['EC PRIVATE KEY', 'ec', 'PEM private key'],
    ['OPENSSH PRIVATE KEY', 'openssh', 'PEM private key'],
  ])('finds a %s whose body decodes to a key', (label, kind, name) => {
    expect(keys(`${pem(label, keyBody(kind))}\n`)).toEqual([`1:1:private-key:high:${name}`]);
  });

  it.each([
    ['an angle-bracket placeholder', '<client private key>'],
    ['a redaction', '<REDACTED - see vault>'],
    ['dots', '...'],
    ['stars', '****************************************************************'],
    ['x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a word', 'FAKEKEYFORTESTS'],
    [
      'random base64 that is not DER',
      rand(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
    ],
  ])('does not report a PEM header around %s', (_what, body) => {
    expect(keys(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`)).toEqual([]);
  });

  it('does not report a key cut short in documentation', () => {
    const body = keyBody('rsa');
    const doc = `-----BEGIN RSA PRIVATE KEY-----\n${body.slice(0, 64)}\n${body.slice(64, 128)}\n...\n-----END RSA PRIVATE KEY-----\n`;
    expect(keys(doc, 'docs/tls.md')).toEqual([]);
    // Nor when prose follows the cut instead of the END line.
    const prose = `-----BEGIN RSA PRIVATE KEY-----\n${body.slice(0, 64)}\nThen paste the rest of the key into the vault and keep it safe from everyone who is not an operator.\n`;
    expect(keys(prose, 'docs/tls.md')).toEqual([]);
  });

  it('reads keys written into JSON strings, YAML blocks and code', () => {
    const ec = keyBody('ec');
    const json = `{\n  "signing_key": "${pem('EC PRIVATE KEY', ec).replace(/\n/g, '\\n')}\\n"\n}\n`;
    expect(hits(json, 'secrets.json')).toEqual(['2:19:private-key']);
    const yaml = `tls:\n  key: |\n${pem('PRIVATE KEY', keyBody('pkcs8'), '    ')}\n`;
    expect(hits(yaml, 'config/app.yml')).toEqual(['3:5:private-key']);
    const lines = pem('RSA PRIVATE KEY', keyBody('rsa')).split('\n');
    const go = `const key = "" +\n${lines.map((l) => `\t"${l}\\n" +`).join('\n')}\n\t""\n`;
    expect(hits(go, 'internal/keys.go')).toEqual(['2:3:private-key']);
    const oneLine = `KEY="${pem('EC PRIVATE KEY', ec).replace(/\n/g, ' ')}"\n`;
    expect(hits(oneLine, 'deploy/.env.production')).toEqual(['1:6:private-key']);
  });

  // Lines ending in a carriage return alone (old Mac line endings; key parsers accept them) hid a
  // key's body from the PEM reader.
  it.each([
    ['LF', (k: string) => `${k}\n`, 'config/tls.pem', '1:1'],
    ['CR LF', (k: string) => `${k.replace(/\n/g, '\r\n')}\r\n`, 'config/tls.pem', '1:1'],
    ['CR only', (k: string) => `${k.replace(/\n/g, '\r')}\r`, 'config/tls.pem', '1:1'],
    [
      'CR only, in a Python string',
      (k: string) => `KEY = """${k.replace(/\n/g, '\r')}"""\n`,
      'src/keys.py',
      '1:10',
    ],
  ])('reads a key whose lines end in %s', (_what, write, path, at) => {
    expect(keys(write(pem('RSA PRIVATE KEY', keyBody('rsa'))), path)).toEqual([
      `${at}:private-key:high:PEM private key`,
    ]);
  });

  // A key written as base64 of its PEM text (a CI variable, a chart value, a `.env` entry, a
  // service-account key file encoded whole) held no header to see: the scan passed it by.
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const wrap = (text: string, width: number, indent: string) =>
    (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).map((l) => `${indent}${l}`).join('\n');
  it.each([
    [
      'PKCS#8, on one line of a .env',
      'PRIVATE KEY',
      'pkcs8',
      (v: string) => `TLS_KEY_B64=${v}\n`,
      'deploy/app.env',
      '1:13',
    ],
    [
      'RSA, a YAML value',
      'RSA PRIVATE KEY',
      'rsa',
      (v: string) => `tls:\n  key: "${v}"\n`,
      'deploy/values.yaml',
      '2:9',
    ],
    [
      'EC, wrapped in a block scalar',
      'EC PRIVATE KEY',
      'ec',
      (v: string) => `signing:\n  key: |\n${wrap(v, 76, '    ')}\n`,
      'deploy/values.yaml',
      '3:5',
    ],
    [
      'OpenSSH, wrapped at 64 with CR LF',
      'OPENSSH PRIVATE KEY',
      'openssh',
      (v: string) => `${wrap(v, 64, '')}\r\n`.replace(/\n/g, '\r\n'),
      'ci/deploy_key.b64',
      '1:1',
    ],
  ])('finds a key written as base64 of its PEM text: %s', (_what, label, kind, write, path, at) => {
    expect(keys(write(b64(`${pem(label, keyBody(kind))}\n`)), path)).toEqual([
      `${at}:base64-private-key:high:PEM private key, base64-encoded`,
    ]);
  });

  it('finds the key of a service-account key file encoded whole, wherever the key falls in the lines', () => {
    const file = JSON.stringify(
      {
        type: 'service_account',
        project_id: 'acme-prod',
        private_key: `${pem('PRIVATE KEY', keyBody('pkcs8'))}\n`,
      },
      null,
      2,
    );
    const ci = `variables:\n  GOOGLE_CREDENTIALS: >-\n${wrap(b64(file), 76, '    ')}\n`;
    expect(keys(ci, '.gitlab-ci.yml')).toEqual([
      '4:1:base64-private-key:high:GCP service account key file, base64-encoded',
    ]);
    // The same key encoded or written plainly is one secret.
    const plain = scanText('config/sa.json', file)[0]?.value;
    expect(scanText('.gitlab-ci.yml', ci)[0]?.value).toBe(plain);
  });

  it.each([
    [
      'a placeholder body',
      b64('-----BEGIN PRIVATE KEY-----\n<paste the key here>\n-----END PRIVATE KEY-----\n'),
    ],
    [
      'a public key',
      b64('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n'),
    ],
    ['random base64', rand(400, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')],
  ])('does not report base64 of %s', (_what, value) => {
    expect(keys(`KEY_B64=${value}\n`, 'deploy/app.env').filter((k) => k.includes('private-key'))).toEqual([]);
  });

  it('reads hostile runs of base64 in time linear in their length', () => {
    // Every 20 characters an anchor of the base64 detector: each used to read the run again.
    const anchor = b64('xxPRIVATE KEY-----').slice(3, 24);
    const line = `K=${anchor.repeat(20_000)}\n`;
    const wrapped = `k: |\n${`  ${anchor}${anchor}${anchor}\n`.repeat(20_000)}`;
    const t0 = performance.now();
    expect(keys(line, 'deploy/app.env')).toEqual([]);
    expect(keys(wrapped, 'deploy/values.yaml')).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('reads a PEM key in a JSON string whose solidus is escaped, as PHP writes JSON', () => {
    const json = `{"signing_key":"${pem('PRIVATE KEY', keyBody('pkcs8')).replace(/\n/g, '\\n').replace(/\//g, '\\/')}\\n"}\n`;
    expect(keys(json, 'config/signing.json')).toEqual(['1:17:private-key:high:PEM private key']);
  });

  it('does not take a CR-only placeholder body for a key', () => {
    const doc = '-----BEGIN RSA PRIVATE KEY-----\r<paste the key here>\r-----END RSA PRIVATE KEY-----\r';
    expect(keys(doc, 'config/tls.pem')).toEqual([]);
  });

  it('grades a key in code assigned to a name for test material low, naming it', () => {
    const scanned = (text: string, path: string) =>
      scanText(path, text).map((h) => `${h.line}:${h.detector}:${h.confidence}:${h.note ?? ''}`);
    const key = pem('PRIVATE KEY', keyBody('pkcs8'));
    const rust = `// Keys for the seeder.\nconst TEST_FAKE_RSA_KEY_0: &str = "${key}";\n`;
    expect(scanned(rust, 'util/seeder/src/rsa_keys.rs')).toEqual([
      '2:private-key:low:assigned to `TEST_FAKE_RSA_KEY_0`, a name for test material',
    ]);
    // The name on the line above the armour; CamelCase words count.
    const ts = `export const dummySigningKey =\n  \`${key}\`;\n`;
    expect(scanned(ts, 'src/auth/keys.ts')).toEqual([
      '2:private-key:low:assigned to `dummySigningKey`, a name for test material',
    ]);
    // A name that only holds the letters, or names no fixture, is a key like any other.
    for (const name of ['LATEST_SIGNING_KEY', 'contestKey', 'PROD_KEY']) {
      expect(scanned(`${name} = '''${key}'''\n`, 'app/keys.py')).toEqual(['1:private-key:high:']);
    }
  });

  it.each([
    // [build constraint, expected confidence and note]
    ['//go:build e2e', 'low:compiled only into test builds (`//go:build e2e`)'],
    [
      '//go:build integration && linux',
      'low:compiled only into test builds (`//go:build integration && linux`)',
    ],
    [
      '//go:build e2e_test || unittest',
      'low:compiled only into test builds (`//go:build e2e_test || unittest`)',
    ],
    ['//go:build !e2e', 'high:'],
    ['//go:build linux', 'high:'],
    ['//go:build e2e || linux', 'high:'],
    ['//go:build latest', 'high:'],
    ['', 'high:'],
    // Go reads a constraint only among the line comments before the package clause: not inside a
    // block comment, nor after one.
    ['/*\n//go:build e2e\n*/', 'high:'],
    ['/* Copyright */\n//go:build e2e', 'high:'],
    [
      '//go:build (e2e || linux) && integration',
      'low:compiled only into test builds (`//go:build (e2e || linux) && integration`)',
    ],
    ['//go:build !(e2e || integration)', 'high:'],
    ['//go:build e2e || !e2e', 'high:'],
    // The legacy form, before a blank line.
    ['// +build e2e', 'low:compiled only into test builds (`// +build e2e`)'],
    ['// +build e2e linux', 'high:'],
  ])('grades a key in Go source built under %j by its build constraint', (constraint, expected) => {
    const key = pem('PRIVATE KEY', keyBody('pkcs8'));
    const go = `// Copyright\n\n${constraint}\n\npackage util\n\nvar signer = \`${key}\`\n`;
    expect(
      scanText('pkg/util/signer.go', go).map((h) => `${h.detector}:${h.confidence}:${h.note ?? ''}`),
    ).toEqual([`private-key:${expected}`]);
  });

  it.each([
    // [case, code before the key, code after it, expected confidence and note]
    [
      "a unit test's `ut_` function",
      'static int ut_token_create(void) {\n        char *pem;\n\n        RD_UT_BEGIN();\n        pem =\n',
      ';\n        RD_UT_PASS();\n}\n',
      'low:inside `ut_token_create`, a unit-test function',
    ],
    [
      'a test function whose head spans two lines',
      'static void\ntest_sign_roundtrip(struct ctx *c)\n{\n        const char *pem =\n',
      ';\n}\n',
      'low:inside `test_sign_roundtrip`, a unit-test function',
    ],
    [
      'a function that is no test',
      'int load_default_key(struct ctx *c) {\n        const char *pem =\n',
      ';\n}\n',
      'high:',
    ],
    [
      'a call at column 0, its `;` on the next line, in a function that is no test',
      'int load_default_key(struct ctx *c) {\n        const char *pem;\nmock_reset(0)\n        ;\n        pem =\n',
      ';\n}\n',
      'high:',
    ],
    [
      'a call of a test-named function at column 0 followed by a block',
      'int load_default_key(struct ctx *c) {\n        const char *pem;\nut_reset(ctx)\n{\n        pem =\n',
      ';\n}\n}\n',
      'high:',
    ],
    [
      "a test framework's macro",
      'TEST(Signer, RoundTrip) {\n        const char *pem =\n',
      ';\n}\n',
      'low:inside `TEST`, a unit-test function',
    ],
    [
      'a key after a test function has closed',
      'static int ut_parse(void) {\n        return 0;\n}\n\nconst char *server_key =\n',
      ';\n',
      'high:',
    ],
    [
      'a test-named function whose value code that is no test uses',
      'static const char *ut_server_key(void)\n{\n        return\n',
      ';\n}\n\nint main(void) { return serve(ut_server_key()); }\n',
      'high:',
    ],
    [
      'a test-named function whose value another function assigns',
      'static const char *test_key(void) {\n        return\n',
      ';\n}\n\nint load(struct ctx *c) {\n        c->key = test_key();\n        return 0;\n}\n',
      'high:',
    ],
    [
      "a test function that a test runner's main calls as a statement",
      'static int ut_token_create(void) {\n        char *pem =\n',
      ';\n        return check(pem);\n}\n\nint main(void) {\n        ut_token_create();\n        return 0;\n}\n',
      'low:inside `ut_token_create`, a unit-test function',
    ],
    [
      'a test function named in a table of tests and called by another test',
      'static const char *test_key(void) {\n        return\n',
      ';\n}\n\nstatic void test_sign(void) {\n        sign(test_key());\n}\n\nint main(void) {\n        RUN_TEST(test_sign);\n        RUN_TEST(test_key);\n}\n',
      'low:inside `test_key`, a unit-test function',
    ],
  ])('grades a key in C source by the function it stands in: %s', (_case, before, after, expected) => {
    const key = pem('PRIVATE KEY', keyBody('pkcs8'))
      .split('\n')
      .map((l) => `            "${l}\\n"`)
      .join('\n');
    expect(
      scanText('src/sasl_oidc.c', `${before}${key}${after}`).map(
        (h) => `${h.detector}:${h.confidence}:${h.note ?? ''}`,
      ),
    ).toEqual([`private-key:${expected}`]);
  });

  it('does not read a build constraint after the package clause', () => {
    const key = pem('PRIVATE KEY', keyBody('pkcs8'));
    const go = `package util\n\n//go:build e2e\n\nvar signer = \`${key}\`\n`;
    expect(scanText('pkg/util/signer.go', go).map((h) => h.confidence)).toEqual(['high']);
  });

  it('grades a key low beside its own certificate for test material, the loopback host, or long expired', () => {
    const scanned = (text: string, path = 'tlsconfig/hello.go') =>
      scanText(path, text).map((h) => `${h.line}:${h.detector}:${h.confidence}:${h.note ?? ''}`);
    const { pem: key, key: k } = ecKeyPair();
    const bundle = (cert: Parameters<typeof certificate>[0]) => `${key}\n${certificate(cert)}\n`;
    // A demo server's key and certificate, in code.
    const sample = certificate({ key: k, subject: { CN: 'Tunnel Sample Hello Server Certificate' } });
    const go = `const helloKey = \`\n${key}\n\`\n\nconst helloCRT = \`\n${sample}\n\`\n`;
    expect(scanned(go)).toEqual([
      '2:private-key:low:its certificate is issued for test material (its subject or issuer says so)',
    ]);
    // A PEM bundle whose certificate's issuer is a CA for development only.
    const devOnly = bundle({
      key: k,
      subject: { CN: 'Origin Certificate' },
      issuer: { CN: '(dev use only)' },
    });
    expect(scanned(devOnly, 'credentials/bundle.pem')).toEqual([
      '1:private-key:low:its certificate is issued for test material (its subject or issuer says so)',
    ]);
    const loopback = bundle({ key: k, subject: { CN: 'dev' }, san: ['DNS:localhost', 'IP:127.0.0.1'] });
    expect(scanned(loopback, 'certs/dev.pem')).toEqual([
      '1:private-key:low:its certificate names only the loopback host',
    ]);
    const expired = bundle({
      key: k,
      subject: { CN: 'JobServiceManager' },
      notAfter: new Date('2019-03-07'),
    });
    expect(scanned(expired, 'certs/server.pem')).toEqual([
      '1:private-key:low:its certificate expired on 2019-03-07',
    ]);
    // A certificate for a host, even a test environment's, in force, is a real service's: the key
    // stays high, and is judged again when a year has passed since its certificate expired.
    const notAfter = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000);
    const live = scanText('certs/api.pem', bundle({ key: k, subject: { CN: 'api-test.acme.io' }, notAfter }));
    expect(live.map((h) => [h.confidence, h.note, h.until])).toEqual([
      ['high', undefined, notAfter.getTime() + 365 * 86_400_000],
    ]);
    // A line of the body may start with `+`, as a concatenation in code does: the key is read whole.
    let plus = ecKeyPair();
    while (!/\n\+/.test(plus.pem)) plus = ecKeyPair();
    const demo = certificate({ key: plus.key, subject: { CN: 'Demo Server' } });
    expect(scanned(`const key = \`\n${plus.pem}\n\`\nconst crt = \`\n${demo}\n\`\n`)).toEqual([
      '2:private-key:low:its certificate is issued for test material (its subject or issuer says so)',
    ]);
    // A certificate with an empty subject and issuer is judged by what else it says.
    const nameless = bundle({ key: k, subject: {}, san: ['DNS:localhost'] });
    expect(scanned(nameless, 'certs/local.pem')).toEqual([
      '1:private-key:low:its certificate names only the loopback host',
    ]);
    expect(scanned(bundle({ key: k, subject: {} }), 'certs/server.pem')).toEqual(['1:private-key:high:']);
    // A test certificate of another key says nothing about this one.
    const other = certificate({ key: ecKeyPair().key, subject: { CN: 'Sample' } });
    expect(scanned(`${key}\n${other}\n`, 'certs/server.pem')).toEqual(['1:private-key:high:']);
  });

  // Anyone holding a key can mint a certificate for it saying anything: the words of a self-signed
  // one lower nothing; the same words from an issuer (a test PKI's CA) do.
  it.each([
    [
      'a demo subject',
      { subject: { O: 'Acme', OU: 'Demo', CN: 'api.acme.com' } },
      'issued for test material',
    ],
    ['"do not use"', { subject: { CN: 'do not use' } }, 'issued for test material'],
  ])(
    'a certificate for the key with %s lowers it only when another key issued it',
    async (_what, fields, note) => {
      const { pem: key, key: k } = ecKeyPair('pkcs8');
      const judged = async (selfSigned: boolean) => {
        const root = makeTree({
          'deploy/server.key': `${key}\n`,
          'deploy/server.crt': `${certificate({ key: k, ...fields, selfSigned })}\n`,
          'certs/bundle.pem': `${key}\n${certificate({ key: k, ...fields, selfSigned })}\n`,
        });
        const report = await runCheck({ root, onlyRules: ['private-key-committed'], persona: 'auditor' });
        return report.findings.map((f) => `${f.location?.path}:${f.confidence}:${f.message.includes(note)}`);
      };
      expect(await judged(true)).toEqual(['certs/bundle.pem:high:false', 'deploy/server.key:high:false']);
      expect(await judged(false)).toEqual(['certs/bundle.pem:low:true', 'deploy/server.key:low:true']);
    },
  );

  // A test PKI's leaf for names reserved for documentation and testing (RFC 2606, 6761) authenticates
  // no host anyone reaches; a self-signed one says what the key's holder wrote, and one certificate
  // name of a real host, or an address, keeps the key as it is.
  it.each([
    ['.test names', ['DNS:mail.example.test', 'DNS:relay.test'], { san: ['DNS:mail.acme.io'] }],
    [
      'example.com, a wildcard of example.org and .invalid',
      ['DNS:api.example.com', 'DNS:*.example.org', 'DNS:x.invalid'],
      { san: ['IP:10.0.0.5'] },
    ],
    [
      'a .localhost name and a loopback address',
      ['DNS:dev.localhost', 'IP:127.0.0.1', 'DNS:relay.test'],
      {
        subject: { CN: 'relay.acme.io' },
      },
    ],
  ])(
    'a CA-issued certificate for %s only lowers the key; self-signed, or with a real host, it stays',
    (_what, san, real) => {
      const { pem: key, key: k } = ecKeyPair();
      const judged = (
        selfSigned: boolean,
        extra: { san?: string[]; subject?: Record<string, string> } = {},
      ) => {
        const cert = certificate({
          key: k,
          subject: extra.subject ?? { CN: 'Acme Leaf' },
          issuer: { CN: 'Acme Root CA' },
          san: [...san, ...(extra.san ?? [])],
          selfSigned,
        });
        return scanText('stack/mail-compose.yaml', `${key}\n${cert}\n`).map((h) => h.confidence)[0];
      };
      expect([judged(false), judged(true), judged(false, real)]).toEqual(['low', 'high', 'high']);
    },
  );

  it('says which reserved names the certificate is for', () => {
    const { pem: key, key: k } = ecKeyPair();
    const san = ['DNS:a.example.test', 'DNS:b.example.test', 'DNS:c.example.test', 'DNS:d.test'];
    const cert = certificate({ key: k, subject: { CN: 'Acme Leaf' }, issuer: { CN: 'Acme Root CA' }, san });
    expect(scanText('certs/leaf.pem', `${key}\n${cert}\n`).map((h) => h.note)).toEqual([
      'its certificate is issued for reserved host names only (a.example.test, b.example.test, c.example.test and 1 more)',
    ]);
  });

  // A certificate for the loopback host alone, or long expired, serves no service others reach,
  // whoever signed it: a test key's own certificate, as test suites mint them.
  it.each([
    [
      'the loopback host only',
      { subject: { CN: 'dev' }, san: ['DNS:localhost'] },
      'names only the loopback host',
    ],
    [
      'an expiry long past',
      { subject: { CN: 'api.acme.com' }, notAfter: new Date('2019-03-07') },
      'expired on 2019-03-07',
    ],
  ])('a certificate for the key with %s lowers it, self-signed or issued', async (_what, fields, note) => {
    const { pem: key, key: k } = ecKeyPair('pkcs8');
    const judged = async (selfSigned: boolean) => {
      const root = makeTree({
        'deploy/server.key': `${key}\n`,
        'deploy/server.crt': `${certificate({ key: k, ...fields, selfSigned })}\n`,
      });
      const report = await runCheck({ root, onlyRules: ['private-key-committed'], persona: 'auditor' });
      return report.findings.map((f) => `${f.location?.path}:${f.confidence}:${f.message.includes(note)}`);
    };
    expect(await judged(true)).toEqual(['deploy/server.key:low:true']);
    expect(await judged(false)).toEqual(['deploy/server.key:low:true']);
  });

  it('reads the certificate kept beside a key file, and says which', async () => {
    const { pem: key, key: k } = ecKeyPair('pkcs8');
    const expired = certificate({
      key: k,
      subject: { CN: 'JobServiceManager' },
      issuer: { CN: 'JobServiceCA' },
      san: ['IP:10.4.142.42'],
      notAfter: new Date('2019-03-07'),
    });
    const root = makeTree({
      'src/jobservice/server.key': `${key}\n`,
      'src/jobservice/server.crt': `${expired}\n`,
      'deploy/tls-key.pem': `${key}\n`,
      'deploy/tls-cert.pem': `${certificate({ key: k, subject: { CN: 'api.acme.io' } })}\n`,
      // The certificate of another key, beside it: no word about this one.
      'ops/server.key': `${key}\n`,
      'ops/server.crt': `${certificate({ key: ecKeyPair().key, subject: { CN: 'test' } })}\n`,
    });
    const report = await runCheck({ root, onlyRules: ['private-key-committed'], persona: 'auditor' });
    expect(
      report.findings.map((f) => [
        `${f.location?.path}:${f.location?.startLine}`,
        f.severity,
        f.confidence,
        f.message,
      ]),
    ).toEqual([
      [
        'deploy/tls-key.pem:1',
        'critical',
        'high',
        'PEM private key is committed (`-----BEGIN PRIVATE KEY-----`).',
      ],
      [
        'ops/server.key:1',
        'critical',
        'high',
        'PEM private key is committed (`-----BEGIN PRIVATE KEY-----`).',
      ],
      [
        'src/jobservice/server.key:1',
        'critical',
        'low',
        'PEM private key is committed (`-----BEGIN PRIVATE KEY-----`) (its certificate (server.crt) expired on 2019-03-07).',
      ],
    ]);
  });

  it('pairs a key with another certificate file of its folder, by public key only', async () => {
    const { pem: key, key: k } = ecKeyPair('pkcs8');
    const other = ecKeyPair();
    const loopback = (key: typeof k) =>
      `${certificate({ key, subject: { O: 'Acme Messaging Inc.', CN: 'acme.io' }, san: ['IP:127.0.0.1'] })}\n`;
    const cases: [string, Record<string, string>, string][] = [
      // The certificate under an unrelated name: found in the folder, it names only the loopback host.
      [
        'a bare key beside server.pem',
        { 'conf/certs/key.pem': `${key}\n`, 'conf/certs/server.pem': loopback(k) },
        'low',
      ],
      [
        'a key word mid-name',
        { 'conf/tls/key.new.pem': `${key}\n`, 'conf/tls/cert.new.pem': loopback(k) },
        'low',
      ],
      // Another key's certificate in the folder says nothing of this one.
      [
        'another key’s certificate',
        { 'conf/x/key.pem': `${key}\n`, 'conf/x/server.pem': loopback(other.key) },
        'high',
      ],
      // A certificate in another folder is not looked for.
      ['a certificate elsewhere', { 'conf/y/key.pem': `${key}\n`, 'conf/z/server.pem': loopback(k) }, 'high'],
    ];
    for (const [name, files, confidence] of cases) {
      const root = makeTree(files);
      const report = await runCheck({ root, onlyRules: ['private-key-committed'], persona: 'auditor' });
      expect(
        report.findings.map((f) => f.confidence),
        name,
      ).toEqual([confidence]);
    }
  });

  it('reports encrypted keys with medium confidence', () => {
    const pkcs8 = Buffer.from(keyBody('pkcs8'), 'base64');
    // EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID ... } ... }
    pkcs8[4] = 0x30;
    expect(keys(`${pem('ENCRYPTED PRIVATE KEY', pkcs8.toString('base64'))}\n`)).toEqual([
      '1:1:private-key:medium:PEM private key (encrypted)',
    ]);
    const legacy = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,8B0C1A96E3D0F2C4A1B2C3D4E5F60718',
      '',
      ...(rand(1200, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/').match(/.{64}/g) ??
        []),
      '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    expect(keys(legacy)).toEqual(['1:1:private-key:medium:PEM private key (encrypted)']);
  });

  it('checks PGP secret key blocks by packet tag and armour checksum', () => {
    const body = keyBody('pgp');
    const sum = Buffer.alloc(3);
    sum.writeUIntBE(crc24(Buffer.from(body, 'base64')), 0, 3);
    const block = (crc: string) =>
      [
        '-----BEGIN PGP PRIVATE KEY BLOCK-----',
        'Comment: release signing key',
        '',
        ...(body.match(/.{1,64}/g) ?? []),
        `=${crc}`,
        '-----END PGP PRIVATE KEY BLOCK-----',
      ].join('\n');
    expect(keys(block(sum.toString('base64')), 'keys/release.asc')).toEqual([
      '1:1:private-key:high:PGP private key block',
    ]);
    expect(keys(block('AAAA'), 'keys/release.asc')).toEqual([]);
    // A public key block is not a secret.
    expect(keys(block(sum.toString('base64')).replace(/PRIVATE/g, 'PUBLIC'), 'keys/release.asc')).toEqual([]);
  });

  it('reads a PGP key whose armour line starts with + or //, base64 characters, exactly', () => {
    for (const lead of ['+', '//']) {
      const raw = keyBody('pgp');
      const body = `${raw.slice(0, 64)}${lead}${raw.slice(64 + lead.length)}`;
      const sum = Buffer.alloc(3);
      sum.writeUIntBE(crc24(Buffer.from(body, 'base64')), 0, 3);
      const block = [
        '-----BEGIN PGP PRIVATE KEY BLOCK-----',
        '',
        ...(body.match(/.{1,64}/g) ?? []),
        `=${sum.toString('base64')}`,
        '-----END PGP PRIVATE KEY BLOCK-----',
      ].join('\n');
      expect(keys(block, 'keys/release.asc')).toEqual(['1:1:private-key:high:PGP private key block']);
    }
  });

  it('checks PuTTY keys for their private lines and MAC', () => {
    const ppk = (mac: string) =>
      [
        'PuTTY-User-Key-File-3: ssh-ed25519',
        'Encryption: none',
        'Comment: deploy',
        'Public-Lines: 2',
        'AAAAC3NzaC1lZDI1NTE5AAAAIGx0',
        'ZmFrZQ==',
        'Private-Lines: 1',
        rand(48, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
        `Private-MAC: ${mac}`,
      ].join('\n');
    expect(keys(ppk(rand(64, '0123456789abcdef')), 'keys/admin.ppk')).toEqual([
      '1:1:private-key:high:PuTTY private key',
    ]);
    expect(keys(ppk('<mac>'), 'keys/admin.ppk')).toEqual([]);
  });

  it('checks age secret keys by their Bech32 checksum', () => {
    const key = example('AGE-SECRET-KEY-1{BECH32:52}{bech32sum}').secret;
    expect(keys(`# created: 2024-01-01\n${key}\n`, 'keys/age.txt')).toEqual([
      '2:1:age-secret-key:high:age secret key',
    ]);
    const broken = `${key.slice(0, -1)}${key.endsWith('Q') ? 'P' : 'Q'}`;
    expect(keys(`# created: 2024-01-01\n${broken}\n`, 'keys/age.txt')).toEqual([]);
  });

  it('does not take a quoted header constant in a parser for a key', () => {
    expect(hits("if (line === '-----BEGIN RSA PRIVATE KEY-----') return 'rsa';\n", 'src/pem.ts')).toEqual([]);
    expect(hits('const HEADER = "-----BEGIN OPENSSH PRIVATE KEY-----\\n";\n', 'src/ssh.ts')).toEqual([]);
  });
});

describe('keystores found by their bytes', () => {
  /**
   * A JKS with one key entry under `alias` (random bytes for the protected key) and the integrity
   * digest of `password`: SHA-1 of the password in UTF-16BE, "Mighty Aphrodite" and the content.
   */
  const jks = (alias: string, password: string) => {
    const name = Buffer.from(alias, 'latin1');
    const entry = Buffer.alloc(4 + 2 + name.length + 8 + 4);
    entry.writeUInt32BE(1, 0);
    entry.writeUInt16BE(name.length, 4);
    name.copy(entry, 6);
    entry.writeUInt32BE(1200, 6 + name.length + 8);
    const key = Buffer.from(rand(2400, '0123456789abcdef'), 'hex');
    const content = Buffer.concat([
      Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1]),
      entry,
      key,
      Buffer.alloc(4),
    ]);
    const digest = createHash('sha1')
      .update(Buffer.from(password, 'utf16le').swap16())
      .update('Mighty Aphrodite')
      .update(content)
      .digest();
    return Buffer.concat([content, digest]);
  };
  // The auditor persona: a low-confidence finding is in the report too.
  const found = async (file: Buffer) => {
    const report = await runCheck({
      root: makeTree({ 'android/app/debug.keystore': file }),
      onlyRules: ['credential-file-committed'],
      failOn: 'never',
      persona: 'auditor',
    });
    return report.findings.map((f) => [f.severity, f.confidence, f.message]);
  };

  it('the key androiddebugkey opened by the public password android is low confidence, saying why', async () => {
    expect(await found(jks('androiddebugkey', 'android'))).toEqual([
      ['high', 'low', 'Android debug keystore (password "android", the public default) is committed.'],
    ]);
  });

  // The message names the store; the digest that identifies it is no part of it.
  it('another password, or another key with the default password, is a keystore to rotate', async () => {
    const keystore = ['high', 'medium', 'Java keystore is committed.'];
    expect(await found(jks('androiddebugkey', 'Zk3v9QpL2mXw7Rt'))).toEqual([keystore]);
    expect(await found(jks('upload', 'android'))).toEqual([keystore]);
  });
});
