// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { leaks, secretsScan } from '../../src/core/evaluators/secrets/evaluator.js';
import { MAX_LINE_WORK, scanText, scanTextFull } from '../../src/core/evaluators/secrets/scan.js';
import { expectLinear } from '../helpers/linear.js';
import { cleanup, run } from './kit.js';
import { githubToken, hits, keyBody, pem, rand } from './secrets-kit.js';

afterAll(cleanup);

const GHP = githubToken();
const AKIA = `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
const AWS_SECRET = rand(40);

describe('secret scanner', () => {
  it('reports each detector at the exact columns of the value', () => {
    const text = [
      `export GH_TOKEN=${GHP}`,
      `aws_access_key_id = ${AKIA}`,
      'url: postgres://billing:Wg5OG5f40WblYJZNg3Zp@db.prod.internal/billing',
      'DB_PASSWORD = "RjFKIjFpTE0w4Tbb"',
      'curl -u deploy:Vq8#kTz2LmW9pR4x https://files.internal.example.org/',
    ].join('\n');
    expect(hits(text)).toEqual([
      '1:17:github-token',
      '2:21:aws-access-key-id',
      '3:25:connection-string-password',
      '4:16:generic-secret-assignment',
      '5:16:curl-user-password',
    ]);
  });

  it('gives a value to the most specific detector only', () => {
    const token = githubToken('ghs');
    expect(hits(`url = "https://x-access-token:${token}@github.com/o/r"`)).toEqual(['1:31:github-token']);
    expect(hits(`GITHUB_TOKEN = "${GHP}"`)).toEqual(['1:17:github-token']);
    expect(hits(`aws_secret_access_key = "${AWS_SECRET}"`)).toEqual(['1:26:aws-secret-access-key']);
    expect(hits(`curl -H "Authorization: token ${GHP}" https://api.github.com/user`)).toEqual([
      '1:31:github-token',
    ]);
  });

  it('finds a keyword that starts inside another keyword or an anchor', () => {
    // `password` is a keyword (netrc) and the start of an anchor (assignments): both detectors run.
    expect(
      hits('DB_PASSWORD = "RjFKIjFpTE0w4Tbb"\nmachine git.corp.internal login ci password Zk3v9QpL2mXw\n'),
    ).toEqual(['1:16:generic-secret-assignment', '2:45:netrc-entry']);
  });

  it('pairs an unnamed AWS secret key with an access key ID up to three lines away', () => {
    const near = `const c = {\n  id: '${AKIA}',\n  // note\n  s: '${AWS_SECRET}',\n};`;
    expect(hits(near)).toEqual(['2:8:aws-access-key-id', '4:7:aws-secret-access-key']);
    const far = `id: '${AKIA}'\n\n\n\n\ns: '${AWS_SECRET}'`;
    expect(hits(far)).toEqual(['1:6:aws-access-key-id']);
  });

  it('reports a GCP private key only in a service-account key file, verified as a key', () => {
    const body = pem('PRIVATE KEY', keyBody('pkcs8')).replace(/\n/g, '\\n');
    const key = `"private_key": "${body}\\n"`;
    expect(hits(`{\n  "type": "service_account",\n  ${key}\n}`)).toEqual(['3:19:gcp-service-account-key']);
    // Without the service-account marker, the PEM key is still a private key.
    expect(hits(`{\n  ${key}\n}`)).toEqual(['2:19:private-key']);
    const placeholder =
      '"private_key": "-----BEGIN PRIVATE KEY-----\\n<your key>\\n-----END PRIVATE KEY-----\\n"';
    expect(hits(`{\n  "type": "service_account",\n  ${placeholder}\n}`)).toEqual([]);
  });

  it('ignores placeholders, references and look-alikes', () => {
    const text = [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      // The right shape, but the checksum of a made-up body does not match: never issued.
      `GH_TOKEN=ghp_${rand(36)}`,
      'password: ${{ secrets.DB_PASSWORD }}',
      'token = os.environ["TOKEN"]',
      'url: postgres://app:app@localhost/app',
      'secretName: db-credentials',
      "if (line === '-----BEGIN RSA PRIVATE KEY-----') return;",
      'api_key: ENC[AES256_GCM,data:Tr4nF9x2,iv:aGVsbG8=,tag:d29ybGQ=,type:str]',
      '<Reference Include="System.Data, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089" />',
      '<meta name="csrf-token" content="kX8fT2mQ9vL4pR7wZ3nB6yH1">',
      `posthog.init('phc_${rand(43)}')`,
    ].join('\n');
    expect(hits(text, 'src/app.cs')).toEqual([]);
  });

  it('finds secrets anywhere on a long line, in windows around the keywords', () => {
    expect(hits(`${'a'.repeat(19_990)} GH=${GHP}`)).toEqual(['1:19995:github-token']);
    expect(hits(`${'x = 1; '.repeat(30_000)}GH=${GHP}`)).toEqual(['1:210004:github-token']);
    const minified = `${'var a=1;'.repeat(5_000)}const t="${GHP}";${'b();'.repeat(5_000)}`;
    expect(hits(minified, 'dist/app.js')).toEqual(['1:40010:github-token']);
  });

  it('reports the part of a pathological line beyond its work budget as unread', () => {
    const hostile = `${'token=x '.repeat(MAX_LINE_WORK / 4)}GH=${GHP}`;
    const result = scanTextFull('src/x.txt', hostile);
    expect(result.unread).toEqual([expect.objectContaining({ line: 1, reason: 'line too long' })]);
    expect(result.unread[0]!.column).toBeGreaterThan(MAX_LINE_WORK - 10_000);
  });

  // Past a line's work budget, keys and tokens of an issuer's format are still looked for: padding
  // a line (with keywords that spend the budget, or plain filler) cannot hide a key at its end.
  const awsTail = `;var cfg={aws_access_key_id:"${AKIA}",aws_secret_access_key:"${AWS_SECRET}"};`;
  it.each([
    ['plain filler', `var x="${'A'.repeat(790_000)}"${awsTail}`],
    [
      'keyword decoys',
      `${Array.from({ length: 30_000 }, (_, i) => `var a${i}='AKIA password';`).join('')}${awsTail}`,
    ],
    ['guess keywords', `${'token=x '.repeat(MAX_LINE_WORK / 4)}${awsTail}`],
    ['a GitHub token past the budget', `${'token=x '.repeat(MAX_LINE_WORK / 4)}GH=${GHP}`],
  ])('reads keys past the work budget of a long line: %s', async (_what, text) => {
    const result = scanTextFull('config/bundle.js', text);
    const found = result.hits.map((h) => `${h.detector}:${h.confidence}`);
    expect(found).toEqual(
      text.endsWith(awsTail)
        ? ['aws-access-key-id:high', 'aws-secret-access-key:high']
        : ['github-token:high'],
    );
    expect(result.hits.every((h) => h.start > MAX_LINE_WORK)).toBe(true);
    // What is still not read (guesses past the budget) is said, with what was read there.
    const findings = await run(
      secretsScan,
      { families: ['generic'], reportUnread: true },
      { 'config/bundle.js': text },
    );
    for (const f of findings.filter((f) => f.key === 'unread:line too long'))
      expect(f.message).toContain("keys and tokens of an issuer's format were still looked for there");
  });

  // 600,000 bytes from a fixed sequence: `binary` ones (a font, a wasm module) or printable `text`.
  const bytes = (kind: 'binary' | 'text', seed: number) => {
    let x = seed;
    const out = Buffer.alloc(600_000);
    for (let i = 0; i < out.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      out[i] = kind === 'binary' ? (x >> 16) & 255 : 32 + ((x >> 16) % 95);
    }
    return out.toString('base64');
  };
  it.each([
    [
      'a font in an SVG data: URI',
      'logo.svg',
      `<style>\n  src: url(data:font/woff2;charset=utf-8;base64,${bytes('binary', 1)}) format('woff2');\n</style>\n`,
      'base64-encoded binary data (a data: URI)',
    ],
    [
      'a wasm module in source code',
      'src/wasm.ts',
      `export default toBinary(\`${bytes('binary', 2)}\`);\n`,
      'base64-encoded binary data',
    ],
    [
      // (with a guess's keyword past the budget: the keys and tokens of an issuer's format are read there)
      'base64 of text, which may hold a secret',
      'src/blob.ts',
      `export default \`${bytes('text', 3).slice(0, 400_000)}\` + "password=" + \`${bytes('text', 3).slice(400_000)}\`;\n`,
      undefined,
    ],
    [
      'binary followed by more than a few characters of code',
      'src/wasm.ts',
      `export default toBinary(\`${bytes('binary', 4)}\`) + "${'x'.repeat(400)}";\n`,
      undefined,
    ],
  ])('says when the unread rest of a long line is %s, and only then', async (_case, file, text, encoded) => {
    const { unread } = scanTextFull(file, text);
    expect(unread).toEqual([expect.objectContaining({ reason: 'line too long' })]);
    expect(unread[0]!.encoded).toBe(encoded);
    const findings = await run(secretsScan, { families: ['generic'], reportUnread: true }, { [file]: text });
    const notice = findings.filter((f) => f.key === 'unread:line too long');
    expect(notice.map((f) => [f.severity, f.confidence])).toEqual([['info', encoded ? 'low' : 'high']]);
    if (encoded)
      expect(notice[0]!.message).toContain(`the rest of the line is ${encoded}, which holds no text secret`);
  });

  it('stays linear on hostile lines full of keywords', () => {
    expectLinear((scale) => {
      scanText(
        'hostile.txt',
        `${'token=token:password://@'.repeat(10_000 * scale)}\n${'a'.repeat(125_000 * scale)}`,
      );
    });
  });

  it('keeps private keys out of the generic detector and reports them once', () => {
    const text = `tls:\n  key: |\n${pem('EC PRIVATE KEY', keyBody('ec'), '    ')}\n`;
    expect(hits(text, 'config/tls.yml')).toEqual(['3:5:private-key']);
  });
});

/** An AWS access key ID of a given account (the account is encoded in its first ten characters). */
function keyOfAccount(account: bigint): string {
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = (account << 7n) << 2n; // 48 bits of the first six bytes, then two more bits
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = B32[Number(bits & 31n)] + head;
    bits >>= 5n;
  }
  return `AKIA${head}${rand(6, B32)}`;
}

const confidence = (text: string, path = 'src/x.txt') =>
  scanText(path, text).map((h) => `${h.line}:${h.detector}:${h.confidence}${h.note ? `:${h.note}` : ''}`);

describe('confidence from context', () => {
  it('lowers a value shown as an example', () => {
    const slack = () => `xoxb-${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`;
    expect(confidence(`# Example:\n#   SLACK_TOKEN=${slack()}\n`)).toEqual([
      '2:slack-token:low:shown as an example',
    ]);
    expect(confidence(`tokens look like ${slack()}, for example\n`)).toEqual(['1:slack-token:high']);
    expect(confidence(`e.g. ${slack()}\n`)).toEqual(['1:slack-token:low:shown as an example']);
    // A host in RFC 2606's `.example` domain just above is configuration, not an example heading.
    expect(confidence(`API_URL=https://api.internal.example\nSLACK_TOKEN=${slack()}\n`)).toEqual([
      '2:slack-token:high',
    ]);
    // A checksum proves the token was issued, whatever the wording around it.
    expect(confidence(`Example: ${githubToken()}\n`)).toEqual(['1:github-token:high']);
  });

  // Another scanner's allow marker is a reviewer's word on a guess; anyone can append it to a key of
  // an issuer's format, which it does not lower (its message names the marker, see below).
  const slack = () => `xoxb-${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`;
  const awsPair = (marker = '') =>
    `aws_access_key_id = ${AKIA}${marker}\naws_secret_access_key = ${AWS_SECRET}${marker}\n`;
  it.each([
    [
      'a guess with gitleaks:allow',
      'DB_PASSWORD = "RjFKIjFpTE0w4Tbb"  # gitleaks:allow\n',
      ['1:generic-secret-assignment:low:marked as allowed for gitleaks'],
    ],
    [
      'a URL password with pragma: allowlist secret',
      'url = "postgres://app:Wg5OG5f40WblYJZNg3Zp@db.corp.internal/app"  # pragma: allowlist secret\n',
      ['1:connection-string-password:low:marked as allowed for pragma'],
    ],
    [
      'an AWS key pair with nosec',
      awsPair('  # nosec'),
      ['1:aws-access-key-id:high', '2:aws-secret-access-key:high'],
    ],
    [
      'an AWS key pair with gitleaks:allow',
      awsPair('  # gitleaks:allow'),
      ['1:aws-access-key-id:high', '2:aws-secret-access-key:high'],
    ],
    [
      'an AWS key pair with pragma: allowlist secret',
      awsPair('  # pragma: allowlist secret'),
      ['1:aws-access-key-id:high', '2:aws-secret-access-key:high'],
    ],
    ['a Slack token with gitleaks:allow', `token = "${slack()}" // gitleaks:allow\n`, ['1:slack-token:high']],
    [
      'a GitHub token with trufflehog:ignore',
      `token = "${GHP}" # trufflehog:ignore\n`,
      ['1:github-token:high'],
    ],
    [
      'a private key with nosec',
      `key = """${pem('EC PRIVATE KEY', keyBody('ec'))}""" # nosec\n`,
      ['1:private-key:high'],
    ],
  ])("another scanner's allow marker: %s", (_name, text, expected) => {
    expect(confidence(text, 'config/prod.ini')).toEqual(expected);
  });

  it('names an allow marker that did not lower a key in the message', async () => {
    const findings = await run(
      secretsScan,
      { families: ['cloud'] },
      { 'config/prod.ini': awsPair('  # nosec') },
    );
    expect(
      findings.map((f) => [f.confidence, f.message.includes('`nosec` allow marker of another scanner')]),
    ).toEqual([
      ['high', true],
      ['high', true],
    ]);
  });

  // Many values of one kind: a list of samples only where the file is documentation or an example
  // (a scanner's formats, a table of sample tokens), never a configuration a change can pad with
  // look-alikes of its real key, and never an AWS key beside its pair.
  const pairs = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `[profile${i}]\naws_access_key_id = AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}\naws_secret_access_key = ${rand(40)}\n`,
    ).join('');
  const bots = (n: number) =>
    `bots:\n${Array.from({ length: n }, (_, i) => `  bot${i}: ${slack()}`).join('\n')}\n`;
  const ids = (n: number) =>
    `${Array.from({ length: n }, () => `- AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`).join('\n')}\n`;
  const levels = (text: string, path: string) => [
    ...new Set(confidence(text, path).map((h) => h.split(':').slice(1, 3).join(':'))),
  ];
  it.each([
    [
      'a real AWS pair and three decoy pairs in a configuration',
      pairs(4),
      'config/prod.ini',
      ['aws-access-key-id:high', 'aws-secret-access-key:high'],
    ],
    [
      'AWS pairs in documentation',
      pairs(4),
      'README.md',
      ['aws-access-key-id:high', 'aws-secret-access-key:high'],
    ],
    ['four Slack tokens in a configuration', bots(4), 'config/bots.yml', ['slack-token:low']],
    ['four Slack tokens in documentation', bots(4), 'README.md', ['slack-token:low']],
    ['four Slack tokens in an example file', bots(4), 'config/bots.sample.yml', ['slack-token:low']],
    ['three Slack tokens in documentation', bots(3), 'README.md', ['slack-token:high']],
    ['AWS key IDs without secrets in documentation', ids(5), 'README.md', ['aws-access-key-id:low']],
  ])('a list of samples: %s', (_name, text, path, expected) => {
    expect(levels(text, path)).toEqual(expected);
  });

  it('reads many tokens of one kind in documentation as a list of samples, and guesses in documentation as examples', () => {
    const tokens = Array.from({ length: 4 }, (_, i) => `bot${i}: ${slack()}`);
    expect(confidence(`bots:\n${tokens.join('\n')}\n`, 'docs/bots.md')).toEqual(
      [2, 3, 4, 5].map((l) => `${l}:slack-token:low:one of 4 of this kind in the file, a list of samples`),
    );
    expect(confidence(`bot: ${slack()}\n`, 'docs/bots.md')).toEqual(['1:slack-token:high']);
    expect(confidence('DB_PASSWORD = "RjFKIjFpTE0w4Tbb"\n', 'README.md')).toEqual([
      '1:generic-secret-assignment:low:in documentation',
    ]);
  });

  it.each([
    'charts/app/README.md.gotmpl',
    'README.md.tmpl',
    'site/intro.md.j2',
    'guide/index.rst.jinja',
    'README.md.in',
    'site/page.mdx',
    'site/page.mdx.hbs',
    'debian/tool.1',
    'man/api.3',
    'debian/tool.ronn',
    'man/tool.1.ronn',
  ])('reads the guess in %s as documentation (a README template as its README, a manual page)', (path) => {
    expect(confidence('DB_PASSWORD = "RjFKIjFpTE0w4Tbb"\n', path)).toEqual([
      '1:generic-secret-assignment:low:in documentation',
    ]);
  });

  it.each([
    'config/app.yml.tmpl',
    'deploy/values.yaml.gotmpl',
    'templates/env.j2',
    'src/markdown.tmpl',
    'README.md.bak',
    'README.mdtmpl',
    'logs/app.log.1',
    'lib/libx.so.1',
    'src/v1',
  ])('does not read the guess in %s as documentation', (path) => {
    expect(confidence('DB_PASSWORD = "RjFKIjFpTE0w4Tbb"\n', path)).toEqual([
      '1:generic-secret-assignment:medium',
    ]);
  });

  it('reads strings in a list, multi-line strings and commented-out guesses in source code as test data', () => {
    const slack = () => `xoxb-${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`;
    const go = `var cases = []string{\n\t"${slack()}",\n\t"${slack()}",\n\t\`curl -H "Authorization: Bearer ${rand(40)}" \\\n\t  https://api.corp.internal\`,\n}\nconst live = "${slack()}"\n// curl -u ci:${rand(16)} https://x.corp.internal\n`;
    expect(confidence(go, 'internal/rules/slack.go')).toEqual([
      '2:slack-token:low:a string in a list of values',
      '3:slack-token:low:a string in a list of values',
      '4:authorization-header:low:inside a multi-line string',
      '7:slack-token:high',
      '8:curl-user-password:low:in a comment',
    ]);
  });

  it('reads a value in a code sample of documentation text held in one string as documentation', () => {
    const header = `-H 'Authorization: Bearer ${rand(40)}'`;
    const described = (sample: string) =>
      `scheme.description(Some("Include the key in the header:\\n\`\`\`bash\\n${sample}\\n\`\`\`"));\n`;
    expect(confidence(described(header), 'src/routes/openapi.rs')).toEqual([
      '1:authorization-header:low:in a code sample of documentation text held in a string',
    ]);
    // A fence with no line break after it, or the value before the fence: as before.
    expect(confidence(`let h = "\`\`\`"; let v = "${header}";\n`, 'src/routes/openapi.rs')).toEqual([
      '1:authorization-header:high',
    ]);
    expect(confidence(`let v = "${header}\\n\`\`\`\\n";\n`, 'src/routes/openapi.rs')).toEqual([
      '1:authorization-header:high',
    ]);
    // A token whose issuer's shape is verified stays a token there.
    const slack = `xoxb-${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`;
    expect(confidence(described(`export SLACK_TOKEN=${slack}`), 'src/routes/openapi.rs')).toEqual([
      '1:slack-token:high',
    ]);
  });

  it('takes AWS keys of documentation accounts and tokens inside base64 blobs for look-alikes', () => {
    expect(hits(`aws_access_key_id = ${keyOfAccount(123456789012n)}\n`)).toEqual([]);
    expect(hits(`aws_access_key_id = ${keyOfAccount(580938461073n)}\n`)).toEqual(['1:21:aws-access-key-id']);
    const blob = `<image href="data:image/png;base64,${rand(40)}+${rand(30)}/EAA${rand(120)}+${rand(20)}"/>`;
    expect(hits(blob, 'public/sponsors.svg')).toEqual([]);
  });

  it('reports a value repeated on one line once', () => {
    const key = keyOfAccount(580938461073n);
    expect(hits(`{"Raw":"${key}","Redacted":"${key}"}\n`)).toEqual(['1:9:aws-access-key-id']);
  });
});

describe('secrets.scan evaluator', () => {
  it('reports only the rule’s detectors or families, honours minEntropy, and redacts', async () => {
    const files = { 'a.env': `GH=${GHP}\nAPI_KEY=aaaabbbbccccdddd1\nDB_PASSWORD=RjFKIjFpTE0w4Tbb\n` };
    const tokens = await run(secretsScan, { detectors: ['github-token'] }, files);
    expect(tokens.map((f) => f.message)).toEqual([
      'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_) is committed: ghp_… (40 chars).',
    ]);
    expect(await run(secretsScan, { families: ['token'] }, files)).toHaveLength(1);
    const credential = await run(secretsScan, { families: ['credential'] }, files);
    expect(credential.map((f) => f.message)).toEqual([
      'Secret in a .env file is committed (`DB_PASSWORD`): RjF… (16 chars).',
    ]);
    const generic = await run(
      secretsScan,
      { detectors: ['generic-secret-assignment'], minEntropy: 3.5 },
      {
        'src/settings.py': 'API_KEY = "aaaabbbbccccdddd1"\nDB_PASSWORD = "RjFKIjFpTE0w4Tbb"\n',
      },
    );
    expect(generic.map((f) => f.message)).toEqual([
      'A literal secret is assigned to `DB_PASSWORD`: RjF… (16 chars).',
    ]);
  });

  it('keys a finding by a keyed hash of its value: a moved token keeps it, a replaced one changes it', async () => {
    const opts = { detectors: ['github-token'] };
    const a = await run(secretsScan, opts, { 'x.sh': `A=${GHP}\n` });
    const b = await run(secretsScan, opts, { 'x.sh': `\n\n  B=${GHP}\n` });
    const c = await run(secretsScan, opts, { 'x.sh': `A=${githubToken()}\n` });
    expect(a[0]!.key).toBe(b[0]!.key);
    expect(c[0]!.key).not.toBe(a[0]!.key);
    expect(a[0]!.key).not.toContain(GHP.slice(4, 12));
  });

  it('keys a chosen password by its context and 20 bits of its hash: a replacement is a new finding', async () => {
    const opts = { families: ['connection-string'] };
    const url = (p: string) => ({
      'config/db.yml': `url: postgres://billing:${p}@db.prod.internal/billing\n`,
    });
    const a = await run(secretsScan, opts, url('Wg5OG5f40WblYJZNg3Zp'));
    const b = await run(secretsScan, opts, url('Jq2LmW9pR4xVb7Tk1Zc3'));
    expect(a[0]!.key).toMatch(
      /^connection-string-password:postgres:\/\/billing@db\.prod\.internal:[0-9a-f]{5}$/,
    );
    expect(b[0]!.key).not.toBe(a[0]!.key);
  });

  // A file skipped by name (lockfile, minified bundle, source map, node_modules, a package manager's
  // bundle, or a glob of the rule's own `except`) is named by whoever commits it: keys and tokens of
  // an issuer's format are still found there; the guesses, which its random data would fool, are not.
  const KEY = pem('RSA PRIVATE KEY', keyBody('rsa'));
  const planted = [
    `const cfg={aws_access_key_id:"${AKIA}",aws_secret_access_key:"${AWS_SECRET}",github_token:"${GHP}"};`,
    `const key=\`${KEY}\`;`,
    'const db={password:"RjFKIjFpTE0w4Tbb",url:"postgres://billing:Wg5OG5f40WblYJZNg3Zp@db.prod.internal/billing"};',
  ].join('\n');
  const ISSUERS = [
    '1:cloud-key:aws-access-key-id',
    '1:cloud-key:aws-secret-access-key',
    '1:token:github-token',
    '2:private-key:private-key',
  ];
  const last = KEY.split('\n').length + 2;
  const GUESSES = [
    `${last}:generic:generic-secret-assignment`,
    `${last}:connection-string:connection-string-password`,
  ];
  const found = async (files: Record<string, string>, options: Record<string, unknown> = {}) => {
    const out: string[] = [];
    for (const family of ['cloud', 'private-key', 'token', 'generic', 'connection-string'])
      for (const f of await run(secretsScan, { families: [family], ...options }, files))
        out.push(
          `${f.location!.startLine}:${family === 'cloud' ? 'cloud-key' : family}:${f.key!.split(':')[0]}`,
        );
    return out.sort();
  };
  it.each([
    ['src/config.js', {}, [...ISSUERS, ...GUESSES]],
    ['static/config.min.js', {}, ISSUERS],
    ['static/config.js.map', {}, ISSUERS],
    ['deploy/package-lock.json', {}, ISSUERS],
    ['tools/node_modules/cfg/index.js', {}, ISSUERS],
    ['.yarn/releases/deploy.cjs', {}, ISSUERS],
    ['vendor/cfg.js', { except: ['vendor/**'] }, ISSUERS],
  ])(
    'looks for keys and tokens of an issuer’s format in %s, skipped by name or not',
    async (path, options, expected) => {
      expect(await found({ [path]: planted }, options)).toEqual([...expected].sort());
    },
  );

  it('finds only the token among what lockfiles and bundles hold by design', async () => {
    const integrity = `sha512-${Buffer.from(rand(64)).toString('base64')}`;
    const lock = JSON.stringify(
      {
        lockfileVersion: 3,
        packages: {
          'node_modules/jws': {
            version: '4.0.0',
            resolved: 'https://registry.npmjs.org/jws/-/jws-4.0.0.tgz',
            integrity,
          },
          'node_modules/deploy': {
            version: '1.0.0',
            resolved: `https://x-access-token:${GHP}@github.com/o/r`,
          },
        },
      },
      null,
      2,
    );
    const bundle = [
      'var h="-----BEGIN RSA PRIVATE KEY-----",f="-----END RSA PRIVATE KEY-----";function p(e){return h+"\\n"+e+"\\n"+f}',
      `var t={password:"${rand(20)}",secret:"${rand(32)}",map:"data:application/json;base64,${Buffer.from(rand(600)).toString('base64')}",gh:"${GHP}"};`,
    ].join('\n');
    expect(await found({ 'package-lock.json': lock, 'dist/app.min.js': bundle })).toEqual([
      '11:token:github-token',
      '2:token:github-token',
    ]);
  });

  it('drops a context that would repeat part of the value', () => {
    expect(leaks('DB_PASSWORD', 'RjFKIjFpTE0w4Tbb')).toBe(false);
    expect(leaks('prefix-RjFKIjFp', 'RjFKIjFpTE0w4Tbb')).toBe(true);
  });
});
