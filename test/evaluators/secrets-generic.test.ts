// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell and Compose parameter expansions are the subject of some cases.
import { describe, expect, it } from 'vitest';
import {
  LOCAL_ENVIRONMENT_NOTE,
  UUID_UNDER_PASSWORD_NOTE,
} from '../../src/core/evaluators/secrets/generic.js';
import { codeLike, standIn } from '../../src/core/evaluators/secrets/judge.js';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';
import { githubToken, rand } from './secrets-kit.js';

/**
 * The generic assignment detector (`hardcoded-secret`) on the shapes that an audit of public
 * repositories found it misreading, beside real secrets of the same shapes that it must still report.
 * Each case: path, line, and every hit as `column:detector:confidence[:note]`.
 */

const PASSWORD = 'kX9#mQ2$vL7pW4zR';
const UUID = '3f0c2a1e-4b5d-4c6e-8f70-a1b2c3d4e5f6';
/** Every hex digit twice: entropy above 4 bits, which alone would make a value of this length `high`. */
const UUID_RANDOM = 'a3f19c0e-7b5d-8264-5e2d-0b9f4c7a1386';
const GHP = githubToken();

const outcome = (path: string, line: string) =>
  scanText(path, line).map(
    (h) => `${h.start + 1}:${h.detector}:${h.confidence}${h.note === undefined ? '' : `:${h.note}`}`,
  );

type Case = [what: string, path: string, line: string, expected: string[]];

const table = (cases: Case[]) =>
  it.each(cases)('%s', (_what, path, line, expected) => {
    expect(outcome(path, line)).toEqual(expected);
  });

describe('generic assignments: a label inside a string literal is not an assignment', () => {
  table([
    [
      'a label in a minified bundle, code up to the next literal',
      'dist/app.js',
      'var a=n("label",null,"Password:"),e?r().createElement("code",{className:"x"},t):null;',
      [],
    ],
    [
      'a label followed by calls that have no member access',
      'src/form.js',
      'h("Password:"),f1(a,b),g("x")',
      [],
    ],
    [
      'a label with words before the name, in single quotes',
      'src/form.ts',
      "h('Enter your password:'),f1(a,b),g('x')",
      [],
    ],
    ['a label with a Python string prefix', 'src/form.py', "print(f'Password:'),f1(a,b),g('x')", []],
    [
      'a value in an object literal (the quote after the colon opens it)',
      'src/config.js',
      `module.exports={user:"ci",password:"${PASSWORD}"}`,
      ['37:generic-secret-assignment:medium'],
    ],
    [
      'a quoted key: its literal closes before the colon',
      'config/app.json',
      `{"user": "ci", "password": "${PASSWORD}"}`,
      ['29:generic-secret-assignment:medium'],
    ],
    [
      'a value inside the same literal as the name',
      'compose.yml',
      `    environment: ["DB_PASSWORD=${PASSWORD}"]`,
      ['32:generic-secret-assignment:medium'],
    ],
    [
      'a literal with an apostrophe earlier on the line',
      'src/db.js',
      `const hint = "Don't log it"; const password = '${PASSWORD}';`,
      ['48:generic-secret-assignment:medium'],
    ],
    [
      "an apostrophe in a word is not a quote (the user's)",
      'notes/setup.txt',
      `set the user's password='${PASSWORD}' on the host`,
      ['26:generic-secret-assignment:medium'],
    ],
  ]);

  it('leaves code out also in a window of a long line, where open literals are unknown', () => {
    const line = `var x="${'a'.repeat(30_000)}";var a=n("label",null,"Password:"),e?r().createElement("code",{a:1},t)`;
    expect(outcome('dist/app.js', line)).toEqual([]);
    const real = `var x="${'a'.repeat(30_000)}";var c={password:"${PASSWORD}"}`;
    expect(outcome('dist/app.js', real)).toEqual(['30027:generic-secret-assignment:medium']);
  });

  it('does not guess open literals in a chunk of a file that starts in the middle of a line', () => {
    // The chunk starts inside a literal: its first quote closes one, it does not open one.
    const chunk = `aaaa";var c={password:"${PASSWORD}"}`;
    const found = scanText('dist/app.js', chunk, { firstColumn: 100 }).map((h) => h.start + 1);
    expect(found).toEqual([124]);
  });

  it.each([
    ['),e?r().createElement(', true],
    ['}).then(', true],
    ['a.b(', true],
    [PASSWORD, false],
    ['Ab)3.9(x', false],
  ])('codeLike(%s) is %s', (value, expected) => {
    expect(codeLike(value)).toBe(expected);
  });
});

describe('generic assignments: a file reference is not a secret', () => {
  table([
    [
      'Dovecot reads the value from a file (absolute path)',
      'dovecot/conf.d/10-ssl.conf',
      'ssl_key_password = </etc/dovecot/private/k3yPw9.txt',
      [],
    ],
    ['Dovecot, relative path', 'dovecot/conf.d/10-ssl.conf', 'ssl_key_password = <private/k3yPw9.txt', []],
    ['an @ file argument, ./ path', 'deploy/job.conf', 'api_key = @./keys/prod-K3y9.txt', []],
    ['an @ file argument, file name', 'deploy/job.conf', 'api_key = @prodK3y9.txt', []],
    [
      'a random value that starts with < is still a secret',
      'deploy/job.conf',
      `db_password = <${PASSWORD}`,
      ['15:generic-secret-assignment:medium'],
    ],
    [
      'a random value that starts with @ is still a secret',
      'deploy/job.conf',
      `db_password = @${PASSWORD}`,
      ['15:generic-secret-assignment:medium'],
    ],
  ]);
});

/** crypt's alphabet, for hashes made up here. */
const CRYPT = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('generic assignments: a stored password hash is the verifier, not the password', () => {
  const sha512crypt = `$6$rounds=500000$${rand(16, CRYPT)}$${rand(86, CRYPT)}`;
  const bcrypt = `$2b$12$${rand(53, CRYPT)}`;
  const argon2 = `$argon2id$v=19$m=65536,t=3,p=4$${rand(22, B64)}$${rand(43, B64)}`;
  table([
    ['sha512-crypt in a user database (YAML)', 'config/users.yml', `    password: "${sha512crypt}"`, []],
    ['bcrypt, unquoted', 'deploy/values.yaml', `adminPassword: ${bcrypt}`, []],
    ['Argon2id PHC string, quoted', 'config/users.yml', `    password: '${argon2}'`, []],
    [
      'Spring {bcrypt}',
      'src/main/resources/application.properties',
      `app.admin.password={bcrypt}${bcrypt}`,
      [],
    ],
    ['LDAP {SSHA}', 'ldap/users.ldif.conf', `userPassword = {SSHA}${rand(32, B64)}`, []],
    [
      'Django pbkdf2',
      'fixtures/admin.yml',
      `password: pbkdf2_sha256$600000$${rand(22)}$${rand(43, B64)}=`,
      [],
    ],
    [
      'a value that only starts like one is still a secret',
      'deploy/job.conf',
      `db_password = $6${PASSWORD}`,
      ['15:generic-secret-assignment:medium'],
    ],
  ]);
});

describe('generic assignments: the source of a regular expression is a grammar, not a secret', () => {
  table([
    [
      'the HTTP token grammar in a Kotlin constant',
      'src/main/kotlin/MediaType.kt',
      '    private const val TOKEN = "([a-zA-Z0-9-!#$%&\'*+.^_`{|}~]+)"',
      [],
    ],
    ['the characters a key may hold', 'src/validate.py', 'SECRET_KEY = "[A-Za-z0-9!@#%^&*_+=-]{16,64}"', []],
    ['the shape of a key', 'lib/x.go', 'const authKey = `[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]+`', []],
    [
      'a password policy of lookaheads',
      'src/Password.java',
      'private static final String STRONG_PASSWORD = "^(?=.*[A-Z])(?=.*[!@#$&*])(?=.*[0-9]).{12,}$";',
      [],
    ],
    // A bracket or a dash without a class and a quantifier is no pattern.
    [
      'brackets in a real password',
      'deploy/job.conf',
      'db_password = "kX9[mQ2]vL7pW4zR"',
      ['16:generic-secret-assignment:medium'],
    ],
    [
      'a password with a range-like run',
      'deploy/job.conf',
      'db_password = kX9#a-zQ2$vL7pW4+R',
      ['15:generic-secret-assignment:medium'],
    ],
  ]);
});

describe('generic assignments: a value that spells its own name is a label', () => {
  table([
    [
      'a JSON pointer to a schema (OpenAPI $ref-style)',
      '.schema/openapi/patches/selfservice.yaml',
      '      lookup_secret: "#/components/schemas/updateSettingsFlowWithLookupMethod"',
      [],
    ],
    [
      "a feature flag's key",
      'src/Core/Constants.cs',
      '    public const string DeviceAuthKey = "pm-27581-device-auth-key";',
      [],
    ],
    ['a snake_case name in a value', 'deploy/job.conf', 'auth_key = svc-31337-auth-key-2024', []],
    [
      'a random value under the same name is still a secret',
      'deploy/job.conf',
      `auth_key = ${PASSWORD}`,
      ['12:generic-secret-assignment:medium'],
    ],
  ]);
});

describe('generic assignments: names and UUIDs', () => {
  table([
    [
      'a UUID under a password-type name is likelier an identifier: low, and why',
      'src/providers.ts',
      `  OnePassword = "${UUID}",`,
      [`18:generic-secret-assignment:low:${UUID_UNDER_PASSWORD_NOTE}`],
    ],
    [
      'a .NET GUID in braces under a password name',
      'src/Providers.cs',
      `  const string AdminPwd = "{${UUID.toUpperCase()}}";`,
      [`28:generic-secret-assignment:low:${UUID_UNDER_PASSWORD_NOTE}`],
    ],
    [
      'a UUID under a key name may be a key (as Heroku, Snyk, Codecov issue them): medium',
      'config/app.yml',
      `service_api_key: ${UUID_RANDOM}`,
      ['18:generic-secret-assignment:medium'],
    ],
    [
      'a random password under a camelCase compound name',
      'src/db.ts',
      `const dbPassword = "${PASSWORD}";`,
      ['21:generic-secret-assignment:medium'],
    ],
    [
      'a snake_case compound name',
      'config/db.yml',
      `db_password: "${PASSWORD}"`,
      ['15:generic-secret-assignment:medium'],
    ],
    [
      'a lower-case compound name',
      'config/app.yml',
      `clientsecret: "${PASSWORD}"`,
      ['16:generic-secret-assignment:medium'],
    ],
    [
      'a GitHub token under `token:` is reported by its own detector',
      'config/ci.yml',
      `token: ${GHP}`,
      ['8:github-token:high'],
    ],
  ]);
});

/** A GitHub GraphQL node ID of the current format: type prefix, base64url of MessagePack [0, ...ids]. */
const nodeId = (type: string, ...ids: number[]) =>
  `${type}_${Buffer.from([
    0x91 + ids.length,
    0x00,
    ...ids.flatMap((n) => [0xce, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]),
  ]).toString('base64url')}`;
/** A legacy GitHub GraphQL node ID: base64 of `0<length of the type name>:<type name><id>`. */
const legacyNodeId = (type: string, id: number) =>
  Buffer.from(`0${type.length}:${type}${id}`, 'latin1').toString('base64');
const LABEL = nodeId('LA', 0x0ac51308, 0xf94d3422);

describe('generic assignments: a GitHub GraphQL node ID is a public identifier', () => {
  table([
    [
      "a label map's entry named like a secret",
      '.github/actions/triage/config.json',
      `        "Secret":"${LABEL}",`,
      [],
    ],
    [
      'a project field, four parts',
      'scripts/project.py',
      `STATUS_SECRET = "${nodeId('PVTSSF', 0x0b59bf4b, 0x01271f4a, 0x0e75efb9)}"`,
      [],
    ],
    ['the legacy format', 'config/labels.yml', `secret: ${legacyNodeId('PullRequest', 582913476)}`, []],
    // Controls: what only looks like one is judged as any value.
    [
      'a node ID with more after it',
      '.github/actions/triage/config.json',
      `        "Secret":"${LABEL}Qz7w",`,
      ['19:generic-secret-assignment:medium'],
    ],
    [
      'a type prefix before random text',
      '.github/actions/triage/config.json',
      `        "Secret":"LA_kwDO${rand(16)}",`,
      ['19:generic-secret-assignment:high'],
    ],
    [
      "a legacy shape whose length is not its type name's",
      'config/labels.yml',
      `secret: ${Buffer.from('07:PullRequest582913476', 'latin1').toString('base64')}`,
      ['9:generic-secret-assignment:high'],
    ],
    [
      'a GitHub token in a label map is reported by its own detector',
      '.github/actions/triage/config.json',
      `        "Secret":"${GHP}",`,
      ['19:github-token:high'],
    ],
  ]);
});

/** Base64 of `s` as `echo s | base64` writes it, with the newline `echo` adds. */
const echoBase64 = (s: string, eol = '\n') => Buffer.from(s + eol, 'latin1').toString('base64');
/** 16 random bytes ending in a newline byte: binary, so never read as text, with or without it. */
const BINARY_KEY_WITH_NEWLINE = 'nzzhB1rSiEEZtv4tY8B+Cg==';

describe('generic assignments: base64 of a line of text (`echo x | base64`)', () => {
  table([
    [
      'a stand-in value with the newline of `echo` is a stand-in',
      'k8s/secret.yaml',
      `  api-key: ${echoBase64('test-api-key')}`,
      [],
    ],
    [
      'with a Windows line end too',
      'k8s/secret.yaml',
      `  api-key: ${echoBase64('test-api-key', '\r\n')}`,
      [],
    ],
    [
      'a random password with the newline of `echo` is judged as the password',
      'k8s/secret.yaml',
      `  db-password: ${echoBase64(PASSWORD)}`,
      ['16:generic-secret-assignment:medium'],
    ],
    [
      'the same password without the newline, as before',
      'k8s/secret.yaml',
      `  db-password: ${echoBase64(PASSWORD, '')}`,
      ['16:generic-secret-assignment:medium'],
    ],
    [
      'a binary key whose last byte is a newline stays a binary key',
      'k8s/secret.yaml',
      `  api-key: ${BINARY_KEY_WITH_NEWLINE}`,
      ['12:generic-secret-assignment:high'],
    ],
  ]);
});

describe('generic assignments: a stand-in spelled in leetspeak', () => {
  table([
    [
      'a shipped placeholder that names itself',
      'roles/db/defaults/main.yml',
      'db_root_password: "-----====>SetR00tPa$$wordH3r3!!!<====-----"',
      [],
    ],
    ['a placeholder that says change me', 'config/app.yml', 'admin_password: "Chang3M3-n0w!!"', []],
    ['1 read as l', 'config/app.yml', 'api_token: "S4mp1e-Qz9w-Rr2x"', []],
    // Random values with the characters leetspeak uses: undoing it makes letters, never words.
    [
      'random, with 0 1 3 4 5 7',
      'config/app.yml',
      'api_token: "kX0bq1Tz7w3R5m4A"',
      ['13:generic-secret-assignment:medium'],
    ],
    [
      'random, with $ and @',
      'config/app.yml',
      'db_password: "9s0$k3Lp@7qW1eZ4"',
      ['15:generic-secret-assignment:medium'],
    ],
    [
      'random, hex',
      'config/app.yml',
      'client_secret: "4e7a0c3f51b9d2e8a6f0"',
      ['17:generic-secret-assignment:medium'],
    ],
    [
      'a leetspeak word alone is how real passwords are spelled',
      'config/app.yml',
      'db_password: "Tr0ub4dor&3x"',
      ['15:generic-secret-assignment:low'],
    ],
    [
      'a short one that names itself too',
      'config/app.yml',
      'db_password: "S3cr3t!x9Q"',
      ['15:generic-secret-assignment:low'],
    ],
  ]);

  it('keeps random values over the leetspeak characters out of stand-ins', () => {
    // Judged as the same value with digits leetspeak does not use: the leetspeak reading adds nothing.
    const neutral = (v: string) =>
      v.replace(/[013457]/g, (d) => ({ 0: '2', 1: '6', 3: '8', 4: '9', 5: '2', 7: '6' })[d]!);
    let random = 0;
    for (let i = 0; i < 2000; i++) {
      const value = rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz013457');
      expect(standIn(value), value).toBe(standIn(neutral(value)));
      if (!standIn(value)) random += 1;
    }
    expect(random).toBeGreaterThan(1900);
  });
});

describe('generic assignments: a stand-in that says what a password policy asked of it', () => {
  // Samples give a database container words with a symbol and digits added to pass SQL Server's
  // complexity check; the words say so. Reported medium, high confidence, before.
  table([
    [
      'a Compose database password that calls itself complicated',
      'docker-compose.yml',
      '      - SA_PASSWORD=@someThingComplicated1234',
      [],
    ],
    ['one that calls itself strong', 'config/app.yml', 'db_password: "VeryStrong!2024x"', []],
    ['one that calls itself secure', 'config/app.yml', 'admin_password: "#MySecureAdmin42"', []],
    // Controls: the same shape without such a word is judged as any value.
    [
      'words with a symbol and digits, saying nothing of themselves',
      'docker-compose.yml',
      '      - SA_PASSWORD=@someThingBlueberry1234',
      ['21:generic-secret-assignment:high'],
    ],
  ]);
});

describe('generic assignments: a comparison is not an assignment', () => {
  table([
    [
      'an Ansible guard that fails while the placeholder is unchanged',
      'roles/db/tasks/main.yml',
      "  when: db_root_password == 'xq7-PLEASE=>Chang3Me!!-Zk9w-Rr2'",
      [],
    ],
    [
      'a guard on a random value',
      'roles/db/tasks/main.yml',
      "  when: db_root_password == 'xq7-Zk9w-Rr2Lp4Qm8'",
      [],
    ],
    ['a strict comparison in code', 'src/auth.ts', 'if (password === "Zk9w-Rr2xq7Lp4") return;', []],
    ['a negated comparison', 'src/auth.py', "if api_token != 'Zk9wRr2xq7Lp4Qm8':", []],
    [
      'an assignment beside it is still read',
      'src/auth.py',
      `api_token = 'Zk9wRr2xq7Lp4Qm8'`,
      ['14:generic-secret-assignment:medium'],
    ],
    [
      'a real token compared is found by its issuer',
      'src/auth.py',
      `if token == "${GHP}":`,
      ['14:github-token:high'],
    ],
  ]);
});

describe('generic assignments: the default of a parameter expansion', () => {
  table([
    [
      'a word as the default of a Compose variable is a stand-in, like the same word assigned',
      'docker-compose.yaml',
      '      _AIRFLOW_WWW_USER_PASSWORD: ${_AIRFLOW_WWW_USER_PASSWORD:-airflow}',
      [],
    ],
    [
      'a random default is the literal used when the variable is unset: reported from its first character',
      'docker-compose.yaml',
      `      DB_PASSWORD: "\${DB_PASSWORD:-${PASSWORD}}"`,
      ['36:generic-secret-assignment:medium'],
    ],
    [
      'an assignment default (`:=`) is a default too',
      '.env',
      `DB_PASSWORD=\${DB_PASSWORD:=${PASSWORD}}`,
      ['28:generic-secret-assignment:medium'],
    ],
    [
      'a random default of a Spring placeholder (`${NAME:default}`) is reported from its first character',
      'src/main/resources/application.properties',
      `spring.datasource.password=\${MYSQL_PASSWORD:${PASSWORD}}`,
      ['45:generic-secret-assignment:medium'],
    ],
    [
      'a word as the default of a Spring placeholder is a stand-in',
      'src/main/resources/application.yml',
      '    password: ${MYSQL_PASSWORD:changeme}',
      [],
    ],
    [
      'a required variable (`:?`) holds a message, an alternative (`:+`) no default',
      'docker-compose.yaml',
      '      DB_PASSWORD: ${DB_PASSWORD:?Set-DB_PASSWORD-in-the-env-kX9mQ2} ${API_TOKEN:+kX9mQ2vL7pW4zR}',
      [],
    ],
  ]);
});

describe('generic assignments: a placeholder in angle brackets, with spaces', () => {
  table([
    [
      'a properties template names what to paste in words',
      'client.properties',
      'sasl.password=<CONFLUENT CLOUD API SECRET>',
      [],
    ],
    [
      'an env template, with a comment after it',
      '.env.example',
      'API_TOKEN=<the token of your bot> # from the settings page',
      [],
    ],
    [
      'a value that only starts with < is still a value',
      'client.properties',
      `sasl.password=<${PASSWORD}`,
      ['15:generic-secret-assignment:medium'],
    ],
  ]);
});

describe('generic assignments: a phrase with a numbered term in it', () => {
  table([
    [
      'a fallback text that says where the value comes from (k8s)',
      'src/main/resources/application.properties',
      'SPECIAL_K8S_SECRET=if_you_see_this_please_use_k8s',
      [],
    ],
    [
      'the same in upper case, among mixed-case words',
      'src/main/resources/application.properties',
      'challenge_secret=if_you_see_this_please_use_K8S_and_Vault',
      [],
    ],
    [
      'a term with a digit at its end (oauth2)',
      'config/app.properties',
      'CLIENT_SECRET=use-the-oauth2-app-from-vault',
      [],
    ],
    [
      'random groups of one length, one of them shaped like a term',
      'config/app.properties',
      'API_TOKEN=abcd-ef1g-hijk-lmno',
      ['11:generic-secret-assignment:medium'],
    ],
    [
      'random mixed-case groups with digits',
      'config/app.properties',
      'API_TOKEN=Xq7_Lm2z_Pw8r_Tk4n',
      ['11:generic-secret-assignment:medium'],
    ],
    [
      'random lower-case groups with digits',
      'config/app.properties',
      'API_TOKEN=ab12_cd34_ef56_7a8b',
      ['11:generic-secret-assignment:medium'],
    ],
  ]);

  it('never takes a random grouped key for words because of a group with a digit', () => {
    const lower = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const mixed = `${lower}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;
    for (let i = 0; i < 4000; i++) {
      const groups = Array.from({ length: 3 + (i % 3) }, () => rand(4 + (i % 2), i % 4 < 2 ? lower : mixed));
      const value = groups.join(i % 2 ? '-' : '_');
      // Groups of letters or of digits alone, or a number at the end (`word123`), were words before.
      if (standIn(value))
        expect(value).toMatch(/^[A-Za-z_-]*[0-9]*$|^(?:[A-Za-z]+|[0-9]+)(?:[-_](?:[A-Za-z]+|[0-9]+))*$/);
    }
  });
});

describe('generic assignments: the configuration of a stack on the local machine', () => {
  const LOCAL = `generic-secret-assignment:low:${LOCAL_ENVIRONMENT_NOTE}`;
  table([
    [
      'every address is a loopback host or a neighbouring service: low, and why',
      'contrib/dev/proxy.cfg',
      [
        `cookie_secret="${PASSWORD}"`,
        'upstreams="http://upstream"',
        'redirect_url="http://proxy.localtest.me:4180/callback"',
        'oidc_issuer_url="http://idp.localhost:5556/idp"',
      ].join('\n'),
      [`16:${LOCAL}`],
    ],
    [
      'a values file whose in-cluster addresses sit beside loopback ones',
      'deploy/local/values.yaml',
      [
        'config:',
        `  client_secret: "${PASSWORD}"`,
        '  issuer: http://127.0.0.1:5556',
        '  auth_url: http://proxy.default.svc.cluster.local/auth',
        '  # docs: https://github.com/acme/proxy/issues/1',
      ].join('\n'),
      [`19:${LOCAL}`],
    ],
    [
      'one address elsewhere makes it a real environment: kept',
      'contrib/dev/proxy.cfg',
      [
        `cookie_secret="${PASSWORD}"`,
        'redirect_url="http://proxy.localtest.me:4180/callback"',
        'oidc_issuer_url="https://login.acme-corp.io/realms/main"',
      ].join('\n'),
      ['16:generic-secret-assignment:medium'],
    ],
    [
      'a configuration that names no address: kept',
      'config/app.cfg',
      `cookie_secret="${PASSWORD}"`,
      ['16:generic-secret-assignment:medium'],
    ],
    [
      'only neighbouring services, no loopback host: kept (a cluster deployment)',
      'deploy/app.yaml',
      [`client_secret: "${PASSWORD}"`, 'upstream: http://backend:8080'].join('\n'),
      ['17:generic-secret-assignment:medium'],
    ],
    [
      'source code is not judged by its addresses: kept',
      'src/server.ts',
      [`const clientSecret = "${PASSWORD}";`, 'const url = "http://localhost:3000";'].join('\n'),
      ['23:generic-secret-assignment:medium'],
    ],
  ]);
});
