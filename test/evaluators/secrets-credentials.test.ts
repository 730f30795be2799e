// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` placeholders are test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { toFinding } from '../../src/core/evaluators/secrets/evaluator.js';
import { scanText } from '../../src/core/evaluators/secrets/scan.js';
import { scanFile } from '../../src/core/evaluators/secrets/source.js';
import { cleanup, runBuiltin, workspaceOf } from './kit.js';
import { certificate, ecKeyPair, githubToken, hits, keyBody, pem, rand } from './secrets-kit.js';

afterAll(cleanup);

const b64 = (s: string) => Buffer.from(s).toString('base64');
const PASSWORD = 'Zk3v9QpL2mXw7Rt';
const TOKEN = rand(40);

describe('credentials in URLs, parsed from the right', () => {
  it('takes a password holding @, : or / whole, and never shows it in the context', () => {
    const [hit] = scanText('config/db.yml', 'url: postgres://app:p@ss:w0rd/X9z@db.prod.internal:5432/app\n');
    expect(hit).toMatchObject({ detector: 'connection-string-password', value: 'p@ss:w0rd/X9z', start: 20 });
    expect(toFinding('config/db.yml', hit!).message).toBe(
      'Password in a postgres URL is committed (`postgres://app@db.prod.internal`): p@… (13 chars).',
    );
  });

  it('reports a token in the user position without printing it', () => {
    for (const url of [
      `https://${TOKEN}:x-oauth-basic@github.com/acme/app.git`,
      `https://${TOKEN}@git.corp.internal/app.git`,
    ]) {
      const found = scanText('scripts/clone.sh', `git clone ${url}\n`);
      expect(found.map((h) => [h.detector, h.value])).toEqual([['connection-string-password', TOKEN]]);
      const finding = toFinding('scripts/clone.sh', found[0]!);
      expect(finding.message).not.toContain(TOKEN.slice(4, 12));
      expect(finding.message).toMatch(
        /^Token in the user name of a https URL is committed \(`https:\/\/[a-z.]+`\): /,
      );
      expect(finding.key).not.toContain(TOKEN.slice(4, 12));
    }
  });

  it("leaves a Sentry DSN's public key alone, not a DSN with its secret key nor a token with another path", () => {
    const key = '3f8e0c9a1b2d4e5f60718293a4b5c6d7';
    const text = [
      `SENTRY_DSN='https://${key}@o450123.ingest.sentry.io/5512345'`,
      `dsn: "https://${key}@self-hosted.getsentry.net/3"`,
      // An Electron app's DSN: sentry.io's project numbers have 16 digits since 2022.
      `  dsn: 'https://${key}@o4504056019353600.ingest.sentry.io/4504056043470848',`,
      `legacy: https://${key}:${PASSWORD}@sentry.internal/12`,
      `clone: https://${key}@git.corp.internal/app.git`,
    ].join('\n');
    expect(scanText('config/sentry.yml', text).map((h) => [h.detector, h.value])).toEqual([
      ['connection-string-password', PASSWORD],
      ['connection-string-password', key],
    ]);
  });

  it("reports a DSN with Sentry's legacy secret key at low confidence, saying why; another password stays", () => {
    const key = '3f8e0c9a1b2d4e5f60718293a4b5c6d7';
    const secret = '9a0b1c2d3e4f5061728394a5b6c7d8e9';
    const text = [
      '\t//nolint:gosec // the Sentry DSN for this client, safe to be public',
      `\tsentryDSN = "https://${key}:${secret}@sentry.io/189878"`,
      `\tother = "https://${key}:${secret}@o450123.ingest.sentry.io/5512345"`,
      // Not a DSN's shape: a password that is no 32-digit hex key, or a path that names no project.
      `\tlegacy = "https://${key}:${PASSWORD}@sentry.internal/12"`,
      `\tclone = "https://${key}:${secret}@git.corp.internal/app.git"`,
    ].join('\n');
    const found = scanText('cmd/app/main.go', text);
    expect(found.map((h) => [h.line, h.detector, h.confidence])).toEqual([
      [2, 'connection-string-password', 'low'],
      [3, 'connection-string-password', 'low'],
      [4, 'connection-string-password', 'high'],
      [5, 'connection-string-password', 'high'],
    ]);
    expect(toFinding('cmd/app/main.go', found[0]!).message).toBe(
      "Password in a https URL is committed (`https://sentry.io`): 9a0b… (32 chars) (a Sentry DSN's legacy secret key, which only authenticates sending events and Sentry no longer requires).",
    );
  });

  it('leaves paths with @, local hosts, default and interpolated passwords alone', () => {
    const text = [
      'uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11',
      'see https://github.com/actions/checkout@v4 and https://www.npmjs.com/package/@scope/name',
      'DATABASE_URL=postgres://app:app@localhost/app',
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db.prod.internal/app',
      'AMQP=amqp://guest:guest@rabbitmq:5672',
      'git clone git@github.com:acme/app.git',
    ].join('\n');
    expect(hits(text, 'docs/setup.md')).toEqual([]);
  });
});

describe('default passwords spelled in leetspeak', () => {
  // `P@ssw0rd` is `password` to every guess; samples write it to pass a password policy. A Compose
  // stack's URL to its own database with it was reported high while `password` itself was not.
  it.each([['P@ssw0rd'], ['p4$$w0rd'], ['Pa55w0rd'], ['r00t'], ['adm1n'], ['S3cr3t']])(
    '%s is the default password it spells, in a URL, a connection string and curl -u',
    (p) => {
      const text = [
        `DB_URL: postgres://app:${p}@db.prod.internal:5432/app`,
        `CS: "Server=sql.prod.internal;User Id=app;Password=${p};"`,
        `curl -u deploy:${p} https://files.internal.example.org/upload`,
      ].join('\n');
      expect(hits(text, 'deploy/compose.yaml')).toEqual([]);
    },
  );

  it.each([
    // More than the default's letters: how people spell real passwords.
    ['Tr0ub4dor'],
    ['P@ssw0rd!x9'],
    ['Adm1nistr4t0r'],
  ])('%s stays reported', (p) => {
    const text = [
      `DB_URL: postgres://app:${p}@db.prod.internal:5432/app`,
      `CS: "Server=sql.prod.internal;User Id=app;Password=${p};"`,
    ].join('\n');
    expect(hits(text, 'deploy/compose.yaml')).toEqual([
      '1:24:connection-string-password',
      '2:52:key-value-connection-string',
    ]);
  });
});

describe('passwords in key-value connection strings', () => {
  // .NET's appsettings.json and Web.config, ODBC and JDBC for SQL Server write `Key=value;` pairs,
  // not URLs: their password passed every detector.
  it.each([
    [
      'src/appsettings.json',
      `{"ConnectionStrings":{"Default":"Server=sql.prod.acme.net;Database=app;User Id=sa;Password=${PASSWORD};"}}`,
      'sa@sql.prod.acme.net',
    ],
    [
      'src/appsettings.Production.json',
      `{"Db": "Host=db.prod.acme.net;Port=5432;Username=app;Password=${PASSWORD}"}`,
      'app@db.prod.acme.net',
    ],
    [
      'src/Web.config',
      `<add name="Db" connectionString="Data Source=tcp:sql.acme.net,1433;Initial Catalog=app;User ID=app;Pwd=${PASSWORD}" />`,
      'app@sql.acme.net',
    ],
    [
      'src/main/resources/application.properties',
      `spring.datasource.url=jdbc:sqlserver://sql.acme.net:1433;databaseName=app;user=app;password=${PASSWORD}`,
      'app@sql.acme.net',
    ],
    // libpq's form: pairs apart by spaces (Go's lib/pq and pgx, psycopg, PostgreSQL's own clients).
    [
      'internal/db/db.go',
      `const dsn = "host=pg.prod.acme.net port=5432 user=billing password=${PASSWORD} dbname=billing sslmode=require"`,
      'billing@pg.prod.acme.net',
    ],
    [
      'app/settings.py',
      `conn = psycopg2.connect("dbname=app user=app password=${PASSWORD} hostaddr=10.2.0.5")`,
      'app@10.2.0.5',
    ],
    // A password may start with `@` or `#`: only `@name@` and `#{name}` are tokens a build fills in.
    [
      'src/appsettings.Staging.json',
      `{"Db": "Server=sql.stage.acme.net;User Id=app;Password=@${PASSWORD};"}`,
      'app@sql.stage.acme.net',
      `@${PASSWORD}`,
    ],
  ])('%s: reports the password, never showing it', (file, line, context, value = PASSWORD) => {
    const found = scanText(file, `${line}\n`);
    expect(found.map((h) => [h.detector, h.value, h.confidence])).toEqual([
      ['key-value-connection-string', value, 'high'],
    ]);
    expect(toFinding(file, found[0]!).message).toContain(`(\`${context}\`)`);
  });

  it('leaves placeholders, defaults, a password equal to the user and local servers alone', () => {
    const text = [
      '"Server=sql.acme.net;Database=app;User Id=app;Password=${DB_PASSWORD};"',
      '"Server=sql.acme.net;Database=app;User Id=app;Password={0};"',
      '"Server=sql.acme.net;Database=app;User Id=app;Password=@db.password@;"',
      '"Server=sql.acme.net;Database=app;User Id=app;Password=#{DbPassword};"',
      '"Server=sql.acme.net;Database=app;User Id=app;Password=#DB_PASSWORD#;"',
      '"Server=sql.acme.net;Database=app;User Id=app;Password=<your password>;"',
      '"Server=sql.acme.net;Database=app;User Id=sa;Password=changeme;"',
      '"Server=sql.acme.net;Database=app;User Id=app;Password=app;"',
      `"Server=localhost;Database=app;User Id=sa;Password=${PASSWORD};"`,
      `"Server=(localdb)\\\\mssqllocaldb;Database=app;User Id=sa;Password=${PASSWORD};"`,
      `"Data Source=.;Initial Catalog=app;User ID=sa;Password=${PASSWORD}"`,
      // A password key without a server and a user is not a connection string.
      `"Password=${PASSWORD};Timeout=30"`,
      // libpq's form: a placeholder, a local server, no host (the local socket), a command line.
      '"host=pg.acme.net user=app password=$PGPASSWORD dbname=app"',
      `"host=localhost user=app password=${PASSWORD} dbname=app"`,
      `"dbname=app user=app password=${PASSWORD}"`,
      `"mysql -h pg.acme.net -u app --password=${PASSWORD}"`,
    ].join('\n');
    expect(
      scanText('src/appsettings.json', `${text}\n`).filter(
        (h) => h.detector === 'key-value-connection-string',
      ),
    ).toEqual([]);
  });
});

describe('credentials given to HTTP clients and tools', () => {
  it('finds curl -u passwords, also on a continuation line, and tokens as the user', () => {
    const text = [
      `curl -u deploy:${PASSWORD} https://files.internal.example.org/upload`,
      'curl -X POST \\',
      '  -H "Content-Type: application/json" \\',
      `  --user "ci-bot:${PASSWORD}" \\`,
      '  https://jenkins.internal.example.org/job/x/build',
      `curl -u ${TOKEN}: https://api.vendor.internal/v1/charges`,
      'curl -u "$USER:$PASS" https://x.internal.example.org',
      'curl -u admin:admin http://localhost:9200',
      'sort -u names.txt',
    ].join('\n');
    expect(hits(text, 'scripts/deploy.sh')).toEqual([
      '1:16:curl-user-password',
      '4:18:curl-user-password',
      '6:9:curl-user-password',
    ]);
  });

  it('finds Authorization headers with literal credentials', () => {
    const text = [
      `curl -H "Authorization: Basic ${b64(`deploy:${PASSWORD}`)}" https://x.internal`,
      `Authorization: Bearer ${TOKEN}`,
      `  -H 'X-API-Key: ${TOKEN}' \\`,
      'Authorization: Bearer $TOKEN',
      'Authorization: Basic dXNlcjpwYXNzd29yZA==',
      "headers: { Authorization: 'Bearer ' + token }",
      'Authorization: Bearer <token>',
    ].join('\n');
    expect(hits(text, 'docs/api.http')).toEqual([
      '1:31:authorization-header',
      '2:23:authorization-header',
      '3:18:authorization-header',
    ]);
  });

  it('reads a typed name in code as a declaration, not an Authorization header', () => {
    // Swift, Kotlin, TypeScript and Python give a name a type after a colon: the "value" is the type.
    const text = [
      'let authorization: CLAccuracyAuthorization = locationManager.accuracyAuthorization',
      'private var authorization: UNNotificationSettingsAuthorization',
      'func seed(authorization: CLAccuracyAuthorization) {}',
      'val authorization: AuthorizationHeaderProvider? = null',
      '    authorization: HTTPAuthorizationCredentials = Depends(bearerScheme),',
      `Authorization: ${TOKEN}`,
      `  authorization: "${TOKEN}",`,
      `headers = { "Authorization": "${TOKEN}" }`,
    ].join('\n');
    expect(hits(text, 'Sources/Shared/Location.swift')).toEqual([
      '6:16:authorization-header',
      '7:19:authorization-header',
      '8:31:authorization-header',
    ]);
  });

  it("reads an OAuth provider's authorization endpoint as a URL, not a header's credential", () => {
    const text = [
      '    authorization: "https://account.box.com/api/oauth2/authorize",',
      "  authorization: { url: 'https://login.acme.example/oauth/authorize', params: { scope: '' } },",
      `  authorization: "${TOKEN}",`,
    ].join('\n');
    expect(hits(text, 'packages/core/src/providers/box.ts')).toEqual(['3:19:authorization-header']);
  });

  it('finds passwords and tokens given as command-line flags', () => {
    const text = [
      `docker login -u ci -p ${PASSWORD} registry.corp.internal`,
      `sshpass -p '${PASSWORD}' ssh deploy@10.0.0.5`,
      `mysql -u root -p${PASSWORD} billing`,
      `vault login --token=${TOKEN}`,
      'docker login -u ci --password-stdin registry.corp.internal',
      'mysql -u root -p billing',
      'app --password "$DB_PASSWORD"',
      // A URL's scheme, and a default value's `:-p`, are no client and no flag.
      "      - 'DATABASE_URL=mysql://$DB_USER:$DB_PASSWORD@db:3306/${MYSQL_DATABASE:-planetscale}'",
      'mysqldump -u app "${DB_NAME:-production}" > dump.sql',
      'DB=mysql://db:3306/app ./migrate -pq8Hf3kLw0pZ7',
    ].join('\n');
    expect(hits(text, 'scripts/ops.sh')).toEqual([
      '1:23:password-flag',
      '2:13:password-flag',
      '3:17:password-flag',
      '4:21:password-flag',
    ]);
  });
});

describe('a flag whose value is code, not a literal', () => {
  it('reads a quote after --password= that closes the literal the flag sits in as no value', () => {
    const lines = [
      "        return ['password' => '--password='.$c['secretvalue'], 'user' => '--user='.$c['username']];",
      "$args = '--password='.$config['password'].' --host='.$host;",
      'const args = "--password="+pw+" --host="+host;',
      "cmd = ['mysql', '--password=',pw,'--host=', host]",
      "args = f'--password={pw}'",
      'const flag = `--password=${pw}`;',
      'my $arg = "--password=" ~$pw;',
      'my $arg = "--token=".$token_from_vault_abcdef0123;',
      // The literal opened on the line before: only the value says it is code.
      '    --password=".$pw." --host=".$host;',
      "    --password='+pw+' --host='+host;",
    ];
    expect(hits(lines.join('\n'), 'src/Db.php')).toEqual([]);
    for (const [i, line] of lines.entries()) expect(hits(line, 'src/Db.php'), `line ${i + 1}`).toEqual([]);
  });

  it('still reports literal passwords after the flag, quoted or not', () => {
    const text = [
      "mysql --password='S3cr3t!x9' billing",
      'mysqldump --password=hunter2x7Q billing > dump.sql',
      "# don't do this: mysql --password='S3cr3t!x9'",
      `run("mysql --password='${PASSWORD}' billing")`,
    ].join('\n');
    expect(hits(text, 'scripts/backup.sh')).toEqual([
      '1:19:password-flag',
      '2:22:password-flag',
      '3:36:password-flag',
      '4:24:password-flag',
    ]);
  });
});

describe('credential files, judged by content', () => {
  // Maven's settings.xml and NuGet configs hold registry passwords in XML, which no detector read.
  it("finds a server password in Maven's settings.xml and a NuGet ClearTextPassword, not references", () => {
    const maven = (v: string) =>
      `<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>ci</username>\n      <password>${v}</password>\n    </server>\n  </servers>\n</settings>\n`;
    expect(hits(maven(PASSWORD), '.mvn/settings.xml')).toEqual(['6:17:registry-config-password']);
    expect(hits(maven(PASSWORD), 'ci/settings-deploy.xml')).toEqual(['6:17:registry-config-password']);
    for (const v of ['${env.MAVEN_PASSWORD}', '{COQLCE6DU6GtcS5P=}', '%MVN_PASS%'])
      expect(hits(maven(v), '.m2/settings.xml')).toEqual([]);
    const nuget = (v: string) =>
      `<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="ci" />\n      <add key="ClearTextPassword" value="${v}" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n`;
    expect(hits(nuget(PASSWORD), 'NuGet.Config')).toEqual(['5:43:registry-config-password']);
    expect(hits(nuget('%NUGET_PASSWORD%'), 'nuget.config')).toEqual([]);
    // A `<password>` element of another XML file is no registry's.
    expect(hits(maven(PASSWORD), 'src/main/resources/users.xml')).toEqual([]);
  });

  it('finds npm, PyPI, netrc and git credential-store entries', () => {
    expect(
      hits(
        `//registry.corp.internal/:_authToken=${rand(8, 'abcdef0123456789')}-${rand(4, 'abcdef0123456789')}-${rand(4, 'abcdef0123456789')}-${rand(4, 'abcdef0123456789')}-${rand(12, 'abcdef0123456789')}\n`,
        '.npmrc',
      ),
    ).toEqual(['1:38:npmrc-credential']);
    expect(hits(`_auth=${b64(`ci:${PASSWORD}`)}\n`, '.npmrc')).toEqual(['1:7:npmrc-credential']);
    expect(hits('//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n', '.npmrc')).toEqual([]);
    expect(hits(`[pypi]\nusername = deploy\npassword = ${PASSWORD}\n`, '.pypirc')).toEqual([
      '3:12:pypirc-password',
    ]);
    expect(hits(`machine github.com\n  login ci\n  password ${PASSWORD}\n`, 'ops/.netrc')).toEqual([
      '3:12:netrc-password',
    ]);
    expect(hits(`https://ci:${PASSWORD}@git.corp.internal\n`, '.git-credentials')).toEqual([
      '1:12:git-credentials',
    ]);
  });

  it.each([
    // [case, path, text, expected]
    ['a tuple unpacked in code', 'app/auth.py', 'username, _password = credentials\n', []],
    [
      'an assignment in code',
      'app/auth.py',
      `_password = "${b64(`ci:${PASSWORD}`)}"\n`,
      ['1:14:generic-secret-assignment'],
    ],
    [
      'a registry-scoped entry in code',
      'ci/setup.py',
      `f.write("//npm.corp.internal/:_password=${b64(PASSWORD)}")\n`,
      ['1:41:npmrc-credential'],
    ],
    [
      'a line appended to .npmrc',
      'ci/setup.sh',
      `echo "_auth=${b64(`ci:${PASSWORD}`)}" >> ~/.npmrc\n`,
      ['1:13:npmrc-credential'],
    ],
    [
      'a heredoc into .npmrc',
      'ci/setup.sh',
      `cat > .npmrc <<EOF\n_password=${b64(PASSWORD)}\nEOF\n`,
      ['2:11:npmrc-credential'],
    ],
    ['an .npmrc entry', 'tools/.npmrc', `_password=${b64(PASSWORD)}\n`, ['1:11:npmrc-credential']],
  ])('reads `_auth`/`_password` as npm settings only in npm context: %s', (_case, path, text, expected) => {
    expect(hits(text, path)).toEqual(expected);
  });

  it('finds docker registry auths and kubeconfig user credentials', () => {
    const docker = `{\n  "auths": {\n    "registry.corp.internal": { "auth": "${b64(`ci:${PASSWORD}`)}" }\n  }\n}\n`;
    expect(hits(docker, '.docker/config.json')).toEqual(['3:42:docker-config-auth']);
    const secret = `kind: Secret\ndata:\n  .dockerconfigjson: ${b64(docker)}\n`;
    expect(hits(secret, 'k8s/pull-secret.yaml')).toEqual(['3:22:docker-config-auth']);
    const kube = [
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: admin',
      '  user:',
      `    client-key-data: ${b64(`${pem('RSA PRIVATE KEY', keyBody('rsa'))}\n`)}`,
      '- name: ci',
      '  user:',
      `    token: ${TOKEN}`,
    ].join('\n');
    expect(hits(kube, 'kubeconfig')).toEqual(['6:22:kubeconfig-credential', '9:12:kubeconfig-credential']);
    // A workflow's `token:` is not a kubeconfig credential.
    expect(
      hits(
        `steps:\n  - uses: actions/checkout@v4\n    with:\n      token: ${'${{ secrets.PAT }}'}\n`,
        '.github/workflows/ci.yml',
      ),
    ).toEqual([]);
  });

  it('reports a .env by what it assigns, not by its name', () => {
    expect(
      hits('IMAGE_TAG=1.4.2\nMEDIA_PATH=/var/media\nDEBUG=true\nMYSQL_ALLOW_EMPTY_PASSWORD="1"\n', '.env'),
    ).toEqual([]);
    expect(hits(`STRIPE_KEY=${rand(32)}\nPORT=8080\n`, 'services/api/.env.production')).toEqual([
      '1:12:dotenv-secret',
    ]);
    expect(hits(`STRIPE_KEY=${rand(32)}\n`, 'services/api/.env.example')).toEqual([]);
    expect(hits(`NEXT_PUBLIC_MAPS_KEY=${rand(32)}\n`, '.env')).toEqual([]);
  });

  // A CI copy of a framework's template keeps its placeholder: words written together around the
  // length the key must have. Reported high before, as a 32-character mixed-case secret.
  it.each([
    ['a phrase around a number', 'APP_KEY=SomeRandomStringOf32CharsExactly', []],
    ['in camel case', 'SESSION_SECRET_KEY=changeThisValueTo64CharactersLong', []],
    [
      'random mixed case around a number stays a secret',
      'APP_KEY=kXbqTzPwLm32HvRnQsDf',
      ['1:9:dotenv-secret'],
    ],
    ['short words around a number stay a secret', 'APP_KEY=AbCdEf12GhIjKl', ['1:9:dotenv-secret']],
  ])('%s', (_name, line, found) => {
    expect(hits(`${line}\n`, '.ci/.env.ci')).toEqual(found);
  });

  it('reports Terraform state only when it holds resources', () => {
    expect(hits('{\n  "version": 4,\n  "resources": []\n}\n', 'infra/terraform.tfstate')).toEqual([]);
    const state =
      '{\n  "version": 4,\n  "resources": [\n    { "type": "aws_db_instance", "instances": [{ "attributes": { "password": "x" } }] }\n  ]\n}\n';
    expect(scanText('infra/terraform.tfstate', state).map((h) => [h.line, h.detector, h.confidence])).toEqual(
      [[3, 'terraform-state', 'high']],
    );
  });
});

describe('generic assignments', () => {
  it.each([
    [
      'a SOPS value',
      'db_password: ENC[AES256_GCM,data:8fj3kLm2,iv:Zm9vYmFy,tag:YmF6cXV4,type:str]',
      'config/secrets.yaml',
    ],
    [
      'a Jasypt value',
      'spring.datasource.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)',
      'src/main/resources/application.properties',
    ],
    ['a Spring Cloud Config cipher', "password: '{cipher}AQA3kLm2Zm9vYmFyYmF6cXV4'", 'config/app.yml'],
    ['an Ansible Vault value', 'db_password: !vault |', 'group_vars/all.yml'],
    ['a commented-out INI default', ';secret_key = 8fj3kLm2Zm9vYmFyYmF6', 'php.ini'],
    ['a commented-out YAML line', '# api_token: 8fj3kLm2Zm9vYmFyYmF6', 'config/app.yml'],
    ['a .NET public key token', '<add assembly="Foo" publicKeyToken="b77a5c561934e089" />', 'web.config'],
    ['a CSRF token', 'csrf_token = "kX8fT2mQ9vL4pR7wZ3nB6yH1"', 'tests/test_forms.py'],
    ['a pagination token', 'nextPageToken: "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA"', 'fixtures/page.yml'],
    ['an idempotency request token', '"ClientRequestToken": "Zk29xQm4Lp7Tr3Vw8Yb1"', 'scripts/stack.json'],
    ['a progress event request token', '#   "RequestToken": "Zk29xQm4Lp7Tr3Vw8Yb1",', 'hack/provision.sh'],
    ['an OAuth 1 request token', 'request_token = "Zk29xQm4Lp7Tr3Vw8Yb1"', 'src/oauth.py'],
    ['a value naming the variable', 'HF_TOKEN: "HF_TOKEN"', 'docker-compose.yml'],
    ['a template placeholder', 'api_key: "{{ .Values.apiKey }}"', 'chart/templates/cm.yaml'],
    ['a printf placeholder', 'password = "%s"', 'src/db.py'],
    ['a REPLACE_ME value', 'client_secret: REPLACE_ME_WITH_REAL_SECRET', 'config/app.yml'],
    ['hashes', 'password: "########"', 'config/app.yml'],
  ])('ignores %s', (_what, line, path) => {
    expect(hits(`${line}\n`, path)).toEqual([]);
  });

  it('still reports a literal secret assigned in code and configuration', () => {
    expect(hits(`DB_PASSWORD = "${PASSWORD}"\n`, 'src/settings.py')).toEqual([
      '1:16:generic-secret-assignment',
    ]);
    expect(hits(`  client_secret: ${PASSWORD}\n`, 'config/app.yml')).toEqual([
      '1:18:generic-secret-assignment',
    ]);
    // Vault's client token is the session credential; an OAuth 1 request token's secret is a secret.
    expect(hits(`client_token = "${PASSWORD}"\n`, 'src/vault.py')).toHaveLength(1);
    expect(hits(`request_token_secret = "${PASSWORD}"\n`, 'src/oauth.py')).toHaveLength(1);
  });

  it.each([
    ['an indexed data source', 'token = data.aws_eks_cluster_auth.cluster[0].token'],
    ['a splat', 'token = data.aws_eks_cluster_auth.cluster[*].token'],
    ['a legacy splat', 'password = data.vault_kv2.ci.*.data'],
    ['an index by count', 'token = data.aws_eks_cluster_auth.cluster[count.index].token'],
    ['an index by expression', 'token = data.aws_eks_cluster_auth.cluster[count.index + 1].token'],
    ['an index by key', 'token = local.kv2[each.key]'],
  ])('ignores a Terraform reference: %s', (_what, line) => {
    expect(
      hits(`provider "kubernetes" {\n  ${line}\n}\n`, 'charts/consul/test/terraform/eks/main.tf'),
    ).toEqual([]);
  });

  it.each([
    ['a quoted index', 'token = data.aws_eks_cluster_auth.cluster["primary"].token'],
    [
      'a function of an indexed reference',
      'token = base64decode(data.aws_eks_cluster_auth.cluster[0].token)',
    ],
    ['a function of a splat', 'token = one(data.aws_eks_cluster_auth.cluster[*].token)'],
    ['a reference without index', 'token = data.aws_eks_cluster_auth.cluster.token'],
  ])('ignores a Terraform reference (as before): %s', (_what, line) => {
    expect(hits(`provider "kubernetes" {\n  ${line}\n}\n`, 'infra/main.tf')).toEqual([]);
  });

  it.each([
    ['a quoted literal', `"${PASSWORD}"`, '2:12'],
    ['an unquoted literal', PASSWORD, '2:11'],
    ['an unquoted literal with an index', `${PASSWORD}[0]`, '2:11'],
    ['a quoted literal shaped like a reference', '"data.Zk3v9Qp.L2mXw7Rt[0]"', '2:12'],
  ])('still reports a literal in a Terraform file: %s', (_what, value, at) => {
    expect(hits(`provider "kubernetes" {\n  token = ${value}\n}\n`, 'infra/main.tf')).toEqual([
      `${at}:generic-secret-assignment`,
    ]);
  });

  it('keeps tokens recognised by their issuer out of the generic detector', () => {
    expect(hits(`token: ${githubToken()}\n`, 'config/app.yml')).toEqual(['1:8:github-token']);
  });
});

describe('Google API keys that are public by design', () => {
  const key = `AIza${rand(35, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}`;
  const plist = (apiKey: string, appId = true) =>
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<plist version="1.0">',
      '<dict>',
      '\t<key>API_KEY</key>',
      `\t<string>${apiKey}</string>`,
      ...(appId
        ? ['\t<key>GOOGLE_APP_ID</key>', '\t<string>1:123456789012:ios:0a1b2c3d4e5f6a7b</string>']
        : []),
      '</dict>',
      '</plist>',
    ].join('\n');

  it('leaves Firebase iOS configuration alone, also a copy per build variant or under another name', () => {
    for (const name of [
      'App/GoogleService-Info.plist',
      'Sources/App/Resources/GoogleService-Info-Debug.plist',
      'ios/Runner/GoogleService-Info-prod.plist',
    ])
      expect(hits(plist(key, false), name), name).toEqual([]);
    expect(hits(plist(key), 'Config/Firebase-Staging.plist')).toEqual([]);
  });

  it('still finds a Google API key in other files', () => {
    expect(hits(plist(key, false), 'App/Info.plist')).toEqual(['5:10:gcp-api-key']);
    expect(hits(plist(key, false), 'App/GoogleServiceAccount.plist')).toEqual(['5:10:gcp-api-key']);
    expect(hits(`const mapsKey = "${key}";\n`, 'src/maps.ts')).toEqual(['1:18:gcp-api-key']);
  });
});

describe('Algolia search-only keys', () => {
  const key = rand(32, '0123456789abcdef');
  const config = (appId: string) =>
    [
      'const searchConfig = {',
      "  index: 'docs',",
      `  app_id: '${appId}',`,
      `  api_key: '${key}',`,
      '};',
    ].join('\n');

  it('leaves the key of a search configuration with an Algolia application id alone, however spelled', () => {
    // A documentation site's own search script (no "appId"/"indexName" spelling, no "algolia" word).
    expect(hits(config('K7QZ2M4XPA'), 'assets/js/main.js')).toEqual([]);
  });

  it.each([
    [
      'a DocSearch widget',
      `docsearch({\n  apiKey: '${key}',\n  indexName: 'docs',\n  inputSelector: '#q',\n});\n`,
      [],
    ],
    // The call's own object only: a key outside it, or a key with no docsearch call, is still reported.
    [
      'a key outside the widget call',
      `docsearch({ container: '#q' });\nconst cfg = {\n  apiKey: '${key}',\n  indexName: 'docs',\n};\n`,
      ['3:12:generic-secret-assignment'],
    ],
    [
      'an index name alone',
      `const cfg = {\n  apiKey: '${key}',\n  indexName: 'docs',\n};\n`,
      ['2:12:generic-secret-assignment'],
    ],
  ])('judges %s', (_name, text, expected) => {
    expect(hits(text, 'site/layouts/search.html')).toEqual(expected);
  });

  it('still finds an api_key beside an index and an application id of another shape', () => {
    expect(hits(config('billing-svc'), 'assets/js/main.js')).toEqual(['4:13:generic-secret-assignment']);
    expect(hits(config('KQZMXPAWRT'), 'assets/js/main.js')).toEqual(['4:13:generic-secret-assignment']);
  });

  it('leaves an api-key header of the same search configuration alone, and finds one elsewhere', () => {
    const request = `curl -H "X-API-Key: ${key}" https://search.example/1/indexes/docs/query\n`;
    expect(hits(`${config('K7QZ2M4XPA')}\n${request}`, 'scripts/search.sh')).toEqual([]);
    expect(hits(request, 'scripts/search.sh')).toEqual(['1:21:authorization-header']);
  });
});

describe("a Kubernetes Secret's base64 data, decoded", () => {
  const AKID = `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  const ASEC = rand(40);
  const GH = githubToken();
  const KEY = `${pem('RSA PRIVATE KEY', keyBody('rsa'))}\n`;
  const head = (name: string, type = 'Opaque') =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: ${type}\n`;
  const opaque = (field: 'data' | 'stringData', encode: (s: string) => string) =>
    `${head('app')}${field}:\n  AWS_ACCESS_KEY_ID: ${encode(AKID)}\n  AWS_SECRET_ACCESS_KEY: ${encode(ASEC)}\n` +
    `  GITHUB_TOKEN: ${encode(GH)}\n`;
  const tls = (key: string, cert = '') =>
    `${head('ingress-tls', 'kubernetes.io/tls')}data:\n  tls.crt: "${b64(cert)}"\n  tls.key: ${b64(key)}\n`;
  /** `line:column:detector:confidence` of a file's hits, as the secret rules see them. */
  const scanned = (files: Record<string, string>, file = Object.keys(files)[0]!) =>
    scanFile(workspaceOf(files), file).hits.map(
      (h) => `${h.line}:${h.start + 1}:${h.detector}:${h.confidence}`,
    );

  const CASES: { name: string; file: string; text: string; found: string[] }[] = [
    {
      name: 'an AWS key pair and a GitHub token under data',
      file: 'deploy/secret.yaml',
      text: opaque('data', b64),
      found: ['7:22:aws-access-key-id:high', '8:26:aws-secret-access-key:high', '9:17:github-token:high'],
    },
    {
      name: 'the same under stringData (the control: judged as written)',
      file: 'deploy/secret.yaml',
      text: opaque('stringData', (s) => s),
      found: ['7:22:aws-access-key-id:high', '8:26:aws-secret-access-key:high', '9:17:github-token:high'],
    },
    {
      name: "a kubernetes.io/tls Secret's key",
      file: 'deploy/tls.yaml',
      text: tls(KEY),
      found: ['8:12:private-key:high'],
    },
    {
      name: 'a Secret in JSON, binaryData too',
      file: 'deploy/secret.json',
      text: JSON.stringify(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app' }, binaryData: { id_rsa: b64(KEY) } },
        null,
        2,
      ),
      found: ['8:16:private-key:high'],
    },
    {
      name: 'the second document of a stream',
      file: 'deploy/all.yaml',
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  mode: fast\n---\n${head('app')}data:\n  token: ${b64(GH)}\n`,
      found: ['14:10:github-token:high'],
    },
    {
      name: 'placeholders and plain words, decoded, are no secrets',
      file: 'deploy/secret.yaml',
      text: `${head('app')}data:\n  password: ${b64('changeme')}\n  api_key: ${b64('<your-api-key>')}\n  mode: ${b64('production')}\n`,
      found: [],
    },
    {
      name: 'a password decoded is judged by its name, as under stringData',
      file: 'deploy/secret.yaml',
      text: `${head('app')}data:\n  DB_PASSWORD: ${b64('Zk3v9QpL2mXw7Rt4')}\n`,
      found: ['7:16:generic-secret-assignment:medium'],
    },
    {
      // Its data is plain text: a random value assigned to `token` is a guess, as before.
      name: 'a ConfigMap is not decoded',
      file: 'deploy/cm.yaml',
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  token: ${b64(GH)}\n`,
      found: ['6:10:generic-secret-assignment:high'],
    },
  ];

  it.each(CASES)('$name', ({ file, text, found }) => {
    expect(scanned({ [file]: text })).toEqual(found);
  });

  it('keeps the identity of the decoded secret, and says where it was encoded', () => {
    const keyOf = (text: string) => {
      const file = 'deploy/secret.yaml';
      const hit = scanFile(workspaceOf({ [file]: text }), file).hits.find(
        (h) => h.detector === 'github-token',
      )!;
      return toFinding(file, hit);
    };
    const encoded = keyOf(opaque('data', b64));
    expect(encoded.key).toBe(keyOf(opaque('stringData', (s) => s)).key);
    expect(encoded.message).toMatch(
      /^GitHub token \(.*\), base64 in `data\.GITHUB_TOKEN` of a Secret, is committed: ghp_… \(40 chars\)\.$/,
    );
    expect(encoded.message).not.toContain(GH.slice(4, 12));
  });

  it("judges a tls Secret's key by its certificate in the same Secret", () => {
    const { pem: key, key: object } = ecKeyPair();
    const cert = certificate({ key: object, subject: { CN: 'localhost' }, san: ['DNS:localhost'] });
    expect(scanned({ 'deploy/tls.yaml': tls(`${key}\n`, cert) })).toEqual(['8:12:private-key:low']);
  });

  it('keeps a .dockerconfigjson as the docker detector reads it', () => {
    const docker = `{"auths":{"registry.corp.internal":{"auth":"${b64(`ci:${PASSWORD}`)}"}}}`;
    const text = `${head('pull', 'kubernetes.io/dockerconfigjson')}data:\n  .dockerconfigjson: ${b64(docker)}\n`;
    expect(scanned({ 'deploy/pull.yaml': text })).toEqual(['7:22:docker-config-auth:high']);
  });

  it('grades a decoded secret of a test path as the same secret written plainly there, through the engine', async () => {
    const judged = async (text: string) =>
      (
        await runBuiltin(
          'api-token-committed',
          { 'test/fixtures/secret.yaml': text, 'deploy/secret.yaml': text },
          { persona: 'auditor' },
        )
      ).map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence}`);
    const plain = await judged(opaque('stringData', (s) => s));
    expect(plain).toEqual(['deploy/secret.yaml:9 high/high', 'test/fixtures/secret.yaml:9 high/low']);
    expect(await judged(opaque('data', b64))).toEqual(plain);
  });
});
